/**
 * Lambda entry for `savings-report`: what the bot saved last month (`{}`, the 1st of each month),
 * or in any month so far (`{"month": "2026-11"}`), optionally `"dryRun": true`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { parseSavingsReportConfig } from '@ops-bot/shared/config';
import { runSavingsReport } from '@ops-bot/shared/jobs/savings-report';
import { savingsReportEventParser } from '@ops-bot/shared/lambda/events';
import { jobHandler } from '@ops-bot/shared/lambda/handler';
import { createSavingsReportClients, liveSavingsReportDeps } from '@ops-bot/shared/live/savings-report';
import { deadlineFrom } from '@ops-bot/shared/util/deadline';
import { wallClock } from '@ops-bot/shared/util/clock';

const logger = new Logger({ serviceName: 'savings-report' });
const config = parseSavingsReportConfig(process.env);
const clients = createSavingsReportClients();

// Clients live as long as the container; the dependencies (and the state a run reads) are each run's own.
export const handler = jobHandler(logger, savingsReportEventParser(config.timezone, wallClock), (event, context) =>
  runSavingsReport(event, { ...liveSavingsReportDeps(config, clients, logger), deadline: deadlineFrom(context) }),
);
