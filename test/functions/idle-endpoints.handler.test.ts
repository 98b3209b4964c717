import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DescribeEndpointCommand, ListEndpointsCommand } from '@aws-sdk/client-sagemaker';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { IdleEndpointsResult } from '@ops-bot/shared/jobs/idle-endpoints';
import { FakeAccount, FakeAwsError, componentSeries, fakeEndpoint, variantSeries, STATE_KEY_ARN } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { lambdaContext, loadHandler, type LambdaHandler } from '../support/lambda.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();

const NOW = new Date('2026-11-20T09:00:00.000Z');
const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:ops-bot';

type Handler = LambdaHandler<IdleEndpointsResult>;

const loadIdleEndpoints = (env: Record<string, string> = {}): Promise<Handler> =>
  loadHandler('idle-endpoints', { AWS_REGION: 'us-east-1', TOPIC_ARN, POWERTOOLS_LOG_LEVEL: 'SILENT', STATE_KEY_ID: STATE_KEY_ARN, ...stateTable.env, ...env });

const invoke = async (account: FakeAccount, event: unknown, env?: Record<string, string>) => {
  account.clock = () => NOW;
  const mocks = mockAccount(account);
  try {
    const handler = await loadIdleEndpoints(env);
    return { result: await handler(event, lambdaContext('idle-endpoints')), mocks };
  } finally {
    mocks.restore();
  }
};

const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 3_600_000);

describe('Function: idle-endpoints handler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it('reads every endpoint past the first page of 100 and finds exactly the idle ones', async () => {
    // Prepare: 250 endpoints; every 10th is idle, the rest busy.
    const endpoints = Array.from({ length: 250 }, (_, i) => fakeEndpoint(`ep-${String(i).padStart(3, '0')}`, { createdAt: daysAgo(30) }));
    const series = endpoints.filter((_, i) => i % 10 !== 0).map((endpoint) => variantSeries(endpoint.name, 'AllTraffic', NOW, [2]));
    const account = new FakeAccount(endpoints, series);

    // Act
    const { result, mocks } = await invoke(account, { dryRun: true });

    // Assess
    expect(result.idleEndpoints.map((endpoint) => endpoint.name)).toEqual(endpoints.filter((_, i) => i % 10 === 0).map((e) => e.name));
    expect(result.summary).toMatchObject({ inService: 250, idle: 25, busy: 225 });
    expect(mocks.sageMaker).toHaveReceivedCommandTimes(ListEndpointsCommand, 3);
    expect(mocks.sageMaker).toHaveReceivedCommandWith(ListEndpointsCommand, { StatusEquals: 'InService', MaxResults: 100 });
    // Describes only for the idle ones; metrics in one bulk call, never one per endpoint.
    expect(mocks.sageMaker).toHaveReceivedCommandTimes(DescribeEndpointCommand, 25);
    expect(mocks.cloudWatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
  });

  it('counts traffic on a second variant and through inference components as traffic', async () => {
    // Prepare
    const account = new FakeAccount(
      [
        fakeEndpoint('ab-test', {
          variants: [
            { name: 'A', instanceType: 'ml.m5.large', count: 1 },
            { name: 'B', instanceType: 'ml.m5.large', count: 1 },
          ],
        }),
        fakeEndpoint('ic-host', { components: ['llm-a', 'llm-b'] }),
        fakeEndpoint('enhanced'),
        fakeEndpoint('quiet'),
      ],
      [
        variantSeries('ab-test', 'A', NOW, [200]),
        variantSeries('ab-test', 'B', NOW, [3]),
        componentSeries('llm-b', NOW, [1]),
        // Enhanced metrics add finer series (per instance): traffic there is traffic on the endpoint.
        {
          dimensions: { EndpointName: 'enhanced', VariantName: 'AllTraffic', InstanceId: 'i-0' },
          points: [{ at: new Date(NOW.getTime() - 3_600_000), sum: 9 }],
        },
      ],
    );

    // Act
    const { result } = await invoke(account, { dryRun: true });

    // Assess
    expect(result.idleEndpoints.map((endpoint) => endpoint.name)).toEqual(['quiet']);
    expect(result.summary.busy).toBe(3);
  });

  it('leaves young, serverless, scaled-to-zero and skipped endpoints out of the waste', async () => {
    // Prepare
    const account = new FakeAccount([
      fakeEndpoint('young', { createdAt: new Date(NOW.getTime() - 5 * 3_600_000) }),
      fakeEndpoint('serverless', { variants: [{ name: 'AllTraffic', count: 0, serverless: true }] }),
      fakeEndpoint('zero', { variants: [{ name: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 0 }], components: ['paused'] }),
      fakeEndpoint('legal-hold', { tags: { 'ops-bot:skip': 'true' } }),
      fakeEndpoint('wasting', { variants: [{ name: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 2 }] }),
    ]);

    // Act
    const { result, mocks } = await invoke(account, { dryRun: true });

    // Assess
    expect(result.idleEndpoints.map((endpoint) => endpoint.name)).toEqual(['wasting']);
    expect(result.idleEndpoints[0]?.knownCostPerDay).toBe(67.58);
    expect(result.summary).toMatchObject({ young: 1, skipped: 1, idleWithoutCost: 2 });
    expect(mocks.sageMaker).not.toHaveReceivedCommandWith(DescribeEndpointCommand, { EndpointName: 'legal-hold' });
    expect(result.report?.email).not.toContain('legal-hold');
  });

  it('reports a failing describe for that endpoint and goes on with the others', async () => {
    // Prepare
    const account = new FakeAccount([fakeEndpoint('broken'), fakeEndpoint('fine')]).failWhen('DescribeEndpoint', (input) =>
      input.EndpointName === 'broken' ? new FakeAwsError('ThrottlingException', 'Rate exceeded') : undefined,
    );

    // Act
    const { result } = await invoke(account, { dryRun: true });

    // Assess
    expect(result.idleEndpoints.map((endpoint) => endpoint.name)).toEqual(['fine']);
    expect(result.unchecked).toEqual([
      { region: 'us-east-1', name: 'broken', reason: 'no invocations, but capacity unknown: DescribeEndpoint failed: ThrottlingException: Rate exceeded' },
    ]);
    expect(result.report?.email).toContain('COULD NOT BE CHECKED');
  });

  it('never reads a CloudWatch failure as idle', async () => {
    // Prepare
    // Both reported within two weeks, so ListMetrics names them and GetMetricData must be read.
    const series = [variantSeries('a', 'AllTraffic', NOW, [100]), variantSeries('b', 'AllTraffic', NOW, [1])];
    const account = new FakeAccount([fakeEndpoint('a'), fakeEndpoint('b')], series).failWhen(
      'GetMetricData',
      () => new FakeAwsError('ThrottlingException', 'Rate exceeded'),
    );

    // Act
    const { result } = await invoke(account, { dryRun: true });

    // Assess
    expect(result.idleEndpoints).toEqual([]);
    expect(result.summary.unchecked).toBe(2);
    // Not silence: a day with nothing idle but endpoints not checked says so.
    expect(result.report?.subject).toBe('DRY RUN SageMaker: no idle endpoints found; 2 endpoints could not be checked');
    expect(result.report?.sms).toBe('DRY RUN SageMaker: no idle endpoints found. 2 endpoints could not be checked. Details by email.');
    expect(result.report?.email).toContain('COULD NOT BE CHECKED (counted neither idle nor busy)');
  });

  it('in a dry run publishes nothing and returns the exact texts', async () => {
    // Prepare
    const account = new FakeAccount([fakeEndpoint('idle-one')]);

    // Act
    const { result, mocks } = await invoke(account, { dryRun: true });

    // Assess
    expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
    expect(result).toMatchObject({ dryRun: true, published: false });
    expect(result.report?.subject).toBe('DRY RUN SageMaker: 1 idle endpoint wasting $5.52/day (us-east-1)');
    expect(result.report?.sms).toBe('DRY RUN SageMaker: 1 idle endpoint waste $5.52/day (us-east-1). Top: idle-one $5.52/day. Details by email.');
  });

  it('publishes one json-structured message carrying the same texts', async () => {
    // Prepare
    const account = new FakeAccount([fakeEndpoint('idle-one'), fakeEndpoint('idle-two')]);

    // Act
    const { result, mocks } = await invoke(account, {});

    // Assess
    expect(mocks.sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(mocks.sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, MessageStructure: 'json', Subject: result.report?.subject });
    const message = JSON.parse(String(account.published[0]?.Message));
    expect(message).toMatchObject({ default: result.report?.email, email: result.report?.email, sms: result.report?.sms });
    expect(JSON.parse(String(message.https))).toMatchObject({ version: '1.0', source: 'custom', content: { title: result.report?.subject } });
    expect(result).toMatchObject({ dryRun: false, published: true, messageId: 'message-1' });
  });

  it('publishes nothing when nothing is idle', async () => {
    // Prepare
    const account = new FakeAccount([fakeEndpoint('busy')], [variantSeries('busy', 'AllTraffic', NOW, [1])]);

    // Act
    const { result, mocks } = await invoke(account, {});

    // Assess
    expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
    expect(result.published).toBe(false);
  });

  it('reads every region of REGIONS and records a region that fails', async () => {
    // Prepare: the same fake answers every region; the second ListEndpoints call fails.
    const account = new FakeAccount([fakeEndpoint('idle-one')]).failWhen('ListEndpoints', (_, call) =>
      call === 1 ? new FakeAwsError('AccessDeniedException', 'not authorized') : undefined,
    );

    // Act
    const { result } = await invoke(account, { dryRun: true }, { REGIONS: 'us-east-1,eu-west-1' });

    // Assess
    expect(result.summary.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(result.idleEndpoints).toHaveLength(1);
    expect(result.unchecked).toHaveLength(1);
    expect(result.unchecked[0]?.reason).toBe('ListEndpoints: AccessDeniedException: not authorized');
  });

  it('fails the run, for the alarm, when no region could be read', async () => {
    // Prepare
    const account = new FakeAccount([fakeEndpoint('x')]).failWhen('ListEndpoints', () => new FakeAwsError('AccessDeniedException', 'no'));

    // Act & Assess
    await expect(invoke(account, { dryRun: true })).rejects.toThrow(/No region could be checked: us-east-1 ListEndpoints: AccessDeniedException: no/);
  });

  it.each([
    { event: { dryrun: true }, message: /"dryrun" is not a known field/ },
    { event: { dryRun: 'yes' }, message: /"dryRun" must be true or false/ },
    { event: [1], message: /"event" must be a JSON object/ },
    { event: 'dryRun', message: /"event" must be a JSON object/ },
  ])('rejects $event before any AWS call', async ({ event, message }) => {
    // Prepare
    const account = new FakeAccount([fakeEndpoint('x')]);

    // Act & Assess
    await expect(invoke(account, event)).rejects.toThrow(message);
    expect(account.calls).toEqual([]);
  });

  it("starts whatever another job's variable holds: each function parses only its own settings", async () => {
    // Prepare: NOTEBOOK_IDLE_MINUTES=1 is refused by idle-notebooks (at least 5), and none of this job's business.
    const account = new FakeAccount([fakeEndpoint('idle-one', { createdAt: daysAgo(30) })]);

    // Act
    const { result } = await invoke(account, { dryRun: true }, { NOTEBOOK_IDLE_MINUTES: '1', TIMEZONE: 'Mars/Olympus' });

    // Assess
    expect(result.summary).toMatchObject({ inService: 1, idle: 1 });
  });

  it('refuses a real run without TOPIC_ARN before any AWS call', async () => {
    // Prepare
    const account = new FakeAccount([fakeEndpoint('x')]);

    // Act & Assess
    await expect(invoke(account, {}, { TOPIC_ARN: '' })).rejects.toThrow(/TOPIC_ARN is not set/);
    expect(account.callCount('ListEndpoints')).toBe(0);
  });
});
