/**
 * Lambda entry for `weekend-scaling`: `{"action": "scale-down" | "restore"}`, optionally with
 * `"until"` (ad hoc restore time) and `"dryRun"`. Thin by design; the job does the work.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parseConfig } from '@ops-bot/shared/config';
import { createWeekendScalingClients, liveWeekendScalingDeps, runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { parseWeekendScalingEvent, type WeekendScalingEvent } from '@ops-bot/shared/lambda/events';
import { parsedEvent } from '@ops-bot/shared/lambda/middleware';
import { deadlineFrom } from '@ops-bot/shared/util/deadline';

const logger = new Logger({ serviceName: 'weekend-scaling' });
const config = parseConfig(process.env);
const clients = createWeekendScalingClients();

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(parsedEvent(parseWeekendScalingEvent))
  .handler((event: unknown, context: Context) =>
    runWeekendScaling(event as WeekendScalingEvent, {
      ...liveWeekendScalingDeps(config, clients, logger, () => new Date(), () => context.invokedFunctionArn),
      deadline: deadlineFrom(context),
    }),
  );
