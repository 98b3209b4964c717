/**
 * Lambda entry for `idle-notebooks`: `{"action": "idle-check" | "studio-audit" | "off-hours-stop"
 * | "morning-start"}` (default idle-check), optionally `"dryRun": true`.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parseConfig } from '@ops-bot/shared/config';
import { createIdleNotebooksClients, liveIdleNotebooksDeps, runIdleNotebooks } from '@ops-bot/shared/jobs/idle-notebooks';
import { parseNotebookEvent, type NotebookEvent } from '@ops-bot/shared/lambda/events';
import { parsedEvent } from '@ops-bot/shared/lambda/middleware';
import { deadlineFrom } from '@ops-bot/shared/util/deadline';
import type { Context } from 'aws-lambda';

const logger = new Logger({ serviceName: 'idle-notebooks' });
const deps = liveIdleNotebooksDeps(parseConfig(process.env), createIdleNotebooksClients(), logger, () => new Date());

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(parsedEvent(parseNotebookEvent))
  .handler((event: unknown, context: Context) => runIdleNotebooks(event as NotebookEvent, { ...deps, deadline: deadlineFrom(context) }));
