/** The live wiring of idle-notebooks: its clients (one per region, per container) and its dependencies. */
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { createMetricsReader } from '../aws/cloudwatch.ts';
import { liveBotState } from '../aws/bot-state.ts';
import type { IdleNotebooksConfig } from '../config.ts';
import { clientPerRegion } from '../aws/clients.ts';
import { readJupyterActivity } from '../aws/jupyter.ts';
import { createMetricsSink } from '../aws/metrics.ts';
import { createNotebookAccess } from '../aws/notebook-instances.ts';
import { createTopicNotifiers, reportNotifier } from '../aws/sns.ts';
import { createStudioAccess } from '../aws/studio.ts';
import { createTagReader } from '../aws/tagging.ts';
import type { IdleNotebooksDeps } from '../jobs/idle-notebooks.ts';
import type { RunLogger } from '../util/logger.ts';
import { PricingClient } from '@aws-sdk/client-pricing';
import { nearestPriceList } from '../aws/price-list.ts';
import { wallClock } from '../util/clock.ts';

function createIdleNotebooksClients() {
  return {
    sageMaker: clientPerRegion((settings) => new SageMakerClient(settings)),
    kms: clientPerRegion((settings) => new KMSClient(settings)),
    dynamo: clientPerRegion((settings) => new DynamoDBClient(settings)),
    tagging: clientPerRegion((settings) => new ResourceGroupsTaggingAPIClient(settings)),
    cloudWatch: clientPerRegion((settings) => new CloudWatchClient(settings)),
    pricing: clientPerRegion((settings) => new PricingClient(settings)),
    notifiers: createTopicNotifiers(),
  };
}
type IdleNotebooksClients = ReturnType<typeof createIdleNotebooksClients>;

function liveIdleNotebooksDeps(
  config: IdleNotebooksConfig,
  clients: IdleNotebooksClients,
  logger: RunLogger,
  clock: () => Date = wallClock,
): IdleNotebooksDeps {
  return {
    config,
    clock,
    logger,
    state: liveBotState(config, clients, clock),
    metrics: createMetricsSink('idle-notebooks', logger),
    notifier: reportNotifier(clients.notifiers, config),
    priceList: nearestPriceList(clients.pricing, config.regions, clock),
    accessFor: (region) => ({
      notebooks: createNotebookAccess(clients.sageMaker(region)),
      studio: createStudioAccess(clients.sageMaker(region), region),
      tags: createTagReader(clients.tagging(region)),
      metrics: createMetricsReader(clients.cloudWatch(region)),
    }),
    readActivity: async (presignedUrl) => ({
      status: 'read',
      ...(await readJupyterActivity(presignedUrl, { timeoutMs: config.notebookJupyterTimeoutSeconds * 1000 })),
    }),
  };
}

export { createIdleNotebooksClients, liveIdleNotebooksDeps };
export type { IdleNotebooksClients };
