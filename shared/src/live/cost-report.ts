/** The live wiring of cost-report: its clients (one per region, per container) and its dependencies. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CostReportConfig } from '../config.ts';
import { clientPerRegion } from '../aws/clients.ts';
import { createMetricsReader } from '../aws/cloudwatch.ts';
import { createComponentAccess } from '../aws/inference-components.ts';
import { COST_EXPLORER_REGION, createBillReader } from '../aws/cost-explorer.ts';
import { createMetricsSink } from '../aws/metrics.ts';
import { createEndpointReader } from '../aws/sagemaker.ts';
import { createNotebookAccess } from '../aws/notebook-instances.ts';
import { createStudioAccess } from '../aws/studio.ts';
import { createTopicNotifiers, reportNotifier } from '../aws/sns.ts';
import type { CostReportDeps } from '../jobs/cost-report.ts';
import type { RunLogger } from '../util/logger.ts';
import { PricingClient } from '@aws-sdk/client-pricing';
import { nearestPriceList } from '../aws/price-list.ts';
import { wallClock } from '../util/clock.ts';

function createCostReportClients() {
  return {
    sageMaker: clientPerRegion((settings) => new SageMakerClient(settings)),
    cloudWatch: clientPerRegion((settings) => new CloudWatchClient(settings)),
    costExplorer: clientPerRegion((settings) => new CostExplorerClient(settings)),
    pricing: clientPerRegion((settings) => new PricingClient(settings)),
    notifiers: createTopicNotifiers(),
  };
}
type CostReportClients = ReturnType<typeof createCostReportClients>;

function liveCostReportDeps(config: CostReportConfig, clients: CostReportClients, logger: RunLogger, clock: () => Date = wallClock): CostReportDeps {
  return {
    config,
    clock,
    logger,
    metrics: createMetricsSink('cost-report', logger),
    notifier: reportNotifier(clients.notifiers, config),
    priceList: nearestPriceList(clients.pricing, config.regions, clock),
    accessFor: (region) => ({
      endpoints: createEndpointReader(clients.sageMaker(region)),
      components: createComponentAccess(clients.sageMaker(region)),
      metrics: createMetricsReader(clients.cloudWatch(region)),
      inventory: {
        notebooks: async () => (await createNotebookAccess(clients.sageMaker(region)).list('InService')).map((notebook) => ({ ...notebook, region })),
        apps: () => createStudioAccess(clients.sageMaker(region), region).listRunningApps(),
      },
    }),
    bill: createBillReader(clients.costExplorer(COST_EXPLORER_REGION)),
  };
}

export { createCostReportClients, liveCostReportDeps };
export type { CostReportClients };
