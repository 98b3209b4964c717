/**
 * What counts as an endpoint's traffic, and which CloudWatch series carry it. The idle alert (and
 * anything that acts on idleness) judges by exactly these rules: every variant, every inference
 * component hosted on the endpoint, and the asynchronous endpoints' own metrics.
 */
import type { InferenceComponentListing } from './hosting.ts';
import type { InvocationSeries, Traffic, TrafficSource, UnreadSeries } from './idle-endpoints.ts';
import type { MetricIdentity, MetricSeriesRequest, SeriesResult } from './metric-series.ts';
import { DAY_MS, HOUR_MS } from './units.ts';

/** Invocations are read in hourly buckets. */
const TRAFFIC_PERIOD_SECONDS = 3600;

/**
 * All in `AWS/SageMaker`. Real-time endpoints and inference components publish `Invocations`.
 * Asynchronous endpoints do not: they publish `InvocationsProcessed` (EndpointName, VariantName)
 * and the queue depth `ApproximateBacklogSize` (EndpointName), per the SageMaker Developer Guide
 * page "Alarms and logs for tracking metrics from asynchronous endpoints". A request waiting in
 * the queue is use, so any backlog counts as traffic.
 */
const TRAFFIC_METRICS: ReadonlyArray<{ readonly metricName: string; readonly stat: string }> = [
  { metricName: 'Invocations', stat: 'Sum' },
  { metricName: 'InvocationsProcessed', stat: 'Sum' },
  { metricName: 'ApproximateBacklogSize', stat: 'Maximum' },
];
const STAT_OF = new Map(TRAFFIC_METRICS.map(({ metricName, stat }) => [metricName, stat]));

interface TrafficSeries {
  readonly source: TrafficSource;
  readonly metric: MetricIdentity;
  readonly stat: string;
}

/**
 * Each endpoint's traffic series: every series whose dimensions name the endpoint (per variant,
 * and the finer per-instance or per-container series enhanced metrics add; a query on the
 * endpoint name alone matches nothing, so the series come from ListMetrics) or one of the
 * inference components it hosts. Any traffic on any of them is use.
 */
function matchTrafficSeries(metrics: readonly MetricIdentity[], components: readonly InferenceComponentListing[]): Map<string, TrafficSeries[]> {
  const endpointOfComponent = new Map(components.map((component) => [component.name, component.endpointName]));
  const byEndpoint = new Map<string, TrafficSeries[]>();
  const add = (endpointName: string, series: TrafficSeries) => byEndpoint.set(endpointName, [...(byEndpoint.get(endpointName) ?? []), series]);
  for (const metric of metrics) {
    const stat = STAT_OF.get(metric.metricName) ?? 'Sum';
    const named = metric.metricName === 'Invocations' ? undefined : metric.metricName;
    const dimensions = new Map(metric.dimensions.map((dimension) => [dimension.name, dimension.value]));
    const endpointName = dimensions.get('EndpointName');
    const variantName = dimensions.get('VariantName');
    const componentName = dimensions.get('InferenceComponentName');
    const owner = componentName ? endpointOfComponent.get(componentName) : undefined;
    if (componentName && owner) {
      add(owner, { source: { kind: 'inference-component', inferenceComponentName: componentName, metric: named }, metric, stat });
    } else if (endpointName && variantName) {
      add(endpointName, { source: { kind: 'variant', variantName, metric: named }, metric, stat });
    } else if (endpointName) {
      add(endpointName, { source: { kind: 'endpoint', metric: metric.metricName }, metric, stat });
    }
  }
  return byEndpoint;
}

/** The whole lookback, in hourly buckets that start on the hour. */
function trafficWindow(now: Date, lookbackDays: number): { start: Date; end: Date; periodSeconds: number } {
  const start = new Date(Math.floor((now.getTime() - lookbackDays * DAY_MS) / HOUR_MS) * HOUR_MS);
  return { start, end: now, periodSeconds: TRAFFIC_PERIOD_SECONDS };
}

/** The requests of one bulk read: every endpoint's series, in order. */
function trafficRequests(seriesPerEndpoint: readonly (readonly TrafficSeries[])[]): MetricSeriesRequest[] {
  return seriesPerEndpoint.flat().map(({ metric, stat }) => ({ ...metric, stat }));
}

/**
 * The bulk read's results (one per request, in request order) handed back per endpoint. A series
 * that failed is listed as unread, never borrowed from a neighbour.
 */
function trafficPerEndpoint(seriesPerEndpoint: readonly (readonly TrafficSeries[])[], results: readonly SeriesResult[]): Traffic[] {
  let offset = 0;
  return seriesPerEndpoint.map((seriesList): Traffic => {
    const mine = results.slice(offset, offset + seriesList.length);
    offset += seriesList.length;
    const series: InvocationSeries[] = [];
    const unread: UnreadSeries[] = [];
    seriesList.forEach(({ source }, index) => {
      const result = mine[index];
      if (!result || result.status === 'unavailable') unread.push({ source, reason: result?.reason ?? 'no metric result' });
      else series.push({ source, points: result.points.map((point) => ({ at: point.at, sum: point.value })) });
    });
    return unread.length > 0 ? { status: 'read', series, unread } : { status: 'read', series };
  });
}

export { TRAFFIC_METRICS, TRAFFIC_PERIOD_SECONDS, matchTrafficSeries, trafficWindow, trafficRequests, trafficPerEndpoint };
export type { TrafficSeries };
