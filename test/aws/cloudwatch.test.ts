import { afterEach, describe, expect, it } from 'vitest';
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { createMetricsReader } from '@ops-bot/shared/aws/cloudwatch';
import type { MetricSeriesRequest } from '@ops-bot/shared/domain/metric-series';
import { FakeAccount, componentMetric, fakeEndpoint, variantSeries } from '../../fakes/account.ts';

const NOW = new Date('2026-11-20T09:00:00Z');
const range = { start: new Date(NOW.getTime() - 14 * 86_400_000), end: NOW, periodSeconds: 3600 };
const cloudWatch = mockClient(CloudWatchClient);
const request = (endpointName: string): MetricSeriesRequest => ({
  namespace: 'AWS/SageMaker',
  metricName: 'Invocations',
  dimensions: [
    { name: 'EndpointName', value: endpointName },
    { name: 'VariantName', value: 'AllTraffic' },
  ],
  stat: 'Sum',
});

function accountWithSeries(count: number, hoursAgo: number[]) {
  const names = Array.from({ length: count }, (_, i) => `ep-${i}`);
  const account = new FakeAccount(
    names.map((name) => fakeEndpoint(name)),
    names.map((name) => variantSeries(name, 'AllTraffic', NOW, hoursAgo)),
  );
  account.clock = () => NOW;
  return account;
}

describe('Class: MetricsReader', () => {
  afterEach(() => cloudWatch.reset());

  it('asks for at most 500 series per GetMetricData call and keeps the order', async () => {
    // Prepare
    const account = accountWithSeries(1_201, [3]);
    cloudWatch.on(GetMetricDataCommand).callsFake(async (input) => account.handle('GetMetricData', input) as never);
    const reader = createMetricsReader(new CloudWatchClient({ region: 'us-east-1' }));

    // Act
    const results = await reader.readSeries(
      Array.from({ length: 1_201 }, (_, i) => request(`ep-${i}`)),
      range,
    );

    // Assess
    expect(cloudWatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 3);
    expect(results).toHaveLength(1_201);
    expect(results.every((result) => result.status === 'read' && result.points.length === 1)).toBe(true);
  });

  it('follows NextToken across datapoint pages and joins each series back together', async () => {
    // Prepare
    const account = accountWithSeries(3, [1, 2, 3, 4, 5]);
    account.maxDatapointsPerPage = 4;
    cloudWatch.on(GetMetricDataCommand).callsFake(async (input) => account.handle('GetMetricData', input) as never);
    const reader = createMetricsReader(new CloudWatchClient({ region: 'us-east-1' }));

    // Act
    const results = await reader.readSeries(['ep-0', 'ep-1', 'ep-2'].map(request), range);

    // Assess
    expect(cloudWatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 4);
    expect(results.map((result) => (result.status === 'read' ? result.points.length : -1))).toEqual([5, 5, 5]);
  });

  it('marks a series whose status is InternalError as unavailable, and only that one', async () => {
    // Prepare
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'q0', StatusCode: 'Complete', Timestamps: [NOW], Values: [4] },
        { Id: 'q1', StatusCode: 'InternalError', Messages: [{ Code: 'InternalError', Value: 'try again' }] },
      ],
    });
    const reader = createMetricsReader(new CloudWatchClient({ region: 'us-east-1' }));

    // Act
    const results = await reader.readSeries([request('a'), request('b')], range);

    // Assess
    expect(results[0]).toEqual({ status: 'read', points: [{ at: NOW.toISOString(), value: 4 }] });
    expect(results[1]).toEqual({ status: 'unavailable', reason: 'GetMetricData returned InternalError (InternalError: try again)' });
  });

  it('lists metrics across pages of 500', async () => {
    // Prepare
    const account = accountWithSeries(1_100, [3]);
    cloudWatch.on(ListMetricsCommand).callsFake(async (input) => account.handle('ListMetrics', input) as never);
    const reader = createMetricsReader(new CloudWatchClient({ region: 'us-east-1' }));

    // Act
    const metrics = await reader.listMetrics('AWS/SageMaker', 'Invocations');

    // Assess
    expect(metrics).toHaveLength(1_100);
    expect(cloudWatch).toHaveReceivedCommandTimes(ListMetricsCommand, 3);
    expect(cloudWatch).toHaveReceivedCommandWith(ListMetricsCommand, { Namespace: 'AWS/SageMaker', MetricName: 'Invocations' });
  });

  it('lists a whole namespace when no metric name is given, each metric under its own name', async () => {
    // Prepare
    const account = new FakeAccount(
      [],
      [componentMetric('chat', 'CPUUtilizationNormalized', NOW, () => 4), componentMetric('chat', 'GPUUtilizationNormalized', NOW, () => 5)],
    );
    account.clock = () => NOW;
    cloudWatch.on(ListMetricsCommand).callsFake(async (input) => account.handle('ListMetrics', input) as never);
    const reader = createMetricsReader(new CloudWatchClient({ region: 'us-east-1' }));

    // Act
    const metrics = await reader.listMetrics('/aws/sagemaker/InferenceComponents');

    // Assess
    expect(metrics.map((metric) => metric.metricName).sort()).toEqual(['CPUUtilizationNormalized', 'GPUUtilizationNormalized']);
    expect(cloudWatch).toHaveReceivedCommandWith(ListMetricsCommand, { Namespace: '/aws/sagemaker/InferenceComponents' });
    expect(cloudWatch.commandCalls(ListMetricsCommand)[0]?.args[0].input).not.toHaveProperty('MetricName');
  });
});
