/** The idle-endpoints job: daily, read-only over every endpoint in the regions it covers. */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ScheduledFunction } from '../scheduled-function.ts';
import { jobEnvironment } from '../deploy-config.ts';
import { commonProps, endpointArns, type JobContext } from './job-context.ts';

class IdleEndpointsJob extends ScheduledFunction {
  constructor(scope: Construct, id: string, context: JobContext) {
    const { config } = context;
    const endpoints = endpointArns(scope, context.regions);
    const at = config.schedules.idleEndpoints;
    super(scope, id, {
      ...commonProps(context),
      jobName: 'idle-endpoints',
      description: 'Finds idle SageMaker real-time endpoints and reports what they waste',
      environment: jobEnvironment(config, 'idle-endpoints'),
      timeout: Duration.minutes(5),
      schedules: [{ id: 'Daily', description: 'Daily idle-endpoint report', cron: { minute: String(at.minute), hour: String(at.hour) }, input: {} }],
      policyStatements: [
        new iam.PolicyStatement({ sid: 'ListSageMaker', actions: ['sagemaker:ListEndpoints', 'sagemaker:ListInferenceComponents'], resources: ['*'] }),
        new iam.PolicyStatement({
          sid: 'DescribeEndpoints',
          actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig'],
          resources: endpoints,
        }),
        new iam.PolicyStatement({ sid: 'ReadInvocationMetrics', actions: ['cloudwatch:ListMetrics', 'cloudwatch:GetMetricData'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'FindSkipTags', actions: ['tag:GetResources'], resources: ['*'] }),
      ],
      wildcards: [
        {
          resources: '*',
          reason: 'sagemaker:List*, cloudwatch:ListMetrics/GetMetricData and tag:GetResources support no resource-level permissions; all are read-only.',
        },
        {
          resources: endpoints,
          reason: 'The job reports on every endpoint in the account, so it must be able to describe (read-only) every endpoint and config it lists.',
        },
      ],
    });
  }
}

export { IdleEndpointsJob };
