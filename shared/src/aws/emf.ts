/**
 * CloudWatch Embedded Metric Format: metrics written as structured log lines, which CloudWatch
 * Logs turns into metrics with no API call and no extra IAM permission. Used for the figures the
 * dashboard charts (cost per model, unallocated cost, the jobs' counts).
 */

const NAMESPACE = 'SageMakerOpsBot';
/** EMF allows at most 100 metrics per document. */
const METRICS_PER_DOCUMENT = 100;

interface MetricPoint {
  readonly name: string;
  readonly value: number;
  readonly unit: 'None' | 'Count';
  readonly dimensions: Readonly<Record<string, string>>;
}

interface MetricsSink {
  emit(points: readonly MetricPoint[], timestamp: Date): void;
}

const discardMetrics: MetricsSink = { emit: () => undefined };

/** One document per distinct set of dimension values, as EMF requires. */
function emfDocuments(points: readonly MetricPoint[], timestamp: Date): string[] {
  const groups = new Map<string, MetricPoint[]>();
  for (const point of points) {
    const key = JSON.stringify(Object.entries(point.dimensions).sort());
    groups.set(key, [...(groups.get(key) ?? []), point]);
  }
  const documents: string[] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.length; start += METRICS_PER_DOCUMENT) {
      const slice = group.slice(start, start + METRICS_PER_DOCUMENT);
      const dimensions = slice[0]?.dimensions ?? {};
      documents.push(
        JSON.stringify({
          _aws: {
            Timestamp: timestamp.getTime(),
            CloudWatchMetrics: [
              { Namespace: NAMESPACE, Dimensions: [Object.keys(dimensions)], Metrics: slice.map((point) => ({ Name: point.name, Unit: point.unit })) },
            ],
          },
          ...dimensions,
          ...Object.fromEntries(slice.map((point) => [point.name, point.value])),
        }),
      );
    }
  }
  return documents;
}

/** Off when POWERTOOLS_METRICS_DISABLED=true, the switch Powertools' own metrics utility uses. */
function createEmfSink(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): MetricsSink {
  if (process.env.POWERTOOLS_METRICS_DISABLED?.toLowerCase() === 'true') return discardMetrics;
  return {
    emit(points, timestamp) {
      for (const document of emfDocuments(points, timestamp)) write(document);
    },
  };
}

export { NAMESPACE as METRICS_NAMESPACE, emfDocuments, createEmfSink, discardMetrics };
export type { MetricPoint, MetricsSink };
