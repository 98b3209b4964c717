/**
 * The idle-endpoints job: daily, read-only over every endpoint in the regions it covers, and acting
 * only on endpoints whose owners tagged them `ops-bot:idle-action` (and their undo).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '@ops-bot/shared/aws/metrics';
import { TAGS } from '@ops-bot/shared/domain/tags';
import { ENDPOINT_STATE, slotTagKeyPatterns } from '@ops-bot/shared/aws/bot-state';
import { ScheduledFunction } from '../scheduled-function.ts';
import { isReportOnly, jobEnvironment } from '../deploy-config.ts';
import { componentStepPermissions } from './component-steps.ts';
import { commonProps, endpointArns, readPriceList, sageMakerArns, type JobContext } from './job-context.ts';

class IdleEndpointsJob extends ScheduledFunction {
  constructor(scope: Construct, id: string, context: JobContext) {
    const { config, regions } = context;
    const endpointsAndConfigs = endpointArns(scope, regions);
    const endpoints = sageMakerArns(scope, regions, 'endpoint');
    const recommendationJobs = sageMakerArns(scope, regions, 'inference-recommendations-job');
    const components = sageMakerArns(scope, regions, 'inference-component');
    const steps = componentStepPermissions(scope, regions, components);
    const at = config.schedules.idleEndpoints;
    super(scope, id, {
      ...commonProps(context),
      jobName: 'idle-endpoints',
      reportOnly: isReportOnly(config, 'idle-endpoints'),
      description: 'Finds idle SageMaker real-time endpoints, reports what they waste, and acts on the opted-in ones',
      environment: jobEnvironment(config, 'idle-endpoints'),
      timeout: Duration.minutes(5),
      // Never two runs at once: a Lambda retry or a manual invoke overlapping a scheduled run that is
      // deleting or recreating could act twice on one endpoint. A second invocation waits instead.
      reservedConcurrency: 1,
      schedules: [{ id: 'Daily', description: 'Daily idle-endpoint report', cron: { minute: String(at.minute), hour: String(at.hour) }, input: {} }],
      policyStatements: [
        readPriceList(),
        new iam.PolicyStatement({
          sid: 'ListSageMaker',
          actions: ['sagemaker:ListEndpoints', 'sagemaker:ListInferenceComponents', 'sagemaker:ListInferenceRecommendationsJobs'],
          resources: ['*'],
        }),
        // Rightsizing cites the newest completed Inference Recommender job of a suggested model: read only.
        new iam.PolicyStatement({ sid: 'ReadRecommendationJobs', actions: ['sagemaker:DescribeInferenceRecommendationsJob'], resources: recommendationJobs }),
        new iam.PolicyStatement({
          sid: 'DescribeEndpoints',
          actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'sagemaker:ListTags'],
          resources: endpointsAndConfigs,
        }),
        new iam.PolicyStatement({ sid: 'ReadInvocationMetrics', actions: ['cloudwatch:ListMetrics', 'cloudwatch:GetMetricData'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'FindSkipTags', actions: ['tag:GetResources'], resources: ['*'] }),
        // delete: only endpoints whose owner asked for it, by tag.
        new iam.PolicyStatement({
          sid: 'DeleteOptedInEndpoints',
          actions: ['sagemaker:DeleteEndpoint'],
          resources: endpoints,
          conditions: { StringEquals: { [`aws:ResourceTag/${TAGS.idleAction}`]: 'delete' } },
        }),
        // What recreates a deleted endpoint is kept in the state table only: no tag write on configs.
        // The undo of a delete: the endpoint again, from its config, with the owner's tags (tagging on
        // create needs AddTags on the new endpoint, with the owner's keys).
        new iam.PolicyStatement({ sid: 'RecreateEndpoints', actions: ['sagemaker:CreateEndpoint'], resources: endpointsAndConfigs }),
        // CreateEndpoint with tags needs AddTags for the owner's keys on the new endpoint: only when a
        // request creates an endpoint can other keys be written, and never on a resource tagged skip.
        new iam.PolicyStatement({
          sid: 'TagRecreatedEndpoints',
          actions: ['sagemaker:AddTags'],
          resources: endpoints,
          conditions: { StringEquals: { 'sagemaker:TaggingAction': 'CreateEndpoint' } },
        }),
        // The signed endpoint state: what a hold saves per day, and when the idle clock restarts.
        new iam.PolicyStatement({
          sid: 'KeepEndpointState',
          actions: ['sagemaker:AddTags', 'sagemaker:DeleteTags'],
          resources: endpoints,
          conditions: { 'ForAllValues:StringLike': { 'aws:TagKeys': slotTagKeyPatterns(ENDPOINT_STATE) } },
        }),
        // delete saves a variant's autoscaling target and policies, deregisters them, and the recreate
        // puts them back: only variant targets of SageMaker endpoints.
        new iam.PolicyStatement({ sid: 'ReadVariantAutoscaling', actions: ['application-autoscaling:DescribeScalingPolicies'], resources: ['*'] }),
        new iam.PolicyStatement({
          sid: 'SaveAndRestoreVariantAutoscaling',
          actions: [
            'application-autoscaling:DeregisterScalableTarget',
            'application-autoscaling:RegisterScalableTarget',
            'application-autoscaling:PutScalingPolicy',
          ],
          resources: steps.scalableTargets,
          conditions: {
            StringEquals: {
              'application-autoscaling:service-namespace': 'sagemaker',
              'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount',
            },
          },
        }),
        // scale-to-zero and its restore: the weekend job's own steps.
        new iam.PolicyStatement({
          sid: 'ScaleComponents',
          actions: ['sagemaker:DescribeInferenceComponent', 'sagemaker:ListTags', 'sagemaker:UpdateInferenceComponentRuntimeConfig'],
          resources: components,
        }),
        ...steps.statements,
        // Defence in depth: whatever a bug might ask for, a skipped resource cannot be changed.
        new iam.PolicyStatement({
          sid: 'NeverTouchSkipped',
          effect: iam.Effect.DENY,
          actions: [
            'sagemaker:DeleteEndpoint',
            'sagemaker:CreateEndpoint',
            'sagemaker:UpdateInferenceComponentRuntimeConfig',
            'sagemaker:AddTags',
            'sagemaker:DeleteTags',
          ],
          resources: ['*'],
          conditions: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${TAGS.skip}`]: 'true' } },
        }),
      ],
      wildcards: [
        {
          resources: '*',
          reason:
            'sagemaker:List*, cloudwatch:ListMetrics/GetMetricData, tag:GetResources, DescribeScalableTargets and pricing:GetProducts (the Price List) support no resource-level permissions and are read-only; the explicit deny on ops-bot:skip covers every resource.',
        },
        {
          resources: [...endpointsAndConfigs, ...components, ...recommendationJobs],
          reason:
            "The job reports on every endpoint in the account, and reads any completed Inference Recommender job of a busy endpoint's model. It deletes only endpoints tagged ops-bot:idle-action = delete (resource-tag condition), writes only its own tag keys on configs and components, and is denied on ops-bot:skip. AddTags with keys other than its own is allowed only as part of CreateEndpoint (sagemaker:TaggingAction), to put back the owner's tags on a recreated endpoint.",
        },
        steps.wildcard,
      ],
    });
    this.alarmOn(
      'IdleActionFailuresAlarm',
      'An idle action (ops-bot:idle-action) or its undo failed; what is needed to undo it is kept. See the idle-endpoints report.',
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'IdleActionFailures',
        dimensionsMap: { Job: 'idle-endpoints' },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
    );
  }
}

export { IdleEndpointsJob };
