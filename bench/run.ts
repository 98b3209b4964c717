/**
 * `npm run bench`: speed, memory and API-call targets for the idle-endpoints job. Timing targets
 * live here, never in tests. Exits non-zero when a target is missed.
 *
 *  1. decide + render over 5,000 endpoints with two full 14-day hourly series each;
 *  2. a whole job run (dry run, live adapters) over a 2,000-endpoint account, counting AWS calls by operation.
 *  3. a weekend scale-down dry run over 2,000 endpoints and 5,000 components (1,000 opted in),
 *     against the floor: list pages, the candidates' describes and ListTags, one DescribeEndpoint
 *     per affected endpoint.
 *  4. the daily cost report and idle-endpoints run on an account of 230 endpoints in three regions:
 *     the calls the Price List and the bill check add, next to the run's other calls.
 *  5. the idle-endpoints dry run over the same 2,000 endpoints as (2), now with CPU and memory
 *     utilisation series on every busy one: what rightsizing adds in calls and wall time.
 *  6. the 15-minute Canvas check over 1,000 sessions in 20 domains, half opted in and idle: one
 *     metric read for all of them, and per logout only its live tags and its DeleteApp.
 */
import { performance } from 'node:perf_hooks';
import { findIdleEndpoints, type EndpointSnapshot } from '@ops-bot/shared/domain/idle-endpoints';
import { createPriceBook } from '@ops-bot/shared/domain/prices';
import { renderIdleEndpointsReport } from '@ops-bot/shared/report/idle-endpoints';
import { runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { discardMetrics } from '@ops-bot/shared/aws/metrics';
import { createWeekendScalingClients, liveWeekendScalingDeps } from '@ops-bot/shared/live/weekend-scaling';
import { parseCostReportConfig, parseIdleEndpointsConfig, parseIdleNotebooksConfig, parseWeekendScalingConfig } from '@ops-bot/shared/config';
import { runIdleNotebooks } from '@ops-bot/shared/jobs/idle-notebooks';
import { createIdleNotebooksClients, liveIdleNotebooksDeps } from '@ops-bot/shared/live/idle-notebooks';
import { runCostReport } from '@ops-bot/shared/jobs/cost-report';
import { runIdleEndpoints } from '@ops-bot/shared/jobs/idle-endpoints';
import { createCostReportClients, liveCostReportDeps } from '@ops-bot/shared/live/cost-report';
import { createIdleEndpointsClients, liveIdleEndpointsDeps } from '@ops-bot/shared/live/idle-endpoints';
import { forgetPriceList } from '@ops-bot/shared/aws/price-list';
import {
  FakeAccount,
  componentMetric,
  fakeEndpoint,
  hostEndpoint,
  instanceMetric,
  priceListProduct,
  type FakeComponent,
  type FakeEndpoint,
} from '../fakes/account.ts';
import { mixedAccount } from '../fakes/mixed-account.ts';
import { mockAccount } from '../fakes/mock-clients.ts';
import { startLocalStateTable } from '../fakes/state-table.ts';
import { tapAwsCalls } from '../scripts/recording.ts';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log('Usage: npm run bench\n\nSpeed, memory and API-call targets of the jobs on in-memory accounts (no AWS); exits 1 when one is missed.');
  process.exit(0);
}

const targets: Array<{ name: string; value: number; limit: number; unit: string }> = [];
// The state table the runs read (dynalite on loopback, the contract's key schema): its calls are
// counted like any other AWS call's.
const stateTable = await startLocalStateTable('ops-bot-state-bench');
const STATE = { STATE_TABLE: stateTable.name };
const tableCalls: string[] = [];
tapAwsCalls(async (call, live) => {
  if (call.service === 'dynamodb') tableCalls.push(call.operation);
  return live();
});
/** The state table's calls since the last look. */
const takeTableCalls = () => tableCalls.splice(0).length;
const HOUR = 3_600_000;
// Every section runs at this instant, whatever day the bench is run: the same figures on any day.
const now = new Date('2026-11-20T09:00:00Z');
const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The idle-endpoints job as its handler runs it (live adapters, dry run), on the bench's clock. */
function dryIdleEndpointsRun(env: Record<string, string>) {
  return runIdleEndpoints(
    { dryRun: true, action: 'check' },
    { ...liveIdleEndpointsDeps(parseIdleEndpointsConfig(env), createIdleEndpointsClients(), silentLogger, () => now), metrics: discardMetrics },
  );
}

// 1. decide + render
const endpoints: EndpointSnapshot[] = Array.from({ length: 5_000 }, (_, i) => {
  const busy = i % 3 !== 0;
  const points = Array.from({ length: 336 }, (_, h) => ({ at: new Date(now.getTime() - (h + 1) * HOUR).toISOString(), sum: busy && h < 300 ? h % 7 : 0 }));
  return {
    region: 'us-east-1',
    name: `endpoint-${i}`,
    arn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint/endpoint-${i}`,
    createdAt: new Date(now.getTime() - 60 * 24 * HOUR).toISOString(),
    tags: {},
    inferenceComponents: [],
    traffic: {
      status: 'read',
      series: [
        { source: { kind: 'variant', variantName: 'A' }, points },
        { source: { kind: 'variant', variantName: 'B' }, points },
      ],
    },
    details: { status: 'read', variants: [{ variantName: 'A', role: 'production', instanceType: 'ml.g5.xlarge', serverless: false, currentInstanceCount: 2 }] },
  };
});
const snapshot = {
  kind: 'idle-endpoints' as const,
  version: 1 as const,
  capturedAt: now.toISOString(),
  regions: ['us-east-1'],
  lookbackDays: 14,
  periodSeconds: 3600,
  endpoints,
  regionFailures: [],
};
const heapBefore = process.memoryUsage().heapUsed;
let started = performance.now();
const plan = findIdleEndpoints(snapshot, { idleHours: 24, prices: createPriceBook({}) });
const report = renderIdleEndpointsReport(plan);
const decideMs = performance.now() - started;
const heapMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
targets.push({ name: 'decide + render, 5,000 endpoints x 2 x 336 points', value: decideMs, limit: 1_000, unit: 'ms' });
targets.push({ name: 'heap growth during decide + render', value: heapMiB, limit: 256, unit: 'MiB' });
console.log(`decide: ${plan.idle.length} idle of ${plan.counts.inService}; email ${report?.email.length ?? 0} chars`);

// 2. a whole dry run of the job, AWS answered in memory
const { account } = mixedAccount(2_000, now);
const mocks = mockAccount(account);
process.env.AWS_REGION = 'us-east-1';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
started = performance.now();
takeTableCalls();
const result = await dryIdleEndpointsRun({ AWS_REGION: 'us-east-1', ...STATE });
const idleTableCalls = takeTableCalls();
const runMs = performance.now() - started;
mocks.restore();
const calls = account.callCounts();
const totalCalls = Object.values(calls).reduce((sum, count) => sum + count, 0);
console.log(`dry run: ${result.summary.idle} idle of ${result.summary.inService}; AWS calls by operation: ${JSON.stringify(calls)}`);
targets.push({ name: 'dry run over 2,000 endpoints (in-memory AWS)', value: runMs, limit: 5_000, unit: 'ms' });
targets.push({ name: 'GetMetricData calls for 2,000 endpoints', value: calls.GetMetricData ?? 0, limit: 4, unit: 'calls' });
// 40 before rightsizing; it lists its six utilisation and latency metrics and searches two owner tags
// (ops-bot:rightsizing, ops-bot:latency-slo-ms) per region: 8 more; and, where a region has inference
// components, one listing of their per-copy metrics: 1 more.
targets.push({
  name: 'AWS calls beyond describes of idle endpoints',
  value: totalCalls - (calls.DescribeEndpoint ?? 0) - (calls.DescribeEndpointConfig ?? 0),
  limit: 49,
  unit: 'calls',
});

// 3. weekend scale-down at scale. Endpoints 0-999 each host one opted-in component; three in four
// of them share it with two running neighbours, and one in four runs with managed instance scaling
// down to 0 instances. Endpoints 1,000-1,999 host 2,500 components nobody opted in.
const weekendComponents: FakeComponent[] = [];
const hosts: FakeEndpoint[] = [];
for (let e = 0; e < 2_000; e++) {
  const endpointName = `ep-${e}`;
  const scaleReady = e < 1_000 && e % 4 === 0;
  hosts.push(hostEndpoint(endpointName, { instanceType: 'ml.g5.2xlarge', instances: 1, managedMin: scaleReady ? 0 : e % 2 === 0 ? 1 : undefined }));
  if (e < 1_000) {
    weekendComponents.push({
      name: `opted-${e}`,
      endpointName,
      copies: 2,
      tags: { 'ops-bot:weekend-scale-to-zero': 'true' },
      ...(e % 3 === 0 ? { autoscaling: { min: 1, max: 4 } } : {}),
    });
    if (e % 4 !== 0) for (let n = 0; n < 2; n++) weekendComponents.push({ name: `shared-${e}-${n}`, endpointName, copies: 1, tags: {} });
  }
}
for (let i = 0; weekendComponents.length < 5_000; i++)
  weekendComponents.push({ name: `other-${i}`, endpointName: `ep-${1_000 + (i % 1_000)}`, copies: 1, tags: {} });
const weekendAccount = new FakeAccount(hosts, [], weekendComponents);
const weekendMocks = mockAccount(weekendAccount);
started = performance.now();
const weekend = await runWeekendScaling(
  { action: 'scale-down', dryRun: true },
  {
    ...liveWeekendScalingDeps(
      parseWeekendScalingConfig({ AWS_REGION: 'us-east-1', ...STATE }),
      createWeekendScalingClients(),
      { info: () => undefined, warn: () => undefined, error: () => undefined },
      () => undefined,
      () => now,
    ),
    metrics: discardMetrics,
  },
);
const weekendTableCalls = takeTableCalls();
const weekendMs = performance.now() - started;
weekendMocks.restore();
const weekendCalls = weekendAccount.callCounts();
const weekendTotal = Object.values(weekendCalls).reduce((sum, count) => sum + count, 0);
const affected = new Set(weekend.components.filter((c) => c.disposition === 'scale-down').map((c) => c.endpointName)).size;
const floor = Math.ceil(5_000 / 100) + Math.ceil(1_000 / 100) + Math.ceil(1_000 / 50) + 1_000 + 1_000 + affected;
console.log(`weekend dry run: ${weekend.summary.changed} planned; AWS calls ${weekendTotal} (floor ${floor}) by operation: ${JSON.stringify(weekendCalls)}`);
targets.push({ name: 'weekend scale-down dry run, 2,000 endpoints / 5,000 components', value: weekendMs, limit: 5_000, unit: 'ms' });
targets.push({ name: 'weekend scale-down AWS calls as a multiple of the floor', value: weekendTotal / floor, limit: 1.1, unit: 'x' });

// 4. prices and the bill: 77 endpoints answered in each of three regions (the fake answers every
// region alike), on 12 instance types of 4 families, every product of each family in the Price List.
const PRICED_REGIONS = ['us-east-1', 'eu-central-1', 'ap-northeast-1'];
const TYPES = ['ml.g5', 'ml.m5', 'ml.c5', 'ml.g6'].flatMap((family) => ['xlarge', '2xlarge', '4xlarge'].map((size) => `${family}.${size}`));
const pricedAccount = new FakeAccount(
  Array.from({ length: 77 }, (_, i) =>
    fakeEndpoint(`model-${i}`, {
      createdAt: new Date(now.getTime() - 40 * 24 * HOUR),
      variants: [{ name: 'AllTraffic', instanceType: TYPES[i % TYPES.length], count: 1 }],
    }),
  ),
);
pricedAccount.clock = () => now;
for (const region of PRICED_REGIONS)
  for (const type of TYPES)
    for (const use of ['Host', 'Notebk', 'AsyncInf', 'Train', 'Processing'] as const) pricedAccount.priceList.push(priceListProduct(region, type, use, 1));
pricedAccount.priceListPageSize = 100;
// Cost Explorer's pages are large (it has no page-size parameter): one page a day here.
pricedAccount.billGroupsPerPage = 500;
for (const type of TYPES) pricedAccount.bill.push({ date: '2026-11-19', usageType: `USE1-Host:${type}`, amount: 24 });
const pricedMocks = mockAccount(pricedAccount);
forgetPriceList();
const pricedEnv = { AWS_REGION: 'us-east-1', ...STATE, REGIONS: PRICED_REGIONS.join(','), TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot' };
await runCostReport(
  { dryRun: true },
  { ...liveCostReportDeps(parseCostReportConfig(pricedEnv), createCostReportClients(), silentLogger, () => now), metrics: discardMetrics },
);
const costCalls = pricedAccount.callCounts();
pricedAccount.calls.length = 0;
forgetPriceList();
await dryIdleEndpointsRun(pricedEnv);
const idleCalls = pricedAccount.callCounts();
pricedMocks.restore();
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, count) => total + count, 0);
const added = (counts: Record<string, number>) => (counts.GetProducts ?? 0) + (counts.GetCostAndUsage ?? 0);
console.log(
  `cost report, 230 endpoints in 3 regions: ${sum(costCalls) - added(costCalls)} calls as before, + ${costCalls.GetProducts ?? 0} GetProducts (prices) + ${costCalls.GetCostAndUsage ?? 0} GetCostAndUsage (the bill, $0.01 each)`,
);
console.log(`idle-endpoints, same account: ${sum(idleCalls) - added(idleCalls)} calls as before, + ${idleCalls.GetProducts ?? 0} GetProducts (prices)`);
// One query per region and family (4 families x 3 regions), each one page of 100 here.
targets.push({
  name: 'Price List queries added to the daily cost report (4 families x 3 regions)',
  value: costCalls.GetProducts ?? 0,
  limit: 12,
  unit: 'calls',
});
targets.push({ name: 'Cost Explorer requests added to the daily cost report', value: costCalls.GetCostAndUsage ?? 0, limit: 2, unit: 'calls' });

// 5. rightsizing at scale: the 2,000-endpoint account of (2) with utilisation on its busy endpoints.
const usageNow = now;
const { account: usageAccount } = mixedAccount(2_000, usageNow);
const busyNames = usageAccount.endpoints.filter((endpoint) => endpoint.name.startsWith('busy-')).map((endpoint) => endpoint.name);
for (const name of busyNames) {
  const variant = usageAccount.endpoints.find((endpoint) => endpoint.name === name)?.variants[0]?.name ?? 'AllTraffic';
  usageAccount.series.push(
    ...instanceMetric(name, variant, 'CPUUtilization', usageNow, [(hour) => 20 + (hour % 7)], false),
    ...instanceMetric(name, variant, 'MemoryUtilization', usageNow, [() => 30], false),
  );
  // Components publish per-copy peaks too.
  if (name.startsWith('busy-component-')) {
    for (const metric of ['CPUUtilizationNormalized', 'MemoryUtilizationNormalized'])
      usageAccount.series.push(componentMetric(`${name}-ic`, metric, usageNow, () => 10));
  }
}
// Inference Recommender: 600 older completed jobs for other models, and a newer one for each of 30 busy endpoints' models.
const jobDay = (days: number) => new Date(usageNow.getTime() - days * 86_400_000);
for (let i = 0; i < 600; i++) {
  usageAccount.recommendationJobs.push({
    name: `other-${i}`,
    modelName: `other-model-${i}`,
    status: 'COMPLETED',
    createdAt: jobDay(1),
    completedAt: jobDay(1),
    recommendations: [],
  });
}
for (const name of busyNames.slice(0, 30)) {
  usageAccount.recommendationJobs.push({
    name: `${name}-job`,
    modelName: `${name}-config-model`,
    status: 'COMPLETED',
    createdAt: jobDay(0.5),
    completedAt: jobDay(0.5),
    recommendations: [{ instanceType: 'ml.m5.large', count: 1, costPerHour: 0.115, modelLatencyMs: 20 }],
  });
}
const usageMocks = mockAccount(usageAccount);
forgetPriceList();
started = performance.now();
const withUsage = await dryIdleEndpointsRun({ AWS_REGION: 'us-east-1', ...STATE });
const usageMs = performance.now() - started;
usageMocks.restore();
const usageCalls = usageAccount.callCounts();
console.log(
  `idle-endpoints with rightsizing, 2,000 endpoints (${busyNames.length} busy with utilisation): ${sum(usageCalls)} calls in ${usageMs.toFixed(0)} ms (without utilisation: ${totalCalls} calls in ${runMs.toFixed(0)} ms); by operation: ${JSON.stringify(usageCalls)}; ${withUsage.summary.idle} idle`,
);
targets.push({ name: 'idle-endpoints dry run with rightsizing, 2,000 endpoints', value: usageMs, limit: 10_000, unit: 'ms' });
targets.push({ name: 'GetMetricData calls with rightsizing, 2,000 endpoints', value: usageCalls.GetMetricData ?? 0, limit: 8, unit: 'calls' });
// Citations are a courtesy: at most 500 jobs listed (5 pages) and 10 described a region, whatever the account holds.
targets.push({
  name: 'Inference Recommender calls with rightsizing, one region of 630 jobs',
  value: (usageCalls.ListInferenceRecommendationsJobs ?? 0) + (usageCalls.DescribeInferenceRecommendationsJob ?? 0),
  limit: 15,
  unit: 'calls',
});

// The bot's memory is one table: a run reads it with one Query per record family it needs, never
// one call per resource. idle-endpoints reads recreate records, holds and restore marks (3 families,
// found with one Query each) and the one-time import's marks (1); the weekend job, components and marks.
console.log(`state table calls: idle-endpoints ${idleTableCalls}, weekend scale-down ${weekendTableCalls}`);
targets.push({ name: 'state table calls, idle-endpoints dry run over 2,000 endpoints', value: idleTableCalls, limit: 4, unit: 'calls' });
targets.push({ name: 'state table calls, weekend scale-down over 5,000 components', value: weekendTableCalls, limit: 2, unit: 'calls' });

// 6. The 15-minute idle check of a region with 1,000 Canvas sessions in 20 domains, half of them
// opted in and idle: one ListApps per 100 apps, one tag search, GetMetricData by 500 queries, and
// per session logged out its live tags (2 ListTags) and its DeleteApp: never a metric read per user.
const canvasAccount = new FakeAccount();
const canvasNow = new Date('2026-11-20T15:00:00Z');
canvasAccount.clock = () => canvasNow;
for (let domain = 0; domain < 20; domain++) {
  const id = `d-${domain}`;
  const profiles = Array.from({ length: 50 }, (_, index) => ({ name: `user-${index}`, tags: {} as Record<string, string> }));
  canvasAccount.domains.push({ id, tags: domain % 2 === 0 ? { 'ops-bot:idle-shutdown': 'true' } : {}, profiles, spaces: [] });
  for (const profile of profiles) {
    canvasAccount.apps.push({
      domainId: id,
      userProfileName: profile.name,
      appType: 'Canvas',
      appName: 'default',
      status: 'InService',
      createdAt: new Date('2026-11-20T06:00:00Z'),
    });
    canvasAccount.series.push({
      namespace: '/aws/sagemaker/Canvas/AppActivity',
      metricName: 'TimeSinceLastActive',
      dimensions: { DomainId: id, UserProfileName: profile.name },
      points: [{ at: new Date(canvasNow.getTime() - 3 * 60_000), sum: 3 * 3600 }],
    });
  }
}
const canvasMocks = mockAccount(canvasAccount);
const canvasStarted = performance.now();
const canvasConfig = parseIdleNotebooksConfig({
  AWS_REGION: 'us-east-1',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot',
  STATE_TABLE: stateTable.name,
});
await runIdleNotebooks(
  { action: 'idle-check', dryRun: false },
  { ...liveIdleNotebooksDeps(canvasConfig, createIdleNotebooksClients(), silentLogger, () => canvasNow), metrics: discardMetrics },
);
const canvasMs = performance.now() - canvasStarted;
canvasMocks.restore();
const canvasCalls = canvasAccount.callCounts();
console.log(`canvas check, 1,000 sessions (500 opted in and idle): ${canvasMs.toFixed(0)} ms; AWS calls by operation: ${JSON.stringify(canvasCalls)}`);
targets.push({ name: 'Canvas check GetMetricData calls, 1,000 sessions', value: canvasCalls.GetMetricData ?? 0, limit: 2, unit: 'calls' });
targets.push({
  // The live tags of profile and domain, the profile's creation time (the record names it), the logout.
  name: 'Canvas check calls beyond the lists, per session logged out (2 ListTags + DescribeUserProfile + DeleteApp)',
  value: ((canvasCalls.ListTags ?? 0) + (canvasCalls.DescribeUserProfile ?? 0) + (canvasCalls.DeleteApp ?? 0)) / Math.max(1, canvasCalls.DeleteApp ?? 0),
  limit: 4,
  unit: 'calls',
});
targets.push({ name: 'Canvas check, 1,000 sessions', value: canvasMs, limit: 20_000, unit: 'ms' });

let missed = 0;
for (const target of targets) {
  const ok = target.value <= target.limit;
  if (!ok) missed++;
  console.log(`${ok ? 'ok  ' : 'MISS'} ${target.name}: ${target.value.toFixed(1)} ${target.unit} (target <= ${target.limit})`);
}
process.exit(missed > 0 ? 1 : 0);
