import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WeekendScalingResult } from '@ops-bot/shared/jobs/weekend-scaling';
import { FakeAccount, fakeComponent, hostEndpoint, MUTATING, observable, STATE_KEY_ARN } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { lambdaContext, loadHandler, type LambdaHandler } from '../support/lambda.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();

// Friday 2026-11-20 18:00 in Berlin.
const FRIDAY_EVENING = new Date('2026-11-20T17:00:00.000Z');
const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:ops-bot';
const ENV = {
  AWS_REGION: 'us-east-1',
  TOPIC_ARN,
  TIMEZONE: 'Europe/Berlin',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  STATE_KEY_ID: STATE_KEY_ARN,
  ...stateTable.env,
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/ops-bot-scheduler',
  SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:111122223333:ops-bot-dlq',
  // Components settle after a couple of describes in the fake: no need to wait between checks.
  WEEKEND_SETTLE_POLL_SECONDS: '0',
};

type Handler = LambdaHandler<WeekendScalingResult>;

async function invoke(account: FakeAccount, event: unknown, env: Record<string, string> = {}) {
  const mocks = mockAccount(account);
  try {
    const handler: Handler = await loadHandler('weekend-scaling', { ...ENV, ...env });
    return await handler(event, lambdaContext('weekend-scaling'));
  } finally {
    mocks.restore();
  }
}

function mixedAccount() {
  return new FakeAccount(
    [
      hostEndpoint('ep-1', { instanceType: 'ml.g6.12xlarge', instances: 1, managedMin: 0 }),
      hostEndpoint('ep-2', { instanceType: 'ml.g5.xlarge', instances: 1, managedMin: 0 }),
    ],
    [],
    [
      fakeComponent('plain', { copies: 3 }),
      fakeComponent('autoscaled', { copies: 2, autoscaling: { min: 1, max: 4 } }),
      fakeComponent('already-zero', { copies: 0 }),
      fakeComponent('skipped', { copies: 1, tags: { 'ops-bot:weekend-scale-to-zero': 'true', 'ops-bot:skip': 'true' }, endpointName: 'ep-2' }),
      fakeComponent('not-opted-in', { copies: 2, tags: {}, endpointName: 'ep-2' }),
    ],
  );
}

const copies = (account: FakeAccount) => Object.fromEntries(account.components.map((component) => [component.name, component.copies]));

describe('Function: weekend-scaling handler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(FRIDAY_EVENING);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it('scales opted-in components to 0, saving counts and bounds first, and leaves the rest alone', async () => {
    // Prepare
    const account = mixedAccount();

    // Act
    const result = await invoke(account, { action: 'scale-down' });

    // Assess
    expect(copies(account)).toEqual({ plain: 0, autoscaled: 0, 'already-zero': 0, skipped: 1, 'not-opted-in': 2 });
    expect(account.components.find((c) => c.name === 'plain')?.tags).toMatchObject({ 'ops-bot:saved-copy-count': '3' });
    expect(account.components.find((c) => c.name === 'autoscaled')?.tags).toMatchObject({
      'ops-bot:saved-copy-count': '2',
      'ops-bot:saved-min-capacity': '1',
      'ops-bot:saved-max-capacity': '4',
    });
    expect(account.components.find((c) => c.name === 'autoscaled')?.autoscaling).toEqual({ min: 0, max: 4 });
    expect(account.components.find((c) => c.name === 'already-zero')?.tags).not.toHaveProperty('ops-bot:saved-copy-count');
    // Order for the autoscaled component: save, bounds, copies.
    const writes = account.calls.filter((call) => MUTATING.has(call.operation) && JSON.stringify(call.input).includes('autoscaled'));
    expect(writes.map((call) => call.operation)).toEqual(['AddTags', 'RegisterScalableTarget', 'UpdateInferenceComponentRuntimeConfig']);
    // Nothing at all sent for skipped or out-of-scope components.
    expect(
      account.calls.some((call) => MUTATING.has(call.operation) && /"(skipped|not-opted-in)"|\/(skipped|not-opted-in)"/.test(JSON.stringify(call.input))),
    ).toBe(false);
    expect(result.summary).toMatchObject({ changed: 2, failed: 0, skipped: 1 });
    expect(result.restore).toEqual({ at: '2026-11-23T07:00:00', how: 'the weekly MON restore' });
    expect(account.published).toHaveLength(1);
  });

  it('reports per endpoint whether instance cost really stops, with the weekend savings', async () => {
    // Act
    const result = await invoke(mixedAccount(), { action: 'scale-down' });

    // Assess: ep-1 has only opted-in components, all now at 0, MinInstanceCount 0: 1 x $5.752 x 61 h.
    expect(result.endpoints).toEqual([expect.objectContaining({ name: 'ep-1', instanceCostStops: true, instances: 1, estimatedSavings: 350.87 })]);
    expect(result.report?.subject).toBe('SageMaker weekend scale-down: 2 components to 0 copies, est. $351 saved');
    expect(result.report?.email).toContain('ep-1 (us-east-1): instance cost stops: 1 x ml.g6.12xlarge, est. $350.87 saved until the restore');
    expect(result.report?.sms.length).toBeLessThanOrEqual(160);
  });

  it('says instance cost continues while a skipped component still runs on the endpoint', async () => {
    // Prepare
    const account = mixedAccount();
    account.components.push(fakeComponent('ep-2-opted-in', { copies: 1, endpointName: 'ep-2' }));

    // Act
    const result = await invoke(account, { action: 'scale-down' });

    // Assess
    expect(result.endpoints.find((endpoint) => endpoint.name === 'ep-2')).toMatchObject({
      instanceCostStops: false,
      why: 'components still running: skipped, not-opted-in',
    });
    expect(result.endpoints.find((endpoint) => endpoint.name === 'ep-2')?.estimatedSavings).toBeUndefined();
  });

  it('in report-only mode makes no mutating call, books no saving and publishes what it would do, saying so first', async () => {
    // Prepare
    const account = mixedAccount();

    // Act
    const result = await invoke(account, { action: 'scale-down' }, { REPORT_ONLY: 'true' });

    // Assess
    expect(account.calls.filter((call) => MUTATING.has(call.operation)).map((call) => call.operation)).toEqual([]);
    expect(copies(account)).toMatchObject({ plain: 3, autoscaled: 2 });
    expect(result.published).toBe(true);
    expect(result.report?.subject).toMatch(/^REPORT-ONLY SageMaker weekend scale-down/);
    expect(result.report?.email.split('\n')[0]).toBe(
      'REPORT-ONLY MODE: nothing was changed and no saving was booked; this is what the bot would have done (REPORT_ONLY=true).',
    );
    expect(result.report?.email).toContain('would be scaled down');
    expect(result.report?.sms.startsWith('REPORT-ONLY ')).toBe(true);
  });

  it('refuses REPORT_ONLY other than true or false, naming it', async () => {
    const account = mixedAccount();
    await expect(invoke(account, { action: 'scale-down' }, { REPORT_ONLY: 'sometimes' })).rejects.toThrow(/REPORT_ONLY/);
    expect(account.calls).toEqual([]);
  });

  it('defers a restore whose state table cannot be read, and says so: nothing is set without the saved state', async () => {
    // Prepare: scaled down; on Monday the function reaches no such table (DynamoDB answers ResourceNotFoundException).
    const account = mixedAccount();
    await invoke(account, { action: 'scale-down' });
    vi.setSystemTime(new Date('2026-11-23T06:00:00.000Z'));
    const writesBefore = account.mutatingCalls();

    // Act
    const result = await invoke(account, { action: 'restore' }, { STATE_TABLE: 'ops-bot-state-gone' });

    // Assess
    expect(account.mutatingCalls()).toBe(writesBefore);
    expect(copies(account)).toMatchObject({ plain: 0, autoscaled: 0 });
    // Without the table no component's state is known, the one that was already at 0 included.
    expect(result.components.filter((c) => c.disposition === 'deferred').map((c) => c.name)).toEqual(['plain', 'autoscaled', 'already-zero']);
    expect(result.report?.email).toContain('not touched: its state could not be verified now');
    expect(result.report?.email).toContain('the state table could not be read');
  });

  it('restores exactly the saved counts and bounds, clears the state, and a second restore changes nothing', async () => {
    // Prepare
    const account = mixedAccount();
    const before = structuredClone(account.components);
    await invoke(account, { action: 'scale-down' });
    vi.setSystemTime(new Date('2026-11-23T06:00:00.000Z'));

    // Act
    const result = await invoke(account, { action: 'restore' });
    const writesBeforeRerun = account.mutatingCalls();
    const rerun = await invoke(account, { action: 'restore' });

    // Assess
    expect(observable(account.components)).toEqual(observable(before));
    expect(result.summary).toMatchObject({ changed: 2, failed: 0 });
    expect(account.mutatingCalls()).toBe(writesBeforeRerun);
    expect(rerun.summary.changed).toBe(0);
  });

  it('running scale-down twice never overwrites a saved count', async () => {
    // Prepare
    const account = mixedAccount();
    await invoke(account, { action: 'scale-down' });
    const writes = account.mutatingCalls();

    // Act
    const second = await invoke(account, { action: 'scale-down' });

    // Assess
    expect(account.mutatingCalls()).toBe(writes);
    expect(account.components.find((c) => c.name === 'plain')?.tags['ops-bot:saved-copy-count']).toBe('3');
    expect(second.components.find((c) => c.name === 'plain')?.disposition).toBe('already-down');
  });

  it('keeps a failed component at its saved state and goes on with the others', async () => {
    // Prepare
    const account = mixedAccount();
    account.failure = (operation, input) =>
      operation === 'UpdateInferenceComponentRuntimeConfig' && input.InferenceComponentName === 'plain'
        ? Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', status: 400 })
        : undefined;

    // Act
    const result = await invoke(account, { action: 'scale-down' });

    // Assess
    expect(copies(account)).toMatchObject({ plain: 3, autoscaled: 0 });
    expect(account.components.find((c) => c.name === 'plain')?.tags['ops-bot:saved-copy-count']).toBe('3');
    expect(result.components.find((c) => c.name === 'plain')).toMatchObject({ result: 'failed', failedStep: 'set-copy-count' });
    expect(result.report?.subject).toContain('1 failed');
    expect(result.report?.email).toContain('plain (us-east-1): set-copy-count failed: ThrottlingException: Rate exceeded');
  });

  it('in a dry run sends no write and no publish, and says what would happen', async () => {
    // Prepare
    const account = mixedAccount();

    // Act
    const result = await invoke(account, { action: 'scale-down', dryRun: true });

    // Assess
    expect(account.mutatingCalls()).toBe(0);
    expect(account.published).toHaveLength(0);
    expect(result.report?.subject).toMatch(/^DRY RUN SageMaker weekend scale-down: would scale 2 components to 0 copies/);
    expect(result.report?.email.startsWith('DRY RUN: nothing was changed, sent or booked')).toBe(true);
    expect(result.report?.email).toContain('would be scaled down');
  });

  it('reads components past the first page of 100', async () => {
    // Prepare
    const account = new FakeAccount(
      [],
      [],
      Array.from({ length: 150 }, (_, i) => fakeComponent(`ic-${i}`, { copies: 1 })),
    );

    // Act
    const result = await invoke(account, { action: 'scale-down' });

    // Assess
    expect(account.calls.filter((call) => call.operation === 'ListInferenceComponents')).toHaveLength(2);
    expect(account.calls.filter((call) => call.operation === 'DescribeScalableTargets')).toHaveLength(3);
    expect(result.summary.changed).toBe(150);
    expect(account.components.every((component) => component.copies === 0)).toBe(true);
  });

  it('takes every component not skipped with WEEKEND_SCOPE=all', async () => {
    // Prepare
    const account = mixedAccount();

    // Act
    await invoke(account, { action: 'scale-down' }, { WEEKEND_SCOPE: 'all' });

    // Assess
    expect(copies(account)).toMatchObject({ 'not-opted-in': 0, skipped: 1 });
  });

  it('holds components scaled down until a later day through the weekly restore, for their own one-time restore', async () => {
    // Prepare: Friday's ad hoc scale-down until Wednesday.
    const account = mixedAccount();
    await invoke(account, { action: 'scale-down', until: '2026-11-25T07:00:00' });
    const heldAt = copies(account);
    vi.setSystemTime(new Date('2026-11-23T06:00:00.000Z'));

    // Act: Monday's weekly restore.
    const monday = await invoke(account, { action: 'restore' });

    // Assess
    expect(copies(account)).toEqual(heldAt);
    expect(monday.components.filter((c) => c.disposition === 'restore-later').length).toBeGreaterThan(0);
    expect(account.components.every((c) => c.tags['ops-bot:saved-copy-count'] === undefined || c.tags['ops-bot:restore-after'] === '2026-11-25T06:00Z')).toBe(
      true,
    );

    // Act: Wednesday's one-time restore.
    vi.setSystemTime(new Date('2026-11-25T06:00:30.000Z'));
    await invoke(account, { action: 'restore' });

    // Assess
    expect(account.components.every((c) => c.tags['ops-bot:saved-copy-count'] === undefined)).toBe(true);
  });

  it('schedules the ad hoc restore first, as a one-time schedule in the configured zone', async () => {
    // Prepare
    const account = mixedAccount();

    // Act
    const result = await invoke(account, { action: 'scale-down', until: '2026-11-24T07:00:00' });

    // Assess
    expect(account.calls.find((call) => MUTATING.has(call.operation))?.operation).toBe('CreateSchedule');
    expect(account.schedules.get('ops-bot-restore-202611240700')).toEqual({
      Name: 'ops-bot-restore-202611240700',
      GroupName: 'default',
      Description: 'Ad hoc restore after a scale-down on 2026-11-20',
      ScheduleExpression: 'at(2026-11-24T07:00:00)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: 'arn:aws:lambda:us-east-1:111122223333:function:weekend-scaling',
        RoleArn: ENV.SCHEDULER_ROLE_ARN,
        Input: '{"action":"restore"}',
        DeadLetterConfig: { Arn: ENV.SCHEDULER_DLQ_ARN },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      },
    });
    expect(result.restore).toEqual({ at: '2026-11-24T07:00:00', how: 'one-time schedule created' });
    // Savings over the ad hoc window: Fri 18:00 to Tue 07:00 Berlin = 85 h.
    expect(result.endpoints[0]?.estimatedSavings).toBe(488.92);
  });

  it('changes nothing when the ad hoc restore cannot be scheduled', async () => {
    // Prepare
    const account = mixedAccount();
    account.failure = (operation) =>
      operation === 'CreateSchedule' ? Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', status: 403 }) : undefined;

    // Act & Assess
    await expect(invoke(account, { action: 'scale-down', until: '2026-11-24T07:00:00' })).rejects.toThrow(/not authorized/);
    expect(account.mutatingCalls()).toBe(1);
    expect(copies(account)).toMatchObject({ plain: 3, autoscaled: 2 });
  });

  it('defers a restore that falls on a holiday to the next working day', async () => {
    // Prepare: Monday 2026-12-28 07:00 Berlin is a holiday, and so is Tuesday.
    const account = mixedAccount();
    vi.setSystemTime(new Date('2026-12-28T06:00:00.000Z'));

    // Act
    const result = await invoke(account, { action: 'restore' }, { HOLIDAYS: '2026-12-25,2026-12-28,2026-12-29' });

    // Assess
    expect(result.deferred).toEqual({ holiday: '2026-12-28', to: '2026-12-30T07:00:00', how: 'one-time schedule created' });
    expect(account.schedules.get('ops-bot-restore-202612300700')).toMatchObject({
      ScheduleExpression: 'at(2026-12-30T07:00:00)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
    expect(account.calls.filter((call) => call.operation !== 'CreateSchedule' && call.operation !== 'Publish')).toEqual([]);
    expect(result.report?.subject).toBe('SageMaker weekend restore deferred to 2026-12-30 07:00 (holiday)');
  });

  it.each([
    { event: {}, message: /"action" is required/ },
    { event: { action: 'scale-up' }, message: /"action" must be "scale-down" or "restore"/ },
    { event: { action: 'restore', until: '2026-11-24T07:00:00' }, message: /"until" only goes with "action": "scale-down"/ },
    { event: { action: 'scale-down', until: 'next tuesday' }, message: /"until" must be a local date-time/ },
    { event: { action: 'scale-down', until: '2026-11-19T07:00:00' }, message: /"until" is in the past/ },
    // FRIDAY_EVENING is 17:00Z = 18:00 in Berlin: 18:10 leaves the scale-down no time to finish first.
    {
      event: { action: 'scale-down', until: '2026-11-20T18:10:00' },
      message: /"until" is less than 15 minutes away: the scale-down must finish before its restore/,
    },
    { event: { action: 'scale-down', until: '2027-01-20T07:00:00' }, message: /"until" is more than 14 days away/ },
    {
      event: { action: 'scale-down', until: '2026-11-24T07:00:00' },
      env: { HOLIDAYS: '2026-11-24' },
      message: /"until" falls on 2026-11-24, a configured holiday/,
    },
    { event: { action: 'scale-down', dryRun: 1 }, message: /"dryRun" must be true or false/ },
    { event: { action: 'scale-down', copies: 0 }, message: /"copies" is not a known field/ },
  ])('rejects $event before any AWS call', async ({ event, env, message }) => {
    // Prepare
    const account = mixedAccount();

    // Act & Assess
    await expect(invoke(account, event, env)).rejects.toThrow(message);
    expect(account.calls).toEqual([]);
  });
});
