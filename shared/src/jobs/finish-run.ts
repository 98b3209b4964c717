/**
 * How every job ends: it logs what it did, publishes the report, and only then fails when it must.
 * The run's outcome is in the log before anything can go wrong with SNS; a Publish that fails
 * (throttled past the SDK's retries, denied) is logged and raised after the run's own error, which
 * it never replaces: a run that could read no region fails with that reason, not with SNS's.
 */
import { describeFailure, PublishFailedError } from '../errors.ts';
import type { Notifier } from '../aws/sns.ts';
import type { RenderedReport } from '../report/sns-message.ts';
import type { RunLogger } from '../util/logger.ts';

interface FinishRun {
  readonly logger: RunLogger;
  /** The run's outcome, logged before publishing. */
  readonly outcome: Readonly<Record<string, unknown>>;
  /** Undefined when nothing is to be published (a dry run, or nothing worth sending). */
  readonly publish?: { readonly notifier: Notifier; readonly report: RenderedReport };
  /** The run's own failure, raised after the report is out. */
  readonly runFailure?: Error;
}

async function finishRun({ logger, outcome, publish, runFailure }: FinishRun): Promise<{ messageId?: string }> {
  logger.info('Run finished', { ...outcome });
  let publishFailure: PublishFailedError | undefined;
  let messageId: string | undefined;
  if (publish) {
    try {
      ({ messageId } = await publish.notifier.publish(publish.report));
      logger.info('Report published', { messageId });
    } catch (error) {
      publishFailure = new PublishFailedError(`Publishing the report failed: ${describeFailure(error)}`, { cause: error });
      logger.error('Publishing the report failed', { reason: describeFailure(error) });
    }
  }
  if (runFailure) throw runFailure;
  if (publishFailure) throw publishFailure;
  return messageId === undefined ? {} : { messageId };
}

export { finishRun };
export type { FinishRun };
