/**
 * The bot's own CloudWatch metrics, written by Powertools' Metrics utility in the Embedded Metric
 * Format: structured log lines that CloudWatch Logs turns into metrics, with no API call and no
 * IAM permission. Every point carries the `Job` dimension: Powertools writes `"Dimensions": []` for
 * a point without dimensions (its default `service` dimension is cleared here, so the dashboard
 * owns the metric names), and the EMF specification does not say such a point becomes a metric.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { JobName } from '../config.ts';
import type { RunLogger } from '../util/logger.ts';

const METRICS_NAMESPACE = 'SageMakerOpsBot';

interface MetricPoint {
  readonly name: string;
  readonly value: number;
  readonly unit: 'None' | 'Count';
  readonly dimensions: Readonly<Record<string, string>>;
  /** A per-resource Savings point that adjusts an earlier booking (the weekend's measured correction): booked under its own key. */
  readonly correction?: boolean | undefined;
}

interface MetricsSink {
  emit(points: readonly MetricPoint[], timestamp: Date): void;
}

const discardMetrics: MetricsSink = { emit: () => undefined };

const UNITS = { None: MetricUnit.NoUnit, Count: MetricUnit.Count } as const;

/**
 * Powertools publishes by itself once a document holds 100 metrics, or a metric 100 values, and
 * that publish clears the dimensions and timestamp set for it: documents stay below both.
 */
const POINTS_PER_DOCUMENT = 99;

/**
 * One EMF document per distinct set of dimension values, as EMF requires, and per 99 points.
 * Off when POWERTOOLS_METRICS_DISABLED=true.
 */
function createMetricsSink(job: JobName, logger?: RunLogger): MetricsSink {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, ...(logger && { logger: { ...logger, debug: () => undefined } }) });
  metrics.clearDefaultDimensions();
  return {
    emit(points, timestamp) {
      for (const group of groupByDimensions(points)) {
        for (let start = 0; start < group.points.length; start += POINTS_PER_DOCUMENT) {
          metrics.setTimestamp(timestamp);
          metrics.addDimensions({ Job: job, ...group.dimensions });
          for (const point of group.points.slice(start, start + POINTS_PER_DOCUMENT)) metrics.addMetric(point.name, UNITS[point.unit], point.value);
          metrics.publishStoredMetrics();
        }
      }
    },
  };
}

function groupByDimensions(points: readonly MetricPoint[]): Array<{ dimensions: Readonly<Record<string, string>>; points: MetricPoint[] }> {
  const groups = new Map<string, { dimensions: Readonly<Record<string, string>>; points: MetricPoint[] }>();
  for (const point of points) {
    const key = JSON.stringify(Object.entries(point.dimensions).sort());
    const group = groups.get(key) ?? { dimensions: point.dimensions, points: [] };
    group.points.push(point);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export { METRICS_NAMESPACE, createMetricsSink, discardMetrics };
export type { MetricPoint, MetricsSink };
