/**
 * Under-used endpoints: busy, but on more hardware than their traffic needs. Judged per production
 * variant by the peaks of its utilisation over the lookback (the highest value CloudWatch holds,
 * never the average: a variant quiet all day but hot for one hour is not under-used), each
 * normalised by the instance's hardware. Only suggestions come out of here: the bot never resizes.
 *
 * What moves with load and what does not: CPU and GPU utilisation are the traffic's, so they spread
 * over however many instances there are; memory and GPU memory hold the model, so every instance
 * keeps needing them whatever the count. Fewer instances is judged on the first two added up; a
 * smaller size on all four, against the smaller size's capacity.
 */
import { instanceFamily, type InstanceHardware, type PriceBook } from './prices.ts';
import type { Citation } from './inference-recommender.ts';
import { judgeRarelyCalled, type RarelyCalled } from './low-traffic.ts';
import { isSkipped, optedOutOfRightsizing as optedOut, TAGS, type Tags } from './tags.ts';
import { copiesFit, judgeComponent, type ComponentUsage, type ComponentVerdict, type HostedCopies } from './component-rightsizing.ts';
import { roundCents } from './units.ts';
import type { RawPeaks } from './peaks.ts';

/** Each dimension's peak after a suggested change stays at or under this share of capacity. */
const TARGET_PEAK_PERCENT = 60;
/** A variant of two or more instances keeps two: one instance is no redundancy across Availability Zones. */
const MIN_REDUNDANT_INSTANCES = 2;
/** Smaller savings are noise in a daily report. */
const MIN_SAVING_PER_DAY = 0.5;
const MIN_SAVING_SHARE = 0.05;
/** A latency SLO tag above ten minutes is not an inference SLO. */
const MAX_SLO_MS = 600_000;

interface VariantUsage {
  readonly region: string;
  readonly endpointName: string;
  readonly variantName: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly tags: Tags;
  /** The variant's series: the average across its instances (SageMaker Developer Guide, endpoint instance metrics). */
  readonly peaks: RawPeaks;
  /** The busiest single instance, where per-instance series (`InstanceId`) are published. */
  readonly busiest?: RawPeaks | undefined;
  /** p99 over the lookback, in milliseconds (CloudWatch publishes microseconds). */
  readonly latency?: { readonly modelMs?: number | undefined; readonly overheadMs?: number | undefined } | undefined;
  /**
   * The inference components on the variant, whose copies every suggestion must still place (after
   * any fewer-copies suggestion). `unknown` when a component's reservation could not be read.
   */
  readonly hosted?: { readonly status: 'read'; readonly copies: readonly HostedCopies[] } | { readonly status: 'unknown'; readonly reason: string } | undefined;
  /** What a completed Inference Recommender job for the variant's model found: cited beside a suggestion, never priced with. */
  readonly recommendation?: Citation | undefined;
  /**
   * Hours of the lookback (or of its life, if younger) with any request: set where serverless or
   * asynchronous inference could be weighed (no components, not already asynchronous).
   */
  readonly activity?: { readonly activeHours: number; readonly lookbackHours: number } | undefined;
}

/** Percent of capacity, 0–100 on every dimension. */
interface Utilisation {
  readonly cpu: number;
  readonly memory: number;
  readonly gpu?: number | undefined;
  readonly gpuMemory?: number | undefined;
}

type Change = { readonly kind: 'fewer-instances'; readonly instanceCount: number } | { readonly kind: 'smaller-size'; readonly instanceType: string };

interface Figures {
  readonly lookbackDays: number;
  readonly instanceCount: number;
  /** The variant's peaks (average across instances), normalised. */
  readonly peaks: Utilisation;
  /** The peaks a single instance must hold: the busiest instance's, or the worst case the average allows. */
  readonly perInstance: Utilisation;
  readonly perInstanceFrom: 'busiest-instance' | 'average' | 'worst-case-from-average';
  readonly hardware: InstanceHardware;
  readonly latencyP99Ms?: number | undefined;
}

type RightsizingVerdict =
  | {
      readonly kind: 'suggestion';
      readonly usage: VariantUsage;
      readonly change: Change;
      readonly costPerDay: number;
      readonly newCostPerDay: number;
      readonly savingPerDay: number;
      readonly figures: Figures;
    }
  /** Would have had a suggestion (a variant's, or a component's fewer copies), but its endpoint's latency SLO forbids a smaller footprint. */
  | {
      readonly kind: 'kept-for-latency';
      readonly region: string;
      readonly endpointName: string;
      readonly usage?: VariantUsage | undefined;
      readonly componentName?: string | undefined;
      readonly reason: string;
      /** Absent for a component's copies: what they free is capacity, not yet dollars. */
      readonly savingPerDay?: number | undefined;
    }
  | {
      readonly kind: 'could-not-judge';
      readonly region: string;
      readonly endpointName: string;
      readonly variantName?: string | undefined;
      readonly componentName?: string | undefined;
      readonly reason: string;
    }
  | { readonly kind: 'right-sized'; readonly usage: VariantUsage };

interface RightsizingPolicy {
  readonly prices: PriceBook;
  /** The sizes of an instance family in a region, any order (`ml.g5` → `ml.g5.xlarge`, …). */
  readonly sizesOf: (region: string, family: string) => readonly string[];
  readonly lookbackDays: number;
}

/** The SLO the owner tagged, `ops-bot:latency-slo-ms`; `invalid` when the tag says something else. */
function latencySlo(tags: Tags): number | 'invalid' | undefined {
  const raw = tags[TAGS.latencySloMs];
  if (raw === undefined) return undefined;
  const value = Number(raw.trim());
  return /^\d+$/.test(raw.trim()) && value > 0 && value <= MAX_SLO_MS ? value : 'invalid';
}

const percent = (raw: number | undefined, units: number) => (raw === undefined || units <= 0 ? undefined : Math.min(100, raw / units));

function normalise(raw: RawPeaks, hardware: InstanceHardware): Partial<Utilisation> {
  return {
    cpu: percent(raw.cpu, hardware.vcpus),
    memory: raw.memory === undefined ? undefined : Math.min(100, raw.memory),
    gpu: hardware.accelerators > 0 ? percent(raw.gpu, hardware.accelerators) : undefined,
    gpuMemory: hardware.accelerators > 0 ? percent(raw.gpuMemory, hardware.accelerators) : undefined,
  };
}

/** The dimensions a judgement needs: CPU and memory always, GPU and GPU memory on GPU instances. */
function missingSeries(peaks: Partial<Utilisation>, hardware: InstanceHardware): string[] {
  const needed: Array<[keyof Utilisation, string]> = [
    ['cpu', 'CPUUtilization'],
    ['memory', 'MemoryUtilization'],
    ...(hardware.accelerators > 0
      ? ([
          ['gpu', 'GPUUtilization'],
          ['gpuMemory', 'GPUMemoryUtilization'],
        ] as Array<[keyof Utilisation, string]>)
      : []),
  ];
  return needed.filter(([key]) => peaks[key] === undefined).map(([, metric]) => metric);
}

/**
 * What one instance must hold. Per-instance series say it; without them, one instance alone is its
 * own average, and with several the average hides the busiest: at worst one carries the whole load
 * (average × count, at most 100%) on CPU and GPU. Memory holds the model on every instance alike.
 */
function perInstanceLoad(usage: VariantUsage, peaks: Utilisation, hardware: InstanceHardware): { load: Utilisation; from: Figures['perInstanceFrom'] } {
  const busiest = usage.busiest ? normalise(usage.busiest, hardware) : undefined;
  if (busiest && busiest.cpu !== undefined && (hardware.accelerators === 0 || busiest.gpu !== undefined)) {
    return {
      load: {
        ...peaks,
        cpu: busiest.cpu,
        memory: busiest.memory ?? peaks.memory,
        gpu: busiest.gpu ?? peaks.gpu,
        gpuMemory: busiest.gpuMemory ?? peaks.gpuMemory,
      },
      from: 'busiest-instance',
    };
  }
  if (usage.instanceCount <= 1) return { load: peaks, from: 'average' };
  const worst = (value: number | undefined) => (value === undefined ? undefined : Math.min(100, value * usage.instanceCount));
  return { load: { ...peaks, cpu: worst(peaks.cpu) as number, gpu: worst(peaks.gpu) }, from: 'worst-case-from-average' };
}

/** Whether the variant's component copies (if any) can still be placed on `count` instances of `hardware`. */
function placesCopies(usage: VariantUsage, count: number, hardware: InstanceHardware): boolean {
  return usage.hosted?.status !== 'read' || copiesFit(usage.hosted.copies, count, hardware);
}

/** Fewer instances: the load on CPU and GPU, added up, spread over fewer; memory stays per instance; every component copy still placed. */
function fewerInstances(usage: VariantUsage, peaks: Utilisation, load: Utilisation, hardware: InstanceHardware): number | undefined {
  if (usage.instanceCount < 2) return undefined;
  if (load.memory > TARGET_PEAK_PERCENT || (load.gpuMemory ?? 0) > TARGET_PEAK_PERCENT) return undefined;
  const aggregate = [peaks.cpu, peaks.gpu].filter((value): value is number => value !== undefined).map((value) => value * usage.instanceCount);
  const needed = Math.max(1, ...aggregate.map((total) => Math.ceil(total / TARGET_PEAK_PERCENT)));
  const floor = Math.min(usage.instanceCount, MIN_REDUNDANT_INSTANCES);
  for (let count = Math.max(needed, floor); count < usage.instanceCount; count += 1) {
    if (placesCopies(usage, count, hardware)) return count;
  }
  return undefined;
}

/** The cheapest smaller size of the family whose every dimension still holds the peaks with headroom. */
function smallerSize(
  usage: VariantUsage,
  load: Utilisation,
  current: InstanceHardware,
  currentPrice: number,
  policy: RightsizingPolicy,
): { type: string; price: number } | undefined {
  const family = instanceFamily(usage.instanceType);
  const gpuMemoryTotal = (hardware: InstanceHardware) => (hardware.gpuMemoryGiB === undefined ? undefined : hardware.gpuMemoryGiB * hardware.accelerators);
  const fits = (candidate: InstanceHardware) => {
    const holds = (used: number | undefined, now: number | undefined, then: number | undefined) =>
      used === undefined || (now !== undefined && then !== undefined && then > 0 && (used * now) / then <= TARGET_PEAK_PERCENT);
    if (current.accelerators > 0 !== candidate.accelerators > 0) return false;
    return (
      placesCopies(usage, usage.instanceCount, candidate) &&
      holds(load.cpu, current.vcpus, candidate.vcpus) &&
      holds(load.memory, current.memoryGiB, candidate.memoryGiB) &&
      holds(load.gpu, current.accelerators, candidate.accelerators) &&
      holds(load.gpuMemory, gpuMemoryTotal(current), gpuMemoryTotal(candidate))
    );
  };
  let best: { type: string; price: number } | undefined;
  for (const type of policy.sizesOf(usage.region, family)) {
    if (type === usage.instanceType) continue;
    const hardware = policy.prices.instanceSpec(type, usage.region);
    const price = policy.prices.hourlyPrice(usage.region, type)?.pricePerHour;
    if (!hardware || price === undefined || price >= currentPrice || !fits(hardware)) continue;
    if (!best || price < best.price) best = { type, price };
  }
  return best;
}

/** Model + overhead p99 in ms, where either is published: what a caller waits, less the network. */
function endToEndP99(latency: VariantUsage['latency']): number | undefined {
  if (latency?.modelMs === undefined && latency?.overheadMs === undefined) return undefined;
  return (latency.modelMs ?? 0) + (latency.overheadMs ?? 0);
}

/** Why the owner's latency SLO (tag) forbids a smaller footprint, if it does: p99 above half the SLO, or not known. */
function latencyHoldsBack(tags: Tags, latencyP99Ms: number | undefined): string | undefined {
  const slo = latencySlo(tags);
  if (slo === undefined) return undefined;
  if (slo === 'invalid') return `its ${TAGS.latencySloMs} tag is not a number of milliseconds`;
  if (latencyP99Ms === undefined) return `its latency SLO (${slo} ms) cannot be checked: no latency series`;
  if (latencyP99Ms > slo / 2) return `p99 latency ${Math.round(latencyP99Ms)} ms is above half its SLO of ${slo} ms`;
  return undefined;
}

function judgeVariant(usage: VariantUsage, policy: RightsizingPolicy): RightsizingVerdict {
  const hardware = policy.prices.instanceSpec(usage.instanceType, usage.region);
  const price = policy.prices.hourlyPrice(usage.region, usage.instanceType)?.pricePerHour;
  const unjudged = (reason: string): RightsizingVerdict => ({
    kind: 'could-not-judge',
    region: usage.region,
    endpointName: usage.endpointName,
    variantName: usage.variantName,
    reason,
  });
  if (!hardware) return unjudged(`no hardware facts for ${usage.instanceType}`);
  if (price === undefined) return unjudged(`price unknown for ${usage.instanceType}`);
  if (usage.hosted?.status === 'unknown') return unjudged(usage.hosted.reason);
  const normalised = normalise(usage.peaks, hardware);
  const missing = missingSeries(normalised, hardware);
  if (missing.length > 0) return unjudged(`no ${missing.join(', ')} series`);
  const peaks = normalised as Utilisation;
  const { load, from } = perInstanceLoad(usage, peaks, hardware);

  const costPerDay = price * usage.instanceCount * 24;
  const options: Array<{ change: Change; newCostPerDay: number }> = [];
  const count = fewerInstances(usage, peaks, load, hardware);
  if (count !== undefined) options.push({ change: { kind: 'fewer-instances', instanceCount: count }, newCostPerDay: price * count * 24 });
  const size = smallerSize(usage, load, hardware, price, policy);
  if (size) options.push({ change: { kind: 'smaller-size', instanceType: size.type }, newCostPerDay: size.price * usage.instanceCount * 24 });
  const [best] = options.sort((a, b) => a.newCostPerDay - b.newCostPerDay);
  const savingPerDay = best ? costPerDay - best.newCostPerDay : 0;
  if (!best || savingPerDay < MIN_SAVING_PER_DAY || savingPerDay < costPerDay * MIN_SAVING_SHARE) return { kind: 'right-sized', usage };

  const latencyP99Ms = endToEndP99(usage.latency);
  const saving = roundCents(savingPerDay);
  const heldBack = latencyHoldsBack(usage.tags, latencyP99Ms);
  if (heldBack) return { kind: 'kept-for-latency', region: usage.region, endpointName: usage.endpointName, usage, savingPerDay: saving, reason: heldBack };
  return {
    kind: 'suggestion',
    usage,
    change: best.change,
    costPerDay: roundCents(costPerDay),
    newCostPerDay: roundCents(best.newCostPerDay),
    savingPerDay: saving,
    figures: { lookbackDays: policy.lookbackDays, instanceCount: usage.instanceCount, peaks, perInstance: load, perInstanceFrom: from, hardware, latencyP99Ms },
  };
}

type FewerCopies = Extract<ComponentVerdict, { kind: 'fewer-copies' }>;

/** A rarely called variant and the alternative that would stop paying for its empty hours. */
interface RarelyCalledVariant extends RarelyCalled {
  readonly usage: VariantUsage;
}

/**
 * Whether a variant is rarely called, and which alternative fits it. Not with a latency SLO: both
 * alternatives add cold starts or queueing, which the owner's SLO does not allow for.
 */
function rarelyCalled(usage: VariantUsage, policy: RightsizingPolicy): RarelyCalledVariant | undefined {
  if (!usage.activity || latencySlo(usage.tags) !== undefined) return undefined;
  const hardware = policy.prices.instanceSpec(usage.instanceType, usage.region);
  const pricePerHour = policy.prices.hourlyPrice(usage.region, usage.instanceType)?.pricePerHour;
  const memory = usage.busiest?.memory ?? usage.peaks.memory;
  if (!hardware || pricePerHour === undefined || memory === undefined) return undefined;
  const latencyP99Ms = endToEndP99(usage.latency);
  const judged = judgeRarelyCalled({
    instanceType: usage.instanceType,
    instanceCount: usage.instanceCount,
    hardware,
    pricePerHour,
    ...usage.activity,
    memoryPeakPercent: Math.min(100, memory),
    latencyP99Ms,
  });
  return judged ? { ...judged, usage } : undefined;
}

interface RightsizingReport {
  /** Largest saving first. */
  readonly suggestions: ReadonlyArray<Extract<RightsizingVerdict, { kind: 'suggestion' }>>;
  /**
   * Components with more copies than their traffic needs, most capacity freed first. What they free
   * is capacity, saved only once the endpoint's instances scale in (which the variant suggestions
   * above already count), so it is never added to the total.
   */
  readonly fewerCopies: readonly FewerCopies[];
  /** Variants that answer requests in few hours of the lookback, most paid for empty hours first; nothing here is added to the total. */
  readonly rarelyCalled: readonly RarelyCalledVariant[];
  readonly keptForLatency: ReadonlyArray<Extract<RightsizingVerdict, { kind: 'kept-for-latency' }>>;
  readonly couldNotJudge: ReadonlyArray<Extract<RightsizingVerdict, { kind: 'could-not-judge' }>>;
  readonly rightSized: number;
  readonly totalSavingPerDay: number;
  readonly lookbackDays: number;
  /** Regions whose Inference Recommender jobs could not be read: no citation there, said once. */
  readonly recommenderUnread?: ReadonlyArray<{ readonly region: string; readonly reason: string }> | undefined;
}

/** An endpoint judged before any describe: busy, but with no utilisation series at all. */
interface Unjudged {
  readonly region: string;
  readonly endpointName: string;
  readonly tags: Tags;
  readonly reason: string;
}

/** A component on a busy endpoint, with its endpoint's tags (its SLO and opt-out hold for it too) and latency. */
interface ComponentToJudge extends ComponentUsage {
  readonly endpointTags: Tags;
  readonly latencyP99Ms?: number | undefined;
  readonly instanceType?: string | undefined;
}

/**
 * Every busy variant and component judged; opted-out endpoints and components are not named at all.
 * Components first: a variant's instances are then weighed with the copies its components would
 * keep, so the two suggestions agree.
 */
function judgeRightsizing(
  usages: readonly VariantUsage[],
  policy: RightsizingPolicy,
  unjudged: readonly Unjudged[] = [],
  components: readonly ComponentToJudge[] = [],
): RightsizingReport {
  const componentVerdicts = components
    // An endpoint's skip was handled with every job; a component's own is read here.
    .filter((component) => !optedOut(component.endpointTags) && !optedOut(component.tags) && !isSkipped(component.tags))
    .map((component) => {
      const hardware = component.instanceType ? policy.prices.instanceSpec(component.instanceType, component.region) : undefined;
      const pricePerHour = component.instanceType ? policy.prices.hourlyPrice(component.region, component.instanceType)?.pricePerHour : undefined;
      const verdict = judgeComponent(component, { lookbackDays: policy.lookbackDays, host: hardware ? { hardware, pricePerHour } : undefined });
      const heldBack = verdict.kind === 'fewer-copies' ? latencyHoldsBack(component.endpointTags, component.latencyP99Ms) : undefined;
      return { component, verdict, heldBack };
    });
  const fewerCopies = componentVerdicts.flatMap(({ verdict, heldBack }) => (verdict.kind === 'fewer-copies' && !heldBack ? [verdict] : []));
  const keptCopies = new Map(
    fewerCopies.map((verdict) => [`${verdict.usage.region}/${verdict.usage.endpointName}/${verdict.usage.componentName}`, verdict.toCopies]),
  );
  const withSuggestedCopies = (usage: VariantUsage): VariantUsage =>
    usage.hosted?.status !== 'read'
      ? usage
      : {
          ...usage,
          hosted: {
            status: 'read',
            copies: usage.hosted.copies.map((copies) => ({
              ...copies,
              count: keptCopies.get(`${usage.region}/${usage.endpointName}/${copies.componentName}`) ?? copies.count,
            })),
          },
        };

  const verdicts = [
    ...usages.filter((usage) => !optedOut(usage.tags)).map((usage) => judgeVariant(withSuggestedCopies(usage), policy)),
    ...unjudged
      .filter((endpoint) => !optedOut(endpoint.tags))
      .map((endpoint): RightsizingVerdict => ({
        kind: 'could-not-judge',
        region: endpoint.region,
        endpointName: endpoint.endpointName,
        reason: endpoint.reason,
      })),
    ...componentVerdicts.flatMap(({ component, verdict, heldBack }): RightsizingVerdict[] => {
      const where = { region: component.region, endpointName: component.endpointName, componentName: component.componentName };
      if (verdict.kind === 'could-not-judge') return [{ kind: 'could-not-judge', ...where, variantName: component.variantName, reason: verdict.reason }];
      if (heldBack) return [{ kind: 'kept-for-latency', ...where, reason: heldBack }];
      return [];
    }),
  ];
  const suggestions = verdicts.filter((verdict): verdict is Extract<RightsizingVerdict, { kind: 'suggestion' }> => verdict.kind === 'suggestion');
  suggestions.sort((a, b) => b.savingPerDay - a.savingPerDay || a.usage.endpointName.localeCompare(b.usage.endpointName));
  const rarely = usages
    .filter((usage) => !optedOut(usage.tags))
    .flatMap((usage) => rarelyCalled(usage, policy) ?? [])
    .sort((a, b) => b.idleSpendPerDay - a.idleSpendPerDay || a.usage.endpointName.localeCompare(b.usage.endpointName));
  fewerCopies.sort((a, b) => (b.freedCapacityPerDay ?? 0) - (a.freedCapacityPerDay ?? 0) || a.usage.componentName.localeCompare(b.usage.componentName));
  return {
    suggestions,
    fewerCopies,
    rarelyCalled: rarely,
    keptForLatency: verdicts.filter((verdict): verdict is Extract<RightsizingVerdict, { kind: 'kept-for-latency' }> => verdict.kind === 'kept-for-latency'),
    couldNotJudge: verdicts.filter((verdict): verdict is Extract<RightsizingVerdict, { kind: 'could-not-judge' }> => verdict.kind === 'could-not-judge'),
    rightSized:
      verdicts.filter((verdict) => verdict.kind === 'right-sized').length + componentVerdicts.filter(({ verdict }) => verdict.kind === 'right-sized').length,
    totalSavingPerDay: roundCents(suggestions.reduce((sum, suggestion) => sum + suggestion.savingPerDay, 0)),
    lookbackDays: policy.lookbackDays,
  };
}

export { judgeRightsizing, latencySlo, endToEndP99, TARGET_PEAK_PERCENT, MIN_REDUNDANT_INSTANCES };
export type { VariantUsage, RarelyCalledVariant, ComponentToJudge, Unjudged, RightsizingReport, RightsizingVerdict, RightsizingPolicy, Change, Utilisation };
