/**
 * At the restore, what each weekend really saved: the hours the endpoint's instances actually spent
 * released (from the scale-down's record in the state table to this restore) x what they cost per
 * hour, or, where the endpoint publishes per-instance metrics, what those measure. Booked once, at
 * the restore: a scale-down followed a minute later by a restore books a minute, not a weekend.
 */
import { describeFailure } from '../errors.ts';
import type { MetricIdentity, MetricSeriesRequest } from '../domain/metric-series.ts';
import type { PriceBook } from '../domain/prices.ts';
import { measuredWeekendSaving } from '../domain/savings.ts';
import { TAGS } from '../domain/tags.ts';
import { HOUR_MS, roundCents } from '../domain/units.ts';
import type { ComponentOutcome, ComponentSnapshot } from '../domain/weekend-scaling.ts';
import type { MetricsReader } from '../aws/cloudwatch.ts';
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
  /** Each restored endpoint's figure from its record (`region/endpoint`): hours at zero x cost per hour. */
  readonly estimates: ReadonlyMap<string, number>;
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
      const estimated = input.estimates.get(`${region}/${endpoint}`) ?? 0;
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

export { measureWeekends, restoredEndpoints };
export type { MeasurementAccess, WeekendMeasurement };
