/**
 * Optional chat delivery: AWS's chat integration (Amazon Q Developer in chat applications, formerly
 * AWS Chatbot) subscribed to the report topic, for one Slack or Microsoft Teams channel. Reports
 * carry a custom notification for it (shared/src/report/sns-message.ts). The channel only receives
 * notifications: its role has no permissions, and its guardrail caps it at CloudWatch read-only.
 */
import { Stack, Token } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';
import type { ChatConfig } from './deploy-config.ts';

const GUARDRAIL = 'CloudWatchReadOnlyAccess';

/** ConfigurationName: 1–128 characters of `A-Za-z0-9-_` (AWS Chatbot API Reference, CreateSlackChannelConfiguration). */
const NAME_MAX_CHARS = 128;
/** The longest region code (`ap-southeast-7`), for a name whose region is only known at deploy. */
const REGION_MAX_CHARS = 14;

/**
 * A channel configuration's name is unique in its account across every region: `ops-bot-<region>-<stack>`
 * cannot collide between two regions or two stacks of one account. The region may be a deploy-time
 * value (an environment-agnostic stack); the stack name is cut so that any region still fits.
 */
function channelConfigurationName(scope: Construct): string {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
  const stackName = stack.stackName.replace(/[^A-Za-z0-9_-]/g, '-');
  const room = NAME_MAX_CHARS - 'ops-bot--'.length - (region?.length ?? REGION_MAX_CHARS);
  return `ops-bot-${stack.region}-${stackName.slice(0, room)}`;
}

/** The one step no template can take: said at every synth that deploys chat. */
const AUTHORIZATION_REMINDER =
  'Chat: before deploying, authorize the Slack workspace (or Microsoft Teams tenant) once in this account: AWS console, Amazon Q Developer in chat applications, Configure new client (docs/deploy.md, "Chat").';

class ChatDelivery extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: { readonly chat: ChatConfig; readonly topic: sns.ITopic }) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: 'The SageMaker ops bot chat channel: notifications only, no permissions',
    });
    const guardrail = iam.ManagedPolicy.fromAwsManagedPolicyName(GUARDRAIL);
    const name = channelConfigurationName(this);
    if ('slack' in props.chat) {
      new chatbot.SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: name,
        slackWorkspaceId: props.chat.slack.workspaceId,
        slackChannelId: props.chat.slack.channelId,
        notificationTopics: [props.topic],
        role: this.role,
        guardrailPolicies: [guardrail],
      });
    } else {
      new chatbot.CfnMicrosoftTeamsChannelConfiguration(this, 'Teams', {
        configurationName: name,
        teamId: props.chat.teams.teamId,
        teamsChannelId: props.chat.teams.channelId,
        teamsTenantId: props.chat.teams.tenantId,
        iamRoleArn: this.role.roleArn,
        snsTopicArns: [props.topic.topicArn],
        guardrailPolicies: [guardrail.managedPolicyArn],
      });
    }
  }
}

/** The line synth prints when the app holds a chat configuration (CDK shows no info annotations at synth). */
function chatReminder(app: IConstruct): string | undefined {
  return app.node.findAll().some((construct) => construct instanceof ChatDelivery) ? AUTHORIZATION_REMINDER : undefined;
}

export { ChatDelivery, AUTHORIZATION_REMINDER, chatReminder };
