/**
 * The bot in one account: the report topic (KMS-encrypted, TLS only) with the admins'
 * subscriptions, and one ScheduledFunction per job. `OpsBot` is a construct so the same resources
 * go into the one stack per account (`OpsBotStack`) or into a StackSet's template
 * (`infra/stackset-app.ts`); mounted with the id `Default`, it adds nothing to logical IDs.
 */
import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DEFAULT_TOPIC_DISPLAY_NAME } from '@ops-bot/shared/report/gsm7';
import type { DeployConfig } from './deploy-config.ts';
import { OpsBotDashboard } from './dashboard.ts';
import { CostReportJob } from './jobs/cost-report.ts';
import { IdleEndpointsJob } from './jobs/idle-endpoints.ts';
import { IdleNotebooksJob } from './jobs/idle-notebooks.ts';
import { SavingsReportJob } from './jobs/savings-report.ts';
import { ChatDelivery } from './chat.ts';
import type { JobContext } from './jobs/job-context.ts';
import { WeekendScalingJob } from './jobs/weekend-scaling.ts';
import type { ScheduledFunction } from './scheduled-function.ts';
import { StateTable } from './state-table.ts';

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
  readonly savingsReport: ScheduledFunction;
  readonly dashboard: OpsBotDashboard;
  readonly stateTable: StateTable;
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

    // The previous version signed its state on resources with this HMAC key: the jobs only check
    // MACs with it now, for the one-time import into the state table. Kept (retained) until every
    // account has run this version once; docs/upgrading.md says when it can be scheduled for deletion.
    const stateKey = new kms.Key(this, 'StateKey', {
      description: 'Checked once by the SageMaker ops bot to import the state the previous version signed on resources (HMAC)',
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      // Deleting the key would make every saved state unverifiable, components at 0 included.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(stateKey).acknowledge({
      id: 'AwsSolutions-KMS5',
      reason: 'KMS rotates only symmetric encryption keys automatically; HMAC keys cannot have automatic rotation (KMS Developer Guide, Rotating keys).',
    });
    this.stateTable = new StateTable(this, 'State');
    const context: JobContext = { config, distDir: props.distDir, topic: this.topic, stateKey, regions: config.regions ?? [this.stack.region] };
    this.idleEndpoints = new IdleEndpointsJob(this, 'IdleEndpoints', context);
    this.weekendScaling = new WeekendScalingJob(this, 'WeekendScaling', context);
    this.costReport = new CostReportJob(this, 'CostReport', context);
    this.idleNotebooks = new IdleNotebooksJob(this, 'IdleNotebooks', context);
    this.savingsReport = new SavingsReportJob(this, 'SavingsReport', context);
    for (const job of [this.idleEndpoints, this.weekendScaling, this.idleNotebooks]) job.keepsState(this.stateTable, 'write', stateKey);
    // The savings report reads the records the others wrote: it imports nothing, so it needs no key.
    this.savingsReport.keepsState(this.stateTable, 'read');
    this.stateTable.sealWrites();
    if (config.chat) new ChatDelivery(this, 'Chat', { chat: config.chat, topic: this.topic });
    this.dashboard = new OpsBotDashboard(this, 'Dashboard', {
      jobs: {
        'idle-endpoints': this.idleEndpoints,
        'idle-notebooks': this.idleNotebooks,
        'weekend-scaling': this.weekendScaling,
        'cost-report': this.costReport,
        'savings-report': this.savingsReport,
      },
    });
    const jobs = [this.idleEndpoints, this.weekendScaling, this.costReport, this.idleNotebooks, this.savingsReport];
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
    job.acknowledgeWildcards(
      '*',
      "The central topic's key is in another account and not known here; the grant is limited to use through SNS in the topic's region (kms:ViaService), and the key policy there decides.",
    );
  }

  /** What an operator needs after a deploy: where reports go, what to invoke, where to look. */
  private addOutputs(): void {
    new CfnOutput(this, 'TopicArn', { value: this.topic.topicArn, description: 'The report topic: subscriptions and alarms' });
    new CfnOutput(this, 'StateTableName', {
      value: this.stateTable.table.tableName,
      description: "The bot's state table: what it holds, its journal and its ledger (STATE_TABLE for npm run history)",
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.stack.region}.console.aws.amazon.com/cloudwatch/home?region=${this.stack.region}#dashboards:name=${this.dashboard.dashboard.dashboardName}`,
      description: 'The ops bot dashboard (cost per model, unallocated capacity, runs)',
    });
    const dryRuns: ReadonlyArray<[string, ScheduledFunction, string]> = [
      ['IdleEndpoints', this.idleEndpoints, '{"dryRun":true}'],
      ['IdleNotebooks', this.idleNotebooks, '{"dryRun":true}'],
      ['WeekendScaling', this.weekendScaling, '{"action":"scale-down","dryRun":true}'],
      ['CostReport', this.costReport, '{"dryRun":true}'],
      ['SavingsReport', this.savingsReport, '{"dryRun":true}'],
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
