/** The live wiring of savings-report: the bot's own metrics in the function's region, and each region's notebooks. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { COST_EXPLORER_REGION, createBillReader } from '../aws/cost-explorer.ts';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { liveBotState } from '../aws/bot-state.ts';
import type { SavingsReportConfig } from '../config.ts';
import { clientPerRegion } from '../aws/clients.ts';
import { createMetricsReader } from '../aws/cloudwatch.ts';
import { createMetricsSink } from '../aws/metrics.ts';
import { createNotebookAccess } from '../aws/notebook-instances.ts';
import { createTopicNotifiers, reportNotifier } from '../aws/sns.ts';
import { createTagReader } from '../aws/tagging.ts';
import type { SavingsReportDeps } from '../jobs/savings-report.ts';
import type { RunLogger } from '../util/logger.ts';
import { PricingClient } from '@aws-sdk/client-pricing';
import { nearestPriceList } from '../aws/price-list.ts';
import { wallClock } from '../util/clock.ts';

function createSavingsReportClients() {
  return {
    sageMaker: clientPerRegion((settings) => new SageMakerClient(settings)),
    kms: clientPerRegion((settings) => new KMSClient(settings)),
    dynamo: clientPerRegion((settings) => new DynamoDBClient(settings)),
    cloudWatch: clientPerRegion((settings) => new CloudWatchClient(settings)),
    tagging: clientPerRegion((settings) => new ResourceGroupsTaggingAPIClient(settings)),
    costExplorer: clientPerRegion((settings) => new CostExplorerClient(settings)),
    pricing: clientPerRegion((settings) => new PricingClient(settings)),
    notifiers: createTopicNotifiers(),
  };
}
type SavingsReportClients = ReturnType<typeof createSavingsReportClients>;

/** `metricsRegion` is where the bot's functions write their metrics: the stack's (and this function's) region. */
function liveSavingsReportDeps(
  config: SavingsReportConfig,
  clients: SavingsReportClients,
  logger: RunLogger,
  metricsRegion: string,
  clock = wallClock,
): SavingsReportDeps {
  return {
    config,
    clock,
    logger,
    state: liveBotState(config, clients, clock),
    metrics: createMetricsSink('savings-report', logger),
    notifier: reportNotifier(clients.notifiers, config),
    priceList: nearestPriceList(clients.pricing, config.regions, clock),
    ownMetrics: createMetricsReader(clients.cloudWatch(metricsRegion)),
    bill: createBillReader(clients.costExplorer(COST_EXPLORER_REGION)),
    accessFor: (region) => ({ notebooks: createNotebookAccess(clients.sageMaker(region)), tags: createTagReader(clients.tagging(region)) }),
  };
}

export { createSavingsReportClients, liveSavingsReportDeps };
export type { SavingsReportClients };
