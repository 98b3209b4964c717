/**
 * Lambda entry for `idle-notebooks`: `{"action": "idle-check" | "studio-audit" | "off-hours-stop"
 * | "morning-start"}` (default idle-check), optionally `"dryRun": true`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { parseIdleNotebooksConfig } from '@ops-bot/shared/config';
import { runIdleNotebooks } from '@ops-bot/shared/jobs/idle-notebooks';
import { parseNotebookEvent } from '@ops-bot/shared/lambda/events';
import { jobHandler } from '@ops-bot/shared/lambda/handler';
import { createIdleNotebooksClients, liveIdleNotebooksDeps } from '@ops-bot/shared/live/idle-notebooks';
import { deadlineFrom } from '@ops-bot/shared/util/deadline';

const logger = new Logger({ serviceName: 'idle-notebooks' });
const config = parseIdleNotebooksConfig(process.env);
const clients = createIdleNotebooksClients();

// Clients live as long as the container; the dependencies (and the state a run reads) are each run's own.
export const handler = jobHandler(logger, parseNotebookEvent, (event, context) =>
  runIdleNotebooks(event, { ...liveIdleNotebooksDeps(config, clients, logger), deadline: deadlineFrom(context) }),
);
