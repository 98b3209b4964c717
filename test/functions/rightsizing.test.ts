/**
 * Rightsizing in the daily idle-endpoints run, on the fake account: the peaks read in the same
 * GetMetricData call as the invocations, the suggestions in the report, and never a change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseIdleEndpointsConfig } from '@ops-bot/shared/config';
import { runIdleEndpoints } from '@ops-bot/shared/jobs/idle-endpoints';
import { createIdleEndpointsClients, liveIdleEndpointsDeps } from '@ops-bot/shared/live/idle-endpoints';
import {
  FakeAccount,
  STATE_KEY_ARN,
  componentMetric,
  componentSeries,
  fakeComponent,
  fakeEndpoint,
  hostEndpoint,
  instanceMetric,
  latencySeries,
  variantSeries,
  type FakeSeries,
} from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { recordMetrics, type RecordedMetrics } from '../support/metrics.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();

const NOW = new Date('2026-11-20T09:00:00Z');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const busyHours = Array.from({ length: 14 * 24 }, (_, hour) => hour + 1);

/** A busy ml.m5.12xlarge (48 vCPUs, 192 GiB, $2.765/h) with its CPU and memory peaks and its latency. */
function m5(
  name: string,
  cpu: (hour: number) => number,
  tags: Record<string, string> = {},
  latencyMs = 20,
): { endpoint: ReturnType<typeof fakeEndpoint>; series: FakeSeries[] } {
  return {
    endpoint: fakeEndpoint(name, {
      createdAt: new Date('2026-09-01T00:00:00Z'),
      variants: [{ name: 'AllTraffic', instanceType: 'ml.m5.12xlarge', count: 1 }],
      tags,
    }),
    series: [
      variantSeries(name, 'AllTraffic', NOW, busyHours, 100),
      ...instanceMetric(name, 'AllTraffic', 'CPUUtilization', NOW, [cpu]),
      ...instanceMetric(name, 'AllTraffic', 'MemoryUtilization', NOW, [() => 10]),
      latencySeries(name, 'AllTraffic', 'ModelLatency', NOW, latencyMs * 1000),
      latencySeries(name, 'AllTraffic', 'OverheadLatency', NOW, 2_000),
    ],
  };
}

const CONFIG = parseIdleEndpointsConfig({
  AWS_REGION: 'us-east-1',
  STATE_KEY_ID: STATE_KEY_ARN,
  ...stateTable.env,
  TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot',
});

describe('Function: rightsizing in the idle-endpoints run', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  afterEach(() => mocks?.restore());

  /** The daily run on `account` at NOW, through the live wiring and the mocked SDK; a real run unless told otherwise. */
  function dailyRun(account: FakeAccount, options: { dryRun?: boolean; metrics?: RecordedMetrics } = {}) {
    account.clock = () => NOW;
    mocks = mockAccount(account);
    return runIdleEndpoints(
      { action: 'check', dryRun: options.dryRun ?? false },
      { ...liveIdleEndpointsDeps(CONFIG, createIdleEndpointsClients(), silent, () => NOW), metrics: options.metrics ?? recordMetrics() },
    );
  }

  it('names the under-used by saving with their figures, keeps the SLO-bound, says what it cannot judge, and changes nothing', async () => {
    // Prepare
    const accounts = [
      m5('ranker', () => 480),
      // Quiet but for one hour a day at 90% of 48 vCPUs: not under-used.
      m5('spiky', (hour) => (hour % 24 === 14 ? 4_320 : 96)),
      m5('slo-bound', () => 480, { 'ops-bot:latency-slo-ms': '40' }),
      m5('opted-out', () => 480, { 'ops-bot:rightsizing': 'off' }),
      m5('skipped', () => 480, { 'ops-bot:skip': 'true' }),
    ];
    const noMetrics = fakeEndpoint('no-metrics', { createdAt: new Date('2026-09-01T00:00:00Z') });
    const account = new FakeAccount(
      [...accounts.map((entry) => entry.endpoint), noMetrics],
      [...accounts.flatMap((entry) => entry.series), variantSeries('no-metrics', 'AllTraffic', NOW, busyHours, 5)],
    );

    // Act: a real run, not a dry run: rightsizing must still change nothing.
    const result = await dailyRun(account);

    // Assess
    const email = result.report?.email ?? '';
    expect(result.report?.subject).toBe('SageMaker: no idle endpoints; 1 under-used endpoint variant could save $55.30/day');
    expect(email).toContain(
      '  ranker (us-east-1) AllTraffic: 1 x ml.m5.12xlarge -> 1 x ml.m5.2xlarge (the next size that holds its peaks): save $55.30/day\n' +
        '    peaks over 14 days: CPU 10% of 48 vCPUs, memory 10%; per instance: the busiest instance; p99 latency 22 ms (model + overhead)',
    );
    expect(email).toContain('    slo-bound (us-east-1): p99 latency 22 ms is above half its SLO of 40 ms (would save $55.30/day)');
    expect(email).toContain('  Could not judge (no utilisation series): no-metrics (us-east-1).');
    for (const quiet of ['spiky', 'opted-out', 'skipped']) expect(email).not.toContain(`${quiet} (us-east-1)`);
    expect(result.report?.sms).toBe('SageMaker: no idle endpoints. Under-used: $55.30/day could be saved. Details by email.');
    // The fake Price List has no rows: the table priced the endpoint and the sizes weighed against it.
    expect(email).toMatch(
      /Prices: embedded table of 2026-11 \(us-east-1, us-east-2, us-west-2\) for ml\.m5\.12xlarge, .*ml\.m5\.2xlarge.* \(not in the Price List\)\./,
    );
    expect(account.mutatingCalls()).toBe(0);
    // The peaks and latencies came with the invocations, in one GetMetricData call.
    expect(account.callCount('GetMetricData')).toBe(1);
    // Described: the busy ones with room on memory (spiky too: its CPU peak is judged once its vCPUs are known).
    expect(
      account.calls
        .filter((call) => call.operation === 'DescribeEndpoint')
        .map((call) => call.input.EndpointName)
        .sort(),
    ).toEqual(['ranker', 'slo-bound', 'spiky']);
  });

  it('on an inference-component endpoint: fewer copies first, then the instances those copies still need, and never a change', async () => {
    // Prepare: 4 × ml.g5.12xlarge (16 GPUs) hosting 16 one-GPU copies of `chat`, each copy peaking at
    // 5% of its GPU; `pinned` shares the endpoint with the same peaks but is tagged ops-bot:skip.
    const endpoint = { ...hostEndpoint('llm', { instanceType: 'ml.g5.12xlarge', instances: 4 }), createdAt: new Date('2026-09-01T00:00:00Z') };
    const copy = { endpointName: 'llm', gpus: 1, cores: 10, memoryMb: 40_960, tags: {} };
    const components = [fakeComponent('chat', { ...copy, copies: 12 }), fakeComponent('pinned', { ...copy, copies: 4, tags: { 'ops-bot:skip': 'true' } })];
    const quietCopies = (name: string) => [
      componentMetric(name, 'CPUUtilizationNormalized', NOW, () => 4),
      componentMetric(name, 'MemoryUtilizationNormalized', NOW, () => 20),
      componentMetric(name, 'GPUUtilizationNormalized', NOW, () => 5),
      componentMetric(name, 'GPUMemoryUtilizationNormalized', NOW, () => 30),
    ];
    const fourInstances = (value: number) => [0, 1, 2, 3].map(() => () => value);
    const account = new FakeAccount(
      [endpoint],
      [
        componentSeries('chat', NOW, busyHours, 50),
        componentSeries('pinned', NOW, busyHours, 50),
        ...quietCopies('chat'),
        ...quietCopies('pinned'),
        ...instanceMetric('llm', 'AllTraffic', 'CPUUtilization', NOW, fourInstances(300)),
        ...instanceMetric('llm', 'AllTraffic', 'MemoryUtilization', NOW, fourInstances(20)),
        ...instanceMetric('llm', 'AllTraffic', 'GPUUtilization', NOW, fourInstances(40)),
        ...instanceMetric('llm', 'AllTraffic', 'GPUMemoryUtilization', NOW, fourInstances(120)),
      ],
      components,
    );

    // Act
    const result = await dailyRun(account);

    // Assess: chat goes 12 → 2 copies (12 × 5% = 60% of one copy; never below two); with pinned's 4
    // copies kept, 6 one-GPU copies fit on 2 instances, which is what the load needs too.
    const email = result.report?.email ?? '';
    expect(email).toContain('  llm (us-east-1) AllTraffic: 4 x ml.g5.12xlarge -> 2 x ml.g5.12xlarge: save $340.32/day');
    expect(email).toContain(
      '  chat on llm (us-east-1): 12 -> 2 copies: frees 10 GPUs, 100 CPU cores, 400 GiB, capacity worth $425.40/day\n' +
        '    per-copy peaks over 14 days, of what each copy reserves: CPU 4%, memory 20%, GPU 5%, GPU memory 30%; if it autoscales, lower its minimum copies',
    );
    expect(email).not.toContain('pinned');
    // One describe per component of the busy endpoint, and nothing changed.
    expect(account.callCount('DescribeInferenceComponent')).toBe(2);
    expect(account.mutatingCalls()).toBe(0);
    expect(account.callCount('GetMetricData')).toBe(1);
  });

  it("cites the newest completed Inference Recommender job of a suggested endpoint's model, in its own words, and prices nothing with it", async () => {
    // Prepare: `ranker` (model ranker-config-model) is under-used; its model has an old and a newer
    // completed job, and a still newer failed one.
    const { endpoint, series } = m5('ranker', () => 480, {}, 40);
    const account = new FakeAccount([endpoint], series);
    const job = (name: string, status: 'COMPLETED' | 'FAILED', day: number, costPerHour: number) => ({
      name,
      modelName: 'ranker-config-model',
      status,
      createdAt: new Date(Date.UTC(2026, 10, day)),
      completedAt: new Date(Date.UTC(2026, 10, day, 2)),
      recommendations: [
        { instanceType: 'ml.m5.large', count: 1, costPerHour: costPerHour / 2, modelLatencyMs: 75 },
        { instanceType: 'ml.m5.xlarge', count: 1, costPerHour, modelLatencyMs: 31.6 },
        { instanceType: 'ml.m5.4xlarge', count: 1, costPerHour: costPerHour * 4, modelLatencyMs: 12 },
      ],
    });
    account.recommendationJobs.push(job('ranker-old', 'COMPLETED', 2, 0.3), job('ranker-new', 'COMPLETED', 12, 0.23), job('ranker-broken', 'FAILED', 15, 0.01));

    // Act
    const result = await dailyRun(account, { dryRun: true });

    // Assess: today's model p99 is 40 ms; of the newer job's three, the cheapest no slower is ml.m5.xlarge.
    const email = result.report?.email ?? '';
    expect(email).toContain(
      '    Inference Recommender job ranker-new (completed 2026-11-12; of its 3 recommendations, the cheapest no slower than today): ' +
        '1 x ml.m5.xlarge, $0.23/h and model latency 32 ms by its own estimate',
    );
    // The bot's own saving is still from its own prices.
    expect(email).toContain('-> 1 x ml.m5.2xlarge (the next size that holds its peaks): save $55.30/day');
    expect(account.callCount('ListInferenceRecommendationsJobs')).toBe(1);
    expect(account.calls.filter((call) => call.operation === 'DescribeInferenceRecommendationsJob').map((call) => call.input.JobName)).toEqual(['ranker-new']);
  });

  it('names rarely called variants with the alternative their model allows, and what their empty hours cost, without counting a saving', async () => {
    // Prepare: requests in 12 of the 336 hours, the last an hour ago (busy, not idle).
    const rareHours = Array.from({ length: 12 }, (_, index) => 1 + index * 28);
    const rare = (name: string, instanceType: string, memory: number, tags: Record<string, string> = {}) => ({
      endpoint: fakeEndpoint(name, { createdAt: new Date('2026-09-01T00:00:00Z'), variants: [{ name: 'AllTraffic', instanceType, count: 1 }], tags }),
      series: [
        variantSeries(name, 'AllTraffic', NOW, rareHours, 3),
        ...instanceMetric(name, 'AllTraffic', 'CPUUtilization', NOW, [() => 200]),
        ...instanceMetric(name, 'AllTraffic', 'MemoryUtilization', NOW, [() => memory]),
        ...(instanceType.startsWith('ml.g5')
          ? [
              ...instanceMetric(name, 'AllTraffic', 'GPUUtilization', NOW, [() => 70]),
              ...instanceMetric(name, 'AllTraffic', 'GPUMemoryUtilization', NOW, [() => 70]),
            ]
          : []),
        latencySeries(name, 'AllTraffic', 'ModelLatency', NOW, 800_000),
        latencySeries(name, 'AllTraffic', 'OverheadLatency', NOW, 5_000),
      ],
    });
    const entries = [
      rare('nightly', 'ml.m5.xlarge', 10),
      // 70% of memory: no smaller size, and more than serverless holds: described for the hours alone.
      rare('gpu-batch', 'ml.g5.xlarge', 70),
      rare('slo-bound', 'ml.m5.xlarge', 10, { 'ops-bot:latency-slo-ms': '5000' }),
    ];
    const account = new FakeAccount(
      entries.map((entry) => entry.endpoint),
      entries.flatMap((entry) => entry.series),
    );

    const metrics = recordMetrics();

    // Act
    const result = await dailyRun(account, { metrics });

    // Assess: ml.g5.xlarge $1.408/h and ml.m5.xlarge $0.23/h, each unused 324 of 336 hours.
    const email = result.report?.email ?? '';
    expect(result.report?.subject).toBe('SageMaker: no idle endpoints; 2 rightsizing suggestions');
    expect(email).toContain(
      '  gpu-batch (us-east-1) AllTraffic: requests in 12 of 336 hours; asynchronous inference (callers use InvokeEndpointAsync) can scale to 0 instances; not serverless: serverless has no GPUs\n' +
        '    paid for the hours without a request: $32.59/day (1 x ml.g5.xlarge)\n' +
        '  nightly (us-east-1) AllTraffic: requests in 12 of 336 hours; serverless with 3072 MB would hold its 1.6 GiB memory peak\n' +
        '    paid for the hours without a request: $5.32/day (1 x ml.m5.xlarge)',
    );
    expect(email).not.toContain('slo-bound (us-east-1) AllTraffic: requests');
    expect(metrics.value('RightsizingSuggestedSavingsPerDay')).toBe(0);
    expect(account.mutatingCalls()).toBe(0);
  });
});
