/**
 * Lambda entry for `idle-endpoints`: finds idle real-time endpoints and reports what they waste.
 * Thin by design: configuration and clients are made once per container; the job does the rest.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parseConfig } from '@ops-bot/shared/config';
import { createIdleEndpointsClients, liveIdleEndpointsDeps, runIdleEndpoints } from '@ops-bot/shared/jobs/idle-endpoints';
import { parseDryRunEvent, type DryRunEvent } from '@ops-bot/shared/lambda/events';
import { parsedEvent } from '@ops-bot/shared/lambda/middleware';
import { deadlineFrom } from '@ops-bot/shared/util/deadline';
import type { Context } from 'aws-lambda';

const logger = new Logger({ serviceName: 'idle-endpoints' });
const deps = liveIdleEndpointsDeps(parseConfig(process.env), createIdleEndpointsClients(), logger, () => new Date());

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(parsedEvent(parseDryRunEvent))
  .handler((event: unknown, context: Context) => runIdleEndpoints(event as DryRunEvent, { ...deps, deadline: deadlineFrom(context) }));
