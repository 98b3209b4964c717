import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { createTopicNotifiers, reportNotifier } from '@ops-bot/shared/aws/sns';

const LOCAL = 'arn:aws:sns:eu-west-1:111122223333:ops-bot';
const CENTRAL = 'arn:aws:sns:us-east-1:999988887777:org-ops-bot';
const report = { subject: 'S', email: 'E', sms: 'short' };

describe('Function: reportNotifier', () => {
  const sns = mockClient(SNSClient);
  afterEach(() => sns.reset());

  it("publishes to the job's topic only, without a central topic", async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    // Act
    await reportNotifier(createTopicNotifiers(), { topicArn: LOCAL, regions: ['eu-west-1'], topicDisplayName: 'OpsBot' }).publish(report);

    // Assess
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: LOCAL });
  });

  it('publishes to the local topic first, then to the central one, each in its own region', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    // Act
    const { messageId } = await reportNotifier(createTopicNotifiers(), {
      topicArn: LOCAL,
      regions: ['eu-west-1'],
      topicDisplayName: 'OpsBot',
      centralTopicArn: CENTRAL,
    }).publish(report);

    // Assess
    expect(messageId).toBe('m-1');
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input.TopicArn)).toEqual([LOCAL, CENTRAL]);
    const regions = await Promise.all(sns.commandCalls(PublishCommand).map((call) => (call.thisValue as SNSClient).config.region()));
    expect(regions).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('fails the publish when the central topic refuses it, after the local one took it', async () => {
    // Prepare
    sns.on(PublishCommand, { TopicArn: LOCAL }).resolves({ MessageId: 'm-1' });
    sns
      .on(PublishCommand, { TopicArn: CENTRAL })
      .rejects(Object.assign(new Error('not authorized to perform SNS:Publish'), { name: 'AuthorizationErrorException', $metadata: {} }));

    // Act & Assess
    await expect(
      reportNotifier(createTopicNotifiers(), { topicArn: LOCAL, regions: ['eu-west-1'], topicDisplayName: 'OpsBot', centralTopicArn: CENTRAL }).publish(report),
    ).rejects.toThrow(/not authorized/);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: LOCAL });
  });

  it('refuses to publish without a topic, naming TOPIC_ARN, and calls no AWS', async () => {
    // Act & Assess
    await expect(
      reportNotifier(createTopicNotifiers(), { topicArn: undefined, regions: ['eu-west-1'], topicDisplayName: 'OpsBot' }).publish(report),
    ).rejects.toThrow(/TOPIC_ARN is not set/);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });
});
