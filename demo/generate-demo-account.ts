/**
 * Writes demo/demo-account.json: a realistic account of three dozen endpoints for `npm run demo`,
 * covering every case the idle-endpoints job decides (busy through a second variant or through an
 * inference component, young, skipped, serverless, scaled to zero, unreadable). Deterministic:
 * run `npx tsx demo/generate-demo-account.ts` after changing it and commit the output.
 */
import type { EndpointSnapshot, IdleEndpointsSnapshot, InvocationSeries } from '@ops-bot/shared/domain/idle-endpoints';
import type { VariantCapacity } from '@ops-bot/shared/domain/hosting';
import { saveSnapshot } from '@ops-bot/shared/snapshot';

const CAPTURED_AT = Date.parse('2026-11-20T09:00:00Z');
const HOUR = 3_600_000;
const ACCOUNT = '111122223333';

const hoursAgo = (hours: number) => new Date(Math.floor((CAPTURED_AT - hours * HOUR) / HOUR) * HOUR).toISOString();
const daysAgo = (days: number) => new Date(CAPTURED_AT - days * 24 * HOUR).toISOString();

/** Invocations every `everyHours` from `fromHoursAgo` up to `untilHoursAgo`. */
function traffic(variantName: string, untilHoursAgo: number, everyHours = 12, fromHoursAgo = 14 * 24 - 1): InvocationSeries {
  const points = [];
  for (let age = fromHoursAgo; age >= untilHoursAgo; age -= everyHours) {
    points.push({ at: hoursAgo(age), sum: 40 + ((age * 37) % 900) });
  }
  if (points.at(-1)?.at !== hoursAgo(untilHoursAgo)) points.push({ at: hoursAgo(untilHoursAgo), sum: 12 });
  return { source: { kind: 'variant', variantName }, points };
}

const componentTraffic = (name: string, untilHoursAgo: number): InvocationSeries => ({
  ...traffic('unused', untilHoursAgo, 8),
  source: { kind: 'inference-component', inferenceComponentName: name },
});

const instances = (variantName: string, instanceType: string, count: number, role: VariantCapacity['role'] = 'production'): VariantCapacity => ({
  variantName,
  role,
  instanceType,
  serverless: false,
  currentInstanceCount: count,
});

function endpoint(
  name: string,
  options: Partial<Omit<EndpointSnapshot, 'name'>> & { series?: InvocationSeries[]; variants?: VariantCapacity[] },
): EndpointSnapshot {
  const region = options.region ?? 'us-east-1';
  const { series, variants, ...rest } = options;
  return {
    region,
    name,
    arn: `arn:aws:sagemaker:${region}:${ACCOUNT}:endpoint/${name.toLowerCase()}`,
    createdAt: daysAgo(60),
    tags: {},
    inferenceComponents: [],
    traffic: { status: 'read', series: series ?? [] },
    ...(variants ? { details: { status: 'read', variants } } : {}),
    ...rest,
  };
}

const busyNames = [
  'search-ranker-prod',
  'fraud-scoring-prod',
  'churn-predictor',
  'recsys-homepage',
  'pricing-elasticity',
  'doc-classifier',
  'ner-extractor',
  'sentiment-reviews',
  'demand-forecast',
  'image-moderation',
  'embedding-service',
  'ltv-model',
  'anomaly-detector',
  'translation-api',
  'ocr-invoices',
  'lead-scoring',
  'support-triage',
  'geo-eta-model',
  'credit-risk-v4',
  'summarizer-llm',
];

/**
 * What CloudWatch published for four busy endpoints over the lookback (the rightsizing section):
 * peaks in CloudWatch's own units (CPU 0–100 per vCPU, GPU 0–100 per GPU), p99 latency in ms.
 */
const busyUsage: Readonly<Record<string, { instanceType: string; instanceCount: number; peaks: Record<string, number>; modelMs: number }>> = {
  // 48 vCPUs, at most 480 of 4,800: a tenth of the instance.
  'search-ranker-prod': { instanceType: 'ml.m5.12xlarge', instanceCount: 1, peaks: { cpu: 480, memory: 12 }, modelMs: 38 },
  // Four instances at 10% CPU: one would do.
  'fraud-scoring-prod': { instanceType: 'ml.c5.xlarge', instanceCount: 4, peaks: { cpu: 40, memory: 25 }, modelMs: 12 },
  // Four GPUs at 8% at most.
  'summarizer-llm': { instanceType: 'ml.g5.12xlarge', instanceCount: 1, peaks: { cpu: 96, memory: 5, gpu: 32, gpuMemory: 40 }, modelMs: 410 },
  // Busy and well used: judged right-sized.
  'churn-predictor': { instanceType: 'ml.m5.xlarge', instanceCount: 2, peaks: { cpu: 310, memory: 64 }, modelMs: 21 },
};

function busy(name: string, index: number): EndpointSnapshot {
  const region = index % 4 === 3 ? 'us-west-2' : 'us-east-1';
  const measured = busyUsage[name];
  if (!measured) return endpoint(name, { region, series: [traffic('AllTraffic', index % 5, 6)] });
  return endpoint(name, {
    region,
    series: [traffic('AllTraffic', index % 5, 6)],
    variants: [instances('AllTraffic', measured.instanceType, measured.instanceCount)],
    usage: { status: 'read', variants: [{ variantName: 'AllTraffic', peaks: measured.peaks, latency: { modelMs: measured.modelMs, overheadMs: 4 } }] },
  });
}

const endpoints: EndpointSnapshot[] = [
  ...busyNames.map(busy),
  endpoint('llm-playground-jdoe', {
    createdAt: daysAgo(41),
    variants: [instances('AllTraffic', 'ml.g5.12xlarge', 2)],
  }),
  endpoint('fraud-model-v1-old', {
    series: [traffic('AllTraffic', 74, 24)],
    variants: [instances('AllTraffic', 'ml.m5.xlarge', 1)],
  }),
  endpoint('genai-shared-ic', {
    inferenceComponents: ['llama-8b-chat', 'mistral-7b-summarize'],
    series: [componentTraffic('llama-8b-chat', 31)],
    variants: [instances('AllTraffic', 'ml.g6.12xlarge', 1)],
  }),
  endpoint('cv-detector-staging', {
    region: 'us-west-2',
    series: [traffic('AllTraffic', 121, 24)],
    variants: [instances('AllTraffic', 'ml.g4dn.xlarge', 2)],
  }),
  endpoint('recsys-ab-test', {
    series: [traffic('ModelA', 200, 24), traffic('ModelB', 230, 24)],
    variants: [instances('ModelA', 'ml.c5.2xlarge', 2), instances('ModelB', 'ml.c5.2xlarge', 1), instances('Shadow', 'ml.c5.xlarge', 1, 'shadow')],
  }),
  endpoint('churn-eu', {
    region: 'eu-west-1',
    createdAt: daysAgo(9),
    variants: [instances('AllTraffic', 'ml.m5.large', 1)],
  }),
  // Busy only through its second variant: the reference script, reading the first, calls it idle.
  endpoint('ranker-canary', { series: [traffic('Stable', 300, 24), traffic('Canary', 1, 2)] }),
  // Busy only through an inference component.
  endpoint('genai-prod-ic', {
    inferenceComponents: ['llama-70b-prod'],
    series: [componentTraffic('llama-70b-prod', 0)],
  }),
  endpoint('exp-new-model', { createdAt: hoursAgo(5) }),
  endpoint('exp-quantized-v2', { createdAt: hoursAgo(20), region: 'us-west-2' }),
  endpoint('legal-hold-model', { tags: { 'ops-bot:skip': 'true' }, variants: [instances('AllTraffic', 'ml.p3.2xlarge', 1)] }),
  endpoint('finance-monthly-batch', { tags: { 'ops-bot:skip': 'True' }, series: [traffic('AllTraffic', 400, 24)] }),
  endpoint('faq-bot-serverless', {
    variants: [{ variantName: 'AllTraffic', role: 'production', serverless: true, currentInstanceCount: 0 }],
  }),
  endpoint('weekend-paused-ic', {
    inferenceComponents: ['bert-base-ner'],
    variants: [instances('AllTraffic', 'ml.g5.2xlarge', 0)],
  }),
  endpoint('audio-transcribe-beta', {
    details: { status: 'unavailable', reason: 'DescribeEndpoint failed: ThrottlingException: Rate exceeded' },
  }),
  endpoint('marketing-mix', {
    region: 'us-west-2',
    traffic: { status: 'unavailable', reason: 'GetMetricData returned InternalError' },
  }),
];

const snapshot: IdleEndpointsSnapshot = {
  kind: 'idle-endpoints',
  version: 1,
  capturedAt: new Date(CAPTURED_AT).toISOString(),
  regions: ['us-east-1', 'us-west-2', 'eu-west-1'],
  lookbackDays: 14,
  periodSeconds: 3600,
  endpoints,
  regionFailures: [],
};

await saveSnapshot(new URL('./demo-account.json', import.meta.url).pathname, snapshot);
console.log(`wrote demo/demo-account.json: ${endpoints.length} endpoints`);
