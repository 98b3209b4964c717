/**
 * The real SDK stack (no command mocks) against a fake AWS on loopback: throttled calls are
 * retried by the SDK with backoff, and a publish reaches SNS over its query protocol.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IdleEndpointsResult } from '@ops-bot/shared/jobs/idle-endpoints';
import { FakeAccount, FakeAwsError, fakeEndpoint, variantSeries, STATE_KEY_ARN } from '../../fakes/account.ts';
import { startFakeAwsServer } from '../../fakes/server.ts';
import { pinWallClock, releaseWallClock } from '../support/clock.ts';
import { lambdaContext, loadHandler, type LambdaHandler } from '../support/lambda.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();

type Handler = LambdaHandler<IdleEndpointsResult>;

function handlerAgainst(url: string): Promise<Handler> {
  return loadHandler('idle-endpoints', {
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    STATE_KEY_ID: STATE_KEY_ARN,
    ...stateTable.env,
  });
}

const NOW = new Date('2026-11-20T09:00:00Z');
const throttled = () => new FakeAwsError('ThrottlingException', 'Rate exceeded');

describe('Function: idle-endpoints over the wire', () => {
  beforeEach(() => pinWallClock(NOW));
  afterEach(() => {
    vi.unstubAllEnvs();
    releaseWallClock();
  });

  it('retries throttled calls and still decides exactly, then publishes once', async () => {
    // Prepare: the first call of every read operation is throttled.
    const now = NOW;
    const account = new FakeAccount([fakeEndpoint('idle-a'), fakeEndpoint('busy-b')], [variantSeries('busy-b', 'AllTraffic', now, [1])]);
    for (const operation of ['ListEndpoints', 'ListMetrics', 'GetMetricData', 'GetResources', 'DescribeEndpoint'] as const) {
      account.failWhen(operation, (_, call) => (call === 0 ? throttled() : undefined));
    }
    account.clock = () => NOW;
    const server = await startFakeAwsServer(account);

    try {
      // Act
      const result = await (await handlerAgainst(server.url))({}, lambdaContext('idle-endpoints'));

      // Assess
      expect(result.idleEndpoints.map((endpoint) => endpoint.name)).toEqual(['idle-a']);
      expect(result.unchecked).toEqual([]);
      expect(account.callCount('ListEndpoints')).toBe(2);
      expect(account.callCount('DescribeEndpoint')).toBe(2);
      expect(account.published).toHaveLength(1);
      expect(account.published[0]).toMatchObject({ MessageStructure: 'json', TopicArn: 'arn:aws:sns:us-east-1:111122223333:ops-bot' });
      expect(result.messageId).toBe('message-1');
    } finally {
      await server.close();
    }
  });

  it('reports an endpoint as unchecked when throttling outlasts the retries', async () => {
    // Prepare
    const account = new FakeAccount([fakeEndpoint('idle-a'), fakeEndpoint('stuck')]).failWhen('DescribeEndpoint', (input) =>
      input.EndpointName === 'stuck' ? throttled() : undefined,
    );
    account.clock = () => NOW;
    const server = await startFakeAwsServer(account);

    try {
      // Act
      const result = await (await handlerAgainst(server.url))({ dryRun: true }, lambdaContext('idle-endpoints'));

      // Assess: 6 attempts for "stuck" (maxAttempts), 1 for "idle-a".
      expect(account.callCount('DescribeEndpoint')).toBe(7);
      expect(result.idleEndpoints.map((endpoint) => endpoint.name)).toEqual(['idle-a']);
      expect(result.unchecked[0]).toMatchObject({ name: 'stuck' });
      expect(result.unchecked[0]?.reason).toContain('ThrottlingException');
    } finally {
      await server.close();
    }
  });
});
