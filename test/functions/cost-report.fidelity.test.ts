/**
 * The cost report on an account that answers as AWS documents it: GetMetricData buckets by the
 * query's Period counted from StartTime, per-GPU and per-instance series exist whenever detailed
 * observability is on (SageMaker API Reference, MetricsConfig: EnableDetailedObservability, default
 * true for new configs; MetricPublishFrequencyInSeconds applies either way), endpoints bill in
 * every status that runs instances (DescribeEndpoint EndpointStatus), shadow variants bill.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseCostReportConfig } from '@ops-bot/shared/config';
import { runCostReport } from '@ops-bot/shared/jobs/cost-report';
import { createCostReportClients, liveCostReportDeps } from '@ops-bot/shared/live/cost-report';
import { FakeAccount, FakeAwsError, fakeEndpoint, type FakeSeries } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { recordMetrics, type RecordedMetrics } from '../support/metrics.ts';

const HOUR_MS = 3_600_000;
const QUARTER_MS = HOUR_MS / 4;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Host {
  name: string;
  status?: string;
  instanceType: string;
  instances: number;
  shadow?: { instanceType: string; instances: number };
  /** MetricsConfig.MetricPublishFrequencyInSeconds. */
  publishSeconds?: number;
  components?: Array<{ name: string; copies: number; gpus: number }>;
}

/** A series that reports `perHour` datapoints (SampleCount) every hour, at a steady rate. */
interface Series {
  namespace: string;
  name: string;
  dims: Record<string, string>;
  perHour: number;
}

/** The one fake, with each series reporting a quarter of its hourly count every 15 minutes for the three days before `now`. */
function costAccount(hosts: Host[], series: Series[], now: Date): FakeAccount {
  const steady = (perHour: number) =>
    Array.from({ length: 3 * 24 * 4 }, (_, i) => ({
      at: new Date(Math.floor(now.getTime() / QUARTER_MS) * QUARTER_MS - (i + 1) * QUARTER_MS),
      sum: perHour / 4,
    }));
  const account = new FakeAccount(
    hosts.map((h) =>
      fakeEndpoint(h.name, {
        status: h.status,
        variants: [{ name: 'AllTraffic', instanceType: h.instanceType, count: h.instances }],
        shadowVariants: h.shadow ? [{ name: 'Shadow', instanceType: h.shadow.instanceType, count: h.shadow.instances }] : undefined,
        metricsPeriodSeconds: h.publishSeconds,
      }),
    ),
    series.map((m): FakeSeries => ({ namespace: m.namespace, metricName: m.name, dimensions: m.dims, points: steady(m.perHour) })),
    hosts.flatMap((h) => (h.components ?? []).map((c) => ({ name: c.name, endpointName: h.name, copies: c.copies, tags: {}, gpus: c.gpus }))),
  );
  account.clock = () => now;
  return account;
}

const gpu = (component: string, extra: Record<string, string>, perHour: number): Series => ({
  namespace: '/aws/sagemaker/InferenceComponents',
  name: 'GPUUtilizationNormalized',
  dims: { InferenceComponentName: component, ...extra },
  perHour,
});

describe('Function: cost-report on AWS-shaped answers', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  let account: FakeAccount;
  let metrics: RecordedMetrics;
  let now = new Date('2026-11-21T08:00:00Z');
  const given = (hosts: Host[], series: Series[], at = new Date('2026-11-21T08:00:00Z')) => {
    now = at;
    account = costAccount(hosts, series, at);
    mocks = mockAccount(account);
  };
  const run = (env: Record<string, string> = {}) => {
    metrics = recordMetrics();
    const config = parseCostReportConfig({ AWS_REGION: 'us-east-1', TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot', ...env });
    return runCostReport({ dryRun: false }, { ...liveCostReportDeps(config, createCostReportClients(), silent, () => now), metrics });
  };
  afterEach(() => mocks?.restore());

  it('still sends the report, estimated and with a note, when metric discovery fails', async () => {
    // Prepare
    given([{ name: 'gpu', instanceType: 'ml.g6.12xlarge', instances: 1, components: [{ name: 'llm', copies: 1, gpus: 1 }] }], []);
    account.failWhen('ListMetrics', () => new FakeAwsError('AccessDenied', 'User is not authorized to perform: cloudwatch:ListMetrics'));

    // Act
    const { costs, report } = await run();

    // Assess
    expect(account.callCount('Publish')).toBe(1);
    expect(costs.totalCost).toBe(138.05);
    expect(costs.hosts[0]?.components[0]).toMatchObject({ source: 'estimated', cost: 34.51 });
    expect(report?.email).toContain('us-east-1: metric discovery failed, so its figures are estimated: AccessDenied');
  });

  it('costs every endpoint that bills instances, whatever its update status, and its shadow variant', async () => {
    // Prepare
    given(
      [
        { name: 'updating', status: 'Updating', instanceType: 'ml.m5.large', instances: 1 },
        { name: 'rolling-back', status: 'RollingBack', instanceType: 'ml.m5.large', instances: 1 },
        { name: 'system-updating', status: 'SystemUpdating', instanceType: 'ml.m5.large', instances: 1 },
        { name: 'rollback-failed', status: 'UpdateRollbackFailed', instanceType: 'ml.m5.large', instances: 1 },
        { name: 'creating', status: 'Creating', instanceType: 'ml.m5.large', instances: 1 },
        { name: 'with-shadow', instanceType: 'ml.m5.large', instances: 1, shadow: { instanceType: 'ml.m5.xlarge', instances: 2 } },
      ],
      [],
    );

    // Act
    const { costs } = await run();

    // Assess
    const hosts = costs.hosts.map((host) => `${host.endpointName}/${host.variantName}`).sort();
    expect(hosts).toEqual([
      'rollback-failed/AllTraffic',
      'rolling-back/AllTraffic',
      'system-updating/AllTraffic',
      'updating/AllTraffic',
      'with-shadow/AllTraffic',
      'with-shadow/Shadow',
    ]);
    const shadow = costs.hosts.find((host) => host.variantName === 'Shadow');
    expect(shadow?.components.map((c) => c.name)).toEqual(['with-shadow (shadow variant Shadow)']);
    expect(shadow?.cost).toBeGreaterThan(0);
    // Two hosts of one endpoint stay two metric series (a collision would merge them in EMF).
    const endpointCosts = metrics.points.filter((point) => point.name === 'EndpointCost' && point.dimensions.EndpointName === 'with-shadow');
    expect(endpointCosts.map((point) => point.dimensions)).toEqual([
      { Region: 'us-east-1', EndpointName: 'with-shadow', VariantName: 'AllTraffic' },
      { Region: 'us-east-1', EndpointName: 'with-shadow', VariantName: 'Shadow' },
    ]);
  });

  it('measures from per-GPU and per-instance series whenever they exist, one dimension set per component', async () => {
    // Prepare: detailed observability on, enhanced metrics off, published every 30 s (120 samples
    // an hour). llm's GPU shows up both per GPU and per GPU and instance: counted once.
    given(
      [{ name: 'gpu', instanceType: 'ml.g6.12xlarge', instances: 1, publishSeconds: 30, components: [{ name: 'llm', copies: 1, gpus: 2 }] }],
      [
        gpu('llm', { AcceleratorId: '0' }, 120),
        gpu('llm', { AcceleratorId: '0', InstanceId: 'i-1' }, 120),
        {
          namespace: '/aws/sagemaker/Endpoints',
          name: 'CPUUtilizationNormalized',
          dims: { EndpointName: 'gpu', VariantName: 'AllTraffic', InstanceId: 'i-1' },
          perHour: 120,
        },
        {
          namespace: '/aws/sagemaker/Endpoints',
          name: 'CPUUtilizationNormalized',
          dims: { EndpointName: 'gpu', VariantName: 'AllTraffic', InstanceId: 'i-1', ContainerId: 'c-1' },
          perHour: 120,
        },
      ],
    );

    // Act
    const { costs } = await run();

    // Assess: 1 GPU measured for 24 h (not the 2 estimated, not 2 counted twice); 1 instance for 24 h.
    const host = costs.hosts[0];
    expect(host).toMatchObject({ instanceHoursSource: 'measured', instanceHours: 24, cost: 138.05 });
    expect(host?.components[0]).toMatchObject({ source: 'measured', unitHours: 24, cost: 34.51 });
  });

  /** Datapoints every `everySeconds` from `from` until `until`: a per-instance series while its instance runs. */
  const publishedEvery = (everySeconds: number, from: Date, until: Date) =>
    Array.from({ length: Math.floor((until.getTime() - from.getTime()) / (everySeconds * 1000)) }, (_, i) => ({
      at: new Date(from.getTime() + i * everySeconds * 1000),
      sum: 1,
    }));
  const instanceSeriesOf = (instance: string, points: FakeSeries['points']): FakeSeries => ({
    namespace: '/aws/sagemaker/Endpoints',
    metricName: 'CPUUtilizationNormalized',
    dimensions: { EndpointName: 'cpu', VariantName: 'AllTraffic', InstanceId: instance },
    points,
  });

  it.each([10, 60, 300])('costs 2 x ml.m5.xlarge at $11.04 for the day whether its instances publish every %i s', async (publishSeconds) => {
    // Prepare: two instances running for the three days before now, publishing at that rate; the
    // config does not say (no MetricsConfig), so nothing may be assumed about the rate.
    given([{ name: 'cpu', instanceType: 'ml.m5.xlarge', instances: 2 }], []);
    const from = new Date(now.getTime() - 3 * 24 * HOUR_MS);
    account.series.push(instanceSeriesOf('i-1', publishedEvery(publishSeconds, from, now)), instanceSeriesOf('i-2', publishedEvery(publishSeconds, from, now)));

    // Act
    const { costs } = await run();

    // Assess: 2 x 24 h x $0.23 = $11.04, within 1%, measured.
    expect(costs.hosts[0]?.instanceHoursSource).toBe('measured');
    expect(Math.abs((costs.hosts[0]?.cost ?? 0) - 11.04) / 11.04).toBeLessThan(0.01);
  });

  it('counts the hours an instance really ran when its series stops part way through the day (a scale-in)', async () => {
    // Prepare: i-2 scaled in at 14:07 UTC on the day reported (2026-11-20); i-1 runs all day; 10 s publishing.
    given([{ name: 'cpu', instanceType: 'ml.m5.xlarge', instances: 1 }], []);
    const from = new Date(now.getTime() - 3 * 24 * HOUR_MS);
    account.series.push(
      instanceSeriesOf('i-1', publishedEvery(10, from, now)),
      instanceSeriesOf('i-2', publishedEvery(10, from, new Date('2026-11-20T14:07:00Z'))),
    );

    // Act
    const { costs } = await run();

    // Assess: (24 h + 14.12 h) x $0.23 = $8.77, within 1%.
    const expected = (24 + (14 * 60 + 7) / 60) * 0.23;
    expect(Math.abs((costs.hosts[0]?.cost ?? 0) - expected) / expected).toBeLessThan(0.01);
  });

  it('labels and stamps the local day, and keeps the period before out of a 25-hour day', async () => {
    // Prepare: Europe/London leaves summer time on 2026-10-25, a 25-hour local day.
    given(
      [{ name: 'gpu', instanceType: 'ml.g6.12xlarge', instances: 1, components: [{ name: 'llm', copies: 1, gpus: 1 }] }],
      [
        gpu('llm', { AcceleratorId: '0' }, 60),
        {
          namespace: '/aws/sagemaker/Endpoints',
          name: 'CPUUtilizationNormalized',
          dims: { EndpointName: 'gpu', VariantName: 'AllTraffic', InstanceId: 'i-1' },
          perHour: 60,
        },
      ],
      new Date('2026-10-26T08:00:00Z'),
    );

    // Act
    const { costs, report } = await run({ TIMEZONE: 'Europe/London' });

    // Assess
    expect(costs.periodLabel).toBe('2026-10-25');
    expect(report?.subject).toContain('SageMaker cost 2026-10-25');
    expect(costs.hosts[0]).toMatchObject({ instanceHours: 25, cost: 143.8, previousCost: 138.05 });
    expect(metrics.stamps[0]?.toISOString().slice(0, 10)).toBe('2026-10-25');
  });

  it('labels a Berlin day by its local date and stamps its metrics inside it', async () => {
    // Prepare: the local day 2026-11-19 starts at 2026-11-18T23:00Z.
    given([{ name: 'cpu', instanceType: 'ml.m5.large', instances: 1 }], [], new Date('2026-11-20T06:00:00Z'));

    // Act
    const { costs } = await run({ TIMEZONE: 'Europe/Berlin' });

    // Assess
    expect(costs.periodLabel).toBe('2026-11-19');
    const at = metrics.stamps[0] ?? new Date(0);
    expect(at.toISOString().slice(0, 10)).toBe('2026-11-19');
    expect(at.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-11-18T23:00:00Z'));
    expect(at.getTime()).toBeLessThan(Date.parse('2026-11-19T23:00:00Z'));
  });
});
