/**
 * Test data builders: every field has a sensible default; a test overrides only what it is about.
 */
import type { EndpointSnapshot, IdleEndpointsSnapshot, InvocationSeries } from '@ops-bot/shared/domain/idle-endpoints';
import type { VariantCapacity } from '@ops-bot/shared/domain/hosting';

/** The fixed clock every test decides at. */
const NOW = new Date('2026-11-20T09:00:00.000Z');
const HOUR_MS = 3_600_000;

/** Start of the hourly bucket `hours` before NOW. */
function hoursAgo(hours: number): string {
  return new Date(Math.floor((NOW.getTime() - hours * HOUR_MS) / HOUR_MS) * HOUR_MS).toISOString();
}

function variantTraffic(variantName: string, bucketsAgo: readonly number[], sum = 10): InvocationSeries {
  return { source: { kind: 'variant', variantName }, points: bucketsAgo.map((age) => ({ at: hoursAgo(age), sum })) };
}

function componentTraffic(inferenceComponentName: string, bucketsAgo: readonly number[], sum = 10): InvocationSeries {
  return { source: { kind: 'inference-component', inferenceComponentName }, points: bucketsAgo.map((age) => ({ at: hoursAgo(age), sum })) };
}

function instanceVariant(overrides: Partial<VariantCapacity> = {}): VariantCapacity {
  return { variantName: 'AllTraffic', role: 'production', instanceType: 'ml.m5.xlarge', serverless: false, currentInstanceCount: 1, ...overrides };
}

function endpointSnapshot(overrides: Partial<EndpointSnapshot> = {}): EndpointSnapshot {
  const name = overrides.name ?? 'ep-1';
  const region = overrides.region ?? 'us-east-1';
  return {
    region,
    name,
    arn: `arn:aws:sagemaker:${region}:111122223333:endpoint/${name.toLowerCase()}`,
    createdAt: hoursAgo(30 * 24),
    tags: {},
    inferenceComponents: [],
    traffic: { status: 'read', series: [] },
    details: { status: 'read', variants: [instanceVariant()] },
    ...overrides,
  };
}

function idleEndpointsSnapshot(overrides: Partial<IdleEndpointsSnapshot> = {}): IdleEndpointsSnapshot {
  return {
    kind: 'idle-endpoints',
    version: 1,
    capturedAt: NOW.toISOString(),
    regions: ['us-east-1'],
    lookbackDays: 14,
    periodSeconds: 3600,
    endpoints: [],
    regionFailures: [],
    ...overrides,
  };
}

export { NOW, HOUR_MS, hoursAgo, variantTraffic, componentTraffic, instanceVariant, endpointSnapshot, idleEndpointsSnapshot };
