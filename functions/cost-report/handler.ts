/**
 * Lambda entry for `cost-report`: per-endpoint and per-model cost for the last full day, with the
 * unallocated capacity; the figures also go out as CloudWatch metrics for the dashboard.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { parseCostReportConfig } from '@ops-bot/shared/config';
import { runCostReport } from '@ops-bot/shared/jobs/cost-report';
import { parseDryRunEvent } from '@ops-bot/shared/lambda/events';
import { jobHandler } from '@ops-bot/shared/lambda/handler';
import { createCostReportClients, liveCostReportDeps } from '@ops-bot/shared/live/cost-report';
import { deadlineFrom } from '@ops-bot/shared/util/deadline';

const logger = new Logger({ serviceName: 'cost-report' });
const deps = liveCostReportDeps(parseCostReportConfig(process.env), createCostReportClients(), logger);

export const handler = jobHandler(logger, parseDryRunEvent, (event, context) => runCostReport(event, { ...deps, deadline: deadlineFrom(context) }));
