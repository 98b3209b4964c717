/**
 * Publishes a rendered report: one SNS message per run, with a full-text email and a one-segment
 * SMS. The message shape is checked by report/sns-message.ts before it gets here.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { toPublishInput, type RenderedReport } from '../report/sns-message.ts';

interface Notifier {
  publish(report: RenderedReport): Promise<{ messageId: string | undefined }>;
}

function createSnsNotifier(client: SNSClient, topicArn: string): Notifier {
  return {
    async publish(report) {
      const output = await client.send(new PublishCommand({ TopicArn: topicArn, ...toPublishInput(report) }));
      return { messageId: output.MessageId };
    },
  };
}

export { createSnsNotifier };
export type { Notifier };
