/**
 * The idle set on an account that answers as AWS documents it, not as our code assumed: per-query
 * GetMetricData failures in a Complete batch (CloudWatch API Reference, MetricDataResult), async
 * endpoints that publish no Invocations (SageMaker Developer Guide, async-inference monitoring),
 * finer enhanced-metrics series, serverless provisioned concurrency, and SNS's SMS prefix.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IdleEndpointsResult } from '@ops-bot/shared/jobs/idle-endpoints';
import { gsm7Length } from '@ops-bot/shared/report/gsm7';
import { FakeAccount, fakeEndpoint, variantSeries, type FakeSeries, STATE_KEY_ARN } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { lambdaContext, loadHandler, type LambdaHandler } from '../support/lambda.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();

const NOW = new Date('2026-11-20T09:00:00.000Z');
const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:ops-bot';
const HOUR_MS = 3_600_000;

const invoke = async (account: FakeAccount, event: unknown) => {
  account.clock = () => NOW;
  const mocks = mockAccount(account);
  try {
    const handler: LambdaHandler<IdleEndpointsResult> = await loadHandler('idle-endpoints', {
      AWS_REGION: 'us-east-1',
      TOPIC_ARN,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      STATE_KEY_ID: STATE_KEY_ARN,
      ...stateTable.env,
    });
    return await handler(event, lambdaContext('idle-endpoints'));
  } finally {
    mocks.restore();
  }
};

const twoVariants = (name: string) =>
  fakeEndpoint(name, {
    variants: [
      { name: 'A', instanceType: 'ml.m5.large', count: 1 },
      { name: 'B', instanceType: 'ml.m5.large', count: 1 },
    ],
  });
const failing = (series: FakeSeries, failWith: 'InternalError' | 'Forbidden' = 'InternalError'): FakeSeries => ({ ...series, failWith });
const asyncSeries = (metricName: string, dimensions: Record<string, string>, hoursAgo: number[], value = 3): FakeSeries => ({
  metricName,
  dimensions,
  points: hoursAgo.map((age) => ({ at: new Date(NOW.getTime() - age * HOUR_MS), sum: value })),
});

describe('Function: idle-endpoints on AWS-shaped answers', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('keeps every endpoint on its own series when single queries fail inside a Complete batch', async () => {
    // Prepare: interleaved two-variant endpoints. The first series of each "f-*" fails; the results
    // come back in reverse order. Before results were matched by Id, later endpoints read a
    // neighbour's data: busy ones came out idle and idle ones were missed.
    const account = new FakeAccount(
      [
        twoVariants('f-busy-on-b'),
        twoVariants('busy-1'),
        twoVariants('f-quiet'),
        twoVariants('idle-1'),
        twoVariants('f-forbidden-busy'),
        twoVariants('idle-2'),
        twoVariants('busy-2'),
      ],
      [
        failing(variantSeries('f-busy-on-b', 'A', NOW, [1])),
        variantSeries('f-busy-on-b', 'B', NOW, [2]),
        variantSeries('busy-1', 'A', NOW, [3]),
        variantSeries('busy-1', 'B', NOW, [500]),
        failing(variantSeries('f-quiet', 'A', NOW, [300])),
        variantSeries('f-quiet', 'B', NOW, [300]),
        variantSeries('idle-1', 'A', NOW, [300]),
        variantSeries('idle-1', 'B', NOW, [300]),
        failing(variantSeries('f-forbidden-busy', 'A', NOW, [300]), 'Forbidden'),
        variantSeries('f-forbidden-busy', 'B', NOW, [5]),
        variantSeries('idle-2', 'A', NOW, [200]),
        variantSeries('idle-2', 'B', NOW, [200]),
        variantSeries('busy-2', 'A', NOW, [1]),
        variantSeries('busy-2', 'B', NOW, [1]),
      ],
    );

    // Act
    const result = await invoke(account, { dryRun: true });

    // Assess: traffic on a read series is proof of use; no traffic with a failed series is unknown.
    expect(result.idleEndpoints.map((endpoint) => endpoint.name).sort()).toEqual(['idle-1', 'idle-2']);
    expect(result.summary.busy).toBe(4);
    expect(result.unchecked).toEqual([
      { region: 'us-east-1', name: 'f-quiet', reason: expect.stringMatching(/^invocations unknown: GetMetricData returned InternalError/) },
    ]);
  });

  it('judges asynchronous endpoints by InvocationsProcessed and their backlog, and suggests autoscaling to 0', async () => {
    // Prepare: async endpoints have no Invocations series at all (the fake refuses one).
    const account = new FakeAccount(
      [
        fakeEndpoint('async-busy', { async: true }),
        fakeEndpoint('async-queued', { async: true }),
        fakeEndpoint('async-idle', { async: true }),
        fakeEndpoint('async-at-zero', { async: true, variants: [{ name: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 0 }] }),
      ],
      [
        asyncSeries('InvocationsProcessed', { EndpointName: 'async-busy', VariantName: 'AllTraffic' }, [2]),
        asyncSeries('ApproximateBacklogSize', { EndpointName: 'async-queued' }, [1], 12),
        asyncSeries('InvocationsProcessed', { EndpointName: 'async-idle', VariantName: 'AllTraffic' }, [200]),
      ],
    );

    // Act
    const result = await invoke(account, { dryRun: true });

    // Assess
    expect(result.idleEndpoints.map((endpoint) => [endpoint.name, endpoint.suggestion])).toEqual([['async-idle', 'autoscale-async-to-zero']]);
    expect(result.summary).toMatchObject({ busy: 2, idleWithoutCost: 1 });
    expect(result.report?.email).toContain('asynchronous endpoint: register autoscaling with MinCapacity 0');
  });

  it('reports serverless provisioned concurrency as billed (price unknown), and plain serverless as free when idle', async () => {
    // Prepare
    const account = new FakeAccount([
      fakeEndpoint('serverless-pc', { variants: [{ name: 'AllTraffic', count: 0, serverless: true, provisionedConcurrency: 4 }] }),
      fakeEndpoint('serverless-plain', { variants: [{ name: 'AllTraffic', count: 0, serverless: true }] }),
    ]);

    // Act
    const result = await invoke(account, { dryRun: true });

    // Assess
    const pc = result.idleEndpoints.find((endpoint) => endpoint.name === 'serverless-pc');
    expect(pc).toMatchObject({
      suggestion: 'remove-provisioned-concurrency',
      knownCostPerDay: 0,
      unpricedInstanceTypes: ['serverless provisioned concurrency'],
    });
    expect(result.report?.email).toContain('price unknown (serverless provisioned concurrency)');
    expect(result.idleEndpoints.map((endpoint) => endpoint.name)).not.toContain('serverless-plain');
    expect(result.summary.idleWithoutCost).toBe(1);
  });

  it('sends an SMS that is one segment as it reaches the phone, topic display-name prefix included', async () => {
    // Prepare: many idle endpoints make the longest SMS the renderer can produce.
    const endpoints = Array.from({ length: 40 }, (_, i) =>
      fakeEndpoint(`a-rather-long-endpoint-name-for-sms-${i}`, { variants: [{ name: 'AllTraffic', instanceType: 'ml.p4d.24xlarge', count: 2 }] }),
    );
    const account = new FakeAccount(endpoints);

    // Act
    await invoke(account, {});

    // Assess
    expect(account.deliveredSms).toHaveLength(1);
    const [delivered] = account.deliveredSms;
    expect(delivered?.startsWith('OPSBOT> ')).toBe(true);
    expect(gsm7Length(delivered ?? '')).toBeLessThanOrEqual(160);
    expect(account.published[0]?.MessageAttributes).toEqual({ 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } });
  });
});
