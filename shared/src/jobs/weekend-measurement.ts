/**
 * At the restore, what each weekend really saved, where the endpoint publishes per-instance metrics:
 * the scale-down recorded an estimate (instances released x price x hours until the restore); this
 * records the difference to the measured figure, so the month's Savings add up to what was measured.
 * Without per-instance series, or without a recorded estimate, the estimate stands.
 */
import { describeFailure } from '../errors.ts';
import type { MetricIdentity, MetricSeriesRequest } from '../domain/metric-series.ts';
import type { PriceBook } from '../domain/prices.ts';
import { measuredWeekendSaving } from '../domain/savings.ts';
import { TAGS } from '../domain/tags.ts';
import { HOUR_MS, roundCents } from '../domain/units.ts';
import type { ComponentOutcome, ComponentSnapshot } from '../domain/weekend-scaling.ts';
import type { MetricsReader } from '../aws/cloudwatch.ts';
import { METRICS_NAMESPACE, type MetricPoint } from '../aws/metrics.ts';
import type { EndpointReader } from '../aws/sagemaker.ts';
import type { RunLogger } from '../util/logger.ts';

interface MeasurementAccess {
  readonly endpoints: EndpointReader;
  readonly metrics: MetricsReader;
}

interface WeekendMeasurement {
  readonly region: string;
  readonly endpoint: string;
  readonly estimated: number;
  readonly measured: number;
}

/** The endpoints whose components this restore brought back, with the earliest scale-down among them. */
function restoredEndpoints(
  components: readonly ComponentSnapshot[],
  outcomes: readonly ComponentOutcome[],
): Array<{ region: string; endpoint: string; scaledDownAt: Date }> {
  const byEndpoint = new Map<string, { region: string; endpoint: string; scaledDownAt: Date }>();
  for (const outcome of outcomes) {
    if (outcome.disposition !== 'restore' || outcome.result !== 'done') continue;
    const state = components.find((component) => component.name === outcome.name && component.region === outcome.region)?.state;
    const savedAt = state?.status === 'verified' ? state.values[TAGS.savedAt] : undefined;
    if (!savedAt || Number.isNaN(Date.parse(savedAt))) continue;
    const key = `${outcome.region}/${outcome.endpointName}`;
    const known = byEndpoint.get(key);
    const at = new Date(savedAt);
    if (!known || at < known.scaledDownAt) byEndpoint.set(key, { region: outcome.region, endpoint: outcome.endpointName, scaledDownAt: at });
  }
  return [...byEndpoint.values()];
}

async function measureWeekends(input: {
  readonly components: readonly ComponentSnapshot[];
  readonly outcomes: readonly ComponentOutcome[];
  readonly accessFor: (region: string) => MeasurementAccess;
  readonly ownMetrics: MetricsReader;
  readonly prices: PriceBook;
  readonly now: Date;
  readonly logger: RunLogger;
}): Promise<WeekendMeasurement[]> {
  const measurements: WeekendMeasurement[] = [];
  // One series list per region, however many endpoints it restores.
  const listed = new Map<string, Promise<MetricIdentity[]>>();
  const instanceSeries = (region: string, access: MeasurementAccess) => {
    if (!listed.has(region)) listed.set(region, access.metrics.listMetrics('/aws/sagemaker/Endpoints', 'CPUUtilizationNormalized'));
    return listed.get(region) as Promise<MetricIdentity[]>;
  };
  for (const { region, endpoint, scaledDownAt } of restoredEndpoints(input.components, input.outcomes)) {
    try {
      const estimated = await recordedEstimate(input.ownMetrics, region, endpoint, scaledDownAt, input.now);
      if (estimated === 0) continue;
      const access = input.accessFor(region);
      const series = (await instanceSeries(region, access)).filter((metric) => {
        const dims = new Map(metric.dimensions.map((d) => [d.name, d.value]));
        return dims.get('EndpointName') === endpoint && dims.has('InstanceId') && dims.size === 3;
      });
      if (series.length === 0) continue;
      const hosting = await access.endpoints.readEndpointHosting(endpoint);
      const instanceType = hosting.variants.find((variant) => variant.instanceType)?.instanceType;
      const price = instanceType ? input.prices.hourlyPrice(region, instanceType)?.pricePerHour : undefined;
      if (price === undefined) continue;
      const start = new Date(Math.floor(scaledDownAt.getTime() / HOUR_MS) * HOUR_MS - HOUR_MS);
      const results = await access.metrics.readSeries(
        series.map((metric): MetricSeriesRequest => ({ ...metric, stat: 'SampleCount' })),
        { start, end: input.now, periodSeconds: 3600 },
      );
      if (results.some((result) => result.status !== 'read')) continue;
      const measured = measuredWeekendSaving({
        perInstance: results.map((result) => (result.status === 'read' ? result.points : [])),
        scaledDownAt,
        restoredAt: input.now,
        publishSeconds: hosting.metricsPeriodSeconds,
        pricePerHour: price,
      });
      if (measured) measurements.push({ region, endpoint, estimated, measured: roundCents(measured.saved) });
    } catch (error) {
      input.logger.warn('Weekend savings not measured; the estimate stands', { endpoint, region, reason: describeFailure(error) });
    }
  }
  return measurements;
}

/** The Savings the scale-down recorded for this endpoint (its per-resource series around that time). */
async function recordedEstimate(metrics: MetricsReader, region: string, endpoint: string, scaledDownAt: Date, now: Date): Promise<number> {
  const [result] = await metrics.readSeries(
    [
      {
        namespace: METRICS_NAMESPACE,
        metricName: 'Savings',
        dimensions: [
          { name: 'Job', value: 'weekend-scaling' },
          { name: 'Action', value: 'weekend-scale-down' },
          { name: 'Region', value: region },
          { name: 'Resource', value: endpoint },
        ],
        stat: 'Sum',
      },
    ],
    { start: new Date(scaledDownAt.getTime() - HOUR_MS), end: now, periodSeconds: 3600 },
  );
  return result?.status === 'read' ? result.points.reduce((sum, point) => sum + point.value, 0) : 0;
}

/** The corrections as Savings points (negative when the estimate was too high). */
function correctionPoints(measurements: readonly WeekendMeasurement[]): MetricPoint[] {
  return measurements.flatMap(({ region, endpoint, estimated, measured }): MetricPoint[] => {
    const value = roundCents(measured - estimated);
    if (value === 0) return [];
    return [
      { name: 'Savings', value, unit: 'None', dimensions: { Action: 'weekend-scale-down' } },
      { name: 'Savings', value, unit: 'None', dimensions: { Action: 'weekend-scale-down', Region: region, Resource: endpoint }, correction: true },
    ];
  });
}

export { measureWeekends, correctionPoints };
export type { MeasurementAccess, WeekendMeasurement };
