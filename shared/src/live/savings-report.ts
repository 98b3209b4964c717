/** The live wiring of savings-report: the state table's ledger, each region's notebooks, and the bill. */
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { COST_EXPLORER_REGION, createBillReader } from '../aws/cost-explorer.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { liveBotState } from '../aws/bot-state.ts';
import type { SavingsReportConfig } from '../config.ts';
import { clientPerRegion } from '../aws/clients.ts';
import { createMetricsSink } from '../aws/metrics.ts';
import { createNotebookAccess } from '../aws/notebook-instances.ts';
import { createTopicNotifiers, reportNotifier } from '../aws/sns.ts';
import type { SavingsReportDeps } from '../jobs/savings-report.ts';
import type { RunLogger } from '../util/logger.ts';
import { PricingClient } from '@aws-sdk/client-pricing';
import { nearestPriceList } from '../aws/price-list.ts';
import { wallClock } from '../util/clock.ts';

function createSavingsReportClients() {
  return {
    sageMaker: clientPerRegion((settings) => new SageMakerClient(settings)),
    dynamo: clientPerRegion((settings) => new DynamoDBClient(settings)),
    costExplorer: clientPerRegion((settings) => new CostExplorerClient(settings)),
    pricing: clientPerRegion((settings) => new PricingClient(settings)),
    notifiers: createTopicNotifiers(),
  };
}
type SavingsReportClients = ReturnType<typeof createSavingsReportClients>;

function liveSavingsReportDeps(config: SavingsReportConfig, clients: SavingsReportClients, logger: RunLogger, clock = wallClock): SavingsReportDeps {
  return {
    config,
    clock,
    logger,
    state: liveBotState(config, clients, clock),
    metrics: createMetricsSink('savings-report', logger),
    notifier: reportNotifier(clients.notifiers, config),
    priceList: nearestPriceList(clients.pricing, config.regions, clock),
    bill: createBillReader(clients.costExplorer(COST_EXPLORER_REGION)),
    accessFor: (region) => ({ notebooks: createNotebookAccess(clients.sageMaker(region)) }),
  };
}

export { createSavingsReportClients, liveSavingsReportDeps };
export type { SavingsReportClients };
