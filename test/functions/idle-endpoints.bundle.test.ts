/**
 * The built bundle, dist/idle-endpoints/index.mjs, loaded and invoked in its own Node process as
 * Lambda would, against a fake AWS on loopback. Needs `npm run build` first (.ci/run does it).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdleEndpointsResult } from '@ops-bot/shared/jobs/idle-endpoints';
import { startFakeAwsServer, type FakeAwsServer } from '../../fakes/server.ts';
import { mixedAccount } from '../../fakes/mixed-account.ts';

const BUNDLE = new URL('../../dist/idle-endpoints/index.mjs', import.meta.url).pathname;
const run = promisify(execFile);
const NOW = new Date('2026-11-20T09:00:00Z');

async function invokeBundle(server: FakeAwsServer, event: unknown): Promise<IdleEndpointsResult> {
  // The bundle reads the wall clock as Lambda runs it; its process here gets the test's instant
  // instead (a Date whose "now" is pinned), so the run decides on the day the account was built for.
  const script = `
    const pinned = ${NOW.getTime()};
    const WallDate = Date;
    globalThis.Date = class extends WallDate {
      constructor(...args) { super(...(args.length ? args : [pinned])); }
      static now() { return pinned; }
    };
    const { handler } = await import(${JSON.stringify(BUNDLE)});
    const context = { functionName: 'idle-endpoints', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 60000 };
    const result = await handler(${JSON.stringify(event)}, context);
    process.stdout.write(JSON.stringify(result));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: server.url,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session',
      TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as IdleEndpointsResult;
}

describe('Bundle: dist/idle-endpoints/index.mjs', () => {
  const now = NOW;
  const { account, expectedIdle } = mixedAccount(450, now);
  let server: FakeAwsServer;

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first`);
    server = await startFakeAwsServer(account);
  });
  afterAll(async () => server?.close());

  it('returns the exact idle set and the texts of a dry run, publishing nothing', async () => {
    // Act
    const result = await invokeBundle(server, { dryRun: true });

    // Assess
    expect(result.idleEndpoints.map((endpoint) => endpoint.name).sort()).toEqual([...expectedIdle].sort());
    expect(result.summary).toMatchObject({ inService: 450, idle: 100, idleWithoutCost: 100, young: 50, skipped: 50, busy: 150, unchecked: 0 });
    expect(result.report?.subject).toMatch(/^DRY RUN SageMaker: 100 idle endpoints wasting \$[\d,]+\/day \(us-east-1\)$/);
    expect(result.report?.sms.length).toBeLessThanOrEqual(160);
    expect(result.report?.email).toContain('IDLE ENDPOINTS, MOST EXPENSIVE FIRST');
    expect(account.callCount('Publish')).toBe(0);
    // Bulk reads: 5 pages of endpoints, one ListMetrics per traffic metric (Invocations, and the async
    // InvocationsProcessed and ApproximateBacklogSize), 1 GetMetricData call for 350 series, one tag
    // search each for ops-bot:skip and ops-bot:idle-action, describes only for the 200 idle ones; and,
    // to follow the idle actions in effect, one search for configs holding the previous version's
    // unsigned records (to list them); the bot's own records and holds are in its state table (a
    // Query each, not SageMaker calls; a dry run without STATE_TABLE has none). Prices: one Price List
    // query per instance family the idle ones run (ml.g5 and ml.m5 here). Rightsizing: one ListMetrics
    // per utilisation and latency metric (6) and one for the components' namespace (1), and one tag
    // search each for ops-bot:rightsizing (endpoints and components) and ops-bot:latency-slo-ms; this
    // account publishes no utilisation, so nothing more is read or described.
    expect(account.callCounts()).toEqual({
      GetProducts: 2,
      ListEndpoints: 5,
      ListInferenceComponents: 1,
      GetResources: 5,
      ListMetrics: 10,
      GetMetricData: 1,
      DescribeEndpoint: 200,
      DescribeEndpointConfig: 200,
    });
  });
});
