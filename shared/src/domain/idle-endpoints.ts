/**
 * Which real-time endpoints are idle, and what they waste. Pure: an account snapshot and a
 * policy in, decisions out. No AWS SDK, no clock, no environment: `now` is the snapshot's own
 * capture time, so a saved snapshot replays to the same decisions.
 */
import { isSkipped, optedOutOfRightsizing as optedOut, type Tags } from './tags.ts';
import type { PriceBook } from './prices.ts';
import type { EndpointUsage } from './usage.ts';
import { endToEndP99, TARGET_PEAK_PERCENT, type ComponentToJudge, type Unjudged, type VariantUsage } from './rightsizing.ts';
import { reservationOf } from './component-rightsizing.ts';
import { citeRecommendation, type RecommendationJob } from './inference-recommender.ts';
import { RARELY_CALLED_SHARE } from './low-traffic.ts';
import type { RunFailure } from './failures.ts';
import type { ComponentCopies, VariantCapacity } from './hosting.ts';
import { HOUR_MS, roundCents } from './units.ts';

/** One CloudWatch `Invocations` Sum bucket; `at` is the bucket's start (ISO-8601). */
interface InvocationPoint {
  readonly at: string;
  readonly sum: number;
}

/**
 * Where a traffic series comes from. `metric` is absent for `Invocations` (snapshots written before
 * async endpoints were read); async endpoints publish `InvocationsProcessed` and
 * `ApproximateBacklogSize` instead (SageMaker Developer Guide, "Alarms and logs for tracking metrics
 * from asynchronous endpoints": Invocations is not published for them).
 */
type TrafficSource =
  | { readonly kind: 'variant'; readonly variantName: string; readonly metric?: string }
  | { readonly kind: 'inference-component'; readonly inferenceComponentName: string; readonly metric?: string }
  | { readonly kind: 'endpoint'; readonly metric: string };

interface InvocationSeries {
  readonly source: TrafficSource;
  readonly points: readonly InvocationPoint[];
}

/** A series CloudWatch answered with a failing StatusCode (the rest of the batch can still be Complete). */
interface UnreadSeries {
  readonly source: TrafficSource;
  readonly reason: string;
}

/**
 * `unavailable` means CloudWatch could not be read: the endpoint is neither idle nor busy.
 * `unread` lists series that failed while others were read: traffic on any read series is proof
 * of use, but without traffic the endpoint cannot be called idle.
 */
type Traffic =
  | { readonly status: 'read'; readonly series: readonly InvocationSeries[]; readonly unread?: readonly UnreadSeries[] }
  | { readonly status: 'unavailable'; readonly reason: string };

type EndpointDetails =
  | {
      readonly status: 'read';
      readonly variants: readonly VariantCapacity[];
      /** The endpoint config has AsyncInferenceConfig: it can autoscale to 0 instances. */
      readonly asyncInference?: boolean;
    }
  | { readonly status: 'unavailable'; readonly reason: string };

interface EndpointSnapshot {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly createdAt: string;
  /** The endpoint's `ops-bot:*` tags. */
  readonly tags: Tags;
  /** Inference components hosted on the endpoint; their traffic is the endpoint's traffic. */
  readonly inferenceComponents: readonly string[];
  readonly traffic: Traffic;
  /** Read only for endpoints that the traffic alone shows idle (describes cost API calls). */
  readonly details?: EndpointDetails;
  /** When the bot last restored it (verified): it is judged on traffic from then on, like a new endpoint. */
  readonly idleClockFrom?: string | undefined;
  /** Its utilisation and latency peaks over the lookback (rightsizing); absent in older snapshots. */
  readonly usage?: EndpointUsage | undefined;
  /** Read for busy endpoints described for rightsizing: each component's copies and reservation, or why not. */
  readonly components?: readonly ComponentSnapshot[] | undefined;
}

type ComponentSnapshot = { readonly name: string; readonly variantName: string; readonly tags: Tags } & (
  { readonly status: 'read'; readonly copies: ComponentCopies } | { readonly status: 'unavailable'; readonly reason: string }
);

/** Where an endpoint's idle clock starts: its creation, or the bot's later restore of it. */
function idleClockStart(endpoint: Pick<EndpointSnapshot, 'createdAt' | 'idleClockFrom'>): number {
  const created = Date.parse(endpoint.createdAt);
  const restored = endpoint.idleClockFrom ? Date.parse(endpoint.idleClockFrom) : Number.NaN;
  return Number.isNaN(restored) ? created : Math.max(created, restored);
}

interface IdleEndpointsSnapshot {
  readonly kind: 'idle-endpoints';
  readonly version: 1;
  readonly capturedAt: string;
  readonly regions: readonly string[];
  /** How far back invocations were read, and the bucket size. */
  readonly lookbackDays: number;
  readonly periodSeconds: number;
  readonly endpoints: readonly EndpointSnapshot[];
  readonly regionFailures: readonly RunFailure[];
  /** Completed Inference Recommender jobs for the models of busy endpoints, checked (rightsizing cites them); absent in older snapshots. */
  readonly recommendations?: ReadonlyArray<RecommendationJob & { readonly region: string }> | undefined;
  /** Regions whose jobs could not be read: the report says so once. */
  readonly recommendationFailures?: readonly RunFailure[] | undefined;
}

interface IdlePolicy {
  readonly idleHours: number;
  readonly prices: PriceBook;
}

type TrafficVerdict =
  | { readonly verdict: 'skipped' }
  | { readonly verdict: 'young' }
  | { readonly verdict: 'unknown'; readonly reason: string }
  | { readonly verdict: 'busy' }
  | { readonly verdict: 'idle'; readonly lastInvocationAt: string | null };

type Suggestion =
  | 'scale-inference-components-to-zero'
  | 'autoscale-async-to-zero'
  | 'remove-provisioned-concurrency'
  | 'delete'
  | 'move-to-serverless'
  | 'delete-or-adopt-inference-components';

interface CostedVariant {
  readonly variantName: string;
  readonly role: 'production' | 'shadow';
  readonly instanceType: string;
  readonly instanceCount: number;
  /** Undefined when the type has no known price. */
  readonly pricePerHour?: number;
}

interface IdleEndpoint {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  /** End of the last hourly bucket with invocations; null when none within the lookback. */
  readonly lastInvocationAt: string | null;
  /** Lower bound on the idle time, in hours (the lookback or the age when never invoked). */
  readonly idleHours: number;
  /** True when there was no invocation at all in the lookback (or since creation). */
  readonly noInvocationsInLookback: boolean;
  readonly createdAt: string;
  readonly variants: readonly CostedVariant[];
  /** Sum over the variants whose price is known. */
  readonly knownCostPerDay: number;
  readonly unpricedInstanceTypes: readonly string[];
  readonly inferenceComponents: readonly string[];
  readonly suggestion: Suggestion;
}

interface IdleWithoutCost {
  readonly region: string;
  readonly name: string;
  readonly why: 'serverless' | 'no-instances';
}

interface UncheckedEndpoint {
  readonly region: string;
  /** Absent when a whole region could not be read. */
  readonly name?: string;
  readonly reason: string;
}

interface IdleEndpointsPlan {
  readonly evaluatedAt: string;
  readonly idleHours: number;
  readonly lookbackDays: number;
  readonly regions: readonly string[];
  readonly priceSource: string;
  /** Most expensive first. */
  readonly idle: readonly IdleEndpoint[];
  readonly idleWithoutCost: readonly IdleWithoutCost[];
  readonly unchecked: readonly UncheckedEndpoint[];
  readonly counts: {
    readonly inService: number;
    readonly skipped: number;
    readonly young: number;
    readonly busy: number;
  };
  readonly totalKnownCostPerDay: number;
}

/**
 * Traffic alone: skip tag, age, then invocations within the window. A bucket counts as inside
 * the window when it ends after the window starts, so traffic up to one bucket before the window
 * still reads as busy: when unsure, the bot never calls an endpoint idle.
 */
function assessTraffic(endpoint: EndpointSnapshot, idleHours: number, periodSeconds: number, now: Date): TrafficVerdict {
  if (isSkipped(endpoint.tags)) return { verdict: 'skipped' };
  const windowStartMs = now.getTime() - idleHours * HOUR_MS;
  if (idleClockStart(endpoint) > windowStartMs) return { verdict: 'young' };
  if (endpoint.traffic.status === 'unavailable') return { verdict: 'unknown', reason: endpoint.traffic.reason };

  const periodMs = periodSeconds * 1000;
  let lastInvocationEndMs: number | undefined;
  for (const series of endpoint.traffic.series) {
    for (const point of series.points) {
      if (!(point.sum > 0)) continue;
      const endMs = Date.parse(point.at) + periodMs;
      if (lastInvocationEndMs === undefined || endMs > lastInvocationEndMs) lastInvocationEndMs = endMs;
    }
  }
  if (lastInvocationEndMs !== undefined && lastInvocationEndMs > windowStartMs) return { verdict: 'busy' };
  // Traffic is proof of use; its absence is proof of idleness only when every series was read.
  const unread = endpoint.traffic.unread ?? [];
  if (unread.length > 0) {
    return { verdict: 'unknown', reason: [...new Set(unread.map((series) => series.reason))].join('; ') };
  }
  return {
    verdict: 'idle',
    lastInvocationAt: lastInvocationEndMs === undefined ? null : new Date(Math.min(lastInvocationEndMs, now.getTime())).toISOString(),
  };
}

/**
 * Describes cost API calls: the idle endpoints (for their cost), and the busy ones whose peaks leave
 * room for a smaller footprint or that are rarely called (for their instance types and counts). A
 * busy endpoint whose memory peak is already above what a suggestion leaves, or that has no
 * utilisation series, needs no describe. Describe the idle ones first: when time runs short, what
 * the alert and the idle actions need is read before any suggestion's.
 */
function selectEndpointsToDescribe(
  endpoints: readonly EndpointSnapshot[],
  idleHours: number,
  periodSeconds: number,
  now: Date,
  lookbackDays: number,
): { readonly idle: EndpointSnapshot[]; readonly busy: EndpointSnapshot[] } {
  const verdicts = endpoints.map((endpoint) => ({ endpoint, verdict: assessTraffic(endpoint, idleHours, periodSeconds, now).verdict }));
  return {
    idle: verdicts.filter(({ verdict }) => verdict === 'idle').map(({ endpoint }) => endpoint),
    busy: verdicts
      .filter(({ endpoint, verdict }) => verdict === 'busy' && (mayBeUnderUsed(endpoint) || mayBeRarelyCalled(endpoint, now, lookbackDays)))
      .map(({ endpoint }) => endpoint),
  };
}

function mayBeUnderUsed(endpoint: EndpointSnapshot): boolean {
  if (optedOut(endpoint.tags) || endpoint.usage?.status !== 'read') return false;
  const room = (peaks: { cpu?: number | undefined; memory?: number | undefined }) =>
    peaks.cpu !== undefined && peaks.memory !== undefined && peaks.memory <= TARGET_PEAK_PERCENT;
  // A component can lose copies only while its copies' peaks stay under the target.
  const copiesWithRoom = (peaks: { cpu?: number | undefined; gpu?: number | undefined; memory?: number | undefined }) =>
    room(peaks) && Math.max(peaks.cpu ?? 0, peaks.gpu ?? 0) < TARGET_PEAK_PERCENT;
  return (
    endpoint.usage.variants.some((variant) => room(variant.peaks)) || (endpoint.usage.components ?? []).some((component) => copiesWithRoom(component.peaks))
  );
}

/** Busy in few hours of the lookback (any variant), with peaks to judge an alternative by. */
function mayBeRarelyCalled(endpoint: EndpointSnapshot, now: Date, lookbackDays: number): boolean {
  if (optedOut(endpoint.tags) || endpoint.usage?.status !== 'read' || endpoint.inferenceComponents.length > 0) return false;
  if (!endpoint.usage.variants.some((variant) => variant.peaks.memory !== undefined)) return false;
  const activity = activityOf(endpoint, undefined, now, lookbackDays);
  return activity !== undefined && activity.activeHours <= activity.lookbackHours * RARELY_CALLED_SHARE;
}

/**
 * Hours of the lookback (or of the endpoint's life, if younger) with any request, on one variant's
 * own series or on any; undefined when the traffic was not fully read.
 */
function activityOf(
  endpoint: EndpointSnapshot,
  variantName: string | undefined,
  now: Date,
  lookbackDays: number,
): { activeHours: number; lookbackHours: number } | undefined {
  if (endpoint.traffic.status !== 'read' || (endpoint.traffic.unread ?? []).length > 0) return undefined;
  const hours = new Set<string>();
  for (const series of endpoint.traffic.series) {
    if (variantName !== undefined && (series.source.kind !== 'variant' || series.source.variantName !== variantName)) continue;
    for (const point of series.points) if (point.sum > 0) hours.add(point.at);
  }
  const lifeHours = Math.floor((now.getTime() - Date.parse(endpoint.createdAt)) / HOUR_MS);
  return { activeHours: hours.size, lookbackHours: Math.max(0, Math.min(lookbackDays * 24, lifeHours)) };
}

function findIdleEndpoints(snapshot: IdleEndpointsSnapshot, policy: IdlePolicy): IdleEndpointsPlan {
  const now = new Date(snapshot.capturedAt);
  const idle: IdleEndpoint[] = [];
  const idleWithoutCost: IdleWithoutCost[] = [];
  const unchecked: UncheckedEndpoint[] = snapshot.regionFailures.map(({ region, stage, reason }) => ({
    region,
    reason: `${stage}: ${reason}`,
  }));
  const counts = { inService: snapshot.endpoints.length, skipped: 0, young: 0, busy: 0 };

  for (const endpoint of snapshot.endpoints) {
    const traffic = assessTraffic(endpoint, policy.idleHours, snapshot.periodSeconds, now);
    switch (traffic.verdict) {
      case 'skipped':
      case 'young':
      case 'busy':
        counts[traffic.verdict] += 1;
        continue;
      case 'unknown':
        unchecked.push({ region: endpoint.region, name: endpoint.name, reason: `invocations unknown: ${traffic.reason}` });
        continue;
      case 'idle':
        break;
    }
    const details = endpoint.details;
    if (details === undefined || details.status === 'unavailable') {
      const reason = details?.reason ?? 'endpoint details were not read';
      unchecked.push({ region: endpoint.region, name: endpoint.name, reason: `no invocations, but capacity unknown: ${reason}` });
      continue;
    }
    const billed = details.variants.filter(isBilledByTheHour);
    if (billed.length === 0) {
      const why = details.variants.some((variant) => variant.serverless) ? 'serverless' : 'no-instances';
      idleWithoutCost.push({ region: endpoint.region, name: endpoint.name, why });
      continue;
    }
    idle.push(describeWaste(endpoint, details, billed, traffic.lastInvocationAt, now, policy, snapshot.lookbackDays));
  }

  idle.sort((a, b) => b.knownCostPerDay - a.knownCostPerDay || a.region.localeCompare(b.region) || a.name.localeCompare(b.name));
  return {
    evaluatedAt: snapshot.capturedAt,
    idleHours: policy.idleHours,
    lookbackDays: snapshot.lookbackDays,
    regions: snapshot.regions,
    priceSource: policy.prices.source,
    idle,
    idleWithoutCost,
    unchecked,
    counts,
    totalKnownCostPerDay: roundCents(idle.reduce((total, endpoint) => total + endpoint.knownCostPerDay, 0)),
  };
}

/** Instances bill by the hour; so does a serverless variant's provisioned concurrency. */
function isBilledByTheHour(variant: VariantCapacity): boolean {
  return variant.serverless ? (variant.provisionedConcurrency ?? 0) > 0 : variant.currentInstanceCount > 0;
}

function describeWaste(
  endpoint: EndpointSnapshot,
  details: Extract<EndpointDetails, { status: 'read' }>,
  billed: readonly VariantCapacity[],
  lastInvocationAt: string | null,
  now: Date,
  policy: IdlePolicy,
  lookbackDays: number,
): IdleEndpoint {
  const variants: CostedVariant[] = billed.map((variant) => {
    if (variant.serverless) {
      // Serverless prices are per GB-second of provisioned memory, not per instance type: the
      // embedded table cannot price them, so the report says "price unknown" rather than $0.
      return {
        variantName: variant.variantName,
        role: variant.role,
        instanceType: 'serverless provisioned concurrency',
        instanceCount: variant.provisionedConcurrency ?? 0,
      };
    }
    const instanceType = variant.instanceType ?? 'unknown instance type';
    const price = variant.instanceType ? policy.prices.hourlyPrice(endpoint.region, variant.instanceType) : undefined;
    return {
      variantName: variant.variantName,
      role: variant.role,
      instanceType,
      instanceCount: variant.currentInstanceCount,
      ...(price ? { pricePerHour: price.pricePerHour } : {}),
    };
  });
  const knownCostPerDay = roundCents(variants.reduce((total, variant) => total + (variant.pricePerHour ?? 0) * variant.instanceCount * 24, 0));
  const unpricedInstanceTypes = [...new Set(variants.filter((v) => v.pricePerHour === undefined).map((v) => v.instanceType))];
  const ageHours = (now.getTime() - idleClockStart(endpoint)) / HOUR_MS;
  // A recreated endpoint keeps its name, and so its predecessor's Invocations series (a metric's
  // identity is its namespace, name and dimensions): it has been idle at most as long as it exists,
  // or since the bot restored it.
  const sinceTraffic = lastInvocationAt === null ? lookbackDays * 24 : (now.getTime() - Date.parse(lastInvocationAt)) / HOUR_MS;
  const idleHours = Math.min(ageHours, sinceTraffic);
  return {
    region: endpoint.region,
    name: endpoint.name,
    arn: endpoint.arn,
    lastInvocationAt,
    idleHours: Math.floor(idleHours),
    noInvocationsInLookback: lastInvocationAt === null,
    createdAt: endpoint.createdAt,
    variants,
    knownCostPerDay,
    unpricedInstanceTypes,
    inferenceComponents: endpoint.inferenceComponents,
    suggestion: suggestAction(endpoint, details, billed, variants, lastInvocationAt === null, policy.prices),
  };
}

/**
 * The cheapest fix that keeps what the endpoint is for: components can go to zero copies and
 * come back; an endpoint nobody called in the whole lookback can go; an occasional CPU workload
 * suits serverless; an occasional GPU workload (serverless has no GPUs) should either go or move
 * onto inference components so it can scale to zero.
 */
function suggestAction(
  endpoint: EndpointSnapshot,
  details: Extract<EndpointDetails, { status: 'read' }>,
  billed: readonly VariantCapacity[],
  variants: readonly CostedVariant[],
  neverInvokedInLookback: boolean,
  prices: PriceBook,
): Suggestion {
  if (endpoint.inferenceComponents.length > 0) return 'scale-inference-components-to-zero';
  // An async endpoint keeps its queue and config when autoscaled to MinCapacity 0: the cheapest
  // fix that keeps it usable (SageMaker Developer Guide, "Autoscale an asynchronous endpoint").
  if (details.asyncInference) return 'autoscale-async-to-zero';
  if (billed.every((variant) => variant.serverless)) return 'remove-provisioned-concurrency';
  if (neverInvokedInLookback) return 'delete';
  const cpuOnly = variants.every((variant) => prices.instanceSpec(variant.instanceType)?.accelerators === 0);
  return cpuOnly ? 'move-to-serverless' : 'delete-or-adopt-inference-components';
}

/** Every instance type the snapshot's endpoints run, by region: what the run's prices must cover. */
function hostedInstanceTypes(snapshot: IdleEndpointsSnapshot): Array<{ region: string; instanceType: string }> {
  return snapshot.endpoints.flatMap((endpoint) =>
    endpoint.details?.status === 'read'
      ? endpoint.details.variants.flatMap((variant) => (variant.instanceType ? [{ region: endpoint.region, instanceType: variant.instanceType }] : []))
      : [],
  );
}

/**
 * What rightsizing judges: every busy endpoint's billed variants with their peaks, and the
 * components on them with their copies. An endpoint with traffic but nothing to judge by is named
 * once, with why; one whose memory left no room was not described and counts as sized right.
 */
function variantUsages(
  snapshot: IdleEndpointsSnapshot,
  idleHours: number,
): { usages: VariantUsage[]; components: ComponentToJudge[]; unjudged: Unjudged[]; notUnderUsed: number } {
  const now = new Date(snapshot.capturedAt);
  const usages: VariantUsage[] = [];
  const components: ComponentToJudge[] = [];
  const unjudged: Unjudged[] = [];
  let notUnderUsed = 0;
  for (const endpoint of snapshot.endpoints) {
    if (assessTraffic(endpoint, idleHours, snapshot.periodSeconds, now).verdict !== 'busy' || optedOut(endpoint.tags)) continue;
    const base = { region: endpoint.region, endpointName: endpoint.name, tags: endpoint.tags };
    const usage = endpoint.usage;
    if (!usage) continue;
    if (usage.status === 'unavailable') unjudged.push({ ...base, reason: usage.reason });
    else if (usage.variants.length === 0 && !usage.components?.length) unjudged.push({ ...base, reason: 'no utilisation series' });
    else if (endpoint.details?.status === 'unavailable') unjudged.push({ ...base, reason: endpoint.details.reason });
    else if (endpoint.details?.status !== 'read') {
      const partial = usage.variants.find((variant) => variant.peaks.cpu === undefined || variant.peaks.memory === undefined);
      if (partial) unjudged.push({ ...base, reason: `no ${partial.peaks.cpu === undefined ? 'CPUUtilization' : 'MemoryUtilization'} series` });
      else notUnderUsed += 1;
    } else {
      for (const variant of endpoint.details.variants) {
        if (variant.role !== 'production' || variant.serverless || !variant.instanceType || variant.currentInstanceCount <= 0) continue;
        const peaks = usage.variants.find((candidate) => candidate.variantName === variant.variantName);
        const latency = peaks?.latency;
        const job = variant.modelName
          ? snapshot.recommendations?.find((candidate) => candidate.region === endpoint.region && candidate.modelName === variant.modelName)
          : undefined;
        usages.push({
          ...base,
          variantName: variant.variantName,
          instanceType: variant.instanceType,
          instanceCount: variant.currentInstanceCount,
          peaks: peaks?.peaks ?? {},
          busiest: peaks?.busiest,
          latency,
          hosted: hostedCopies(endpoint, variant.variantName),
          recommendation: job ? citeRecommendation(job, latency?.modelMs) : undefined,
          // Serverless and asynchronous inference are weighed for plain variants only: components scale to zero copies instead.
          activity:
            endpoint.inferenceComponents.length === 0 && !endpoint.details.asyncInference
              ? activityOf(endpoint, variant.variantName, now, snapshot.lookbackDays)
              : undefined,
        });
        const latencyP99Ms = endToEndP99(latency);
        for (const component of endpoint.components ?? []) {
          if (component.variantName !== variant.variantName || component.status !== 'read') continue;
          components.push({
            region: endpoint.region,
            endpointName: endpoint.name,
            variantName: variant.variantName,
            componentName: component.name,
            tags: component.tags,
            copies: component.copies,
            peaks: usage.components?.find((candidate) => candidate.componentName === component.name)?.peaks ?? {},
            endpointTags: endpoint.tags,
            latencyP99Ms,
            instanceType: variant.instanceType,
          });
        }
      }
    }
  }
  return { usages, components, unjudged, notUnderUsed };
}

/** The copies a variant must go on placing; `unknown` when the endpoint hosts components whose reservations were not read. */
function hostedCopies(endpoint: EndpointSnapshot, variantName: string): VariantUsage['hosted'] {
  if (endpoint.inferenceComponents.length === 0) return undefined;
  if (!endpoint.components) return { status: 'unknown', reason: 'its inference components were not described' };
  const mine = endpoint.components.filter((component) => component.variantName === variantName);
  const unread = mine.find((component) => component.status === 'unavailable');
  if (unread?.status === 'unavailable') return { status: 'unknown', reason: `inference component ${unread.name} not read: ${unread.reason}` };
  return {
    status: 'read',
    copies: mine.flatMap((component) =>
      component.status === 'read'
        ? [
            {
              componentName: component.name,
              // What is placed now or about to be: the larger of the two while copies change.
              count: Math.max(component.copies.desiredCopyCount, component.copies.currentCopyCount),
              ...reservationOf(component.copies),
            },
          ]
        : [],
    ),
  };
}

export { assessTraffic, selectEndpointsToDescribe, findIdleEndpoints, isBilledByTheHour, hostedInstanceTypes, variantUsages };
export type {
  InvocationPoint,
  TrafficSource,
  InvocationSeries,
  UnreadSeries,
  Traffic,
  EndpointDetails,
  EndpointSnapshot,
  ComponentSnapshot,
  IdleEndpointsSnapshot,
  IdlePolicy,
  TrafficVerdict,
  Suggestion,
  CostedVariant,
  IdleEndpoint,
  IdleWithoutCost,
  UncheckedEndpoint,
  IdleEndpointsPlan,
};
