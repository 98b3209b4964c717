/**
 * The bot in one account: the report topic (KMS-encrypted, TLS only) with the admins'
 * subscriptions, and one ScheduledFunction per job. `OpsBot` is a construct so the same resources
 * go into the one stack per account (`OpsBotStack`) or into a StackSet's template
 * (`infra/stackset-app.ts`); mounted with the id `Default`, it adds nothing to logical IDs.
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { TAGS } from '@ops-bot/shared/domain/tags';
import { DEFAULT_TOPIC_DISPLAY_NAME } from '@ops-bot/shared/report/gsm7';
import { STATE_TAG_KEYS, WEEKEND_FUNCTION_TIMEOUT_MINUTES } from '@ops-bot/shared/domain/weekend-scaling';
import { METRICS_NAMESPACE } from '@ops-bot/shared/aws/emf';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { functionEnvironment, type DeployConfig } from './deploy-config.ts';
import { OpsBotDashboard } from './dashboard.ts';
import { acknowledgeWildcardArns } from './nag.ts';
import { ScheduledFunction, type ScheduledFunctionProps } from './scheduled-function.ts';

/** What every job's construct gets from the deploy config alike. */
type CommonJobProps = Pick<ScheduledFunctionProps, 'distDir' | 'environment' | 'timezone' | 'topic' | 'logRetentionDays'>;

interface OpsBotProps {
  readonly config: DeployConfig;
  /** Where `npm run build` wrote the bundles. */
  readonly distDir: string;
}

type OpsBotStackProps = StackProps & OpsBotProps;

class OpsBot extends Construct {
  readonly topic: sns.Topic;
  readonly idleEndpoints: ScheduledFunction;
  readonly weekendScaling: ScheduledFunction;
  readonly costReport: ScheduledFunction;
  readonly idleNotebooks: ScheduledFunction;
  readonly dashboard: OpsBotDashboard;
  /** The regions the jobs read, and so the regions their SageMaker permissions name. */
  private readonly regions: readonly string[];

  private readonly stack: Stack;

  constructor(scope: Construct, id: string, props: OpsBotProps) {
    super(scope, id);
    this.stack = Stack.of(this);
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
        conditions: { StringEquals: { 'aws:SourceAccount': this.stack.account } },
      }),
    );
    this.topic = new sns.Topic(this, 'ReportTopic', {
      // SNS puts the display name in front of every SMS (`OPSBOT> …`): short, and given to the
      // functions (TOPIC_DISPLAY_NAME) so their SMS budget counts it.
      displayName: DEFAULT_TOPIC_DISPLAY_NAME,
      masterKey: topicKey,
      enforceSSL: true,
    });
    config.emails.forEach((email) => this.topic.addSubscription(new subscriptions.EmailSubscription(email)));
    config.smsNumbers.forEach((phone) => this.topic.addSubscription(new subscriptions.SmsSubscription(phone)));

    this.regions = config.regions ?? [this.stack.region];
    const common: CommonJobProps = {
      distDir: props.distDir,
      environment: functionEnvironment(config),
      timezone: config.timezone,
      topic: this.topic,
      logRetentionDays: config.logRetentionDays,
    };
    const endpointArns = this.regions.flatMap((region) => [...this.sageMakerArns('endpoint', '*', [region]), ...this.sageMakerArns('endpoint-config', '*', [region])]);
    const componentArns = this.sageMakerArns('inference-component');

    this.idleEndpoints = new ScheduledFunction(this, 'IdleEndpoints', {
      ...common,
      jobName: 'idle-endpoints',
      description: 'Finds idle SageMaker real-time endpoints and reports what they waste',
      timeout: Duration.minutes(5),
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
          resources: endpointArns,
        }),
        new iam.PolicyStatement({
          sid: 'ReadInvocationMetrics',
          actions: ['cloudwatch:ListMetrics', 'cloudwatch:GetMetricData'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({ sid: 'FindSkipTags', actions: ['tag:GetResources'], resources: ['*'] }),
      ],
    });

    Validations.of(this.idleEndpoints.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'sagemaker:List*, cloudwatch:ListMetrics/GetMetricData and tag:GetResources support no resource-level permissions; all are read-only.',
    });
    acknowledgeWildcardArns(
      this.idleEndpoints.role,
      endpointArns,
      'The job reports on every endpoint in the account, so it must be able to describe (read-only) every endpoint and config it lists.',
    );

    this.weekendScaling = this.weekendScalingJob(config, common, endpointArns, componentArns);
    this.costReport = this.costReportJob(config, common, endpointArns, componentArns);
    this.idleNotebooks = this.idleNotebooksJob(config, common);
    this.dashboard = new OpsBotDashboard(this, 'Dashboard', {
      jobs: { 'idle-endpoints': this.idleEndpoints, 'idle-notebooks': this.idleNotebooks, 'weekend-scaling': this.weekendScaling, 'cost-report': this.costReport },
    });
    const jobs = [this.idleEndpoints, this.weekendScaling, this.costReport, this.idleNotebooks];
    this.letAlarmsPublish(jobs.flatMap((job) => job.alarms));
    if (config.centralTopicArn) jobs.forEach((job) => this.letPublishCentrally(job, config.centralTopicArn as string));
    this.addOutputs();
  }

  /**
   * Reports also go to the organization's central topic. Its account must allow this (README, "More
   * than one account"); a central topic encrypted with a customer managed key must let this role use
   * the key, which SNS uses on the role's behalf.
   */
  private letPublishCentrally(job: ScheduledFunction, centralTopicArn: string): void {
    job.role.addToPolicy(new iam.PolicyStatement({ sid: 'PublishToCentralTopic', actions: ['sns:Publish'], resources: [centralTopicArn] }));
    job.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptForCentralTopic',
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${centralTopicArn.split(':')[3]}.amazonaws.com` } },
      }),
    );
    Validations.of(job.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'The central topic\'s key is in another account and not known here; the grant is limited to use through SNS in the topic\'s region (kms:ViaService), and the key policy there decides.',
    });
  }

  /** What an operator needs after a deploy: where reports go, what to invoke, where to look. */
  private addOutputs(): void {
    new CfnOutput(this, 'TopicArn', { value: this.topic.topicArn, description: 'The report topic: subscriptions and alarms' });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.stack.region}.console.aws.amazon.com/cloudwatch/home?region=${this.stack.region}#dashboards:name=${this.dashboard.dashboard.dashboardName}`,
      description: 'The ops bot dashboard (cost per model, unallocated capacity, runs)',
    });
    const dryRuns: ReadonlyArray<[string, ScheduledFunction, string]> = [
      ['IdleEndpoints', this.idleEndpoints, '{"dryRun":true}'],
      ['IdleNotebooks', this.idleNotebooks, '{"dryRun":true}'],
      ['WeekendScaling', this.weekendScaling, '{"action":"scale-down","dryRun":true}'],
      ['CostReport', this.costReport, '{"dryRun":true}'],
    ];
    for (const [id, job, event] of dryRuns) {
      new CfnOutput(this, `${id}FunctionName`, { value: job.function.functionName });
      new CfnOutput(this, `${id}DryRun`, {
        value: `aws lambda invoke --region ${this.stack.region} --function-name ${job.function.functionName} --cli-binary-format raw-in-base64-out --payload '${event}' /dev/stdout`,
        description: `A dry run of ${id}: changes nothing, sends nothing, prints the texts it would send`,
      });
    }
  }

  /**
   * A topic policy replaces SNS's default policy, and `enforceSSL` gives the topic one holding only
   * the TLS deny: without an allow, CloudWatch alarms fail with "not authorized to perform
   * SNS:Publish" and nobody hears of them. Allowed for this account's own alarms only (the
   * confused-deputy conditions aws:SourceAccount and aws:SourceArn; Amazon SNS Developer Guide,
   * "Amazon SNS access control case examples"). The key policy already lets CloudWatch use the
   * topic's KMS key.
   */
  private letAlarmsPublish(alarms: readonly cloudwatch.Alarm[]): void {
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.stack.account },
          ArnEquals: { 'aws:SourceArn': alarms.map((alarm) => alarm.alarmArn) },
        },
      }),
    );
  }

  /** `arn:…:sagemaker:<region>:<account>:<resource>/<resourceName>` for each region the jobs read. */
  private sageMakerArns(resource: string, resourceName = '*', regions: readonly string[] = this.regions): string[] {
    return regions.map((region) => this.stack.formatArn({ service: 'sagemaker', region, resource, resourceName }));
  }

  private idleNotebooksJob(config: DeployConfig, common: CommonJobProps): ScheduledFunction {
    const notebooks = this.sageMakerArns('notebook-instance');
    const studio = [...this.sageMakerArns('domain'), ...this.sageMakerArns('user-profile', '*/*'), ...this.sageMakerArns('space', '*/*')];
    const offHours = config.notebookOffHours;
    const audit = config.schedules.studioAudit;
    const job = new ScheduledFunction(this, 'IdleNotebooks', {
      ...common,
      jobName: 'idle-notebooks',
      description: 'Stops idle SageMaker notebook instances (idleness read from Jupyter) and audits Studio apps',
      timeout: Duration.minutes(5),
      schedules: [
        { id: 'IdleCheck', description: 'Idle notebook check', cron: { minute: '0/15', hour: '*' }, input: { action: 'idle-check' } },
        { id: 'StudioAudit', description: 'Daily notebook and Studio audit', cron: { minute: String(audit.minute), hour: String(audit.hour) }, input: { action: 'studio-audit' } },
        ...(offHours
          ? [
              { id: 'OffHoursStop', description: 'Off-hours notebook stop', cron: { minute: String(offHours.stop.minute), hour: String(offHours.stop.hour), weekDay: offHours.weekDays }, input: { action: 'off-hours-stop' } },
              { id: 'MorningStart', description: 'Morning start of notebooks stopped for off hours', cron: { minute: String(offHours.start.minute), hour: String(offHours.start.hour), weekDay: offHours.weekDays }, input: { action: 'morning-start' } },
            ]
          : []),
      ],
      policyStatements: [
        new iam.PolicyStatement({
          sid: 'ListNotebooksAndStudio',
          actions: ['sagemaker:ListNotebookInstances', 'sagemaker:ListApps', 'sagemaker:ListDomains', 'sagemaker:ListUserProfiles', 'sagemaker:ListSpaces', 'tag:GetResources'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'ReadAndStopNotebooks',
          actions: ['sagemaker:ListTags', 'sagemaker:CreatePresignedNotebookInstanceUrl', 'sagemaker:StopNotebookInstance', ...(offHours ? ['sagemaker:StartNotebookInstance'] : [])],
          resources: notebooks,
        }),
        new iam.PolicyStatement({
          sid: 'MarkNotebooks',
          actions: ['sagemaker:AddTags', ...(offHours ? ['sagemaker:DeleteTags'] : [])],
          resources: notebooks,
          conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [TAGS.lastAction, TAGS.offHoursStopped] } },
        }),
        new iam.PolicyStatement({
          sid: 'ReadStudioSettings',
          actions: ['sagemaker:DescribeDomain', 'sagemaker:DescribeUserProfile', 'sagemaker:DescribeSpace'],
          resources: studio,
        }),
        // Defence in depth: whatever a bug might ask for, a skipped resource cannot be changed.
        new iam.PolicyStatement({
          sid: 'NeverTouchSkipped',
          effect: iam.Effect.DENY,
          actions: ['sagemaker:StopNotebookInstance', 'sagemaker:StartNotebookInstance', 'sagemaker:DeleteApp', 'sagemaker:AddTags', 'sagemaker:DeleteTags'],
          resources: ['*'],
          conditions: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${TAGS.skip}`]: 'true' } },
        }),
      ],
    });
    Validations.of(job.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'The sagemaker:List* actions and tag:GetResources (finding skip-tagged notebooks) support no resource-level permissions; all are read-only, and the explicit deny on ops-bot:skip covers every resource.',
    });
    acknowledgeWildcardArns(
      job.role,
      [...notebooks, ...studio],
      'The job checks every notebook and Studio entity in the account; writes are limited to its own tag keys, and denied on ops-bot:skip.',
    );
    return job;
  }

  private costReportJob(config: DeployConfig, common: CommonJobProps, endpointArns: readonly string[], components: readonly string[]): ScheduledFunction {
    const { costReport: at } = config.schedules;
    const job = new ScheduledFunction(this, 'CostReport', {
      ...common,
      jobName: 'cost-report',
      description: 'Attributes SageMaker endpoint cost to models, with the unallocated capacity',
      timeout: Duration.minutes(10),
      schedules: [{ id: 'Daily', description: 'Daily per-model cost report', cron: { minute: String(at.minute), hour: String(at.hour) }, input: {} }],
      policyStatements: [
        new iam.PolicyStatement({ sid: 'ListSageMaker', actions: ['sagemaker:ListEndpoints', 'sagemaker:ListInferenceComponents'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'DescribeEndpoints', actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig'], resources: [...endpointArns] }),
        new iam.PolicyStatement({ sid: 'DescribeComponents', actions: ['sagemaker:DescribeInferenceComponent'], resources: [...components] }),
        new iam.PolicyStatement({ sid: 'ReadMetrics', actions: ['cloudwatch:ListMetrics', 'cloudwatch:GetMetricData'], resources: ['*'] }),
      ],
    });
    Validations.of(job.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'sagemaker:List* and cloudwatch:ListMetrics/GetMetricData support no resource-level permissions; all are read-only.',
    });
    acknowledgeWildcardArns(job.role, [...endpointArns, ...components], 'The report covers every endpoint and component in the account, read-only.');
    return job;
  }

  private weekendScalingJob(config: DeployConfig, common: CommonJobProps, endpointArns: readonly string[], components: readonly string[]): ScheduledFunction {
    const { weekendScaleDown: down, weekendRestore: up } = config.schedules;
    const optedIn = { StringEqualsIgnoreCase: { [`aws:ResourceTag/${TAGS.weekendScaleToZero}`]: 'true' } };
    const scalableTargets = this.regions.map((region) => this.stack.formatArn({ service: 'application-autoscaling', region, resource: 'scalable-target', resourceName: '*' }));
    const job = new ScheduledFunction(this, 'WeekendScaling', {
      ...common,
      jobName: 'weekend-scaling',
      description: 'Scales opted-in SageMaker inference components to 0 copies for the weekend and restores them',
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
        new iam.PolicyStatement({ sid: 'ListComponents', actions: ['sagemaker:ListInferenceComponents'], resources: ['*'] }),
        new iam.PolicyStatement({
          sid: 'ReadComponents',
          actions: ['sagemaker:DescribeInferenceComponent', 'sagemaker:ListTags'],
          resources: [...components],
        }),
        new iam.PolicyStatement({
          sid: 'ReadHostingEndpoints',
          actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig'],
          resources: [...endpointArns],
        }),
        new iam.PolicyStatement({
          sid: 'SetCopyCounts',
          actions: ['sagemaker:UpdateInferenceComponentRuntimeConfig'],
          resources: [...components],
          ...(config.weekendScope === 'tagged' ? { conditions: optedIn } : {}),
        }),
        new iam.PolicyStatement({
          sid: 'KeepStateOnComponents',
          actions: ['sagemaker:AddTags', 'sagemaker:DeleteTags'],
          resources: [...components],
          conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [...STATE_TAG_KEYS] } },
        }),
        new iam.PolicyStatement({ sid: 'ReadComponentAutoscaling', actions: ['application-autoscaling:DescribeScalableTargets'], resources: ['*'] }),
        new iam.PolicyStatement({
          sid: 'SetComponentAutoscaling',
          actions: ['application-autoscaling:RegisterScalableTarget'],
          resources: scalableTargets,
          conditions: {
            StringEquals: {
              'application-autoscaling:service-namespace': 'sagemaker',
              'application-autoscaling:scalable-dimension': 'sagemaker:inference-component:DesiredCopyCount',
            },
          },
        }),
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
    });
    job.alarmOn(
      'WeekendFailuresAlarm',
      'A weekend-scaling run left components failed after its in-run retries; their saved state is kept. See the report, then re-run the restore by hand (README).',
      new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: 'WeekendFailures', statistic: 'Maximum', period: Duration.minutes(5) }),
    );
    const policy = Validations.of(job.role);
    policy.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ListInferenceComponents, tag:GetResources and DescribeScalableTargets have no resource-level permissions and are read-only. RegisterScalableTarget is limited to this account\'s scalable targets with the sagemaker namespace and the inference-component DesiredCopyCount dimension (its target IDs are random, so the ARN ends in *); the skip deny cannot cover it because aws:ResourceTag there reads the scalable target\'s tags, not the component\'s, and the job registers only components it read as not skipped.',
    });
    acknowledgeWildcardArns(
      job.role,
      scalableTargets,
      'Scalable target IDs are generated by Application Auto Scaling; RegisterScalableTarget is limited to the sagemaker namespace and the inference-component DesiredCopyCount dimension.',
    );
    acknowledgeWildcardArns(
      job.role,
      [...endpointArns, ...components],
      `The job finds its components by tag at run time; writes are limited to the ops-bot:saved-* tag keys${
        config.weekendScope === 'tagged' ? ' and to components tagged ops-bot:weekend-scale-to-zero' : ''
      }, and denied on ops-bot:skip.`,
    );
    return job;
  }
}

/** The one stack per account. */
class OpsBotStack extends Stack {
  readonly bot: OpsBot;

  constructor(scope: Construct, id: string, props: OpsBotStackProps) {
    super(scope, id, props);
    this.bot = new OpsBot(this, 'Default', { config: props.config, distDir: props.distDir });
  }

  get topic(): sns.Topic {
    return this.bot.topic;
  }
}

export { OpsBot, OpsBotStack };
export type { OpsBotProps };
export type { OpsBotStackProps };
