/** A metrics sink that keeps what a job emits, so every job's figures can be asserted. */
import type { MetricPoint, MetricsSink } from '@ops-bot/shared/aws/metrics';

interface RecordedMetrics extends MetricsSink {
  readonly points: MetricPoint[];
  readonly stamps: Date[];
  /** The value of the one point named `name` (with no dimensions of its own), or undefined. */
  value(name: string): number | undefined;
}

function recordMetrics(): RecordedMetrics {
  const points: MetricPoint[] = [];
  const stamps: Date[] = [];
  return {
    points,
    stamps,
    emit(emitted, at) {
      points.push(...emitted);
      stamps.push(at);
    },
    value: (name) => points.find((point) => point.name === name && Object.keys(point.dimensions).length === 0)?.value,
  };
}

export { recordMetrics };
export type { RecordedMetrics };
