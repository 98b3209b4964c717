/** The live wiring of weekend-scaling. One-time restores invoke the function's own ARN, in its own region. */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { liveBotState } from '../aws/bot-state.ts';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { WeekendScalingConfig } from '../config.ts';
import { createScalingAccess } from '../aws/autoscaling.ts';
import { clientPerRegion } from '../aws/clients.ts';
import { createMetricsReader } from '../aws/cloudwatch.ts';
import { createComponentAccess } from '../aws/inference-components.ts';
import { createMetricsSink } from '../aws/metrics.ts';
import { createEndpointReader } from '../aws/sagemaker.ts';
import { oneTimeSchedulerFor } from '../aws/scheduler.ts';
import { createTopicNotifiers, reportNotifier } from '../aws/sns.ts';
import { createTagReader } from '../aws/tagging.ts';
import type { WeekendScalingDeps } from '../jobs/weekend-scaling.ts';
import type { RunLogger } from '../util/logger.ts';
import { PricingClient } from '@aws-sdk/client-pricing';
import { nearestPriceList } from '../aws/price-list.ts';
import { wallClock } from '../util/clock.ts';

function createWeekendScalingClients() {
  return {
    sageMaker: clientPerRegion((settings) => new SageMakerClient(settings)),
    kms: clientPerRegion((settings) => new KMSClient(settings)),
    dynamo: clientPerRegion((settings) => new DynamoDBClient(settings)),
    autoScaling: clientPerRegion((settings) => new ApplicationAutoScalingClient(settings)),
    tagging: clientPerRegion((settings) => new ResourceGroupsTaggingAPIClient(settings)),
    scheduler: clientPerRegion((settings) => new SchedulerClient(settings)),
    cloudWatch: clientPerRegion((settings) => new CloudWatchClient(settings)),
    pricing: clientPerRegion((settings) => new PricingClient(settings)),
    notifiers: createTopicNotifiers(),
  };
}
type Clients = ReturnType<typeof createWeekendScalingClients>;

function liveWeekendScalingDeps(
  config: WeekendScalingConfig,
  clients: Clients,
  logger: RunLogger,
  functionArn: () => string | undefined,
  clock = wallClock,
): WeekendScalingDeps {
  return {
    config,
    clock,
    logger,
    state: liveBotState(config, clients, clock),
    metrics: createMetricsSink('weekend-scaling', logger),
    notifier: reportNotifier(clients.notifiers, config),
    priceList: nearestPriceList(clients.pricing, config.regions, clock),
    accessFor: (region) => ({
      endpoints: createEndpointReader(clients.sageMaker(region)),
      components: createComponentAccess(clients.sageMaker(region)),
      scaling: createScalingAccess(clients.autoScaling(region)),
      tags: createTagReader(clients.tagging(region)),
      metrics: createMetricsReader(clients.cloudWatch(region)),
    }),
    ownMetrics: process.env.AWS_REGION ? createMetricsReader(clients.cloudWatch(process.env.AWS_REGION)) : undefined,
    scheduler: () => oneTimeSchedulerFor(config.oneTimeSchedules, functionArn(), clients.scheduler),
  };
}

export { createWeekendScalingClients, liveWeekendScalingDeps };
export type { Clients as WeekendScalingClients };
