/**
 * The cost report on an account that answers as AWS documents it: GetMetricData buckets by the
 * query's Period counted from StartTime, per-GPU and per-instance series exist whenever detailed
 * observability is on (SageMaker API Reference, MetricsConfig: EnableDetailedObservability, default
 * true for new configs; MetricPublishFrequencyInSeconds applies either way), endpoints bill in
 * every status that runs instances (DescribeEndpoint EndpointStatus), shadow variants bill.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeInferenceComponentCommand,
  ListEndpointsCommand,
  ListInferenceComponentsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { parseConfig } from '@ops-bot/shared/config';
import { createCostReportClients, liveCostReportDeps, runCostReport } from '@ops-bot/shared/jobs/cost-report';
import type { MetricPoint } from '@ops-bot/shared/aws/emf';

const HOUR_MS = 3_600_000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Host {
  name: string;
  status?: string;
  instanceType: string;
  instances: number;
  shadow?: { instanceType: string; instances: number };
  metricsConfig?: { EnableEnhancedMetrics?: boolean; EnableDetailedObservability?: boolean; MetricPublishFrequencyInSeconds?: number };
  components?: Array<{ name: string; copies: number; gpus: number }>;
}

/** A series that reports `perHour` datapoints (SampleCount) every hour, at a steady rate. */
interface Series {
  namespace: string;
  name: string;
  dims: Record<string, string>;
  perHour: number;
}

function mockAccount(hosts: Host[], series: Series[], options: { listMetricsFails?: boolean } = {}) {
  const sageMaker = mockClient(SageMakerClient);
  const cloudWatch = mockClient(CloudWatchClient);
  const sns = mockClient(SNSClient);
  const created = new Date('2026-01-01T00:00:00Z');
  sageMaker.on(ListEndpointsCommand).callsFake(async (input) => ({
    Endpoints: hosts
      .filter((h) => !input.StatusEquals || (h.status ?? 'InService') === input.StatusEquals)
      .map((h) => ({ EndpointName: h.name, EndpointArn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${h.name}`, CreationTime: created, LastModifiedTime: created, EndpointStatus: h.status ?? 'InService' })),
  }));
  sageMaker.on(ListInferenceComponentsCommand).resolves({
    InferenceComponents: hosts.flatMap((h) =>
      (h.components ?? []).map((c) => ({ InferenceComponentName: c.name, InferenceComponentArn: `arn:ic/${c.name}`, EndpointName: h.name, EndpointArn: 'x', VariantName: 'AllTraffic', CreationTime: created, LastModifiedTime: created, InferenceComponentStatus: 'InService' })),
    ),
  });
  sageMaker.on(DescribeEndpointCommand).callsFake(async (input) => {
    const host = hosts.find((h) => h.name === input.EndpointName)!;
    return {
      EndpointName: host.name,
      EndpointConfigName: `${host.name}-cfg`,
      EndpointStatus: host.status ?? 'InService',
      ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: host.instances }],
      ...(host.shadow ? { ShadowProductionVariants: [{ VariantName: 'Shadow', CurrentInstanceCount: host.shadow.instances }] } : {}),
    };
  });
  sageMaker.on(DescribeEndpointConfigCommand).callsFake(async (input) => {
    const host = hosts.find((h) => `${h.name}-cfg` === input.EndpointConfigName)!;
    return {
      ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: host.instanceType, ModelName: 'm' }],
      ...(host.shadow ? { ShadowProductionVariants: [{ VariantName: 'Shadow', InstanceType: host.shadow.instanceType, ModelName: 'm2' }] } : {}),
      ...(host.metricsConfig ? { MetricsConfig: host.metricsConfig } : {}),
    };
  });
  sageMaker.on(DescribeInferenceComponentCommand).callsFake(async (input) => {
    const component = hosts.flatMap((h) => h.components ?? []).find((c) => c.name === input.InferenceComponentName)!;
    return {
      InferenceComponentName: component.name,
      RuntimeConfig: { DesiredCopyCount: component.copies, CurrentCopyCount: component.copies },
      Specification: { ComputeResourceRequirements: { MinMemoryRequiredInMb: 1024, NumberOfAcceleratorDevicesRequired: component.gpus } },
    };
  });
  cloudWatch.on(ListMetricsCommand).callsFake(async (input) => {
    if (options.listMetricsFails) throw Object.assign(new Error('User is not authorized to perform: cloudwatch:ListMetrics'), { name: 'AccessDenied' });
    return {
      Metrics: series
        .filter((m) => m.namespace === input.Namespace && m.name === input.MetricName)
        .map((m) => ({ Namespace: m.namespace, MetricName: m.name, Dimensions: Object.entries(m.dims).map(([Name, Value]) => ({ Name, Value })) })),
    };
  });
  // Buckets of the query's Period, counted from StartTime (the harsher of the two readings of
  // CloudWatch's alignment: code that only works when buckets fall on local midnights fails here).
  cloudWatch.on(GetMetricDataCommand).callsFake(async (input) => {
    const start = (input.StartTime as Date).getTime();
    const end = (input.EndTime as Date).getTime();
    return {
      MetricDataResults: (input.MetricDataQueries as MetricDataQuery[]).map((query) => {
        const wanted = query.MetricStat?.Metric;
        const found = series.find(
          (m) => m.namespace === wanted?.Namespace && m.name === wanted?.MetricName && JSON.stringify(Object.entries(m.dims)) === JSON.stringify((wanted?.Dimensions ?? []).map((d) => [d.Name, d.Value])),
        );
        const periodMs = (query.MetricStat?.Period ?? 60) * 1000;
        const timestamps: Date[] = [];
        const values: number[] = [];
        for (let at = start; found && at < end; at += periodMs) {
          timestamps.push(new Date(at));
          values.push((found.perHour * (Math.min(at + periodMs, end) - at)) / HOUR_MS);
        }
        return { Id: query.Id, StatusCode: 'Complete', Timestamps: timestamps, Values: values };
      }),
    };
  });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  return { sageMaker, cloudWatch, sns, restore: () => [sageMaker, cloudWatch, sns].forEach((mock) => mock.restore()) };
}

const gpu = (component: string, extra: Record<string, string>, perHour: number): Series => ({
  namespace: '/aws/sagemaker/InferenceComponents',
  name: 'GPUUtilizationNormalized',
  dims: { InferenceComponentName: component, ...extra },
  perHour,
});

describe('Function: cost-report on AWS-shaped answers', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  const emitted: Array<{ points: readonly MetricPoint[]; at: Date }> = [];
  const run = (now: Date, env: Record<string, string> = {}) =>
    runCostReport(
      { dryRun: false },
      liveCostReportDeps(
        parseConfig({ AWS_REGION: 'us-east-1', TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot', ...env }),
        createCostReportClients(),
        { emit: (points, at) => emitted.push({ points, at }) },
        silent,
        () => now,
      ),
    );
  afterEach(() => {
    mocks?.restore();
    emitted.length = 0;
  });

  it('still sends the report, estimated and with a note, when metric discovery fails', async () => {
    // Prepare
    mocks = mockAccount([{ name: 'gpu', instanceType: 'ml.g6.12xlarge', instances: 1, components: [{ name: 'llm', copies: 1, gpus: 1 }] }], [], { listMetricsFails: true });

    // Act
    const { costs, report } = await run(new Date('2026-11-21T08:00:00Z'));

    // Assess
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(costs.totalCost).toBe(138.05);
    expect(costs.hosts[0]?.components[0]).toMatchObject({ source: 'estimated', cost: 34.51 });
    expect(report.email).toContain('us-east-1: metric discovery failed, so its figures are estimated: AccessDenied');
  });

  it('costs every endpoint that bills instances, whatever its update status, and its shadow variant', async () => {
    // Prepare
    mocks = mockAccount(
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
    const { costs } = await run(new Date('2026-11-21T08:00:00Z'));

    // Assess
    const hosts = costs.hosts.map((host) => `${host.endpointName}/${host.variantName}`).sort();
    expect(hosts).toEqual(['rollback-failed/AllTraffic', 'rolling-back/AllTraffic', 'system-updating/AllTraffic', 'updating/AllTraffic', 'with-shadow/AllTraffic', 'with-shadow/Shadow']);
    const shadow = costs.hosts.find((host) => host.variantName === 'Shadow');
    expect(shadow?.components.map((c) => c.name)).toEqual(['with-shadow (shadow variant Shadow)']);
    expect(shadow?.cost).toBeGreaterThan(0);
    // Two hosts of one endpoint stay two metric series (a collision would merge them in EMF).
    const endpointCosts = emitted[0]?.points.filter((point) => point.name === 'EndpointCost' && point.dimensions.EndpointName === 'with-shadow') ?? [];
    expect(endpointCosts.map((point) => point.dimensions)).toEqual([
      { Region: 'us-east-1', EndpointName: 'with-shadow', VariantName: 'AllTraffic' },
      { Region: 'us-east-1', EndpointName: 'with-shadow', VariantName: 'Shadow' },
    ]);
  });

  it('measures from per-GPU and per-instance series whenever they exist, one dimension set per component', async () => {
    // Prepare: detailed observability on, enhanced metrics off, published every 30 s (120 samples
    // an hour). llm's GPU shows up both per GPU and per GPU and instance: counted once.
    mocks = mockAccount(
      [{ name: 'gpu', instanceType: 'ml.g6.12xlarge', instances: 1, metricsConfig: { EnableEnhancedMetrics: false, EnableDetailedObservability: true, MetricPublishFrequencyInSeconds: 30 }, components: [{ name: 'llm', copies: 1, gpus: 2 }] }],
      [
        gpu('llm', { AcceleratorId: '0' }, 120),
        gpu('llm', { AcceleratorId: '0', InstanceId: 'i-1' }, 120),
        { namespace: '/aws/sagemaker/Endpoints', name: 'CPUUtilizationNormalized', dims: { EndpointName: 'gpu', VariantName: 'AllTraffic', InstanceId: 'i-1' }, perHour: 120 },
        { namespace: '/aws/sagemaker/Endpoints', name: 'CPUUtilizationNormalized', dims: { EndpointName: 'gpu', VariantName: 'AllTraffic', InstanceId: 'i-1', ContainerId: 'c-1' }, perHour: 120 },
      ],
    );

    // Act
    const { costs } = await run(new Date('2026-11-21T08:00:00Z'));

    // Assess: 1 GPU measured for 24 h (not the 2 estimated, not 2 counted twice); 1 instance for 24 h.
    const host = costs.hosts[0];
    expect(host).toMatchObject({ instanceHoursSource: 'measured', instanceHours: 24, cost: 138.05 });
    expect(host?.components[0]).toMatchObject({ source: 'measured', unitHours: 24, cost: 34.51 });
  });

  it('labels and stamps the local day, and keeps the period before out of a 25-hour day', async () => {
    // Prepare: Europe/London leaves summer time on 2026-10-25, a 25-hour local day.
    mocks = mockAccount(
      [{ name: 'gpu', instanceType: 'ml.g6.12xlarge', instances: 1, components: [{ name: 'llm', copies: 1, gpus: 1 }] }],
      [gpu('llm', { AcceleratorId: '0' }, 60), { namespace: '/aws/sagemaker/Endpoints', name: 'CPUUtilizationNormalized', dims: { EndpointName: 'gpu', VariantName: 'AllTraffic', InstanceId: 'i-1' }, perHour: 60 }],
    );

    // Act
    const { costs, report } = await run(new Date('2026-10-26T08:00:00Z'), { TIMEZONE: 'Europe/London' });

    // Assess
    expect(costs.periodLabel).toBe('2026-10-25');
    expect(report.subject).toContain('SageMaker cost 2026-10-25');
    expect(costs.hosts[0]).toMatchObject({ instanceHours: 25, cost: 143.8, previousCost: 138.05 });
    expect(emitted[0]?.at.toISOString().slice(0, 10)).toBe('2026-10-25');
  });

  it('labels a Berlin day by its local date and stamps its metrics inside it', async () => {
    // Prepare: the local day 2026-11-19 starts at 2026-11-18T23:00Z.
    mocks = mockAccount([{ name: 'cpu', instanceType: 'ml.m5.large', instances: 1 }], []);

    // Act
    const { costs } = await run(new Date('2026-11-20T06:00:00Z'), { TIMEZONE: 'Europe/Berlin' });

    // Assess
    expect(costs.periodLabel).toBe('2026-11-19');
    const at = emitted[0]?.at ?? new Date(0);
    expect(at.toISOString().slice(0, 10)).toBe('2026-11-19');
    expect(at.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-11-18T23:00:00Z'));
    expect(at.getTime()).toBeLessThan(Date.parse('2026-11-19T23:00:00Z'));
  });
});
