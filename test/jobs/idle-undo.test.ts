/**
 * The undo of the idle action `delete` where SageMaker makes it hard, on the fake account (each of
 * its behaviours cites the doc it follows): CloudFormation's `aws:*` tags, two endpoints on one
 * endpoint config, a recreate that ends Failed and is tried again after the fix, a config that names
 * a KMS key, and the idle clock of a recreated endpoint.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseIdleEndpointsConfig, parseWeekendScalingConfig } from '@ops-bot/shared/config';
import { runIdleEndpoints, type IdleActionUndoResult, type IdleEndpointsResult } from '@ops-bot/shared/jobs/idle-endpoints';
import { idleEndpointsEventParser } from '@ops-bot/shared/lambda/events';
import { runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { createWeekendScalingClients, liveWeekendScalingDeps } from '@ops-bot/shared/live/weekend-scaling';
import { createIdleEndpointsClients, liveIdleEndpointsDeps } from '@ops-bot/shared/live/idle-endpoints';
import { FakeAccount, fakeEndpoint, STATE_KEY_ARN, variantSeries, type FakeEndpoint } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { recordMetrics, type RecordedMetrics } from '../support/metrics.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();
/** The recreate records in the state table. */
const recreateRecords = async () => (await stateTable.items()).filter((item) => item.pk?.S === 'state#recreate');

const NOW = new Date('2026-11-20T09:00:00.000Z');
const DAY_MS = 24 * 3_600_000;
const env = { AWS_REGION: 'us-east-1', STATE_KEY_ID: STATE_KEY_ARN, ...stateTable.env, TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot' };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
const OWNER_TAGS = { team: 'ml-platform', 'ops-bot:idle-action': 'delete' };
const CLOUDFORMATION_TAGS = {
  'aws:cloudformation:stack-name': 'models',
  'aws:cloudformation:logical-id': 'OldModel',
  'aws:cloudformation:stack-id': 'arn:aws:cloudformation:us-east-1:111122223333:stack/models/1',
};

describe('The undo of an idle delete', () => {
  let account: FakeAccount;
  let mocks: ReturnType<typeof mockAccount> | undefined;
  let metrics: RecordedMetrics;
  const given = (endpoints: FakeEndpoint[]) => {
    account = new FakeAccount(endpoints);
    account.clock = () => NOW;
    mocks = mockAccount(account);
  };
  const parse = idleEndpointsEventParser(['us-east-1']);
  const run = async (raw: unknown, at = NOW) => {
    metrics = recordMetrics();
    account.clock = () => at;
    const deps = {
      ...liveIdleEndpointsDeps(parseIdleEndpointsConfig(env), createIdleEndpointsClients(), silent, () => at),
      metrics,
      sleep: async () => undefined,
    };
    return runIdleEndpoints(parse(raw), deps);
  };
  const check = (at = NOW) => run({}, at) as Promise<IdleEndpointsResult>;
  const recreate = (endpoint: string, at = NOW) => run({ action: 'recreate', endpoint }, at) as Promise<IdleActionUndoResult>;
  /** The last run's IdleEndpointCost points, delivered into the account's CloudWatch: how a later run remembers the alert. */
  const deliverAlerts = () =>
    account.series.push(
      ...metrics.points
        .filter((point) => point.name === 'IdleEndpointCost')
        .map((point) => ({
          namespace: 'SageMakerOpsBot',
          metricName: 'IdleEndpointCost',
          dimensions: { Job: 'idle-endpoints', ...point.dimensions },
          points: [{ at: NOW, sum: point.value }],
        })),
    );
  const savings = () => metrics.points.filter((point) => point.name === 'Savings' && point.dimensions.Action === 'idle-delete' && !point.dimensions.Resource);

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    mocks?.restore();
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it("puts the owner's tags back without CloudFormation's aws:* tags, which CreateEndpoint refuses", async () => {
    // Prepare
    given([fakeEndpoint('old-model', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS, ...CLOUDFORMATION_TAGS } })]);
    await check();

    // Act
    const undone = await recreate('old-model');

    // Assess
    expect(undone.outcome).toMatchObject({ result: 'done' });
    expect(account.endpoints.find((endpoint) => endpoint.name === 'old-model')?.tags).toEqual(OWNER_TAGS);
  });

  it('keeps one record per endpoint when two endpoints share an endpoint config, each with its own tags', async () => {
    // Prepare: b runs on a's config (one config can back several endpoints).
    given([
      fakeEndpoint('model-a', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS, owner: 'alice' } }),
      fakeEndpoint('model-b', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS, owner: 'bob-with-a-much-longer-name-to-need-more-tag-chunks'.repeat(3) } }),
    ]);
    account.configOf.set('model-b', 'model-a-config');

    // Act
    const result = await check();
    const a = await recreate('model-a');
    const b = await recreate('model-b');

    // Assess: both deleted, both back from the one config, each with its own tags.
    expect(result.idleActions.outcomes.map((outcome) => outcome.result)).toEqual(['done', 'done']);
    expect([a.outcome.result, b.outcome.result]).toEqual(['done', 'done']);
    expect(account.endpoints.find((endpoint) => endpoint.name === 'model-a')?.tags).toMatchObject({ owner: 'alice' });
    expect(account.endpoints.find((endpoint) => endpoint.name === 'model-b')?.tags?.owner).toMatch(/^bob-with/);
    expect(account.configOf.get('model-b')).toBe('model-a-config');
  });

  it('keeps the record through a recreate that ends Failed, reports why, counts nothing, and a second recreate after the fix works', async () => {
    // Prepare: deleted; then its model is deleted too, so a recreate fails.
    given([fakeEndpoint('old-model', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS } })]);
    await check();
    const config = account.configs.get('old-model-config');
    if (config) config.modelMissing = true;

    // Act: recreate, SageMaker builds it and fails, the daily run follows.
    const first = await recreate('old-model', new Date(NOW.getTime() + DAY_MS));
    const creating = await check(new Date(NOW.getTime() + DAY_MS + 60_000));
    account.settleEndpoints();
    const failed = await check(new Date(NOW.getTime() + 2 * DAY_MS));

    // Assess: Creating and Failed are neither gone nor a saving; the reason is in the report; the record stays.
    expect(first.outcome).toMatchObject({ result: 'done' });
    expect(creating.report?.email).toContain('old-model (us-east-1): recreate in progress (Creating)');
    expect(failed.report?.email).toContain('its recreate Failed (Could not find model "old-model-config-model".)');
    expect(savings()).toEqual([]);
    expect(await recreateRecords()).toHaveLength(1);

    // Act: the model is back; a second recreate replaces the failed endpoint.
    if (config) config.modelMissing = false;
    const second = await recreate('old-model', new Date(NOW.getTime() + 3 * DAY_MS));
    account.settleEndpoints();
    await check(new Date(NOW.getTime() + 3 * DAY_MS + 60_000));

    // Assess
    expect(second.outcome).toMatchObject({ result: 'done', detail: expect.stringContaining('its earlier recreate had Failed') });
    expect(account.endpoints.find((endpoint) => endpoint.name === 'old-model')?.status).toBe('InService');
    expect(await recreateRecords()).toEqual([]);
  });

  it("saves a variant's autoscaling target and policies, deregisters them before the delete, and puts them back once the recreate is InService", async () => {
    // Prepare: a target 1..4 with a target-tracking policy.
    given([fakeEndpoint('scaled', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS } })]);
    const policy = {
      PolicyName: 'invocations-per-instance',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 70,
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        ScaleInCooldown: 300,
      },
    };
    account.variantTargets.set('endpoint/scaled/variant/AllTraffic', { min: 1, max: 4, policies: [policy] });

    // Act
    const deleted = await check();

    // Assess: deregistered before the delete, saved in the record.
    const order = account.calls.map((call) => call.operation).filter((operation) => operation === 'DeregisterScalableTarget' || operation === 'DeleteEndpoint');
    expect(order).toEqual(['DeregisterScalableTarget', 'DeleteEndpoint']);
    expect(deleted.idleActions.outcomes[0]?.detail).toContain('autoscaling of AllTraffic saved and put back on recreate');
    expect(account.variantTargets.size).toBe(0);

    // Act: recreate; nothing can be registered while it is Creating; the daily run finishes it once InService.
    await recreate('scaled');
    expect(account.variantTargets.size).toBe(0);
    account.settleEndpoints();
    await check(new Date(NOW.getTime() + 60_000));

    // Assess: the same bounds and policy are back, and the record is gone.
    expect(account.variantTargets.get('endpoint/scaled/variant/AllTraffic')).toEqual({ min: 1, max: 4, policies: [policy] });
    expect(await recreateRecords()).toEqual([]);
  });

  it("restarts a restored endpoint's idle clock: it is not scaled to zero again the next day", async () => {
    // Prepare: an idle endpoint whose components the idle action held at 0 for a week, then restored.
    given([
      fakeEndpoint('llm-host', {
        createdAt: daysAgo(60),
        variants: [{ name: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 1, managedMin: 0 }],
        components: ['llm-a'],
        tags: { 'ops-bot:idle-action': 'scale-to-zero' },
      }),
    ]);
    await check();
    const restored = await run({ action: 'restore', endpoint: 'llm-host' }, new Date(NOW.getTime() + 7 * DAY_MS));

    // Act: the next daily run, with still no traffic.
    const next = await check(new Date(NOW.getTime() + 8 * DAY_MS));

    // Assess: restored, the signed mark written, and the endpoint judged from the restore on, not acted on.
    expect((restored as IdleActionUndoResult).outcome).toMatchObject({ result: 'done' });
    expect(account.endpoints[0]?.tags).toHaveProperty('ops-bot:restored-at');
    expect(account.components[0]?.copies).toBe(1);
    expect(next.idleActions.outcomes).toEqual([]);
    // Idle for one day since the restore (2026-11-27 09:00), so the action is due seven days after it.
    expect(next.idleEndpoints.map((endpoint) => [endpoint.name, endpoint.idleHours])).toEqual([['llm-host', 24]]);
    expect(next.idleActions.decisions).toEqual([expect.objectContaining({ kind: 'warn', dueAt: '2026-12-04T09:00:00.000Z' })]);
  });

  it('counts an alerted endpoint that is Updating as neither gone nor a saving', async () => {
    // Prepare: alerted idle on day 1 (the alert is remembered through the bot's own metrics, in the function's region).
    vi.stubEnv('AWS_REGION', 'us-east-1');
    given([fakeEndpoint('forgotten', { createdAt: daysAgo(30) })]);
    await check();
    deliverAlerts();
    // Its owner starts an update: it is listed as Updating, not InService.
    Object.assign(account.endpoints[0] ?? {}, { status: 'Updating' });

    // Act
    await check(new Date(NOW.getTime() + DAY_MS));

    // Assess
    expect(
      metrics.points.filter((point) => point.name === 'GoneAfterAlert' || (point.name === 'Savings' && point.dimensions.Action === 'after-alert')),
    ).toEqual([]);

    // Act: it is really deleted.
    account.endpoints.splice(0, 1);
    await check(new Date(NOW.getTime() + 2 * DAY_MS));

    // Assess: now it counts.
    expect(metrics.points.filter((point) => point.name === 'GoneAfterAlert').map((point) => point.value)).toEqual([5.52]);
  });

  it('books one day of saving however many times the deleting run is re-run that day, and the next day again', async () => {
    // Prepare
    given([fakeEndpoint('old-model', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS } })]);

    // Act: the deleting run, a Lambda retry and a manual invoke on the same day; then the next day.
    const booked: number[] = [];
    for (const at of [NOW, new Date(NOW.getTime() + 60_000), new Date(NOW.getTime() + 5 * 3_600_000), new Date(NOW.getTime() + DAY_MS)]) {
      await check(at);
      booked.push(...savings().map((point) => point.value));
    }

    // Assess: $5.52 for the first day, $5.52 for the second, nothing for the re-runs.
    expect(booked).toEqual([5.52, 5.52]);
  });

  it("books hours the bot's own weekend scale-down held at 0 as the weekend's, never as after an alert", async () => {
    // Prepare: alerted idle (an endpoint hosting one opted-in component), remembered through the bot's metrics.
    vi.stubEnv('AWS_REGION', 'us-east-1');
    given([
      fakeEndpoint('llm-host', {
        createdAt: daysAgo(30),
        variants: [{ name: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 1, managedMin: 0 }],
        components: ['llm-a'],
      }),
    ]);
    Object.assign(account.components[0] ?? {}, { tags: { 'ops-bot:weekend-scale-to-zero': 'true' } });
    await check();
    deliverAlerts();
    // The weekend job scales the component to 0 (state signed), and managed instance scaling releases the instance.
    const weekendConfig = parseWeekendScalingConfig({ ...env, WEEKEND_SETTLE_POLL_SECONDS: '0' });
    await runWeekendScaling(
      { action: 'scale-down', dryRun: false },
      {
        ...liveWeekendScalingDeps(
          weekendConfig,
          createWeekendScalingClients(),
          silent,
          () => undefined,
          () => NOW,
        ),
        metrics: recordMetrics(),
      },
    );
    Object.assign(account.endpoints[0] ?? {}, { variants: [{ name: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 0, managedMin: 0 }] });

    // Act
    await check(new Date(NOW.getTime() + DAY_MS));

    // Assess: nothing booked as after an alert.
    expect(account.components[0]?.copies).toBe(0);
    expect(metrics.points.filter((point) => point.name === 'GoneAfterAlert' || point.dimensions.Action === 'after-alert')).toEqual([]);
  });

  it('in report-only mode deletes nothing, books nothing and says what it would delete', async () => {
    // Prepare
    given([fakeEndpoint('old-model', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS } })]);
    metrics = recordMetrics();
    const deps = {
      ...liveIdleEndpointsDeps(parseIdleEndpointsConfig({ ...env, REPORT_ONLY: 'true' }), createIdleEndpointsClients(), silent, () => NOW),
      metrics,
    };

    // Act
    const result = (await runIdleEndpoints(parse({}), deps)) as IdleEndpointsResult;

    // Assess
    expect(account.mutatingCalls()).toBe(0);
    expect(account.endpoints.map((endpoint) => endpoint.name)).toEqual(['old-model']);
    expect(metrics.points.filter((point) => point.name === 'Savings')).toEqual([]);
    expect(result.published).toBe(true);
    expect(result.report?.email).toMatch(/^REPORT-ONLY MODE: nothing was changed/);
    expect(result.report?.email).toContain('old-model (us-east-1): delete, due now');
  });

  it('refuses to delete an endpoint whose config names a KMS key, before writing anything', async () => {
    // Prepare
    given([fakeEndpoint('encrypted', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS }, kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/abc' })]);

    // Act
    const result = await check();

    // Assess
    expect(account.callCount('DeleteEndpoint')).toBe(0);
    expect(account.calls.filter((call) => call.operation === 'AddTags')).toEqual([]);
    expect(result.idleActions.outcomes).toEqual([
      expect.objectContaining({ result: 'failed', error: expect.stringContaining('names KMS key arn:aws:kms:us-east-1:111122223333:key/abc') }),
    ]);
  });

  it('judges a recreated endpoint on its own traffic only: it is not deleted again two days later', async () => {
    // Prepare: deleted, recreated the next day (InService), its old series last saw traffic a week before the delete.
    given([fakeEndpoint('old-model', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS } })]);
    await check();
    await recreate('old-model', new Date(NOW.getTime() + DAY_MS));
    account.settleEndpoints();
    account.series.push(variantSeries('old-model', 'AllTraffic', NOW, [7 * 24]));

    // Act: two days after the recreate.
    const later = await check(new Date(NOW.getTime() + 3 * DAY_MS));

    // Assess: young for its first 24 h, then idle for 2 days: warned, not deleted (ENDPOINT_IDLE_ACTION_DAYS 7).
    expect(account.callCount('DeleteEndpoint')).toBe(1);
    expect(later.idleActions.decisions).toEqual([expect.objectContaining({ name: 'old-model', kind: 'warn' })]);
  });
});
