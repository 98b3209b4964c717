/**
 * The bot in every account of an organization: one CloudFormation StackSet with service-managed
 * permissions, targeting OUs, deployed from the management or a delegated administrator account.
 * CloudFormation does the fan-out (and deploys to accounts that join the OUs later); nothing here
 * loops over accounts. Built with cdklabs' cdk-stacksets: each member stack is the same `OpsBot`
 * construct as a single-account deploy, and the Lambda code travels through one bucket per target
 * region, `<assetBucketPrefix>-<region>`, which must exist and be readable by the organization.
 *
 *   OPS_BOT_CONFIG=ops-bot.config.json npx cdk synth --app "npx tsx infra/stackset-app.ts"
 */
import { App, Stack, Token, Validations, type Environment } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Capability, DeploymentType, StackSet, StackSetStack, StackSetTarget, StackSetTemplate } from 'cdk-stacksets';
import { ChatDelivery, chatReminder } from './chat.ts';
import { DeployConfigError, exitOnConfigProblems, parseDeployConfig, readDeployConfig, type ChatConfig } from './deploy-config.ts';
import { OpsBot } from './ops-bot-stack.ts';
import { acknowledgeWildcardArns } from './nag.ts';

function buildStackSetApp(
  app: App,
  distDir: string,
  env: Environment = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  rawConfig?: unknown,
): { parent: Stack; member: StackSetStack; bot: OpsBot } {
  const config =
    rawConfig !== undefined
      ? parseDeployConfig(rawConfig)
      : readDeployConfig({ contextValue: app.node.tryGetContext('opsBot'), ...(process.env.OPS_BOT_CONFIG ? { file: process.env.OPS_BOT_CONFIG } : {}) });
  const targets = config.stackSets;
  if (!targets)
    throw new DeployConfigError(
      'stackSets',
      'is required for the StackSets app: { "organizationalUnits": [...], "regions": [...], "assetBucketPrefix": "..." }',
    );

  // Chat lives once, beside the central topic: a channel configuration needs the Slack workspace or
  // Teams tenant authorized by hand in its own account, which most member accounts never are.
  if (config.chat && !config.centralTopicArn) {
    throw new DeployConfigError(
      'chat',
      'with stackSets goes to the central topic, in this administrator stack only (a chat configuration in every member account fails wherever nobody authorized the workspace by hand): set centralTopicArn to a topic of this account',
    );
  }

  const parent = new Stack(app, 'SageMakerOpsBotStackSet', {
    env,
    description: 'sagemaker-ops-bot for every account of the organization units it targets (a service-managed StackSet)',
  });
  const assetBuckets = targets.regions.map((region) => s3.Bucket.fromBucketName(parent, `Assets-${region}`, `${targets.assetBucketPrefix}-${region}`));
  const member = new StackSetStack(parent, 'Member', { assetBuckets, assetBucketPrefix: targets.assetBucketPrefix });
  // Each stack instance reads its own account and region: the member template names no region, and
  // holds no chat (members publish to the central topic, which carries it).
  const { regions: _ignored, stackSets: _targets, chat: _chat, ...memberConfig } = config;
  const bot = new OpsBot(member, 'Default', { config: memberConfig, distDir });
  new StackSet(parent, 'StackSet', {
    target: StackSetTarget.fromOrganizationalUnits({ regions: [...targets.regions], organizationalUnits: [...targets.organizationalUnits] }),
    deploymentType: DeploymentType.serviceManaged({ autoDeployEnabled: true, autoDeployRetainStacks: false, delegatedAdmin: true }),
    template: StackSetTemplate.fromStackSetStack(member),
    capabilities: [Capability.IAM],
  });
  acknowledgeAssetCopier(parent, targets.assetBucketPrefix, targets.regions);
  if (config.chat && config.centralTopicArn) centralChat(parent, config.chat, config.centralTopicArn);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { parent, member, bot };
}

/**
 * The chat channel of the whole organization, on the central topic. AWS's chat integration subscribes
 * to topics of its own account, so the topic must be this stack's account's (checked when synth knows it).
 */
function centralChat(parent: Stack, chat: ChatConfig, centralTopicArn: string): void {
  const topicAccount = centralTopicArn.split(':')[4];
  if (!Token.isUnresolved(parent.account) && topicAccount !== parent.account) {
    throw new DeployConfigError(
      'centralTopicArn',
      `is in account ${topicAccount}, but chat would be configured in ${parent.account}: deploy the StackSets app from the central topic's account, or leave chat out here and configure it there`,
    );
  }
  new ChatDelivery(parent, 'Chat', { chat, topic: sns.Topic.fromTopicArn(parent, 'CentralTopic', centralTopicArn) });
}

/**
 * cdk-stacksets copies the Lambda code with CDK's own BucketDeployment (a singleton custom resource
 * in the parent stack, created with the member's assets). Its role and runtime are CDK's, not ours:
 * acknowledged there, on that construct only, with the reason.
 */
function acknowledgeAssetCopier(parent: Stack, assetBucketPrefix: string, regions: readonly string[]): void {
  const copier = parent.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!copier) return;
  const reason =
    "CDK's BucketDeployment custom resource, which cdk-stacksets uses to copy the Lambda code into the per-region asset buckets; its policy and runtime are set by aws-cdk-lib.";
  const nag = Validations.of(copier);
  nag.acknowledge(
    { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason },
    { id: 'AwsSolutions-L1', reason },
    ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason,
    })),
  );
  const assetBucket = parent.formatArn({
    service: 's3',
    region: '',
    account: '',
    resource: `cdk-hnb659fds-assets-${parent.account}-${parent.region}`,
    resourceName: '*',
  });
  acknowledgeWildcardArns(
    copier,
    [
      assetBucket,
      ...regions.map((region) => parent.formatArn({ service: 's3', region: '', account: '', resource: `${assetBucketPrefix}-${region}`, resourceName: '*' })),
    ],
    reason,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = new App();
  exitOnConfigProblems(() => buildStackSetApp(app, new URL('../dist', import.meta.url).pathname));
  const reminder = chatReminder(app);
  if (reminder) console.error(reminder);
  app.synth();
}

export { buildStackSetApp };
