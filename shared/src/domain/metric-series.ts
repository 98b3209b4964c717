/** CloudWatch series as the jobs reason about them: which series, and what a read of one gave. */

interface Dimension {
  readonly name: string;
  readonly value: string;
}

interface MetricIdentity {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly Dimension[];
}

interface MetricSeriesRequest extends MetricIdentity {
  readonly stat: string;
  /** This query's own period, when it is not the read's (a peak over the whole lookback). */
  readonly periodSeconds?: number | undefined;
}

interface DataPoint {
  readonly at: string;
  readonly value: number;
}

type SeriesResult = { readonly status: 'read'; readonly points: DataPoint[] } | { readonly status: 'unavailable'; readonly reason: string };

export type { Dimension, MetricIdentity, MetricSeriesRequest, DataPoint, SeriesResult };
