/** The live wiring of idle-endpoints: its clients (one per region, per container) and its dependencies. */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { liveBotState } from '../aws/bot-state.ts';
import type { IdleEndpointsConfig } from '../config.ts';
import { clientPerRegion, type ClientOverrides } from '../aws/clients.ts';
import { createScalingAccess } from '../aws/autoscaling.ts';
import { createVariantScalingAccess } from '../aws/variant-autoscaling.ts';
import { createMetricsReader } from '../aws/cloudwatch.ts';
import { createEndpointLifecycle } from '../aws/endpoint-lifecycle.ts';
import { createComponentAccess } from '../aws/inference-components.ts';
import { createRecommendationReader } from '../aws/inference-recommender.ts';
import { createMetricsSink } from '../aws/metrics.ts';
import { createEndpointReader } from '../aws/sagemaker.ts';
import { createTopicNotifiers, reportNotifier } from '../aws/sns.ts';
import { createTagReader } from '../aws/tagging.ts';
import { collectIdleEndpointsSnapshot, type IdleEndpointsDeps, type RegionReaders } from '../jobs/idle-endpoints.ts';
import type { RunLogger } from '../util/logger.ts';
import { PricingClient } from '@aws-sdk/client-pricing';
import { nearestPriceList } from '../aws/price-list.ts';
import { wallClock } from '../util/clock.ts';

/** Call once per container (module scope): the clients live as long as it does. */
function createIdleEndpointsClients(overrides: ClientOverrides = {}) {
  return {
    sageMaker: clientPerRegion((settings) => new SageMakerClient(settings), overrides),
    kms: clientPerRegion((settings) => new KMSClient(settings), overrides),
    dynamo: clientPerRegion((settings) => new DynamoDBClient(settings), overrides),
    cloudWatch: clientPerRegion((settings) => new CloudWatchClient(settings), overrides),
    tagging: clientPerRegion((settings) => new ResourceGroupsTaggingAPIClient(settings), overrides),
    autoScaling: clientPerRegion((settings) => new ApplicationAutoScalingClient(settings), overrides),
    pricing: clientPerRegion((settings) => new PricingClient(settings), overrides),
    notifiers: createTopicNotifiers(),
  };
}
type IdleEndpointsClients = ReturnType<typeof createIdleEndpointsClients>;

function liveIdleEndpointsDeps(config: IdleEndpointsConfig, clients: IdleEndpointsClients, logger: RunLogger, clock = wallClock): IdleEndpointsDeps {
  const readersFor = (region: string): RegionReaders => ({
    endpoints: createEndpointReader(clients.sageMaker(region)),
    metrics: createMetricsReader(clients.cloudWatch(region)),
    tags: createTagReader(clients.tagging(region)),
    components: createComponentAccess(clients.sageMaker(region)),
    recommendations: createRecommendationReader(clients.sageMaker(region)),
  });
  const state = liveBotState(config, clients, clock);
  return {
    config,
    clock,
    logger,
    state,
    metrics: createMetricsSink('idle-endpoints', logger),
    notifier: reportNotifier(clients.notifiers, config),
    priceList: nearestPriceList(clients.pricing, config.regions, clock),
    ownMetrics: process.env.AWS_REGION ? createMetricsReader(clients.cloudWatch(process.env.AWS_REGION)) : undefined,
    actionsFor: (region) => ({
      ...readersFor(region),
      lifecycle: createEndpointLifecycle(clients.sageMaker(region)),
      components: createComponentAccess(clients.sageMaker(region)),
      scaling: createScalingAccess(clients.autoScaling(region)),
      variantScaling: createVariantScalingAccess(clients.autoScaling(region)),
    }),
    collect: (deadline) => {
      const { regions, endpointIdleHours: idleHours, describeConcurrency } = config;
      return collectIdleEndpointsSnapshot({ deadline, regions, readersFor, now: clock(), idleHours, describeConcurrency, state });
    },
  };
}

export { createIdleEndpointsClients, liveIdleEndpointsDeps };
export type { IdleEndpointsClients };
