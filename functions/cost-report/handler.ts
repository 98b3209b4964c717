/**
 * Lambda entry for `cost-report`: per-endpoint and per-model cost for the last full day, with the
 * unallocated capacity; figures also go out as CloudWatch metrics (EMF) for the dashboard.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parseConfig } from '@ops-bot/shared/config';
import { createEmfSink } from '@ops-bot/shared/aws/emf';
import { createCostReportClients, liveCostReportDeps, runCostReport } from '@ops-bot/shared/jobs/cost-report';
import { parseDryRunEvent, type DryRunEvent } from '@ops-bot/shared/lambda/events';
import { parsedEvent } from '@ops-bot/shared/lambda/middleware';
import { deadlineFrom } from '@ops-bot/shared/util/deadline';
import type { Context } from 'aws-lambda';

const logger = new Logger({ serviceName: 'cost-report' });
const deps = liveCostReportDeps(parseConfig(process.env), createCostReportClients(), createEmfSink(), logger, () => new Date());

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(parsedEvent(parseDryRunEvent))
  .handler((event: unknown, context: Context) => runCostReport(event as DryRunEvent, { ...deps, deadline: deadlineFrom(context) }));
