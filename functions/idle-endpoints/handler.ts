/**
 * Lambda entry for `idle-endpoints`: finds idle real-time endpoints, reports what they waste, acts on
 * the opted-in ones; `{"action": "restore" | "recreate", "endpoint": …}` undoes an action.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { parseIdleEndpointsConfig } from '@ops-bot/shared/config';
import { runIdleEndpoints } from '@ops-bot/shared/jobs/idle-endpoints';
import { idleEndpointsEventParser } from '@ops-bot/shared/lambda/events';
import { jobHandler } from '@ops-bot/shared/lambda/handler';
import { createIdleEndpointsClients, liveIdleEndpointsDeps } from '@ops-bot/shared/live/idle-endpoints';
import { deadlineFrom } from '@ops-bot/shared/util/deadline';

const logger = new Logger({ serviceName: 'idle-endpoints' });
const config = parseIdleEndpointsConfig(process.env);
const clients = createIdleEndpointsClients();

// Clients live as long as the container; the dependencies (and the state a run reads) are each run's own.
export const handler = jobHandler(logger, idleEndpointsEventParser(config.regions), (event, context) =>
  runIdleEndpoints(event, { ...liveIdleEndpointsDeps(config, clients, logger), deadline: deadlineFrom(context) }),
);
