/**
 * The one stack per account: the report topic (KMS-encrypted, TLS only) with the admins'
 * subscriptions, and one ScheduledFunction per job.
 */
import { Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { functionEnvironment, type DeployConfig } from './deploy-config.ts';
import { ScheduledFunction } from './scheduled-function.ts';

interface OpsBotStackProps extends StackProps {
  readonly config: DeployConfig;
  /** Where `npm run build` wrote the bundles. */
  readonly distDir: string;
}

class OpsBotStack extends Stack {
  readonly topic: sns.Topic;
  readonly idleEndpoints: ScheduledFunction;

  constructor(scope: Construct, id: string, props: OpsBotStackProps) {
    super(scope, id, props);
    const { config } = props;

    const topicKey = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the SageMaker ops bot report topic',
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to the encrypted topic, so CloudWatch must be able to use the key.
    topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.topic = new sns.Topic(this, 'ReportTopic', {
      displayName: 'SageMaker ops bot',
      masterKey: topicKey,
      enforceSSL: true,
    });
    config.emails.forEach((email) => this.topic.addSubscription(new subscriptions.EmailSubscription(email)));
    config.smsNumbers.forEach((phone) => this.topic.addSubscription(new subscriptions.SmsSubscription(phone)));

    const regions = config.regions ?? [this.region];
    const environment = functionEnvironment(config);

    this.idleEndpoints = new ScheduledFunction(this, 'IdleEndpoints', {
      jobName: 'idle-endpoints',
      description: 'Finds idle SageMaker real-time endpoints and reports what they waste',
      distDir: props.distDir,
      environment,
      timezone: config.timezone,
      topic: this.topic,
      timeout: Duration.minutes(5),
      logRetentionDays: config.logRetentionDays,
      schedules: [
        {
          id: 'Daily',
          description: 'Daily idle-endpoint report',
          cron: { minute: String(config.schedules.idleEndpoints.minute), hour: String(config.schedules.idleEndpoints.hour) },
          input: {},
        },
      ],
      policyStatements: [
        new iam.PolicyStatement({
          sid: 'ListSageMaker',
          actions: ['sagemaker:ListEndpoints', 'sagemaker:ListInferenceComponents'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'DescribeEndpoints',
          actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig'],
          resources: regions.flatMap((region) => [
            this.formatArn({ service: 'sagemaker', region, resource: 'endpoint', resourceName: '*' }),
            this.formatArn({ service: 'sagemaker', region, resource: 'endpoint-config', resourceName: '*' }),
          ]),
        }),
        new iam.PolicyStatement({
          sid: 'ReadInvocationMetrics',
          actions: ['cloudwatch:ListMetrics', 'cloudwatch:GetMetricData'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({ sid: 'FindSkipTags', actions: ['tag:GetResources'], resources: ['*'] }),
      ],
    });
    this.topic.grantPublish(this.idleEndpoints.role);
    Validations.of(this.idleEndpoints.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: 'Publishing to the KMS-encrypted topic needs GenerateDataKey* on its one key (granted by topic.grantPublish).',
    });

    acknowledgeReadOnlyWildcards(this.idleEndpoints, regions, this);
  }
}

/**
 * cdk-nag flags every wildcard. These are the ones AWS leaves no choice about, or that a
 * read-only report over every endpoint needs by definition.
 */
function acknowledgeReadOnlyWildcards(job: ScheduledFunction, regions: readonly string[], stack: Stack): void {
  const policy = Validations.of(job.role);
  policy.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'sagemaker:List*, cloudwatch:ListMetrics/GetMetricData and tag:GetResources support no resource-level permissions; all are read-only.',
  });
  for (const region of regions) {
    const regionPart = stack.resolve(region) === region && !region.startsWith('${') ? region : '<AWS::Region>';
    for (const resource of ['endpoint', 'endpoint-config']) {
      policy.acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:${regionPart}:<AWS::AccountId>:${resource}/*]`,
        reason: `The job reports on every endpoint in the account, so it must be able to describe (read-only) every ${resource} it lists.`,
      });
    }
  }
}

export { OpsBotStack };
export type { OpsBotStackProps };
