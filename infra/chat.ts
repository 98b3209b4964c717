/**
 * Optional chat delivery: AWS's chat integration (Amazon Q Developer in chat applications, formerly
 * AWS Chatbot) subscribed to the report topic, for one Slack or Microsoft Teams channel. Reports
 * carry a custom notification for it (shared/src/report/sns-message.ts). The channel only receives
 * notifications: its role has no permissions, and its guardrail caps it at CloudWatch read-only.
 */
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { ChatConfig } from './deploy-config.ts';

const GUARDRAIL = 'CloudWatchReadOnlyAccess';

class ChatDelivery extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: { readonly chat: ChatConfig; readonly topic: sns.ITopic }) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: 'The SageMaker ops bot chat channel: notifications only, no permissions',
    });
    const guardrail = iam.ManagedPolicy.fromAwsManagedPolicyName(GUARDRAIL);
    if ('slack' in props.chat) {
      new chatbot.SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: 'sagemaker-ops-bot',
        slackWorkspaceId: props.chat.slack.workspaceId,
        slackChannelId: props.chat.slack.channelId,
        notificationTopics: [props.topic],
        role: this.role,
        guardrailPolicies: [guardrail],
      });
    } else {
      new chatbot.CfnMicrosoftTeamsChannelConfiguration(this, 'Teams', {
        configurationName: 'sagemaker-ops-bot',
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

export { ChatDelivery };
