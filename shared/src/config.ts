/**
 * The bot's runtime configuration: environment variables, parsed once at cold start into one
 * typed config per job, with a clear error per bad value. infra/ reuses these names and defaults, so the stack
 * and the functions cannot drift apart.
 */
import { ConfigError } from './errors.ts';
import { parsePriceOverrides, type PriceOverrides } from './domain/prices.ts';
import { dateKey, isValidTimeZone, parseLocalDateTime, parseWeeklyTime, type WeeklyTime } from './domain/calendar.ts';
import type { Scope } from './domain/weekend-scaling.ts';
import { DEFAULT_TOPIC_DISPLAY_NAME, isGsm7, MAX_DISPLAY_NAME_CHARS } from './report/gsm7.ts';

const ENV = {
  topicArn: 'TOPIC_ARN',
  regions: 'REGIONS',
  endpointIdleHours: 'ENDPOINT_IDLE_HOURS',
  endpointIdleActionDays: 'ENDPOINT_IDLE_ACTION_DAYS',
  notebookIdleMinutes: 'NOTEBOOK_IDLE_MINUTES',
  canvasIdleMinutes: 'CANVAS_IDLE_MINUTES',
  studioIdleMinutes: 'STUDIO_IDLE_MINUTES',
  priceOverrides: 'PRICE_OVERRIDES',
  describeConcurrency: 'DESCRIBE_CONCURRENCY',
  timezone: 'TIMEZONE',
  weekendScope: 'WEEKEND_SCOPE',
  weekendRestoreAt: 'WEEKEND_RESTORE_AT',
  holidays: 'HOLIDAYS',
  maxScaleDownDays: 'MAX_SCALE_DOWN_DAYS',
  schedulerRoleArn: 'SCHEDULER_ROLE_ARN',
  schedulerDeadLetterArn: 'SCHEDULER_DLQ_ARN',
  schedulerGroup: 'SCHEDULER_GROUP',
  costPeriodDays: 'COST_PERIOD_DAYS',
  notebookIgnoreConnections: 'NOTEBOOK_IGNORE_CONNECTIONS',
  notebookReadJupyter: 'NOTEBOOK_READ_JUPYTER',
  notebookMaxRunningHours: 'NOTEBOOK_MAX_RUNNING_HOURS',
  notebookJupyterTimeoutSeconds: 'NOTEBOOK_JUPYTER_TIMEOUT_SECONDS',
  topicDisplayName: 'TOPIC_DISPLAY_NAME',
  centralTopicArn: 'CENTRAL_TOPIC_ARN',
  weekendSettlePollSeconds: 'WEEKEND_SETTLE_POLL_SECONDS',
  stateKeyId: 'STATE_KEY_ID',
  stateTable: 'STATE_TABLE',
  reportOnly: 'REPORT_ONLY',
  awsRegion: 'AWS_REGION',
} as const;

const DEFAULTS = {
  endpointIdleHours: 24,
  endpointIdleActionDays: 7,
  notebookIdleMinutes: 60,
  /** AWS's Canvas sample logs users out after two hours of inactivity. */
  canvasIdleMinutes: 120,
  studioIdleMinutes: 60,
  describeConcurrency: 8,
  timezone: 'UTC',
  weekendScope: 'tagged',
  weekendRestoreAt: 'MON 07:00',
  maxScaleDownDays: 14,
  schedulerGroup: 'default',
  costPeriodDays: 1,
  notebookJupyterTimeoutSeconds: 5,
  weekendSettlePollSeconds: 10,
} as const;

/** CloudWatch keeps no trace of a metric that reported nothing for 14 days: our lookback. */
const LOOKBACK_DAYS = 14;

/** What every job needs: where its report goes and which regions it reads. */
interface CommonConfig {
  /** Where reports go; only a dry run may go without one. */
  readonly topicArn: string | undefined;
  /** The topic's display name: SNS puts it in front of every SMS, so the SMS budget counts it. */
  readonly topicDisplayName: string;
  /** Every report is also published here (an organization's central topic, in another account). */
  readonly centralTopicArn?: string | undefined;
  readonly regions: readonly string[];
  /** The DynamoDB table of the bot's state, journal and ledger (jobs that keep state); only a dry run may go without it. */
  readonly stateTable?: string | undefined;
  /** The previous version's KMS HMAC key: only the one-time import of its signed tags uses it. */
  readonly stateKeyId?: string | undefined;
  /** REPORT_ONLY: scheduled runs publish what they would do, change nothing and book no saving. */
  readonly reportOnly?: boolean | undefined;
}

/** A KMS key ARN, alias ARN, `alias/…` or key ID (KMS API Reference, KeyId). */
const KMS_KEY_ID_PATTERN = /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[0-9a-f-]{36}|alias\/[A-Za-z0-9/_-]+)|alias\/[A-Za-z0-9/_-]+|[0-9a-f-]{36})$/;

function parseStateKeyId(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (!KMS_KEY_ID_PATTERN.test(value)) throw new ConfigError(ENV.stateKeyId, `must be a KMS key ARN, alias or key ID, got "${value}"`);
  return value;
}

interface IdleEndpointsConfig extends CommonConfig {
  readonly endpointIdleHours: number;
  /** Days without traffic before an opted-in endpoint is acted on (ops-bot:idle-action); at most the lookback. */
  readonly endpointIdleActionDays: number;
  readonly priceOverrides: PriceOverrides;
  /** How many describe calls run at once per region. */
  readonly describeConcurrency: number;
}

interface WeekendScalingConfig extends CommonConfig {
  readonly priceOverrides: PriceOverrides;
  readonly describeConcurrency: number;
  /** IANA zone that schedules, holidays and `until` are read in. */
  readonly timezone: string;
  readonly weekendScope: Scope;
  /** The weekly restore time (the Monday schedule), used to estimate weekend savings. */
  readonly weekendRestoreAt: WeeklyTime;
  /** Local dates (YYYY-MM-DD) on which no restore runs: it moves to the next working day. */
  readonly holidays: ReadonlySet<string>;
  readonly maxScaleDownDays: number;
  /** Seconds between checks of a component that is Updating, before a refused change is retried. */
  readonly weekendSettlePollSeconds: number;
  /** Where one-time restore schedules are made; required only when one is. */
  readonly oneTimeSchedules?: { readonly roleArn: string; readonly deadLetterArn: string; readonly groupName: string } | undefined;
}

interface CostReportConfig extends CommonConfig {
  readonly priceOverrides: PriceOverrides;
  readonly describeConcurrency: number;
  readonly timezone: string;
  /** The cost report covers this many full local days before today, compared with as many before them. */
  readonly costPeriodDays: number;
}

interface IdleNotebooksConfig extends CommonConfig {
  readonly describeConcurrency: number;
  /** The zone months are counted in, for the savings the bot records. */
  readonly timezone: string;
  readonly notebookIdleMinutes: number;
  /** Open browser connections alone do not make a notebook busy (see domain/notebooks.ts). */
  readonly notebookIgnoreConnections: boolean;
  /**
   * Read idleness from each notebook's Jupyter (CreatePresignedNotebookInstanceUrl: a session in it).
   * Off: running notebooks are reported with their cost, idleness "not read", and none is stopped.
   */
  readonly notebookReadJupyter: boolean;
  /** Stop a notebook whose Jupyter cannot be read after this many running hours; off when undefined. */
  readonly notebookMaxRunningHours?: number | undefined;
  readonly notebookJupyterTimeoutSeconds: number;
  /** A Canvas session inactive this long is logged out, where its user profile or domain opted in. */
  readonly canvasIdleMinutes: number;
  /** The idle shutdown the audit turns on in an opted-in domain's defaults where it is off. */
  readonly studioIdleMinutes: number;
  /** The admin's own prices: here only `mlflow.<size>` is read (it wins over the Price List; the table has no MLflow price). */
  readonly priceOverrides: PriceOverrides;
}

interface SavingsReportConfig extends CommonConfig {
  /** The zone months are counted in. */
  readonly timezone: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const TOPIC_ARN_PATTERN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** What the jobs that keep signed state need on top: their key. Parsed only for them, so a bad key never stops the others. */
function parseStatefulConfig(env: Env): CommonConfig {
  return { ...parseCommonConfig(env), stateTable: parseStateTable(env[ENV.stateTable]), stateKeyId: parseStateKeyId(env[ENV.stateKeyId]) };
}

/** DynamoDB table names: 3–255 of `A-Za-z0-9_.-` (DynamoDB API Reference, CreateTable: TableName). */
const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

function parseStateTable(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (!TABLE_NAME_PATTERN.test(value)) throw new ConfigError(ENV.stateTable, `must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -), got "${value}"`);
  return value;
}

function parseCommonConfig(env: Env): CommonConfig {
  return {
    reportOnly: parseBoolean(env, ENV.reportOnly, false),
    topicArn: parseTopicArn(env[ENV.topicArn]),
    topicDisplayName: parseTopicDisplayName(env[ENV.topicDisplayName]),
    centralTopicArn: env[ENV.centralTopicArn]?.trim() ? parseCentralTopicArn(env[ENV.centralTopicArn]) : undefined,
    regions: parseRegions(env[ENV.regions], env[ENV.awsRegion]),
  };
}

const parseDescribeConcurrency = (env: Env) => parseInteger(env, ENV.describeConcurrency, DEFAULTS.describeConcurrency, 1, 32);

function parseIdleEndpointsConfig(env: Env): IdleEndpointsConfig {
  return {
    ...parseStatefulConfig(env),
    endpointIdleHours: parseInteger(env, ENV.endpointIdleHours, DEFAULTS.endpointIdleHours, 1, LOOKBACK_DAYS * 24),
    endpointIdleActionDays: parseInteger(env, ENV.endpointIdleActionDays, DEFAULTS.endpointIdleActionDays, 1, LOOKBACK_DAYS),
    priceOverrides: parsePriceOverridesVariable(env[ENV.priceOverrides]),
    describeConcurrency: parseDescribeConcurrency(env),
  };
}

function parseWeekendScalingConfig(env: Env): WeekendScalingConfig {
  return {
    ...parseStatefulConfig(env),
    priceOverrides: parsePriceOverridesVariable(env[ENV.priceOverrides]),
    describeConcurrency: parseDescribeConcurrency(env),
    timezone: parseTimezone(env[ENV.timezone]),
    weekendScope: parseScope(env[ENV.weekendScope]),
    weekendRestoreAt: parseRestoreAt(env[ENV.weekendRestoreAt]),
    holidays: parseHolidays(env[ENV.holidays]),
    maxScaleDownDays: parseInteger(env, ENV.maxScaleDownDays, DEFAULTS.maxScaleDownDays, 1, 60),
    weekendSettlePollSeconds: parseInteger(env, ENV.weekendSettlePollSeconds, DEFAULTS.weekendSettlePollSeconds, 0, 60),
    oneTimeSchedules: parseOneTimeSchedules(env),
  };
}

function parseCostReportConfig(env: Env): CostReportConfig {
  return {
    ...parseCommonConfig(env),
    priceOverrides: parsePriceOverridesVariable(env[ENV.priceOverrides]),
    describeConcurrency: parseDescribeConcurrency(env),
    timezone: parseTimezone(env[ENV.timezone]),
    costPeriodDays: parseInteger(env, ENV.costPeriodDays, DEFAULTS.costPeriodDays, 1, 7),
  };
}

function parseIdleNotebooksConfig(env: Env): IdleNotebooksConfig {
  return {
    ...parseStatefulConfig(env),
    describeConcurrency: parseDescribeConcurrency(env),
    timezone: parseTimezone(env[ENV.timezone]),
    notebookIdleMinutes: parseInteger(env, ENV.notebookIdleMinutes, DEFAULTS.notebookIdleMinutes, 5, 7 * 24 * 60),
    notebookIgnoreConnections: parseBoolean(env, ENV.notebookIgnoreConnections, true),
    notebookReadJupyter: parseBoolean(env, ENV.notebookReadJupyter, true),
    notebookMaxRunningHours: env[ENV.notebookMaxRunningHours]?.trim() ? parseInteger(env, ENV.notebookMaxRunningHours, 0, 1, 24 * 30) : undefined,
    notebookJupyterTimeoutSeconds: parseInteger(env, ENV.notebookJupyterTimeoutSeconds, DEFAULTS.notebookJupyterTimeoutSeconds, 1, 30),
    canvasIdleMinutes: parseInteger(env, ENV.canvasIdleMinutes, DEFAULTS.canvasIdleMinutes, 30, 7 * 24 * 60),
    // SageMaker accepts 60 to 525,600 minutes (API Reference, IdleSettings.IdleTimeoutInMinutes); a week is the most that helps.
    studioIdleMinutes: parseInteger(env, ENV.studioIdleMinutes, DEFAULTS.studioIdleMinutes, 60, 7 * 24 * 60),
    priceOverrides: parsePriceOverridesVariable(env[ENV.priceOverrides]),
  };
}

function parseSavingsReportConfig(env: Env): SavingsReportConfig {
  return { ...parseStatefulConfig(env), timezone: parseTimezone(env[ENV.timezone]) };
}

const COMMON_VARIABLES = [ENV.topicArn, ENV.topicDisplayName, ENV.centralTopicArn, ENV.regions, ENV.reportOnly] as const;
/** Jobs that keep signed state on resources. */
const STATEFUL_VARIABLES = [...COMMON_VARIABLES, ENV.stateTable, ENV.stateKeyId] as const;

/**
 * Each function's own settings: the stack gives a function only these variables, and the function
 * parses only these, so a bad setting of one job can never stop another from starting.
 */
const JOB_CONFIG = {
  'idle-endpoints': {
    parse: parseIdleEndpointsConfig,
    variables: [...STATEFUL_VARIABLES, ENV.endpointIdleHours, ENV.endpointIdleActionDays, ENV.priceOverrides, ENV.describeConcurrency],
  },
  'weekend-scaling': {
    parse: parseWeekendScalingConfig,
    variables: [
      ...STATEFUL_VARIABLES,
      ENV.priceOverrides,
      ENV.describeConcurrency,
      ENV.timezone,
      ENV.weekendScope,
      ENV.weekendRestoreAt,
      ENV.holidays,
      ENV.maxScaleDownDays,
      ENV.weekendSettlePollSeconds,
      ENV.schedulerRoleArn,
      ENV.schedulerDeadLetterArn,
      ENV.schedulerGroup,
    ],
  },
  'cost-report': {
    parse: parseCostReportConfig,
    variables: [...COMMON_VARIABLES, ENV.priceOverrides, ENV.describeConcurrency, ENV.timezone, ENV.costPeriodDays],
  },
  'idle-notebooks': {
    parse: parseIdleNotebooksConfig,
    variables: [
      ...STATEFUL_VARIABLES,
      ENV.describeConcurrency,
      ENV.timezone,
      ENV.notebookIdleMinutes,
      ENV.notebookIgnoreConnections,
      ENV.notebookReadJupyter,
      ENV.notebookMaxRunningHours,
      ENV.notebookJupyterTimeoutSeconds,
      ENV.canvasIdleMinutes,
      ENV.studioIdleMinutes,
      ENV.priceOverrides,
    ],
  },
  'savings-report': {
    parse: parseSavingsReportConfig,
    variables: [...STATEFUL_VARIABLES, ENV.timezone],
  },
} as const satisfies Record<string, { parse: (env: Env) => CommonConfig; variables: readonly string[] }>;

type JobName = keyof typeof JOB_CONFIG;
const JOB_NAMES = Object.keys(JOB_CONFIG) as JobName[];

function parseCentralTopicArn(raw: string | undefined): string {
  const value = (raw ?? '').trim();
  if (!TOPIC_ARN_PATTERN.test(value)) throw new ConfigError(ENV.centralTopicArn, `must be an SNS topic ARN, got "${value}"`);
  return value;
}

function parseTopicDisplayName(raw: string | undefined): string {
  const value = raw ?? DEFAULT_TOPIC_DISPLAY_NAME;
  if (value.length > MAX_DISPLAY_NAME_CHARS || !isGsm7(value)) {
    throw new ConfigError(
      ENV.topicDisplayName,
      `must be at most ${MAX_DISPLAY_NAME_CHARS} GSM-7 characters (SNS puts it in front of every SMS), got "${value}"`,
    );
  }
  return value;
}

function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
  return raw === 'true';
}

function parseTimezone(raw: string | undefined): string {
  const value = raw?.trim() || DEFAULTS.timezone;
  if (!isValidTimeZone(value)) throw new ConfigError(ENV.timezone, `"${value}" is not an IANA time zone (e.g. Europe/Berlin)`);
  return value;
}

function parseScope(raw: string | undefined): Scope {
  const value = raw?.trim() || DEFAULTS.weekendScope;
  if (value !== 'tagged' && value !== 'all') throw new ConfigError(ENV.weekendScope, `must be "tagged" or "all", got "${value}"`);
  return value;
}

function parseRestoreAt(raw: string | undefined): WeeklyTime {
  const value = raw?.trim() || DEFAULTS.weekendRestoreAt;
  const weekly = parseWeeklyTime(value);
  if (!weekly) throw new ConfigError(ENV.weekendRestoreAt, `must look like "MON 07:00", got "${value}"`);
  return weekly;
}

function parseHolidays(raw: string | undefined): ReadonlySet<string> {
  const dates = (raw ?? '')
    .split(',')
    .map((date) => date.trim())
    .filter((date) => date.length > 0);
  for (const date of dates) {
    const parsed = parseLocalDateTime(`${date}T00:00`);
    if (!parsed || dateKey(parsed) !== date) throw new ConfigError(ENV.holidays, `has "${date}", which is not a date like 2026-12-25`);
  }
  return new Set(dates);
}

function parseOneTimeSchedules(env: Env): WeekendScalingConfig['oneTimeSchedules'] {
  const roleArn = env[ENV.schedulerRoleArn]?.trim();
  const deadLetterArn = env[ENV.schedulerDeadLetterArn]?.trim();
  if (!roleArn && !deadLetterArn) return undefined;
  if (!roleArn || !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(roleArn)) {
    throw new ConfigError(ENV.schedulerRoleArn, `must be an IAM role ARN when ${ENV.schedulerDeadLetterArn} is set`);
  }
  if (!deadLetterArn || !/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:.+$/.test(deadLetterArn)) {
    throw new ConfigError(ENV.schedulerDeadLetterArn, `must be an SQS queue ARN when ${ENV.schedulerRoleArn} is set`);
  }
  return { roleArn, deadLetterArn, groupName: env[ENV.schedulerGroup]?.trim() || DEFAULTS.schedulerGroup };
}

function parseTopicArn(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (!TOPIC_ARN_PATTERN.test(value)) {
    throw new ConfigError(ENV.topicArn, `must be an SNS topic ARN, got "${value}"`);
  }
  return value;
}

function parseRegions(raw: string | undefined, ownRegion: string | undefined): string[] {
  const listed = (raw ?? '')
    .split(',')
    .map((region) => region.trim())
    .filter((region) => region.length > 0);
  const regions = listed.length > 0 ? listed : ownRegion?.trim() ? [ownRegion.trim()] : [];
  if (regions.length === 0) {
    throw new ConfigError(ENV.regions, `is empty and ${ENV.awsRegion} is not set: name at least one region`);
  }
  for (const region of regions) {
    if (!REGION_PATTERN.test(region)) {
      throw new ConfigError(ENV.regions, `has "${region}", which is not an AWS region name (e.g. us-east-1)`);
    }
  }
  return [...new Set(regions)];
}

function parseInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function parsePriceOverridesVariable(raw: string | undefined): PriceOverrides {
  if (raw === undefined || raw.trim() === '') return {};
  try {
    return parsePriceOverrides(JSON.parse(raw));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : (error as Error).message;
    throw new ConfigError(ENV.priceOverrides, `${reason} (expected e.g. {"ml.g5.xlarge": 1.41})`);
  }
}

/** A non-dry run must have somewhere to publish; checked before any AWS call. */
/** Before any AWS call: a real run of a job that keeps state must have its state table. */
function requireStateTable(config: CommonConfig): string {
  if (!config.stateTable) throw new ConfigError(ENV.stateTable, 'is not set; only a dry run can go without it (the bot keeps its state nowhere else)');
  return config.stateTable;
}

function requireTopicArn(config: CommonConfig): string {
  if (!config.topicArn) throw new ConfigError(ENV.topicArn, 'is not set; only a dry run can go without it');
  return config.topicArn;
}

export {
  requireStateTable,
  ENV,
  DEFAULTS,
  LOOKBACK_DAYS,
  JOB_CONFIG,
  JOB_NAMES,
  parseCommonConfig,
  parseIdleEndpointsConfig,
  parseWeekendScalingConfig,
  parseCostReportConfig,
  parseIdleNotebooksConfig,
  parseSavingsReportConfig,
  requireTopicArn,
};
export type { CommonConfig, IdleEndpointsConfig, WeekendScalingConfig, CostReportConfig, IdleNotebooksConfig, SavingsReportConfig, JobName, Env };
