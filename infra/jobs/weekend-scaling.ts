/**
 * The weekend-scaling job: Friday's scale-down and Monday's restore of opted-in inference
 * components, one run at a time, with its own alarm on components left failed.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { TAGS } from '@ops-bot/shared/domain/tags';
import { WEEKEND_FUNCTION_TIMEOUT_MINUTES } from '@ops-bot/shared/domain/weekend-scaling';
import { METRICS_NAMESPACE } from '@ops-bot/shared/aws/metrics';
import { ScheduledFunction } from '../scheduled-function.ts';
import { isReportOnly, jobEnvironment } from '../deploy-config.ts';
import { componentStepPermissions } from './component-steps.ts';
import { commonProps, endpointArns, readPriceList, sageMakerArns, type JobContext } from './job-context.ts';

class WeekendScalingJob extends ScheduledFunction {
  constructor(scope: Construct, id: string, context: JobContext) {
    const { config, regions } = context;
    const { weekendScaleDown: down, weekendRestore: up } = config.schedules;
    const endpoints = endpointArns(scope, regions);
    const components = sageMakerArns(scope, regions, 'inference-component');
    const optedIn = { StringEqualsIgnoreCase: { [`aws:ResourceTag/${TAGS.weekendScaleToZero}`]: 'true' } };
    const steps = componentStepPermissions(scope, regions, components);
    super(scope, id, {
      ...commonProps(context),
      jobName: 'weekend-scaling',
      reportOnly: isReportOnly(config, 'weekend-scaling'),
      description: 'Scales opted-in SageMaker inference components to 0 copies for the weekend and restores them',
      environment: jobEnvironment(config, 'weekend-scaling'),
      timeout: Duration.minutes(WEEKEND_FUNCTION_TIMEOUT_MINUTES),
      canScheduleItself: true,
      // Never two runs at once: a scale-down and a restore racing on one component is how saved
      // state gets lost. A second invocation waits in Lambda's async queue instead.
      reservedConcurrency: 1,
      schedules: [
        {
          id: 'ScaleDown',
          description: 'Weekend scale-down of inference components',
          cron: { minute: String(down.minute), hour: String(down.hour), weekDay: down.weekDay },
          input: { action: 'scale-down' },
        },
        {
          id: 'Restore',
          description: 'Weekend restore of inference components',
          cron: { minute: String(up.minute), hour: String(up.hour), weekDay: up.weekDay },
          input: { action: 'restore' },
        },
      ],
      policyStatements: [
        readPriceList(),
        new iam.PolicyStatement({ sid: 'ListComponents', actions: ['sagemaker:ListInferenceComponents'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'ReadComponents', actions: ['sagemaker:DescribeInferenceComponent', 'sagemaker:ListTags'], resources: components }),
        new iam.PolicyStatement({
          sid: 'ReadHostingEndpoints',
          actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig'],
          resources: endpoints,
        }),
        new iam.PolicyStatement({
          sid: 'SetCopyCounts',
          actions: ['sagemaker:UpdateInferenceComponentRuntimeConfig'],
          resources: components,
          conditions: config.weekendScope === 'tagged' ? optedIn : undefined,
        }),
        ...steps.statements,
        // At the restore: per-instance metrics measure what the weekend saved, against the recorded estimate.
        new iam.PolicyStatement({ sid: 'MeasureWeekendSavings', actions: ['cloudwatch:ListMetrics', 'cloudwatch:GetMetricData'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'FindOptedInComponents', actions: ['tag:GetResources'], resources: ['*'] }),
        // Defence in depth: whatever a bug might ask for, a skipped component cannot be changed.
        new iam.PolicyStatement({
          sid: 'NeverTouchSkipped',
          effect: iam.Effect.DENY,
          actions: ['sagemaker:UpdateInferenceComponentRuntimeConfig', 'sagemaker:AddTags', 'sagemaker:DeleteTags'],
          resources: ['*'],
          conditions: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${TAGS.skip}`]: 'true' } },
        }),
      ],
      wildcards: [
        {
          resources: '*',
          reason:
            "ListInferenceComponents, tag:GetResources, DescribeScalableTargets, cloudwatch:ListMetrics/GetMetricData and pricing:GetProducts (the Price List) have no resource-level permissions and are read-only. RegisterScalableTarget is limited to this account's scalable targets with the sagemaker namespace and the inference-component DesiredCopyCount dimension (its target IDs are random, so the ARN ends in *); the skip deny cannot cover it because aws:ResourceTag there reads the scalable target's tags, not the component's, and the job registers only components it read as not skipped.",
        },
        steps.wildcard,
        {
          resources: [...endpoints, ...components],
          reason: `The job finds its components by tag at run time; writes are limited to the ops-bot:saved-* tag keys${
            config.weekendScope === 'tagged' ? ' and to components tagged ops-bot:weekend-scale-to-zero' : ''
          }, and denied on ops-bot:skip.`,
        },
      ],
    });
    this.alarmOn(
      'WeekendFailuresAlarm',
      'A weekend-scaling run left components failed after its in-run retries; their saved state is kept. See the report, then re-run the restore by hand (docs/undo.md).',
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'WeekendFailures',
        dimensionsMap: { Job: 'weekend-scaling' },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
    );
  }
}

export { WeekendScalingJob };
