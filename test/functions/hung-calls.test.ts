/**
 * A call that never answers (a socket held open) must not cost the report: the handler stops
 * waiting at its deadline, decides on what it has, and publishes what it could not check and why,
 * before the Lambda timeout. Here the Lambda has 31 s left and the bot keeps 30 s for finishing, so
 * the deadline is one second away.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdleEndpointsResult } from '@ops-bot/shared/jobs/idle-endpoints';
import type { WeekendScalingResult } from '@ops-bot/shared/jobs/weekend-scaling';
import {
  FakeAccount,
  fakeComponent,
  fakeEndpoint,
  hostEndpoint,
  instanceMetric,
  latencySeries,
  STATE_KEY_ARN,
  variantSeries,
  type Operation,
} from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { pinWallClock, releaseWallClock } from '../support/clock.ts';
import { lambdaContext, loadHandler } from '../support/lambda.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();

const ENV = {
  AWS_REGION: 'us-east-1',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot',
  STATE_KEY_ID: STATE_KEY_ARN,
  ...stateTable.env,
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  WEEKEND_SETTLE_POLL_SECONDS: '0',
};
const DAY_MS = 24 * 3_600_000;
const NOW = new Date('2026-11-20T09:00:00Z');

/** The account, with `operation` on `name` never answering. */
function hanging(account: FakeAccount, operation: Operation, name: string): FakeAccount {
  const answer = account.handle.bind(account);
  account.handle = (op, input) =>
    op === operation && Object.values(input).includes(name) ? (new Promise(() => undefined) as unknown as ReturnType<typeof answer>) : answer(op, input);
  return account;
}

describe('Runs that meet a call that never answers', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  beforeEach(() => pinWallClock(NOW));
  afterEach(() => {
    mocks?.restore();
    releaseWallClock();
  });

  it('idle-endpoints publishes its report before the deadline, naming the endpoint it could not check', async () => {
    // Prepare: two idle endpoints; DescribeEndpoint of one never answers.
    const old = new Date(NOW.getTime() - 30 * DAY_MS);
    const account = hanging(
      new FakeAccount([fakeEndpoint('stuck', { createdAt: old }), fakeEndpoint('fine', { createdAt: old })]),
      'DescribeEndpoint',
      'stuck',
    );
    account.clock = () => NOW;
    mocks = mockAccount(account);
    const handler = await loadHandler<IdleEndpointsResult>('idle-endpoints', ENV);

    // Act
    const result = await handler({}, lambdaContext('idle-endpoints', 31_000));

    // Assess
    expect(result.published).toBe(true);
    expect(account.callCount('Publish')).toBe(1);
    expect(result.idleEndpoints.map((endpoint) => endpoint.name)).toEqual(['fine']);
    expect(result.unchecked).toEqual([expect.objectContaining({ name: 'stuck', reason: expect.stringContaining('out of time') })]);
  });

  it('weekend-scaling starts no change once a read has held it to its deadline, and reports in time', async () => {
    // Prepare: DescribeInferenceComponent of one opted-in component never answers.
    const account = hanging(
      new FakeAccount(
        [hostEndpoint('ep-1', { instanceType: 'ml.g5.xlarge', instances: 1 })],
        [],
        [fakeComponent('stuck', { copies: 2 }), fakeComponent('fine', { copies: 1 })],
      ),
      'DescribeInferenceComponent',
      'stuck',
    );
    account.clock = () => NOW;
    mocks = mockAccount(account);
    const handler = await loadHandler<WeekendScalingResult>('weekend-scaling', ENV);

    // Act
    const result = await handler({ action: 'scale-down' }, lambdaContext('weekend-scaling', 31_000));

    // Assess: the read of 'stuck' was given up at the deadline; past it, nothing new is started.
    expect(result.published).toBe(true);
    expect(account.components.map((component) => [component.name, component.copies])).toEqual([
      ['stuck', 2],
      ['fine', 1],
    ]);
    expect(account.callCount('UpdateInferenceComponentRuntimeConfig')).toBe(0);
    expect(result.report?.email).toContain('out of time');
  });

  /** An idle endpoint, and a busy under-used one whose model has a completed Inference Recommender job. */
  function idleAndUnderUsed(): FakeAccount {
    const now = NOW;
    const old = new Date(now.getTime() - 30 * DAY_MS);
    const everyHour = Array.from({ length: 14 * 24 }, (_, hour) => hour + 1);
    const account = new FakeAccount(
      [
        fakeEndpoint('idle-one', { createdAt: old }),
        fakeEndpoint('ranker', { createdAt: old, variants: [{ name: 'AllTraffic', instanceType: 'ml.m5.12xlarge', count: 1 }] }),
      ],
      [
        variantSeries('ranker', 'AllTraffic', now, everyHour, 100),
        ...instanceMetric('ranker', 'AllTraffic', 'CPUUtilization', now, [() => 480]),
        ...instanceMetric('ranker', 'AllTraffic', 'MemoryUtilization', now, [() => 10]),
        latencySeries('ranker', 'AllTraffic', 'ModelLatency', now, 20_000),
      ],
    );
    account.recommendationJobs.push({
      name: 'ranker-job',
      modelName: 'ranker-config-model',
      status: 'COMPLETED',
      createdAt: old,
      completedAt: old,
      recommendations: [{ instanceType: 'ml.m5.large', count: 1, costPerHour: 0.115, modelLatencyMs: 15 }],
    });
    return account;
  }

  it("idle-endpoints: a recommender job that never answers costs only the suggestion's citation", async () => {
    // Prepare
    const account = hanging(idleAndUnderUsed(), 'DescribeInferenceRecommendationsJob', 'ranker-job');
    account.clock = () => NOW;
    mocks = mockAccount(account);
    const handler = await loadHandler<IdleEndpointsResult>('idle-endpoints', ENV);

    // Act
    const result = await handler({}, lambdaContext('idle-endpoints', 31_000));

    // Assess: the idle endpoint and the suggestion are reported; the citation is said to be missing.
    expect(result.published).toBe(true);
    expect(result.idleEndpoints.map((endpoint) => endpoint.name)).toEqual(['idle-one']);
    expect(result.report?.email).toContain('  ranker (us-east-1) AllTraffic: 1 x ml.m5.12xlarge -> 1 x ml.m5.2xlarge');
    expect(result.report?.email).toContain('  Inference Recommender jobs not read in us-east-1: no answer in time.');
    expect(result.report?.email).not.toContain('Inference Recommender job ranker-job');
  });

  it('idle-endpoints: a utilisation listing that never answers leaves rightsizing unjudged, and the idle check whole', async () => {
    // Prepare
    const account = hanging(idleAndUnderUsed(), 'ListMetrics', 'CPUUtilization');
    account.clock = () => NOW;
    mocks = mockAccount(account);
    const handler = await loadHandler<IdleEndpointsResult>('idle-endpoints', ENV);

    // Act
    const result = await handler({}, lambdaContext('idle-endpoints', 31_000));

    // Assess
    expect(result.published).toBe(true);
    expect(result.idleEndpoints.map((endpoint) => endpoint.name)).toEqual(['idle-one']);
    expect(result.unchecked).toEqual([]);
    expect(result.report?.email).toContain('  Could not judge (utilisation could not be listed: no answer in time): ranker (us-east-1).');
  });
});
