/** The live wiring of weekend-scaling. One-time restores invoke the function's own ARN, in its own region. */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { ENV, type WeekendScalingConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { createScalingAccess } from '../aws/autoscaling.ts';
import { clientPerRegion, regionOfArn } from '../aws/clients.ts';
import { createComponentAccess } from '../aws/inference-components.ts';
import { createMetricsSink } from '../aws/metrics.ts';
import { createEndpointReader } from '../aws/sagemaker.ts';
import { createOneTimeScheduler } from '../aws/scheduler.ts';
import { createTopicNotifiers, reportNotifier } from '../aws/sns.ts';
import { createTagReader } from '../aws/tagging.ts';
import type { WeekendScalingDeps } from '../jobs/weekend-scaling.ts';
import type { RunLogger } from '../util/logger.ts';

function createWeekendScalingClients() {
  return {
    sageMaker: clientPerRegion((settings) => new SageMakerClient(settings)),
    autoScaling: clientPerRegion((settings) => new ApplicationAutoScalingClient(settings)),
    tagging: clientPerRegion((settings) => new ResourceGroupsTaggingAPIClient(settings)),
    scheduler: clientPerRegion((settings) => new SchedulerClient(settings)),
    notifiers: createTopicNotifiers(),
  };
}
type WeekendScalingClients = ReturnType<typeof createWeekendScalingClients>;

function liveWeekendScalingDeps(
  config: WeekendScalingConfig,
  clients: WeekendScalingClients,
  logger: RunLogger,
  functionArn: () => string | undefined,
  clock: () => Date = () => new Date(),
): WeekendScalingDeps {
  return {
    config,
    clock,
    logger,
    metrics: createMetricsSink('weekend-scaling', logger),
    notifier: reportNotifier(clients.notifiers, config),
    accessFor: (region) => ({
      endpoints: createEndpointReader(clients.sageMaker(region)),
      components: createComponentAccess(clients.sageMaker(region)),
      scaling: createScalingAccess(clients.autoScaling(region)),
      tags: createTagReader(clients.tagging(region)),
    }),
    scheduler: () => {
      const target = config.oneTimeSchedules;
      const arn = functionArn();
      if (!target || !arn) throw new ConfigError(ENV.schedulerRoleArn, `and ${ENV.schedulerDeadLetterArn} must be set to schedule a one-time restore`);
      return createOneTimeScheduler(clients.scheduler(regionOfArn(arn)), { ...target, functionArn: arn });
    },
  };
}

export { createWeekendScalingClients, liveWeekendScalingDeps };
export type { WeekendScalingClients };
