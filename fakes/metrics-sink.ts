/**
 * The bot's own metrics, delivered into a FakeAccount's CloudWatch as EMF would deliver them: each
 * point becomes a datapoint of the series named by namespace, metric name and every dimension (the
 * job's sink adds `Job`), at the document's timestamp (Amazon CloudWatch User Guide, "Specification:
 * Embedded metric format": the `_aws.Timestamp` and each DimensionSet). Lets a test run the jobs over a month and then read
 * back what they recorded, as the savings report does.
 */
import type { JobName } from '@ops-bot/shared/config';
import { METRICS_NAMESPACE, type MetricsSink } from '@ops-bot/shared/aws/metrics';
import type { FakeAccount, FakeSeries } from './account.ts';

function cloudWatchSink(account: FakeAccount, job: JobName): MetricsSink {
  return {
    emit(points, timestamp) {
      for (const point of points) {
        const dimensions = { Job: job, ...point.dimensions };
        const same = (series: FakeSeries) =>
          series.namespace === METRICS_NAMESPACE &&
          series.metricName === point.name &&
          Object.keys(series.dimensions).length === Object.keys(dimensions).length &&
          Object.entries(dimensions).every(([name, value]) => series.dimensions[name] === value);
        const series = account.series.find(same);
        const datapoint = { at: timestamp, sum: point.value };
        if (series) (series.points as Array<typeof datapoint>).push(datapoint);
        else account.series.push({ namespace: METRICS_NAMESPACE, metricName: point.name, dimensions, points: [datapoint] });
      }
    },
  };
}

export { cloudWatchSink };
