/**
 * Which CloudWatch series say how hard a variant's instances work, and what a read of them gives:
 * the peaks over the whole lookback, one datapoint per series (one query, one period as long as the
 * lookback), read in the same GetMetricData calls as the invocations.
 *
 * `/aws/sagemaker/Endpoints` (EndpointName, VariantName; averaged across the variant's instances, and
 * per instance with InstanceId where enhanced metrics publish it): CPUUtilization 0–100 × vCPUs,
 * MemoryUtilization 0–100, GPUUtilization and GPUMemoryUtilization 0–100 × GPUs (SageMaker Developer
 * Guide, "SageMaker AI endpoint invocation metrics" and instance metrics). `AWS/SageMaker`
 * ModelLatency and OverheadLatency (EndpointName, VariantName), in microseconds.
 * `/aws/sagemaker/InferenceComponents` (InferenceComponentName): the same four as
 * `…Normalized`, per copy, 0–100 of the copy's reservation (same guide, inference component metrics).
 */
import { groupByEndpoint, type InferenceComponentListing } from './hosting.ts';
import type { MetricIdentity, MetricSeriesRequest, SeriesResult } from './metric-series.ts';
import type { RawPeaks } from './peaks.ts';
import { DAY_MS } from './units.ts';

type UsageKey = keyof RawPeaks | 'modelLatency' | 'overheadLatency';

const COMPONENTS_NAMESPACE = '/aws/sagemaker/InferenceComponents';

const USAGE_METRICS: ReadonlyArray<{ readonly namespace: string; readonly metricName: string; readonly key: UsageKey; readonly stat: string }> = [
  { namespace: '/aws/sagemaker/Endpoints', metricName: 'CPUUtilization', key: 'cpu', stat: 'Maximum' },
  { namespace: '/aws/sagemaker/Endpoints', metricName: 'MemoryUtilization', key: 'memory', stat: 'Maximum' },
  { namespace: '/aws/sagemaker/Endpoints', metricName: 'GPUUtilization', key: 'gpu', stat: 'Maximum' },
  { namespace: '/aws/sagemaker/Endpoints', metricName: 'GPUMemoryUtilization', key: 'gpuMemory', stat: 'Maximum' },
  { namespace: 'AWS/SageMaker', metricName: 'ModelLatency', key: 'modelLatency', stat: 'p99' },
  { namespace: 'AWS/SageMaker', metricName: 'OverheadLatency', key: 'overheadLatency', stat: 'p99' },
  { namespace: COMPONENTS_NAMESPACE, metricName: 'CPUUtilizationNormalized', key: 'cpu', stat: 'Maximum' },
  { namespace: COMPONENTS_NAMESPACE, metricName: 'MemoryUtilizationNormalized', key: 'memory', stat: 'Maximum' },
  { namespace: COMPONENTS_NAMESPACE, metricName: 'GPUUtilizationNormalized', key: 'gpu', stat: 'Maximum' },
  { namespace: COMPONENTS_NAMESPACE, metricName: 'GPUMemoryUtilizationNormalized', key: 'gpuMemory', stat: 'Maximum' },
];

interface UsageSeries {
  readonly endpointName: string;
  readonly variantName: string;
  /** Set on a per-instance series. */
  readonly instanceId?: string | undefined;
  /** Set on an inference component's per-copy series. */
  readonly componentName?: string | undefined;
  readonly key: UsageKey;
  readonly metric: MetricIdentity;
  readonly stat: string;
}

/** One variant's peaks over the lookback, as published (raw units; latency in ms). */
interface VariantPeaks {
  readonly variantName: string;
  readonly peaks: RawPeaks;
  readonly busiest?: RawPeaks | undefined;
  readonly latency?: { readonly modelMs?: number | undefined; readonly overheadMs?: number | undefined } | undefined;
}

/** One inference component's per-copy peaks over the lookback, 0–100 of a copy's reservation. */
interface ComponentPeaks {
  readonly componentName: string;
  readonly peaks: RawPeaks;
}

type EndpointUsage =
  | { readonly status: 'read'; readonly variants: readonly VariantPeaks[]; readonly components?: readonly ComponentPeaks[] | undefined }
  | { readonly status: 'unavailable'; readonly reason: string };

/**
 * Each endpoint's usage series from what ListMetrics listed: the variant-level series, the
 * per-instance ones (InstanceId) of the utilisation metrics, and its components' per-copy series
 * (InferenceComponentName alone). Per-GPU or per-container series (AcceleratorId, ContainerId) are
 * finer than a judgement needs and are not read.
 */
function matchUsageSeries(metrics: readonly MetricIdentity[], components: readonly InferenceComponentListing[] = []): Map<string, UsageSeries[]> {
  const hostOf = new Map(components.map((component) => [component.name, component]));
  const matched: UsageSeries[] = [];
  for (const metric of metrics) {
    const definition = USAGE_METRICS.find((candidate) => candidate.namespace === metric.namespace && candidate.metricName === metric.metricName);
    if (!definition) continue;
    const dimensions = new Map(metric.dimensions.map((dimension) => [dimension.name, dimension.value]));
    const identity = { key: definition.key, metric, stat: definition.stat };
    if (definition.namespace === COMPONENTS_NAMESPACE) {
      const component = hostOf.get(dimensions.get('InferenceComponentName') ?? '');
      if (component && dimensions.size === 1) {
        matched.push({ ...identity, endpointName: component.endpointName, variantName: component.variantName, componentName: component.name });
      }
      continue;
    }
    const endpointName = dimensions.get('EndpointName');
    const variantName = dimensions.get('VariantName');
    const instanceId = dimensions.get('InstanceId');
    const expected = instanceId === undefined ? 2 : 3;
    const latency = definition.key === 'modelLatency' || definition.key === 'overheadLatency';
    if (!endpointName || !variantName || dimensions.size !== expected || (latency && instanceId !== undefined)) continue;
    matched.push({ ...identity, endpointName, variantName, instanceId });
  }
  return groupByEndpoint(matched);
}

/** One query per series, its period the whole lookback: the answer is one datapoint. */
function usageRequests(seriesPerEndpoint: readonly (readonly UsageSeries[])[], lookbackDays: number): MetricSeriesRequest[] {
  const periodSeconds = (lookbackDays * DAY_MS) / 1000;
  return seriesPerEndpoint.flat().map(({ metric, stat }) => ({ ...metric, stat, periodSeconds }));
}

/**
 * The reads handed back per endpoint (results in request order). A period may straddle the window's
 * edges and come back as two datapoints: the higher is the peak. A failed read makes the whole
 * endpoint unjudged: half its series would be a guess.
 */
function usagePerEndpoint(seriesPerEndpoint: readonly (readonly UsageSeries[])[], results: readonly SeriesResult[]): EndpointUsage[] {
  let offset = 0;
  return seriesPerEndpoint.map((seriesList): EndpointUsage => {
    const mine = results.slice(offset, offset + seriesList.length);
    offset += seriesList.length;
    const failed = mine.find((result) => result.status === 'unavailable');
    if (failed?.status === 'unavailable') return { status: 'unavailable', reason: failed.reason };
    const variants = new Map<string, { peaks: Record<string, number>; busiest: Record<string, number>; latency: Record<string, number> }>();
    const components = new Map<string, Record<string, number>>();
    seriesList.forEach((series, index) => {
      const result = mine[index];
      if (result?.status !== 'read' || result.points.length === 0) return;
      const peak = Math.max(...result.points.map((point) => point.value));
      if (series.componentName !== undefined) {
        components.set(series.componentName, { ...components.get(series.componentName), [series.key]: peak });
        return;
      }
      const entry = variants.get(series.variantName) ?? { peaks: {}, busiest: {}, latency: {} };
      variants.set(series.variantName, entry);
      if (series.key === 'modelLatency') entry.latency.modelMs = peak / 1000;
      else if (series.key === 'overheadLatency') entry.latency.overheadMs = peak / 1000;
      else if (series.instanceId !== undefined) entry.busiest[series.key] = Math.max(entry.busiest[series.key] ?? 0, peak);
      else entry.peaks[series.key] = peak;
    });
    return {
      status: 'read',
      variants: [...variants].map(([variantName, { peaks, busiest, latency }]) => ({
        variantName,
        peaks,
        ...(Object.keys(busiest).length > 0 ? { busiest } : {}),
        ...(Object.keys(latency).length > 0 ? { latency } : {}),
      })),
      ...(components.size > 0 ? { components: [...components].map(([componentName, peaks]) => ({ componentName, peaks })) } : {}),
    };
  });
}

export { USAGE_METRICS, COMPONENTS_NAMESPACE, matchUsageSeries, usageRequests, usagePerEndpoint };
export type { UsageSeries, VariantPeaks, ComponentPeaks, EndpointUsage };
