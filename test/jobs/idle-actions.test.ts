/**
 * Opt-in remediation of long-idle endpoints (ops-bot:idle-action), end to end on the fake account:
 * the delete → recreate and scale-to-zero → restore round trips, dry runs and second runs that
 * change nothing, and every endpoint the bot must never touch.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseIdleEndpointsConfig, parseWeekendScalingConfig } from '@ops-bot/shared/config';
import { runIdleEndpoints, type IdleActionUndoResult, type IdleEndpointsResult } from '@ops-bot/shared/jobs/idle-endpoints';
import { runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { idleEndpointsEventParser } from '@ops-bot/shared/lambda/events';
import { createIdleEndpointsClients, liveIdleEndpointsDeps } from '@ops-bot/shared/live/idle-endpoints';
import { createWeekendScalingClients, liveWeekendScalingDeps } from '@ops-bot/shared/live/weekend-scaling';
import { FakeAccount, FakeAwsError, fakeComponent, fakeEndpoint, MUTATING, variantSeries, STATE_KEY_ARN, type FakeComponent } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { recordMetrics, type RecordedMetrics } from '../support/metrics.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();

const NOW = new Date('2026-11-20T09:00:00.000Z');
const env = {
  AWS_REGION: 'us-east-1',
  STATE_KEY_ID: STATE_KEY_ARN,
  ...stateTable.env,
  TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot',
  WEEKEND_SETTLE_POLL_SECONDS: '0',
};
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 3_600_000);
const OWNER_TAGS = { team: 'ml-platform', 'cost-center': 'CC-42', 'ops-bot:idle-action': 'delete' };

/** An idle endpoint opted in to scale-to-zero, whose instances are released at 0 (managed instance scaling down to 0), hosting `components`. */
function llmHost(components: FakeComponent[]): FakeAccount {
  return new FakeAccount(
    [
      fakeEndpoint('llm-host', {
        createdAt: daysAgo(30),
        variants: [{ name: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 1, managedMin: 0 }],
        components: [],
        tags: { 'ops-bot:idle-action': 'scale-to-zero' },
      }),
    ],
    [],
    components,
  );
}

describe('Idle actions (ops-bot:idle-action)', () => {
  let account: FakeAccount;
  let mocks: ReturnType<typeof mockAccount> | undefined;
  let metrics: RecordedMetrics;
  const given = (built: FakeAccount) => {
    account = built;
    mocks = mockAccount(account);
  };
  const parse = idleEndpointsEventParser(['us-east-1']);
  const run = async (raw: unknown, at = NOW, overrides: Record<string, string> = {}) => {
    account.clock = () => at;
    metrics = recordMetrics();
    const deps = {
      ...liveIdleEndpointsDeps(parseIdleEndpointsConfig({ ...env, ...overrides }), createIdleEndpointsClients(), silent, () => at),
      metrics,
      sleep: async () => undefined,
    };
    return runIdleEndpoints(parse(raw), deps);
  };
  const check = (raw: Record<string, unknown> = {}, at = NOW, overrides: Record<string, string> = {}) =>
    run(raw, at, overrides) as Promise<IdleEndpointsResult>;
  /** The recreate records in the state table, by sort key. */
  const recreateRecords = async () => (await stateTable.items()).filter((item) => item.pk?.S === 'state#recreate').map((item) => item.sk?.S);
  const undo = (raw: Record<string, unknown>) => run(raw) as Promise<IdleActionUndoResult>;
  const writes = () => account.calls.filter((call) => MUTATING.has(call.operation));

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    mocks?.restore();
    vi.useRealTimers();
  });

  it('deletes an opted-in endpoint idle past the threshold, saving what recreates it first, and a recreate brings back the same name, config and tags', async () => {
    // Prepare: idle for the whole 14-day lookback; ml.m5.xlarge costs $0.23/h.
    given(new FakeAccount([fakeEndpoint('old-model', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS } })]));

    // Act
    const result = await check();

    // Assess: the record is in the state table (written before the delete: see "deletes nothing when
    // the recreate record cannot be written"), nothing is written on the config, the config stays, the
    // report says how to undo.
    expect(writes().map((call) => call.operation)).toEqual(['DeleteEndpoint']);
    expect(account.endpoints.map((endpoint) => endpoint.name)).toEqual([]);
    expect(await recreateRecords()).toEqual(['arn:aws:sagemaker:us-east-1:111122223333:endpoint-config/old-model-config#recreate:old-model']);
    expect(account.configs.get('old-model-config')?.tags).toEqual({});
    expect(result.idleActions.outcomes).toEqual([expect.objectContaining({ name: 'old-model', action: 'delete', result: 'done', savesPerDay: 5.52 })]);
    expect(result.report?.email).toContain('ACTED ON');
    expect(result.report?.email).toContain('old-model (us-east-1): delete, done');
    expect(result.report?.email).toContain('Undo: invoke the idle-endpoints function with {"action":"recreate","endpoint":"old-model","region":"us-east-1"}');
    expect(result.report?.sms).toContain('1 acted on.');
    expect(result.report?.subject).toBe('SageMaker: 1 idle endpoint wasting $5.52/day (us-east-1), 1 acted on');
    expect(metrics.value('IdleActionsTaken')).toBe(1);
    expect(metrics.value('IdleActionFailures')).toBe(0);

    // Act: a second run finds nothing left to do.
    const before = writes().length;
    const second = await check();

    // Assess
    expect(writes()).toHaveLength(before);
    expect(second.idleActions.outcomes).toEqual([]);

    // Act: the undo.
    const recreated = await undo({ action: 'recreate', endpoint: 'old-model' });

    // Assess: same name, same config, same tags; the record stays while the endpoint is Creating.
    expect(recreated.outcome).toMatchObject({ result: 'done' });
    const back = account.endpoints.find((endpoint) => endpoint.name === 'old-model');
    expect(back?.tags).toEqual(OWNER_TAGS);
    expect(account.configOf.get('old-model')).toBe('old-model-config');
    expect(await recreateRecords()).toHaveLength(1);
    expect(recreated.report?.subject).toBe('SageMaker: endpoint old-model recreated (us-east-1)');

    // Act: the daily run follows it while Creating, then finishes once it is InService.
    const creating = await check();
    expect(creating.report?.email).toContain('old-model (us-east-1): recreate in progress (Creating)');
    (back as { status?: string }).status = 'InService';
    await check();

    // Assess: the record is gone, and the recreated endpoint's idle clock restarts (in the table,
    // mirrored on the endpoint for people).
    expect(await recreateRecords()).toEqual([]);
    expect(account.endpoints.find((endpoint) => endpoint.name === 'old-model')?.tags).toHaveProperty('ops-bot:restored-at');
    const marks = (await stateTable.items()).filter((item) => item.pk?.S === 'state#endpoint');
    expect(marks.map((item) => Object.keys(item.values?.M ?? {}))).toEqual([['ops-bot:restored-at']]);
  });

  it('books a hold only while its components are at 0: an owner who brings one back stops the count', async () => {
    // Prepare: the idle action holds llm-host at 0 (managed instance scaling down to 0 instances).
    given(llmHost([fakeComponent('llm-a', { endpointName: 'llm-host', copies: 2, tags: {} })]));
    await check();
    const held = await check({}, new Date(NOW.getTime() + 24 * 3_600_000));
    const heldSavings = metrics.points.filter((point) => point.name === 'Savings' && point.dimensions.Resource === 'llm-host');

    // Act: its owner brings the component back by hand and opts the endpoint out; the next day's run follows the hold.
    (account.components[0] as { copies: number }).copies = 2;
    (account.endpoints[0] as { tags?: Record<string, string> }).tags = {};
    const next = await check({}, new Date(NOW.getTime() + 48 * 3_600_000));

    // Assess: booked while at 0 ($33.79 a day), not once a copy runs again, and the report says why.
    expect(held.report).toBeDefined();
    expect(heldSavings.map((point) => point.value)).toEqual([33.79]);
    expect(metrics.points.filter((point) => point.name === 'Savings')).toEqual([]);
    expect(next.report?.email).toContain('llm-host (us-east-1): held at 0 by the bot, but llm-a (2 copies) run again: not counted today');
  });

  it('leaves the components of an endpoint tagged ops-bot:skip since the scale-to-zero at 0 on its restore, and says why', async () => {
    // Prepare: held at 0 by the idle action, then its endpoint is tagged skip.
    given(llmHost([fakeComponent('llm-a', { endpointName: 'llm-host', copies: 2, tags: {} })]));
    await check();
    (account.endpoints[0] as { tags?: Record<string, string> }).tags = { 'ops-bot:idle-action': 'scale-to-zero', 'ops-bot:skip': 'true' };
    const writesBefore = account.calls.filter((call) => call.operation === 'UpdateInferenceComponentRuntimeConfig').length;

    // Act
    const restored = await undo({ action: 'restore', endpoint: 'llm-host' });

    // Assess
    expect(account.components[0]?.copies).toBe(0);
    expect(account.calls.filter((call) => call.operation === 'UpdateInferenceComponentRuntimeConfig')).toHaveLength(writesBefore);
    expect(restored.report?.email).toContain('tagged ops-bot:skip while scaled down');
  });

  it("scales an opted-in endpoint's components to 0 with their state saved and held from the weekly restore, and its restore brings back exactly what ran", async () => {
    // Prepare: managed instance scaling down to 0 instances, so the instance cost really stops.
    given(
      llmHost([
        fakeComponent('llm-a', { endpointName: 'llm-host', copies: 2, tags: {}, autoscaling: { min: 1, max: 4 } }),
        fakeComponent('llm-b', { endpointName: 'llm-host', copies: 1, tags: {} }),
      ]),
    );
    const owner = structuredClone(account.components.map(({ name, copies, autoscaling }) => ({ name, copies, autoscaling })));

    // Act
    const result = await check();

    // Assess: 24 h x $1.408 = $33.79 a day stops.
    expect(account.components.map((component) => component.copies)).toEqual([0, 0]);
    expect(account.components[0]?.tags).toMatchObject({
      'ops-bot:saved-copy-count': '2',
      'ops-bot:saved-min-capacity': '1',
      'ops-bot:saved-max-capacity': '4',
      'ops-bot:held-by': 'idle-action',
    });
    expect(result.idleActions.outcomes).toEqual([expect.objectContaining({ name: 'llm-host', action: 'scale-to-zero', result: 'done', savesPerDay: 33.79 })]);
    expect(result.report?.email).toContain('{"action":"restore","endpoint":"llm-host","region":"us-east-1"}');

    // Act: a second run, then Monday's weekly restore.
    const before = writes().length;
    const second = await check();
    const weekendConfig = parseWeekendScalingConfig({ ...env, WEEKEND_SCOPE: 'all' });
    await runWeekendScaling(
      { action: 'restore', dryRun: false },
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

    // Assess: nothing more was done, and the weekly restore left the held components at 0.
    expect(second.idleActions.outcomes).toEqual([expect.objectContaining({ result: 'already-done' })]);
    expect(writes()).toHaveLength(before);
    expect(account.components.map((component) => component.copies)).toEqual([0, 0]);

    // Act: the on-demand restore.
    const restored = await undo({ action: 'restore', endpoint: 'llm-host' });

    // Assess: exactly what ran before, bounds included, and no state left.
    expect(restored.outcome).toMatchObject({ result: 'done' });
    expect(account.components.map(({ name, copies, autoscaling }) => ({ name, copies, autoscaling }))).toEqual(owner);
    // Only the signed tombstone of the cleared state is left (its generation and MAC).
    expect(account.components.flatMap((component) => Object.keys(component.tags)).filter((key) => !/^ops-bot:(gen:[0-9a-z]{12}|state-mac)$/.test(key))).toEqual(
      [],
    );
  });

  it('says the instance cost does not stop when managed instance scaling keeps instances', async () => {
    // Prepare
    given(
      new FakeAccount(
        [
          fakeEndpoint('kept', {
            createdAt: daysAgo(30),
            variants: [{ name: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 1, managedMin: 1 }],
            tags: { 'ops-bot:idle-action': 'scale-to-zero' },
          }),
        ],
        [],
        [fakeComponent('m', { endpointName: 'kept', copies: 1, tags: {} })],
      ),
    );

    // Act
    const result = await check();

    // Assess
    expect(result.idleActions.outcomes).toEqual([expect.objectContaining({ result: 'done', savesPerDay: 0 })]);
    expect(result.report?.email).toContain('the instance cost does not stop (AllTraffic: managed MinInstanceCount 1)');
  });

  it('changes nothing in a dry run, and says what is due', async () => {
    // Prepare
    given(new FakeAccount([fakeEndpoint('old-model', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS } })]));

    // Act
    const result = await check({ dryRun: true });

    // Assess
    expect(writes()).toEqual([]);
    expect(result.idleActions.outcomes).toEqual([expect.objectContaining({ result: 'planned', savesPerDay: 5.52 })]);
    expect(result.report?.email).toContain('old-model (us-east-1): delete, due now (not done: a dry run, or report-only)');
  });

  it('never touches busy, skipped, untagged, recently idle or unknown-valued endpoints, and refuses delete where components live', async () => {
    // Prepare
    const optIn = (value: string, extra: Record<string, string> = {}) => ({ 'ops-bot:idle-action': value, ...extra });
    given(
      new FakeAccount(
        [
          fakeEndpoint('busy', { createdAt: daysAgo(30), tags: optIn('delete') }),
          fakeEndpoint('skipped', { createdAt: daysAgo(30), tags: optIn('delete', { 'ops-bot:skip': 'true' }) }),
          fakeEndpoint('untagged', { createdAt: daysAgo(30) }),
          fakeEndpoint('recently-idle', { createdAt: daysAgo(30), tags: optIn('delete') }),
          fakeEndpoint('unknown-value', { createdAt: daysAgo(30), tags: optIn('Delete') }),
          fakeEndpoint('hosts-components', { createdAt: daysAgo(30), tags: optIn('delete'), components: ['ic-1'] }),
        ],
        [variantSeries('busy', 'AllTraffic', NOW, [2]), variantSeries('recently-idle', 'AllTraffic', NOW, [72])],
      ),
    );

    // Act
    const result = await check();

    // Assess: nothing written anywhere; the alert dates the coming action and names each refusal.
    expect(writes()).toEqual([]);
    expect(result.idleActions.outcomes).toEqual([]);
    const email = result.report?.email ?? '';
    // Idle since 3 days ago (the bucket ending 71 h ago), acted on after 7 days: 2026-11-24.
    expect(email).toMatch(/recently-idle[\s\S]*Idle action: delete on 2026-11-24 \d\d:\d\d UTC if it stays idle/);
    expect(email).toContain('Idle action: not taken: ops-bot:idle-action is "Delete": only "scale-to-zero" or "delete" is acted on');
    expect(email).toContain('Idle action: not taken: it hosts inference components, which delete would remove: use scale-to-zero');
    expect(result.idleActions.decisions.map((decision) => `${decision.name}:${decision.kind}`).sort()).toEqual([
      'hosts-components:refuse',
      'recently-idle:warn',
      'unknown-value:refuse',
    ]);
  });

  it('deletes nothing when the recreate record cannot be written, and reports and alarms on the failure', async () => {
    // Prepare
    given(new FakeAccount([fakeEndpoint('old-model', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS } })]));

    // Act: the function names a table DynamoDB does not have (ResourceNotFoundException).
    const result = await check({}, NOW, { STATE_TABLE: 'ops-bot-state-gone' });

    // Assess
    expect(account.callCount('DeleteEndpoint')).toBe(0);
    expect(account.endpoints.map((endpoint) => endpoint.name)).toEqual(['old-model']);
    expect(result.idleActions.outcomes).toEqual([expect.objectContaining({ result: 'failed', error: expect.stringContaining('ResourceNotFoundException') })]);
    expect(result.report?.sms).toContain('0 acted on, 1 FAILED.');
    expect(metrics.value('IdleActionFailures')).toBe(1);
  });

  it('counts no saving for an endpoint whose delete failed after its record was written, and tries again the next day', async () => {
    // Prepare: DeleteEndpoint refused once.
    given(new FakeAccount([fakeEndpoint('old-model', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS } })]));
    account.failWhen('DeleteEndpoint', (_, call) => (call === 0 ? new FakeAwsError('ThrottlingException', 'Rate exceeded') : undefined));

    // Act
    const first = await check();
    const firstSavings = metrics.points.filter((point) => point.name === 'Savings');
    const second = await check({}, new Date(NOW.getTime() + 24 * 3_600_000));
    await check({}, new Date(NOW.getTime() + 48 * 3_600_000));

    // Assess: the record stayed (the way back) and nothing was counted while the endpoint ran; the
    // next run deleted it, and the run after counts its first day gone (aggregate and per resource).
    expect(first.idleActions.outcomes).toEqual([expect.objectContaining({ result: 'failed', error: expect.stringContaining('ThrottlingException') })]);
    expect(firstSavings).toEqual([]);
    expect(second.idleActions.outcomes).toEqual([expect.objectContaining({ result: 'done' })]);
    expect(account.endpoints).toEqual([]);
    expect(metrics.points.filter((point) => point.name === 'Savings').map((point) => point.value)).toEqual([5.52, 5.52]);
  });

  it("re-reads the endpoint's own tags before acting: a skip tag added since the search wins", async () => {
    // Prepare: the owner adds the skip tag after the tag search ran (while the endpoint is described).
    given(new FakeAccount([fakeEndpoint('old-model', { createdAt: daysAgo(30), tags: { ...OWNER_TAGS } })]));
    const answer = account.handle.bind(account);
    account.handle = (operation, input) => {
      if (operation === 'DescribeEndpoint') account.endpoints[0]!.tags = { ...OWNER_TAGS, 'ops-bot:skip': 'true' };
      return answer(operation, input);
    };

    // Act
    const result = await check();

    // Assess
    expect(writes()).toEqual([]);
    expect(result.idleActions.outcomes).toEqual([expect.objectContaining({ result: 'skipped' })]);
  });

  it('refuses an undo event with a bad endpoint or region before any AWS call', async () => {
    // Prepare
    given(new FakeAccount([]));

    // Act & Assess
    await expect(run({ action: 'recreate', endpoint: 'bad name!' })).rejects.toThrow(/"endpoint" must be a SageMaker endpoint name/);
    await expect(run({ action: 'restore', endpoint: 'x', region: 'eu-west-1' })).rejects.toThrow(/"region" "eu-west-1" is not one of this function's regions/);
    await expect(run({ endpoint: 'x' })).rejects.toThrow(/"endpoint" only goes with "action"/);
    expect(account.calls).toEqual([]);
  });
});
