/**
 * CloudWatch reads, in bulk. ListMetrics names every series that reported in the last two weeks
 * (one page per 500 series), then GetMetricData reads up to 500 series per call, paginated by
 * datapoints. Nothing here is ever one call per endpoint.
 */
import { paginateGetMetricData, paginateListMetrics, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { chunk } from '../util/concurrency.ts';
import { describeFailure } from '../errors.ts';
import type { DataPoint, MetricIdentity, MetricSeriesRequest, SeriesResult } from '../domain/metric-series.ts';

interface MetricsReader {
  /**
   * Every series that reported in the last two weeks of `namespace` named `metricName`, or of any
   * name when it is omitted (one listing for a whole namespace).
   */
  listMetrics(namespace: string, metricName?: string): Promise<MetricIdentity[]>;
  /** One result per request, in the same order; a failure marks only the series it touched. */
  readSeries(requests: readonly MetricSeriesRequest[], range: { start: Date; end: Date; periodSeconds: number }): Promise<SeriesResult[]>;
}

/** GetMetricData's own ceiling on queries per call. */
const MAX_QUERIES_PER_CALL = 500;

function createMetricsReader(client: CloudWatchClient): MetricsReader {
  return {
    async listMetrics(namespace, metricName) {
      const metrics: MetricIdentity[] = [];
      for await (const page of paginateListMetrics({ client }, { Namespace: namespace, ...(metricName ? { MetricName: metricName } : {}) })) {
        for (const metric of page.Metrics ?? []) {
          const name = metricName ?? metric.MetricName;
          if (!name) continue;
          metrics.push({
            namespace,
            metricName: name,
            dimensions: (metric.Dimensions ?? []).map((dimension) => ({ name: dimension.Name ?? '', value: dimension.Value ?? '' })),
          });
        }
      }
      return metrics;
    },

    async readSeries(requests, range) {
      const results: SeriesResult[] = [];
      for (const batch of chunk(requests, MAX_QUERIES_PER_CALL)) {
        results.push(...(await readBatch(client, batch, range)));
      }
      return results;
    },
  };
}

async function readBatch(
  client: CloudWatchClient,
  batch: readonly MetricSeriesRequest[],
  range: { start: Date; end: Date; periodSeconds: number },
): Promise<SeriesResult[]> {
  const queries: MetricDataQuery[] = batch.map((request, index) => ({
    Id: `q${index}`,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: request.namespace,
        MetricName: request.metricName,
        Dimensions: request.dimensions.map((dimension) => ({ Name: dimension.name, Value: dimension.value })),
      },
      Period: request.periodSeconds ?? range.periodSeconds,
      Stat: request.stat,
    },
  }));
  const points = batch.map((): DataPoint[] => []);
  const problems = new Map<number, string>();
  try {
    const pages = paginateGetMetricData({ client }, { MetricDataQueries: queries, StartTime: range.start, EndTime: range.end, ScanBy: 'TimestampAscending' });
    for await (const page of pages) {
      for (const result of page.MetricDataResults ?? []) {
        const index = Number(result.Id?.slice(1));
        const target = points[index];
        if (target === undefined) continue;
        const timestamps = result.Timestamps ?? [];
        const values = result.Values ?? [];
        timestamps.forEach((timestamp, i) => target.push({ at: timestamp.toISOString(), value: values[i] ?? 0 }));
        // PartialData only says "more on the next page"; the pager follows it to the end.
        if (result.StatusCode === 'InternalError' || result.StatusCode === 'Forbidden') {
          const detail = result.Messages?.map((message) => `${message.Code}: ${message.Value}`).join('; ');
          problems.set(index, `GetMetricData returned ${result.StatusCode}${detail ? ` (${detail})` : ''}`);
        } else if (result.StatusCode === 'Complete') {
          problems.delete(index);
        }
      }
    }
  } catch (error) {
    const reason = `GetMetricData failed: ${describeFailure(error)}`;
    return batch.map(() => ({ status: 'unavailable', reason }));
  }
  return batch.map((_, index): SeriesResult => {
    const problem = problems.get(index);
    return problem ? { status: 'unavailable', reason: problem } : { status: 'read', points: points[index] ?? [] };
  });
}

export { createMetricsReader, MAX_QUERIES_PER_CALL };
export type { MetricsReader };
