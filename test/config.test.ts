import { describe, expect, it } from 'vitest';
import { parseConfig, requireTopicArn } from '@ops-bot/shared/config';
import { ConfigError } from '@ops-bot/shared/errors';

const base = { AWS_REGION: 'us-east-1' };

describe('Function: parseConfig', () => {
  it('applies the documented defaults', () => {
    // Act
    const config = parseConfig(base);

    // Assess
    expect(config).toEqual({
      topicArn: undefined,
      topicDisplayName: 'OpsBot',
      regions: ['us-east-1'],
      endpointIdleHours: 24,
      notebookIdleMinutes: 60,
      priceOverrides: {},
      describeConcurrency: 8,
      timezone: 'UTC',
      weekendScope: 'tagged',
      weekendRestoreAt: { weekday: 1, hour: 7, minute: 0 },
      holidays: new Set(),
      maxScaleDownDays: 14,
      weekendSettlePollSeconds: 10,
      costPeriodDays: 1,
      notebookIgnoreConnections: true,
      notebookJupyterTimeoutSeconds: 5,
    });
  });

  it('reads every variable', () => {
    // Act
    const config = parseConfig({
      ...base,
      TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:ops-bot',
      REGIONS: ' us-east-1, eu-west-1 ,us-east-1',
      ENDPOINT_IDLE_HOURS: '48',
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
      NOTEBOOK_MAX_RUNNING_HOURS: '12',
      NOTEBOOK_JUPYTER_TIMEOUT_SECONDS: '3',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/scheduler',
      SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:111122223333:dlq',
      TOPIC_DISPLAY_NAME: 'Alerts',
    });

    // Assess
    expect(config).toEqual({
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:ops-bot',
      topicDisplayName: 'Alerts',
      regions: ['us-east-1', 'eu-west-1'],
      endpointIdleHours: 48,
      notebookIdleMinutes: 90,
      priceOverrides: { 'ml.g5.xlarge': 1.1 },
      describeConcurrency: 4,
      timezone: 'Europe/Berlin',
      weekendScope: 'all',
      weekendRestoreAt: { weekday: 2, hour: 6, minute: 30 },
      holidays: new Set(['2026-12-25', '2026-12-28']),
      maxScaleDownDays: 21,
      weekendSettlePollSeconds: 10,
      costPeriodDays: 7,
      notebookIgnoreConnections: false,
      notebookMaxRunningHours: 12,
      notebookJupyterTimeoutSeconds: 3,
      oneTimeSchedules: {
        roleArn: 'arn:aws:iam::111122223333:role/scheduler',
        deadLetterArn: 'arn:aws:sqs:us-east-1:111122223333:dlq',
        groupName: 'default',
      },
    });
  });

  it.each([
    { env: { ENDPOINT_IDLE_HOURS: 'abc' }, variable: 'ENDPOINT_IDLE_HOURS', message: /whole number/ },
    { env: { ENDPOINT_IDLE_HOURS: '0' }, variable: 'ENDPOINT_IDLE_HOURS', message: /between 1 and 336/ },
    { env: { ENDPOINT_IDLE_HOURS: '337' }, variable: 'ENDPOINT_IDLE_HOURS', message: /between 1 and 336/ },
    { env: { NOTEBOOK_IDLE_MINUTES: '1.5' }, variable: 'NOTEBOOK_IDLE_MINUTES', message: /whole number/ },
    { env: { REGIONS: 'us-east-1,Mars' }, variable: 'REGIONS', message: /"Mars"/ },
    { env: { TOPIC_ARN: 'my-topic' }, variable: 'TOPIC_ARN', message: /SNS topic ARN/ },
    { env: { PRICE_OVERRIDES: '{oops' }, variable: 'PRICE_OVERRIDES', message: /not valid JSON/ },
    { env: { PRICE_OVERRIDES: '{"g5": 1}' }, variable: 'PRICE_OVERRIDES', message: /"g5"/ },
    { env: { PRICE_OVERRIDES: '{"ml.g5.xlarge": -1}' }, variable: 'PRICE_OVERRIDES', message: /ml\.g5\.xlarge/ },
    { env: { DESCRIBE_CONCURRENCY: '100' }, variable: 'DESCRIBE_CONCURRENCY', message: /between 1 and 32/ },
    { env: { NOTEBOOK_IGNORE_CONNECTIONS: 'yes' }, variable: 'NOTEBOOK_IGNORE_CONNECTIONS', message: /true or false/ },
    { env: { NOTEBOOK_MAX_RUNNING_HOURS: '0' }, variable: 'NOTEBOOK_MAX_RUNNING_HOURS', message: /between 1 and 720/ },
    { env: { COST_PERIOD_DAYS: '8' }, variable: 'COST_PERIOD_DAYS', message: /between 1 and 7/ },
    { env: { TIMEZONE: 'Berlin' }, variable: 'TIMEZONE', message: /not an IANA time zone/ },
    { env: { WEEKEND_SCOPE: 'some' }, variable: 'WEEKEND_SCOPE', message: /"tagged" or "all"/ },
    { env: { WEEKEND_RESTORE_AT: 'Monday 7am' }, variable: 'WEEKEND_RESTORE_AT', message: /MON 07:00/ },
    { env: { HOLIDAYS: '2026-12-25,25.12.2026' }, variable: 'HOLIDAYS', message: /"25\.12\.2026"/ },
    { env: { HOLIDAYS: '2026-02-30' }, variable: 'HOLIDAYS', message: /"2026-02-30"/ },
    { env: { SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:111122223333:dlq' }, variable: 'SCHEDULER_ROLE_ARN', message: /IAM role ARN/ },
    { env: { TOPIC_DISPLAY_NAME: 'SageMaker ops bot' }, variable: 'TOPIC_DISPLAY_NAME', message: /at most 10 GSM-7 characters/ },
  ])('rejects $variable=$env with an error naming it', ({ env, variable, message }) => {
    // Act
    const parse = () => parseConfig({ ...base, ...env });

    // Assess
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(message);
    try {
      parse();
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
    }
  });

  it('needs a region from REGIONS or AWS_REGION', () => {
    // Act & Assess
    expect(() => parseConfig({})).toThrow(/REGIONS is empty and AWS_REGION is not set/);
  });

  it('lets only a dry run go without a topic', () => {
    // Act & Assess
    expect(() => requireTopicArn(parseConfig(base))).toThrow(/TOPIC_ARN is not set/);
  });
});
