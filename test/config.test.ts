import { describe, expect, it } from 'vitest';
import {
  JOB_CONFIG,
  JOB_NAMES,
  parseCommonConfig,
  parseCostReportConfig,
  parseIdleEndpointsConfig,
  parseIdleNotebooksConfig,
  parseSavingsReportConfig,
  parseWeekendScalingConfig,
  requireTopicArn,
  type Env,
} from '@ops-bot/shared/config';
import { ConfigError } from '@ops-bot/shared/errors';

const base = { AWS_REGION: 'us-east-1' };
const common = { topicArn: undefined, centralTopicArn: undefined, topicDisplayName: 'OpsBot', regions: ['us-east-1'], reportOnly: false };

/** A value each variable refuses. */
const INVALID: Readonly<Record<string, string>> = {
  TOPIC_ARN: 'my-topic',
  REGIONS: 'Mars',
  ENDPOINT_IDLE_HOURS: '0',
  ENDPOINT_IDLE_ACTION_DAYS: '15',
  NOTEBOOK_IDLE_MINUTES: '1',
  PRICE_OVERRIDES: '{oops',
  DESCRIBE_CONCURRENCY: '100',
  TIMEZONE: 'Berlin',
  WEEKEND_SCOPE: 'some',
  WEEKEND_RESTORE_AT: 'Monday 7am',
  HOLIDAYS: '25.12.2026',
  MAX_SCALE_DOWN_DAYS: '0',
  SCHEDULER_ROLE_ARN: 'role',
  SCHEDULER_DLQ_ARN: 'queue',
  SCHEDULER_GROUP: '',
  COST_PERIOD_DAYS: '8',
  NOTEBOOK_IGNORE_CONNECTIONS: 'yes',
  NOTEBOOK_MAX_RUNNING_HOURS: '0',
  NOTEBOOK_JUPYTER_TIMEOUT_SECONDS: '0',
  CANVAS_IDLE_MINUTES: '10',
  STUDIO_IDLE_MINUTES: '30',
  TOPIC_DISPLAY_NAME: 'SageMaker ops bot',
  CENTRAL_TOPIC_ARN: 'central',
  WEEKEND_SETTLE_POLL_SECONDS: '61',
  REPORT_ONLY: 'yes',
  STATE_KEY_ID: 'my-key',
};

describe('Function: parse*Config (one per job)', () => {
  it('applies the documented defaults, each job only its own settings', () => {
    // Act & Assess
    expect(parseIdleEndpointsConfig(base)).toEqual({ ...common, endpointIdleHours: 24, endpointIdleActionDays: 7, priceOverrides: {}, describeConcurrency: 8 });
    expect(parseSavingsReportConfig(base)).toEqual({ ...common, timezone: 'UTC' });
    expect(parseCostReportConfig(base)).toEqual({ ...common, priceOverrides: {}, describeConcurrency: 8, timezone: 'UTC', costPeriodDays: 1 });
    expect(parseIdleNotebooksConfig(base)).toEqual({
      ...common,
      describeConcurrency: 8,
      timezone: 'UTC',
      notebookIdleMinutes: 60,
      notebookIgnoreConnections: true,
      notebookReadJupyter: true,
      notebookMaxRunningHours: undefined,
      notebookJupyterTimeoutSeconds: 5,
      canvasIdleMinutes: 120,
      studioIdleMinutes: 60,
      priceOverrides: {},
    });
    expect(parseWeekendScalingConfig(base)).toEqual({
      ...common,
      priceOverrides: {},
      describeConcurrency: 8,
      timezone: 'UTC',
      weekendScope: 'tagged',
      weekendRestoreAt: { weekday: 1, hour: 7, minute: 0 },
      holidays: new Set(),
      maxScaleDownDays: 14,
      weekendSettlePollSeconds: 10,
      oneTimeSchedules: undefined,
    });
  });

  it('reads every variable of each job', () => {
    // Prepare
    const env = {
      ...base,
      TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:ops-bot',
      REGIONS: ' us-east-1, eu-west-1 ,us-east-1',
      ENDPOINT_IDLE_HOURS: '48',
      ENDPOINT_IDLE_ACTION_DAYS: '10',
      NOTEBOOK_IDLE_MINUTES: '90',
      PRICE_OVERRIDES: '{"ml.g5.xlarge": 1.1}',
      DESCRIBE_CONCURRENCY: '4',
      TIMEZONE: 'Europe/Berlin',
      WEEKEND_SCOPE: 'all',
      WEEKEND_RESTORE_AT: 'tue 06:30',
      HOLIDAYS: '2026-12-25, 2026-12-28',
      MAX_SCALE_DOWN_DAYS: '21',
      COST_PERIOD_DAYS: '7',
      NOTEBOOK_IGNORE_CONNECTIONS: 'False',
      NOTEBOOK_READ_JUPYTER: 'false',
      NOTEBOOK_MAX_RUNNING_HOURS: '12',
      NOTEBOOK_JUPYTER_TIMEOUT_SECONDS: '3',
      CANVAS_IDLE_MINUTES: '180',
      STUDIO_IDLE_MINUTES: '90',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/scheduler',
      SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:111122223333:dlq',
      TOPIC_DISPLAY_NAME: 'Alerts',
      CENTRAL_TOPIC_ARN: 'arn:aws:sns:us-east-1:999988887777:central',
      WEEKEND_SETTLE_POLL_SECONDS: '5',
      REPORT_ONLY: 'true',
      STATE_KEY_ID: 'arn:aws:kms:us-east-1:111122223333:key/0b0b0b0b-1111-2222-3333-444455556666',
    };
    const read = {
      reportOnly: true,
      stateKeyId: 'arn:aws:kms:us-east-1:111122223333:key/0b0b0b0b-1111-2222-3333-444455556666',
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:ops-bot',
      topicDisplayName: 'Alerts',
      centralTopicArn: 'arn:aws:sns:us-east-1:999988887777:central',
      regions: ['us-east-1', 'eu-west-1'],
    };

    // Act & Assess
    expect(parseIdleEndpointsConfig(env)).toEqual({
      ...read,
      endpointIdleHours: 48,
      endpointIdleActionDays: 10,
      priceOverrides: { 'ml.g5.xlarge': 1.1 },
      describeConcurrency: 4,
    });
    // cost-report keeps no state: it has no key.
    expect(parseCostReportConfig(env)).toEqual({
      ...read,
      stateKeyId: undefined,
      priceOverrides: { 'ml.g5.xlarge': 1.1 },
      describeConcurrency: 4,
      timezone: 'Europe/Berlin',
      costPeriodDays: 7,
    });
    expect(parseIdleNotebooksConfig(env)).toEqual({
      ...read,
      describeConcurrency: 4,
      timezone: 'Europe/Berlin',
      notebookIdleMinutes: 90,
      notebookIgnoreConnections: false,
      notebookReadJupyter: false,
      notebookMaxRunningHours: 12,
      notebookJupyterTimeoutSeconds: 3,
      canvasIdleMinutes: 180,
      studioIdleMinutes: 90,
      priceOverrides: { 'ml.g5.xlarge': 1.1 },
    });
    expect(parseWeekendScalingConfig(env)).toEqual({
      ...read,
      priceOverrides: { 'ml.g5.xlarge': 1.1 },
      describeConcurrency: 4,
      timezone: 'Europe/Berlin',
      weekendScope: 'all',
      weekendRestoreAt: { weekday: 2, hour: 6, minute: 30 },
      holidays: new Set(['2026-12-25', '2026-12-28']),
      maxScaleDownDays: 21,
      weekendSettlePollSeconds: 5,
      oneTimeSchedules: { roleArn: 'arn:aws:iam::111122223333:role/scheduler', deadLetterArn: 'arn:aws:sqs:us-east-1:111122223333:dlq', groupName: 'default' },
    });
  });

  it.each(JOB_NAMES)("starts %s whatever the other jobs' variables hold", (job) => {
    // Prepare: every variable this job does not read, set to a value its own job refuses.
    const own = new Set<string>(JOB_CONFIG[job].variables);
    const others: Env = Object.fromEntries(Object.entries(INVALID).filter(([variable]) => !own.has(variable)));

    // Act & Assess
    expect(() => JOB_CONFIG[job].parse({ ...base, ...others })).not.toThrow();
  });

  it.each(
    JOB_NAMES.flatMap((job) =>
      JOB_CONFIG[job].variables.filter((variable) => INVALID[variable] !== undefined && variable !== 'SCHEDULER_GROUP').map((variable) => ({ job, variable })),
    ),
  )('refuses a bad $variable in $job with an error naming it', ({ job, variable }) => {
    // Act
    const parse = () =>
      JOB_CONFIG[job].parse({
        ...base,
        ...(variable === 'SCHEDULER_DLQ_ARN' ? { SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/s' } : {}),
        [variable]: INVALID[variable],
      });

    // Assess
    expect(parse).toThrow(ConfigError);
    try {
      parse();
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
    }
  });

  it.each([
    { env: { ENDPOINT_IDLE_HOURS: 'abc' }, message: /whole number/ },
    { env: { ENDPOINT_IDLE_HOURS: '337' }, message: /between 1 and 336/ },
    { env: { REGIONS: 'us-east-1,Mars' }, message: /"Mars"/ },
    { env: { TOPIC_ARN: 'my-topic' }, message: /SNS topic ARN/ },
    { env: { PRICE_OVERRIDES: '{oops' }, message: /not valid JSON/ },
    { env: { PRICE_OVERRIDES: '{"g5": 1}' }, message: /"g5"/ },
    { env: { PRICE_OVERRIDES: '{"ml.g5.xlarge": -1}' }, message: /ml\.g5\.xlarge/ },
    { env: { DESCRIBE_CONCURRENCY: '100' }, message: /between 1 and 32/ },
    { env: { TOPIC_DISPLAY_NAME: 'SageMaker ops bot' }, message: /at most 10 GSM-7 characters/ },
  ])('says what is wrong with $env', ({ env, message }) => {
    // Act & Assess
    expect(() => parseIdleEndpointsConfig({ ...base, ...env })).toThrow(message);
  });

  it.each([
    { env: { NOTEBOOK_IDLE_MINUTES: '1.5' }, message: /whole number/ },
    { env: { NOTEBOOK_IGNORE_CONNECTIONS: 'yes' }, message: /true or false/ },
    { env: { NOTEBOOK_MAX_RUNNING_HOURS: '0' }, message: /between 1 and 720/ },
  ])('says what is wrong with the notebook setting $env', ({ env, message }) => {
    // Act & Assess
    expect(() => parseIdleNotebooksConfig({ ...base, ...env })).toThrow(message);
  });

  it.each([
    { env: { TIMEZONE: 'Berlin' }, message: /not an IANA time zone/ },
    { env: { WEEKEND_SCOPE: 'some' }, message: /"tagged" or "all"/ },
    { env: { WEEKEND_RESTORE_AT: 'Monday 7am' }, message: /MON 07:00/ },
    { env: { HOLIDAYS: '2026-12-25,25.12.2026' }, message: /"25\.12\.2026"/ },
    { env: { HOLIDAYS: '2026-02-30' }, message: /"2026-02-30"/ },
    { env: { SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:111122223333:dlq' }, message: /IAM role ARN/ },
  ])('says what is wrong with the weekend setting $env', ({ env, message }) => {
    // Act & Assess
    expect(() => parseWeekendScalingConfig({ ...base, ...env })).toThrow(message);
  });

  it('needs a region from REGIONS or AWS_REGION', () => {
    // Act & Assess
    expect(() => parseCommonConfig({})).toThrow(/REGIONS is empty and AWS_REGION is not set/);
  });

  it('lets only a dry run go without a topic', () => {
    // Act & Assess
    expect(() => requireTopicArn(parseCommonConfig(base))).toThrow(/TOPIC_ARN is not set/);
  });
});
