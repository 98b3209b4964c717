/**
 * Lambda entry for `weekend-scaling`: `{"action": "scale-down" | "restore"}`, optionally with
 * `"until"` (an ad hoc restore time, checked in full before any AWS call) and `"dryRun"`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { parseWeekendScalingConfig } from '@ops-bot/shared/config';
import { runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { weekendEventParser } from '@ops-bot/shared/lambda/events';
import { jobHandler } from '@ops-bot/shared/lambda/handler';
import { createWeekendScalingClients, liveWeekendScalingDeps } from '@ops-bot/shared/live/weekend-scaling';
import { deadlineFrom } from '@ops-bot/shared/util/deadline';
import { wallClock } from '@ops-bot/shared/util/clock';

const logger = new Logger({ serviceName: 'weekend-scaling' });
const config = parseWeekendScalingConfig(process.env);
const clients = createWeekendScalingClients();

export const handler = jobHandler(logger, weekendEventParser(config, wallClock), (event, context) =>
  runWeekendScaling(event, { ...liveWeekendScalingDeps(config, clients, logger, () => context.invokedFunctionArn), deadline: deadlineFrom(context) }),
);
