/** Lambda entry for `idle-endpoints`: finds idle real-time endpoints and reports what they waste. */
import { Logger } from '@aws-lambda-powertools/logger';
import { parseIdleEndpointsConfig } from '@ops-bot/shared/config';
import { runIdleEndpoints } from '@ops-bot/shared/jobs/idle-endpoints';
import { parseDryRunEvent } from '@ops-bot/shared/lambda/events';
import { jobHandler } from '@ops-bot/shared/lambda/handler';
import { createIdleEndpointsClients, liveIdleEndpointsDeps } from '@ops-bot/shared/live/idle-endpoints';
import { deadlineFrom } from '@ops-bot/shared/util/deadline';

const logger = new Logger({ serviceName: 'idle-endpoints' });
const deps = liveIdleEndpointsDeps(parseIdleEndpointsConfig(process.env), createIdleEndpointsClients(), logger);

export const handler = jobHandler(logger, parseDryRunEvent, (event, context) => runIdleEndpoints(event, { ...deps, deadline: deadlineFrom(context) }));
