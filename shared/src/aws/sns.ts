/**
 * Publishes a rendered report: one SNS message per run, with a full-text email and a one-segment
 * SMS. The message shape is checked by report/sns-message.ts before it gets here.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { requireTopicArn, type CommonConfig } from '../config.ts';
import { clientPerRegion, regionOfArn } from './clients.ts';
import { toPublishInput, type RenderedReport } from '../report/sns-message.ts';

interface Notifier {
  publish(report: RenderedReport): Promise<{ messageId: string | undefined }>;
}

/** `displayName` is the topic's display name, which SNS prefixes to every SMS. */
function createSnsNotifier(client: SNSClient, topicArn: string, displayName: string): Notifier {
  return {
    async publish(report) {
      const output = await client.send(new PublishCommand({ TopicArn: topicArn, ...toPublishInput(report, displayName) }));
      return { messageId: output.MessageId };
    },
  };
}

/**
 * Notifiers for any topic, each publishing in its topic's own region through one SNS client per
 * region, kept for the life of the container. Call once per container (module scope).
 */
function createTopicNotifiers(): (topicArn: string, displayName: string) => Notifier {
  const sns = clientPerRegion((settings) => new SNSClient(settings));
  return (topicArn, displayName) => createSnsNotifier(sns(regionOfArn(topicArn)), topicArn, displayName);
}

/**
 * The notifier a job publishes through: its own topic, and also the organization's central topic
 * when one is configured. Both must take the report: a failure on either is the run's publish
 * failure (the local topic is tried first, so local admins hear of the run either way).
 */
function reportNotifier(notifiers: (topicArn: string, displayName: string) => Notifier, config: CommonConfig): Notifier {
  return {
    async publish(report) {
      const published = await notifiers(requireTopicArn(config), config.topicDisplayName).publish(report);
      if (config.centralTopicArn) await notifiers(config.centralTopicArn, config.topicDisplayName).publish(report);
      return published;
    },
  };
}

export { createSnsNotifier, createTopicNotifiers, reportNotifier };
export type { Notifier };
