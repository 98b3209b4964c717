/**
 * How the cost report measures: the period it covers (local days), which CloudWatch series carry
 * GPU-hours, instance-hours and invocations, and how the readings become each host's figures.
 * Pure: the job lists and reads the series, this decides what they mean.
 */
import { localDate, startOfLocalDay } from './calendar.ts';
import type { CostComponent, CostHost, TwoPeriods } from './cost.ts';
import type { ComponentCopies, EndpointHosting, InferenceComponentListing } from './hosting.ts';
import type { MetricIdentity, MetricSeriesRequest, SeriesResult } from './metric-series.ts';
import { HOUR_MS } from './units.ts';

/** Enhanced metrics name the per-GPU dimension either way (launch post vs docs): accept both. */
const GPU_DIMENSIONS = new Set(['GpuId', 'AcceleratorId']);
/** The per-instance dimension of host metrics (SageMaker Developer Guide, enhanced metrics: InstanceId, ContainerId, AcceleratorId). */
const INSTANCE_DIMENSION = 'InstanceId';
/**
 * Every UTC offset in use is a multiple of 15 minutes, so buckets of this size (or a divisor of
 * both period lengths below it) start on every local midnight, whether CloudWatch aligns buckets to
 * the StartTime or to the clock.
 */
const BUCKET_ALIGNMENT_SECONDS = 900;

/** One series' reading: its sums in both periods, or why it could not be read. */
type Measured = TwoPeriods | { readonly problem: string };

interface Period {
  readonly previousStart: Date;
  readonly start: Date;
  readonly end: Date;
  /** The local dates covered, in TIMEZONE: `2026-11-19`, or `2026-11-13 to 2026-11-19`. */
  readonly label: string;
  /**
   * When the period's metrics are stamped: inside the local day the period starts on and inside
   * the UTC day of the same date, so a daily dashboard bucket (UTC) and the local label agree.
   */
  readonly metricsAt: Date;
}

function lastFullPeriod(now: Date, config: { readonly timezone: string; readonly costPeriodDays: number }): Period {
  const start = startOfLocalDay(now, config.timezone, config.costPeriodDays);
  const end = startOfLocalDay(now, config.timezone, 0);
  const firstDay = localDate(start, config.timezone);
  const lastDay = localDate(new Date(end.getTime() - 1), config.timezone);
  return {
    previousStart: startOfLocalDay(now, config.timezone, 2 * config.costPeriodDays),
    start,
    end,
    label: firstDay === lastDay ? firstDay : `${firstDay} to ${lastDay}`,
    metricsAt: instantOnBothDays(firstDay, start, startOfLocalDay(new Date(start.getTime() + 36 * HOUR_MS), config.timezone)),
  };
}

/** The middle of the overlap of a local day [localStart, localEnd) and the UTC day of the same date. */
function instantOnBothDays(date: string, localStart: Date, localEnd: Date): Date {
  const utcStart = Date.parse(`${date}T00:00:00Z`);
  const from = Math.max(utcStart, localStart.getTime());
  const to = Math.min(utcStart + 24 * HOUR_MS, localEnd.getTime());
  return new Date(Math.floor((from + to) / 2));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Buckets that end exactly on the period boundary, so the period before never takes an hour of a
 * 25-hour day (or the other way round), wherever CloudWatch starts its buckets.
 */
function measurementBucketSeconds(period: Period): number {
  const currentSeconds = Math.round((period.end.getTime() - period.start.getTime()) / 1000);
  const previousSeconds = Math.round((period.start.getTime() - period.previousStart.getTime()) / 1000);
  return gcd(gcd(currentSeconds, previousSeconds), BUCKET_ALIGNMENT_SECONDS);
}

/**
 * Each series' reading in this period and in the one before: the sum of its values, or, for a
 * presence series (`presence` holds its index), the hours of the buckets in which it has data.
 * A per-instance or per-GPU series has data in a bucket exactly while its instance or GPU runs,
 * whatever the publishing rate (10 s to 300 s, all shorter than a bucket), so the hours are what was
 * running, to within one bucket where a series starts or stops: never samples times an assumed rate.
 */
function splitByPeriod(
  results: readonly SeriesResult[],
  period: Period,
  presence: { readonly indexes: ReadonlySet<number>; readonly bucketSeconds: number } = { indexes: new Set(), bucketSeconds: 0 },
): Measured[] {
  const bucketHours = presence.bucketSeconds / 3600;
  return results.map((result, index) => {
    if (result.status === 'unavailable') return { problem: result.reason };
    const counting = presence.indexes.has(index);
    let current = 0;
    let previous = 0;
    for (const point of result.points) {
      const value = counting ? (point.value > 0 ? bucketHours : 0) : point.value;
      if (Date.parse(point.at) >= period.start.getTime()) current += value;
      else previous += value;
    }
    return { current, previous };
  });
}

interface SeriesPlan {
  readonly requests: MetricSeriesRequest[];
  /** Requests read as presence (hours with data), not as sums: per-instance and per-GPU series. */
  readonly presence: ReadonlySet<number>;
  /** Request indexes per key: `gpu:<component>`, `instance:<endpoint>/<variant>`, `ic-inv:<component>`, `inv:<endpoint>/<variant>`. */
  readonly indexes: Map<string, number[]>;
  readonly problem?: string | undefined;
}

/**
 * Which series measure what: per-GPU series of each component (one dimension set), per-instance
 * series of each variant, and invocations per component and per variant. `problems` are the
 * ListMetrics calls that failed: their figures fall back to estimates.
 */
function planCostSeries(
  found: { readonly gpu: readonly MetricIdentity[]; readonly instance: readonly MetricIdentity[]; readonly invocations: readonly MetricIdentity[] },
  problems: readonly string[],
): SeriesPlan {
  const requests: MetricSeriesRequest[] = [];
  const indexes = new Map<string, number[]>();
  const presence = new Set<number>();
  const add = (key: string, metric: MetricIdentity, stat: string) => {
    indexes.set(key, [...(indexes.get(key) ?? []), requests.length]);
    if (stat === 'SampleCount') presence.add(requests.length);
    requests.push({ ...metric, stat });
  };
  for (const [component, metricsOfOneSet] of coarsestGpuSeries(found.gpu)) {
    for (const metric of metricsOfOneSet) add(`gpu:${component}`, metric, 'SampleCount');
  }
  for (const metric of found.instance) {
    const dims = new Map(metric.dimensions.map((d) => [d.name, d.value]));
    const endpoint = dims.get('EndpointName');
    const variant = dims.get('VariantName');
    // Exactly {EndpointName, VariantName, InstanceId}: one series per instance, and never a finer
    // per-container series counted as another instance.
    if (endpoint && variant && dims.has(INSTANCE_DIMENSION) && dims.size === 3) add(`instance:${endpoint}/${variant}`, metric, 'SampleCount');
  }
  for (const metric of found.invocations) {
    const dims = new Map(metric.dimensions.map((d) => [d.name, d.value]));
    if (dims.size === 1 && dims.get('InferenceComponentName')) add(`ic-inv:${dims.get('InferenceComponentName')}`, metric, 'Sum');
    if (dims.size === 2 && dims.get('EndpointName') && dims.get('VariantName'))
      add(`inv:${dims.get('EndpointName')}/${dims.get('VariantName')}`, metric, 'Sum');
  }
  return { requests, indexes, presence, problem: problems.length > 0 ? problems.join('; ') : undefined };
}

/**
 * Per component, the per-GPU series of one dimension set only: the coarsest that names a GPU.
 * A GPU's datapoints appear in every set that contains it, so summing two sets would count it twice.
 */
function coarsestGpuSeries(metrics: readonly MetricIdentity[]): Map<string, MetricIdentity[]> {
  const bySet = new Map<string, Map<string, MetricIdentity[]>>();
  for (const metric of metrics) {
    const component = metric.dimensions.find((d) => d.name === 'InferenceComponentName')?.value;
    if (!component || !metric.dimensions.some((d) => GPU_DIMENSIONS.has(d.name))) continue;
    const setKey = metric.dimensions
      .map((d) => d.name)
      .sort()
      .join(',');
    const sets = bySet.get(component) ?? new Map<string, MetricIdentity[]>();
    sets.set(setKey, [...(sets.get(setKey) ?? []), metric]);
    bySet.set(component, sets);
  }
  const chosen = new Map<string, MetricIdentity[]>();
  for (const [component, sets] of bySet) {
    const [, coarsest] = [...sets.entries()].sort(([a], [b]) => a.split(',').length - b.split(',').length || a.localeCompare(b))[0] ?? [];
    if (coarsest) chosen.set(component, coarsest);
  }
  return chosen;
}

function sumOf(key: string, series: SeriesPlan, measured: readonly Measured[]): { value?: TwoPeriods; problem?: string } {
  const indexes = series.indexes.get(key);
  if (!indexes || indexes.length === 0) return {};
  let current = 0;
  let previous = 0;
  for (const index of indexes) {
    const result = measured[index];
    if (!result || 'problem' in result) return { problem: result?.problem ?? 'no result' };
    current += result.current;
    previous += result.previous;
  }
  return { value: { current, previous } };
}

function hostsOf(
  region: string,
  endpointName: string,
  hosting: EndpointHosting,
  listed: readonly InferenceComponentListing[],
  facts: ReadonlyMap<string, ComponentCopies>,
  series: SeriesPlan,
  measured: readonly Measured[],
): CostHost[] {
  // Shadow variants run billed instances and host no components: they pay for themselves.
  return hosting.variants.map((variant): CostHost => {
    const problems: string[] = [];
    const instanceHours = sumOf(`instance:${endpointName}/${variant.variantName}`, series, measured);
    if (instanceHours.problem) problems.push(instanceHours.problem);
    const components = listed
      .filter((component) => variant.role === 'production' && component.endpointName === endpointName && component.variantName === variant.variantName)
      .flatMap((component): CostComponent[] => {
        const copies = facts.get(component.name);
        if (!copies) return [];
        const gpuHours = sumOf(`gpu:${component.name}`, series, measured);
        if (gpuHours.problem) problems.push(gpuHours.problem);
        const invocations = sumOf(`ic-inv:${component.name}`, series, measured);
        return [
          {
            name: component.name,
            copies: copies.currentCopyCount,
            acceleratorsPerCopy: copies.acceleratorsPerCopy,
            cpuCoresPerCopy: copies.cpuCoresPerCopy,
            memoryMbPerCopy: copies.memoryMbPerCopy,
            measuredGpuHours: gpuHours.value,
            invocations: invocations.value,
          },
        ];
      });
    const invocations = sumOf(`inv:${endpointName}/${variant.variantName}`, series, measured);
    return {
      region,
      endpointName,
      variantName: variant.variantName,
      ...(variant.role === 'shadow' ? { role: 'shadow' as const } : {}),
      instanceType: variant.instanceType,
      instanceCount: variant.currentInstanceCount,
      serverless: variant.serverless,
      measuredInstanceHours: instanceHours.value,
      components,
      invocations: invocations.value,
      ...(problems.length > 0 ? { metricsProblem: [...new Set(problems)].join('; ') } : {}),
    };
  });
}

export { lastFullPeriod, measurementBucketSeconds, splitByPeriod, planCostSeries, hostsOf };
export type { Period, SeriesPlan, Measured };
