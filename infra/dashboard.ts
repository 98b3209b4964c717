/**
 * The ops bot's CloudWatch dashboard. Every per-endpoint and per-model graph is a SEARCH
 * expression over the bot's own metrics, so endpoints and models that appear later show up
 * without a redeploy.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '@ops-bot/shared/aws/metrics';
import type { JobName } from '@ops-bot/shared/config';
import { SAVINGS_ACTION_NAMES, SAVINGS_ACTIONS } from '@ops-bot/shared/domain/savings';
import type { ScheduledFunction } from './scheduled-function.ts';

interface OpsBotDashboardProps {
  readonly jobs: Readonly<Record<string, ScheduledFunction>>;
}

const DAY = Duration.days(1);

/** Every bot metric carries its job as the `Job` dimension (see shared/src/aws/metrics.ts). */
function search(job: JobName, dimensions: readonly string[], metricName: string, label: string, statistic = 'Sum'): cloudwatch.MathExpression {
  const schema = [METRICS_NAMESPACE, 'Job', ...dimensions].join(',');
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${schema}} Job="${job}" MetricName="${metricName}"', '${statistic}', ${DAY.toSeconds()})`,
    usingMetrics: {},
    label,
    period: DAY,
  });
}

function botMetric(job: JobName, metricName: string, label: string, statistic = 'Sum'): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { Job: job }, label, statistic, period: DAY });
}

/**
 * The sum of every action's Savings, each read by its fixed identity (Job, Action), with a missing
 * series counting 0: with the widget's period set to its time range, the total saved in that range.
 */
function savedOverRange(): cloudwatch.MathExpression {
  const usingMetrics = Object.fromEntries(
    SAVINGS_ACTION_NAMES.map((action, index) => [
      `s${index}`,
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'Savings',
        dimensionsMap: { Job: SAVINGS_ACTIONS[action].job, Action: action },
        statistic: 'Sum',
        period: DAY,
      }),
    ]),
  );
  return new cloudwatch.MathExpression({
    expression: `SUM([${Object.keys(usingMetrics)
      .map((id) => `FILL(${id}, 0)`)
      .join(', ')}])`,
    usingMetrics,
    label: 'saved',
    period: DAY,
  });
}

class OpsBotDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OpsBotDashboardProps) {
    super(scope, id);
    const graph = (title: string, left: cloudwatch.IMetric[], options: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, period: DAY, ...options });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(30),
      widgets: [
        [
          // Beside what SageMaker cost, what the bot saved: the Savings every job records (by Job and
          // Action), summed over the dashboard's time range.
          new cloudwatch.SingleValueWidget({
            title: 'Spent (USD, cost-report, over the time range)',
            metrics: [botMetric('cost-report', 'TotalCost', 'spent')],
            setPeriodToTimeRange: true,
            width: 12,
            height: 4,
          }),
          new cloudwatch.SingleValueWidget({
            title: 'Saved by the bot (USD, over the time range)',
            metrics: [savedOverRange()],
            setPeriodToTimeRange: true,
            width: 12,
            height: 4,
          }),
        ],
        [
          graph(
            'Cost per model (USD per day, from cost-report)',
            [search('cost-report', ['Region', 'EndpointName', 'VariantName', 'InferenceComponentName'], 'ComponentCost', '')],
            { stacked: true },
          ),
          graph('Unallocated cost per endpoint (USD per day)', [search('cost-report', ['Region', 'EndpointName', 'VariantName'], 'UnallocatedCost', '')], {
            stacked: true,
          }),
        ],
        [
          graph('GPUs per endpoint: held by models vs on the instances', [
            search('cost-report', ['Region', 'EndpointName', 'VariantName'], 'GpusHeld', 'held', 'Average'),
            search('cost-report', ['Region', 'EndpointName', 'VariantName'], 'GpusTotal', 'total', 'Average'),
          ]),
          graph('Account total vs unallocated (USD per day)', [
            botMetric('cost-report', 'TotalCost', 'total'),
            botMetric('cost-report', 'UnallocatedCost', 'unallocated'),
          ]),
        ],
        [
          graph('Idle endpoints and what they waste', [botMetric('idle-endpoints', 'IdleEndpoints', 'idle endpoints', 'Maximum')], {
            right: [botMetric('idle-endpoints', 'IdleEndpointsCostPerDay', 'USD per day', 'Maximum')],
          }),
          graph(
            'Weekend scaling',
            [
              botMetric('weekend-scaling', 'WeekendScaledDown', 'scaled down'),
              botMetric('weekend-scaling', 'WeekendRestored', 'restored'),
              botMetric('weekend-scaling', 'WeekendFailures', 'failures'),
            ],
            {
              right: [botMetric('weekend-scaling', 'WeekendEstimatedSavings', 'est. savings (USD)')],
            },
          ),
        ],
        [
          graph(
            'Job runs and errors',
            Object.entries(props.jobs).flatMap(([name, job]) => [
              job.function.metricInvocations({ label: `${name} runs`, period: DAY }),
              job.function.metricErrors({ label: `${name} errors`, period: DAY }),
            ]),
            { width: 24 },
          ),
        ],
      ],
    });
  }
}

export { OpsBotDashboard };
