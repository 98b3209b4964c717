/**
 * The deploy-time configuration, read from the CDK context key `opsBot` (cdk.json, or
 * `-c opsBot='{"…"}'`). Every value is checked here, so a typo fails `cdk synth` with a message
 * naming the setting instead of failing at 09:00 in production.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_TOPIC_DISPLAY_NAME } from '@ops-bot/shared/report/gsm7';
import { ENV, JOB_CONFIG, JOB_NAMES, type JobName } from '@ops-bot/shared/config';
import { ConfigError } from '@ops-bot/shared/errors';

interface DailyTime {
  readonly hour: number;
  readonly minute: number;
}

interface WeeklyTime extends DailyTime {
  /** MON … SUN */
  readonly weekDay: string;
}

interface DeployConfig {
  /** `defaults`: there is no config file, so every job is report-only until one says otherwise. */
  readonly source?: 'file' | 'defaults';
  /** IANA time zone every schedule is read in, e.g. Europe/Berlin. Scheduler handles DST. */
  readonly timezone: string;
  readonly emails: readonly string[];
  /** E.164 numbers, e.g. +14155550100. */
  readonly smsNumbers: readonly string[];
  /** Regions the jobs read; default: the stack's own region. */
  readonly regions?: readonly string[];
  readonly endpointIdleHours?: number;
  /** Days without traffic before an endpoint tagged ops-bot:idle-action is acted on (default 7, at most 14). */
  readonly endpointIdleActionDays?: number;
  readonly priceOverrides?: Readonly<Record<string, number>>;
  readonly schedules: {
    readonly idleEndpoints: DailyTime;
    readonly weekendScaleDown: WeeklyTime;
    readonly weekendRestore: WeeklyTime;
    readonly costReport: DailyTime;
    readonly studioAudit: DailyTime;
    readonly savingsReport: DailyTime;
  };
  /** Optional: stop every notebook in the evening and start those again in the morning, on weekDays. */
  readonly notebookOffHours?: { readonly stop: DailyTime; readonly start: DailyTime; readonly weekDays: string };
  readonly notebookIdleMinutes?: number;
  /** Minutes a Canvas session may stay inactive before it is logged out (opted-in profiles and domains only). */
  readonly canvasIdleMinutes?: number;
  /** Minutes of the idle shutdown the audit turns on in an opted-in domain's defaults. */
  readonly studioIdleMinutes?: number;
  /**
   * false: the notebook job never opens a notebook's Jupyter (no CreatePresignedNotebookInstanceUrl),
   * reads no idleness and stops none. Unset: true where the notebook job acts, false where it is
   * report-only (a first week holds no session in anyone's Jupyter unless the admin opts in).
   */
  readonly notebookReadsJupyter?: boolean;
  readonly notebookMaxRunningHours?: number;
  /** Full local days each cost report covers (COST_PERIOD_DAYS). */
  readonly costPeriodDays?: number;
  readonly logRetentionDays: number;
  /** For `infra/stackset-app.ts`: deploy to every account of these OUs, in these regions. */
  readonly stackSets?: StackSetsConfig;
  /**
   * Also publish every report to this topic, typically a central one in another account of the
   * organization (its policy must allow it: docs/many-accounts.md).
   */
  readonly centralTopicArn?: string;
  /** Optional: the report topic also goes to a chat channel through AWS's chat integration. */
  readonly chat?: ChatConfig;
  /** `tagged` (opt-in with ops-bot:weekend-scale-to-zero) or `all` (everything not skipped). */
  readonly weekendScope: 'tagged' | 'all';
  /** Local dates (YYYY-MM-DD) on which no weekend restore runs. */
  readonly holidays: readonly string[];
  readonly maxScaleDownDays?: number;
  /**
   * `true` (every job) or the jobs that only report: their scheduled runs publish what they would do
   * and change nothing (REPORT_ONLY=true), and their roles hold no write permission at all.
   */
  readonly reportOnly?: boolean | readonly JobName[];
}

const DEFAULT_SCHEDULES = {
  idleEndpoints: { hour: 9, minute: 0 },
  weekendScaleDown: { weekDay: 'FRI', hour: 18, minute: 0 },
  weekendRestore: { weekDay: 'MON', hour: 7, minute: 0 },
  costReport: { hour: 8, minute: 0 },
  studioAudit: { hour: 9, minute: 15 },
  /** On the 1st of each month. */
  savingsReport: { hour: 8, minute: 0 },
} as const;
const WEEK_DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
const DEFAULT_LOG_RETENTION_DAYS = 90;
const KNOWN_KEYS = [
  'timezone',
  'emails',
  'smsNumbers',
  'regions',
  'endpointIdleHours',
  'endpointIdleActionDays',
  'priceOverrides',
  'schedules',
  'logRetentionDays',
  'weekendScope',
  'holidays',
  'maxScaleDownDays',
  'costPeriodDays',
  'notebookOffHours',
  'notebookIdleMinutes',
  'canvasIdleMinutes',
  'studioIdleMinutes',
  'notebookMaxRunningHours',
  'notebookReadsJupyter',
  'stackSets',
  'centralTopicArn',
  'chat',
  'reportOnly',
];
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const EMAIL = /^[^\s@",]+@[^\s@",]+\.[^\s@",]+$/;
const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * What is wrong with the deploy config: every problem found, one line each, naming the key as it is
 * written in the file (`schedules.weekendScaleDown.hour`, `emails[1]`), so one round fixes them all.
 */
class DeployConfigError extends Error {
  readonly problems: readonly string[];
  constructor(setting: string, problem: string, others: readonly string[] = []) {
    const problems = [...(setting || problem ? [`${setting ? `${setting} ` : ''}${problem}`] : []), ...others];
    super(problems.map((line) => `Invalid deploy config: ${line}`).join('\n'));
    this.name = 'DeployConfigError';
    this.problems = problems;
  }

  static of(problems: readonly string[]): DeployConfigError {
    return new DeployConfigError('', '', problems);
  }
}

/** Runs each check on its own and keeps its problems, so a config with three mistakes names all three. */
class ProblemList {
  readonly problems: string[] = [];

  /** The value of `work`, or `fallback` with `work`'s problems kept. */
  check<T>(work: () => T, fallback: T): T {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof DeployConfigError)) throw error;
      this.add(error);
      return fallback;
    }
  }

  add(error: DeployConfigError): void {
    for (const problem of error.problems) if (!this.problems.includes(problem)) this.problems.push(problem);
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw DeployConfigError.of(this.problems);
  }
}

/** The known name closest to a misspelt one (at most a third of it edited), for "did you mean". */
function nearest(name: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let diagonal = row[0] as number;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const above = row[j] as number;
        row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length] as number;
  };
  const [best] = known.map((candidate) => ({ candidate, score: distance(name, candidate) })).sort((a, b) => a.score - b.score);
  return best && best.score <= Math.max(2, Math.floor(name.length / 3)) ? best.candidate : undefined;
}

function unknownKey(setting: string, name: string, known: readonly string[], what = 'setting'): DeployConfigError {
  const guess = nearest(name, known);
  return new DeployConfigError(setting, `is not a known ${what}: ${guess ? `did you mean "${guess}"?` : `known are ${known.join(', ')}`}`);
}

/**
 * Commercial AWS regions where SageMaker AI hosts endpoints (AWS General Reference, SageMaker AI
 * endpoints and quotas). A name outside the list is almost always a typo that would deploy a job
 * reading an empty region forever.
 */
const SAGEMAKER_REGIONS: ReadonlySet<string> = new Set([
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-south-1',
  'eu-south-2',
  'eu-north-1',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'mx-central-1',
  'sa-east-1',
]);

/** Where the deploy config lives: one file, read by every synth, so no deploy can drop it. */
const DEFAULT_CONFIG_FILE = 'ops-bot.config.json';

/**
 * The deploy config from its file (OPS_BOT_CONFIG or ops-bot.config.json; none means the defaults).
 * A config given with `-c opsBot=…` is refused: it would be lost on the next deploy without `-c`,
 * moving every schedule to UTC and removing every subscription without a word.
 */
function readDeployConfig(options: { contextValue: unknown; file?: string; cwd?: string }): DeployConfig {
  if (options.contextValue !== undefined) {
    throw new DeployConfigError(
      'opsBot',
      `was given as CDK context (-c opsBot=… or cdk.json): put these settings in ${DEFAULT_CONFIG_FILE} instead, so that the next deploy cannot drop them`,
    );
  }
  const path = resolve(options.cwd ?? process.cwd(), options.file ?? DEFAULT_CONFIG_FILE);
  // No file: the safe defaults. Nothing acts until a config file says so.
  if (!existsSync(path)) return { ...parseDeployConfig({ reportOnly: true }), source: 'defaults' };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DeployConfigError('', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  return { ...parseDeployConfig(raw), source: 'file' };
}

/** One line per job for synth: whether it acts or only reports (and then holds no write permission). */
function booleanSetting(raw: unknown, setting: string): boolean {
  if (typeof raw !== 'boolean') throw new DeployConfigError(setting, `must be true or false, got ${JSON.stringify(raw)}`);
  return raw;
}

/** The one line that says a deployment runs on the defaults: report-only, and how to act. */
function defaultsLine(file: string): string {
  return `no ${file}: the defaults, every job report-only (nothing is changed); copy ops-bot.config.example.json to ${file}, and set "reportOnly" to false or to the jobs that stay report-only, to act`;
}

/**
 * Settings that are numbers in the file: a number written as a string ("24") or a fraction where a
 * whole number is meant is refused, naming the value as written.
 */
const WHOLE_NUMBER_KEYS = [
  'endpointIdleHours',
  'endpointIdleActionDays',
  'notebookIdleMinutes',
  'canvasIdleMinutes',
  'studioIdleMinutes',
  'notebookMaxRunningHours',
  'maxScaleDownDays',
  'costPeriodDays',
] as const;

function numberProblems(raw: Record<string, unknown>): Array<{ key: string; problem: DeployConfigError }> {
  return WHOLE_NUMBER_KEYS.flatMap((key) => {
    const value = raw[key];
    const refuse = (problem: string) => [{ key, problem: new DeployConfigError(key, problem) }];
    if (value === undefined) return [];
    if (typeof value === 'string') return refuse(`must be a number, written without quotes, got ${JSON.stringify(value)}`);
    if (typeof value !== 'number') return refuse(`must be a number, got ${JSON.stringify(value)}`);
    if (!Number.isInteger(value)) return refuse(`must be a whole number, got ${value}`);
    return [];
  });
}

function isValidTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    // RangeError is Intl's one answer for an unknown zone; the caller turns it into a clear message.
    return false;
  }
}

function stringList(raw: Record<string, unknown>, key: string): string[] {
  const value = raw[key] ?? [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new DeployConfigError(key, 'must be a list of strings');
  }
  return value as string[];
}

interface StackSetsConfig {
  readonly organizationalUnits: readonly string[];
  readonly regions: readonly string[];
  /** Lambda code is copied to buckets named `<prefix>-<region>`, one per region, readable by the organization. */
  readonly assetBucketPrefix: string;
}

const OU_OR_ROOT = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const BUCKET_PREFIX = /^[a-z0-9][a-z0-9.-]{1,40}[a-z0-9]$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

function stackSets(raw: unknown): StackSetsConfig {
  const { organizationalUnits, regions, assetBucketPrefix, ...rest } = (raw ?? {}) as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw unknownKey(`stackSets.${extra}`, extra, ['organizationalUnits', 'regions', 'assetBucketPrefix']);
  const units = stringList({ organizationalUnits }, 'organizationalUnits');
  if (units.length === 0) throw new DeployConfigError('stackSets.organizationalUnits', 'must name at least one OU (ou-…) or the root (r-…)');
  const badUnit = units.find((unit) => !OU_OR_ROOT.test(unit));
  if (badUnit) throw new DeployConfigError('stackSets.organizationalUnits', `has "${badUnit}", which is not an OU id (ou-…) or a root id (r-…)`);
  const targetRegions = regionList({ regions }, 'stackSets.regions');
  if (typeof assetBucketPrefix !== 'string' || !BUCKET_PREFIX.test(assetBucketPrefix)) {
    throw new DeployConfigError(
      'stackSets.assetBucketPrefix',
      'must be the start of S3 bucket names (lower case, digits, dots, hyphens): the buckets are <prefix>-<region>',
    );
  }
  return { organizationalUnits: units, regions: targetRegions, assetBucketPrefix };
}

function regionList(raw: Record<string, unknown>, setting = 'regions'): string[] {
  const regions = stringList({ [setting]: raw.regions }, setting);
  if (regions.length === 0) throw new DeployConfigError(setting, "is empty: leave it out to read the stack's own region, or name at least one region");
  const unknown = regions.findIndex((region) => !SAGEMAKER_REGIONS.has(region));
  if (unknown >= 0) {
    throw new DeployConfigError(setting, `has "${regions[unknown]}", which is not an AWS region with SageMaker AI (e.g. us-east-1, eu-west-1)`);
  }
  return regions;
}

/**
 * A Slack channel (workspace and channel IDs) or a Microsoft Teams channel (team, channel and tenant
 * IDs), as AWS's chat integration (Amazon Q Developer in chat applications) names them. The
 * workspace or team must first be authorized in its console once.
 */
type ChatConfig =
  | { readonly slack: { readonly workspaceId: string; readonly channelId: string } }
  | { readonly teams: { readonly teamId: string; readonly channelId: string; readonly tenantId: string } };

const SLACK_ID = /^[0-9A-Z]{1,255}$/;
/** A Slack workspace (team) ID starts with T (Slack API, "team_id"); the rest as any Slack ID. */
const SLACK_WORKSPACE_ID = /^T[0-9A-Z]{1,254}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function chat(raw: unknown): ChatConfig {
  const value = (raw ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const kinds = Object.keys(value);
  if (kinds.length !== 1 || (kinds[0] !== 'slack' && kinds[0] !== 'teams')) throw new DeployConfigError('chat', 'must be {"slack": {...}} or {"teams": {...}}');
  const text = (field: string, pattern: RegExp, example: string) => {
    const got = value[kinds[0] as string]?.[field];
    if (typeof got !== 'string' || !pattern.test(got))
      throw new DeployConfigError(`chat.${kinds[0]}.${field}`, `must look like ${example}, got ${JSON.stringify(got)}`);
    return got;
  };
  if (kinds[0] === 'slack')
    return { slack: { workspaceId: text('workspaceId', SLACK_WORKSPACE_ID, '"T0123ABCD"'), channelId: text('channelId', SLACK_ID, '"C0123ABCD"') } };
  return {
    teams: {
      teamId: text('teamId', UUID, 'a UUID'),
      // URL-encoded, as AWS::Chatbot::MicrosoftTeamsChannelConfiguration's TeamsChannelId pattern requires.
      channelId: text('channelId', /^[a-zA-Z0-9\-_=+/.,]*%3[aA][a-zA-Z0-9\-_=+/.,]*%40[a-zA-Z0-9\-_=+/.,]*$/, '"19%3Aabc%40thread.tacv2" (URL-encoded)'),
      tenantId: text('tenantId', UUID, 'a UUID'),
    },
  };
}

function centralTopic(raw: unknown): string {
  if (typeof raw !== 'string' || !TOPIC_ARN.test(raw)) throw new DeployConfigError('centralTopicArn', `must be an SNS topic ARN, got ${JSON.stringify(raw)}`);
  return raw;
}

function dailyTime(raw: unknown, setting: string, fallback: DailyTime): DailyTime {
  if (raw === undefined) return fallback;
  const { hour, minute, ...rest } = (raw ?? {}) as Record<string, unknown>;
  const problems = new ProblemList();
  for (const extra of Object.keys(rest)) problems.add(unknownKey(`${setting}.${extra}`, extra, ['hour', 'minute']));
  if (!Number.isInteger(hour) || (hour as number) < 0 || (hour as number) > 23)
    problems.add(new DeployConfigError(`${setting}.hour`, `must be a whole number from 0 to 23, got ${JSON.stringify(hour)}`));
  if (!Number.isInteger(minute) || (minute as number) < 0 || (minute as number) > 59)
    problems.add(new DeployConfigError(`${setting}.minute`, `must be a whole number from 0 to 59, got ${JSON.stringify(minute)}`));
  problems.throwIfAny();
  return { hour: hour as number, minute: minute as number };
}

function weeklyTime(raw: unknown, setting: string, fallback: WeeklyTime): WeeklyTime {
  if (raw === undefined) return fallback;
  const { weekDay, ...time } = (raw ?? {}) as Record<string, unknown>;
  const problems = new ProblemList();
  if (typeof weekDay !== 'string' || !WEEK_DAYS.includes(weekDay)) {
    problems.add(new DeployConfigError(`${setting}.weekDay`, `must be one of ${WEEK_DAYS.join(', ')}, got ${JSON.stringify(weekDay)}`));
  }
  const at = problems.check(() => dailyTime(time, setting, fallback), fallback);
  problems.throwIfAny();
  return { weekDay: weekDay as string, ...at };
}

const WEEK_DAY_RANGE = /^(MON|TUE|WED|THU|FRI|SAT|SUN)(-(MON|TUE|WED|THU|FRI|SAT|SUN))?(,(MON|TUE|WED|THU|FRI|SAT|SUN)(-(MON|TUE|WED|THU|FRI|SAT|SUN))?)*$/;

function offHours(raw: unknown): NonNullable<DeployConfig['notebookOffHours']> {
  const { stop, start, weekDays = 'MON-FRI', ...rest } = (raw ?? {}) as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw unknownKey(`notebookOffHours.${extra}`, extra, ['stop', 'start', 'weekDays']);
  if (stop === undefined || start === undefined) throw new DeployConfigError('notebookOffHours', 'needs both "stop" and "start" times');
  if (typeof weekDays !== 'string' || !WEEK_DAY_RANGE.test(weekDays))
    throw new DeployConfigError('notebookOffHours.weekDays', `must look like "MON-FRI", got ${JSON.stringify(weekDays)}`);
  return {
    stop: dailyTime(stop, 'notebookOffHours.stop', { hour: 19, minute: 0 }),
    start: dailyTime(start, 'notebookOffHours.start', { hour: 8, minute: 0 }),
    weekDays,
  };
}

function parseDeployConfig(context: unknown): DeployConfig {
  const raw = (typeof context === 'string' ? JSON.parse(context) : (context ?? {})) as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new DeployConfigError('', 'must be a JSON object of settings');
  const problems = new ProblemList();
  const check = problems.check.bind(problems);
  for (const key of Object.keys(raw).filter((name) => !KNOWN_KEYS.includes(name))) {
    problems.add(unknownKey(key, key, KNOWN_KEYS));
  }

  const timezone = check(() => {
    const zone = raw.timezone ?? 'UTC';
    if (typeof zone !== 'string' || !isValidTimeZone(zone)) {
      throw new DeployConfigError('timezone', `${JSON.stringify(zone)} is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`);
    }
    return zone;
  }, 'UTC');
  const emails = check(() => stringList(raw, 'emails'), []);
  for (const [index, email] of emails.entries()) {
    if (!EMAIL.test(email)) problems.add(new DeployConfigError(`emails[${index}]`, `"${email}" is not an email address`));
  }
  const smsNumbers = check(() => stringList(raw, 'smsNumbers'), []);
  for (const [index, phone] of smsNumbers.entries()) {
    if (!E164.test(phone)) problems.add(new DeployConfigError(`smsNumbers[${index}]`, `"${phone}" is not an E.164 phone number (e.g. +14155550100)`));
  }

  const schedules = (typeof raw.schedules === 'object' && raw.schedules !== null ? raw.schedules : {}) as Record<string, unknown>;
  for (const key of Object.keys(schedules).filter((name) => !(name in DEFAULT_SCHEDULES))) {
    problems.add(unknownKey(`schedules.${key}`, key, Object.keys(DEFAULT_SCHEDULES), 'schedule'));
  }
  const daily = (name: 'idleEndpoints' | 'costReport' | 'studioAudit' | 'savingsReport') =>
    check(() => dailyTime(schedules[name], `schedules.${name}`, DEFAULT_SCHEDULES[name]), DEFAULT_SCHEDULES[name]);
  const weekly = (name: 'weekendScaleDown' | 'weekendRestore') =>
    check(() => weeklyTime(schedules[name], `schedules.${name}`, DEFAULT_SCHEDULES[name]), DEFAULT_SCHEDULES[name]);

  const logRetentionDays = check(() => {
    const days = raw.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    if (!LOG_RETENTION_DAYS.includes(days as number)) {
      throw new DeployConfigError(
        'logRetentionDays',
        `must be one of CloudWatch Logs' retention periods (${LOG_RETENTION_DAYS.join(', ')}), got ${JSON.stringify(days)}`,
      );
    }
    return days as number;
  }, DEFAULT_LOG_RETENTION_DAYS);

  const numbers = numberProblems(raw);
  for (const { problem } of numbers) problems.add(problem);
  // A refused number is named once, here: it does not go on to the jobs' own checks.
  const wholeNumber = (key: (typeof WHOLE_NUMBER_KEYS)[number]) =>
    numbers.some((refused) => refused.key === key) ? undefined : (raw[key] as number | undefined);
  const config: DeployConfig = {
    timezone,
    emails,
    smsNumbers,
    regions: raw.regions !== undefined ? check(() => regionList(raw), undefined) : undefined,
    endpointIdleHours: wholeNumber('endpointIdleHours'),
    endpointIdleActionDays: wholeNumber('endpointIdleActionDays'),
    priceOverrides: raw.priceOverrides as Record<string, number> | undefined,
    schedules: {
      idleEndpoints: daily('idleEndpoints'),
      weekendScaleDown: weekly('weekendScaleDown'),
      weekendRestore: weekly('weekendRestore'),
      costReport: daily('costReport'),
      studioAudit: daily('studioAudit'),
      savingsReport: daily('savingsReport'),
    },
    notebookOffHours: raw.notebookOffHours !== undefined ? check(() => offHours(raw.notebookOffHours), undefined) : undefined,
    notebookIdleMinutes: wholeNumber('notebookIdleMinutes'),
    canvasIdleMinutes: wholeNumber('canvasIdleMinutes'),
    studioIdleMinutes: wholeNumber('studioIdleMinutes'),
    notebookReadsJupyter:
      raw.notebookReadsJupyter !== undefined ? check(() => booleanSetting(raw.notebookReadsJupyter, 'notebookReadsJupyter'), undefined) : undefined,
    notebookMaxRunningHours: wholeNumber('notebookMaxRunningHours'),
    logRetentionDays,
    weekendScope: (raw.weekendScope ?? 'tagged') as 'tagged' | 'all',
    holidays: check(() => stringList(raw, 'holidays'), []),
    maxScaleDownDays: wholeNumber('maxScaleDownDays'),
    costPeriodDays: wholeNumber('costPeriodDays'),
    stackSets: raw.stackSets !== undefined ? check(() => stackSets(raw.stackSets), undefined) : undefined,
    centralTopicArn: raw.centralTopicArn !== undefined ? check(() => centralTopic(raw.centralTopicArn), undefined) : undefined,
    chat: raw.chat !== undefined ? check(() => chat(raw.chat), undefined) : undefined,
    reportOnly: raw.reportOnly !== undefined ? check(() => reportOnlyJobs(raw.reportOnly), undefined) : undefined,
  };
  checkRuntimeEnvironment(config, problems);
  problems.throwIfAny();
  return config;
}

/** Every runtime setting the deploy config sets, before each job takes its own (TOPIC_ARN is added by the stack). */
function allSettings(config: DeployConfig): Record<string, string | undefined> {
  const restore = config.schedules.weekendRestore;
  const text = (value: number | undefined) => (value === undefined ? undefined : String(value));
  return {
    [ENV.topicDisplayName]: DEFAULT_TOPIC_DISPLAY_NAME,
    [ENV.centralTopicArn]: config.centralTopicArn,
    [ENV.timezone]: config.timezone,
    [ENV.weekendScope]: config.weekendScope,
    [ENV.weekendRestoreAt]: `${restore.weekDay} ${String(restore.hour).padStart(2, '0')}:${String(restore.minute).padStart(2, '0')}`,
    [ENV.holidays]: config.holidays.length > 0 ? config.holidays.join(',') : undefined,
    [ENV.maxScaleDownDays]: text(config.maxScaleDownDays),
    [ENV.costPeriodDays]: text(config.costPeriodDays),
    [ENV.notebookIdleMinutes]: text(config.notebookIdleMinutes),
    [ENV.canvasIdleMinutes]: text(config.canvasIdleMinutes),
    [ENV.studioIdleMinutes]: text(config.studioIdleMinutes),
    [ENV.notebookReadJupyter]: readsJupyter(config) ? undefined : 'false',
    [ENV.notebookMaxRunningHours]: text(config.notebookMaxRunningHours),
    [ENV.regions]: config.regions?.join(','),
    [ENV.endpointIdleHours]: text(config.endpointIdleHours),
    [ENV.endpointIdleActionDays]: text(config.endpointIdleActionDays),
    [ENV.priceOverrides]: config.priceOverrides ? JSON.stringify(config.priceOverrides) : undefined,
  };
}

function reportOnlyJobs(raw: unknown): boolean | JobName[] {
  if (typeof raw === 'boolean') return raw;
  if (!Array.isArray(raw))
    throw new DeployConfigError('reportOnly', `must be true, false or a list of job names (${JOB_NAMES.join(', ')}), got ${JSON.stringify(raw)}`);
  raw.forEach((job, index) => {
    if (!(JOB_NAMES as readonly unknown[]).includes(job))
      throw new DeployConfigError(`reportOnly[${index}]`, `${JSON.stringify(job)} is not a job (${JOB_NAMES.join(', ')})`);
  });
  return raw as JobName[];
}

/** Whether `job` only reports: it changes nothing and its role holds no write permission. */
function isReportOnly(config: DeployConfig, job: JobName): boolean {
  return config.reportOnly === true || (Array.isArray(config.reportOnly) && config.reportOnly.includes(job));
}

/**
 * Whether the notebook job opens each notebook's Jupyter (CreatePresignedNotebookInstanceUrl: a
 * session in it, the only place idleness is read from): as set, else only where the job acts.
 */
function readsJupyter(config: DeployConfig): boolean {
  return config.notebookReadsJupyter ?? !isReportOnly(config, 'idle-notebooks');
}

/** One job's environment: only the variables its own config parser reads. */
function jobEnvironment(config: DeployConfig, job: JobName): Record<string, string> {
  const settings: Record<string, string | undefined> = { ...allSettings(config), [ENV.reportOnly]: isReportOnly(config, job) ? 'true' : undefined };
  const own: Record<string, string> = {};
  for (const variable of JOB_CONFIG[job].variables) {
    const value = settings[variable];
    if (value !== undefined) own[variable] = value;
  }
  return own;
}

/** Which deploy setting a runtime variable comes from, to name it in a synth error. */
const SETTING_OF_VARIABLE: Readonly<Record<string, string>> = {
  [ENV.regions]: 'regions',
  [ENV.endpointIdleHours]: 'endpointIdleHours',
  [ENV.endpointIdleActionDays]: 'endpointIdleActionDays',
  [ENV.priceOverrides]: 'priceOverrides',
  [ENV.weekendScope]: 'weekendScope',
  [ENV.holidays]: 'holidays',
  [ENV.maxScaleDownDays]: 'maxScaleDownDays',
  [ENV.costPeriodDays]: 'costPeriodDays',
  [ENV.notebookIdleMinutes]: 'notebookIdleMinutes',
  [ENV.canvasIdleMinutes]: 'canvasIdleMinutes',
  [ENV.studioIdleMinutes]: 'studioIdleMinutes',
  [ENV.notebookReadJupyter]: 'notebookReadsJupyter',
  [ENV.notebookMaxRunningHours]: 'notebookMaxRunningHours',
};

/**
 * Each function's own parser checks its settings, so synth and runtime agree on what is valid. One
 * variable at a time: a parser stops at its first problem, and every problem is to be named.
 */
function checkRuntimeEnvironment(config: DeployConfig, problems: ProblemList): void {
  for (const job of JOB_NAMES) {
    const environment = jobEnvironment(config, job);
    for (const [variable, value] of Object.entries(environment)) {
      problems.check(() => {
        try {
          JOB_CONFIG[job].parse({ [ENV.awsRegion]: 'us-east-1', [variable]: value });
        } catch (error) {
          if (error instanceof ConfigError) {
            throw new DeployConfigError(SETTING_OF_VARIABLE[error.variable] ?? error.variable, error.message.replace(/^Invalid configuration: \S+ /, ''));
          }
          throw error;
        }
      }, undefined);
    }
  }
}

/** The CDK apps' entry points: a config mistake prints every problem, one line each, no stack trace, and exits 1. */
function exitOnConfigProblems<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof DeployConfigError)) throw error;
    const file = process.env.OPS_BOT_CONFIG ?? DEFAULT_CONFIG_FILE;
    console.error(error.problems.map((problem) => `${file}: ${problem}`).join('\n'));
    return process.exit(1);
  }
}

export {
  defaultsLine,
  exitOnConfigProblems,
  parseDeployConfig,
  readDeployConfig,
  jobEnvironment,
  isReportOnly,
  readsJupyter,
  DeployConfigError,
  DEFAULT_SCHEDULES,
  DEFAULT_CONFIG_FILE,
  KNOWN_KEYS,
};
export type { DeployConfig, DailyTime, WeeklyTime, StackSetsConfig, ChatConfig };
