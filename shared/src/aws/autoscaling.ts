/**
 * Application Auto Scaling targets of inference components. A registered MinCapacity of 1 or
 * more pushes a manual 0 copies straight back up, so the bot lowers it for the weekend and puts
 * it back on Monday.
 */
import { paginateDescribeScalableTargets, RegisterScalableTargetCommand, type ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { ScalingBounds } from '../domain/weekend-scaling.ts';
import { chunk } from '../util/concurrency.ts';

const NAMESPACE = 'sagemaker';
const DIMENSION = 'sagemaker:inference-component:DesiredCopyCount';
const RESOURCE_PREFIX = 'inference-component/';
/** DescribeScalableTargets takes at most 50 resource IDs per call. */
const IDS_PER_CALL = 50;

interface ScalingAccess {
  /** Registered bounds by component name; a component without a target is absent. */
  readBounds(componentNames: readonly string[]): Promise<Map<string, ScalingBounds>>;
  setBounds(componentName: string, bounds: ScalingBounds): Promise<void>;
}

function createScalingAccess(client: ApplicationAutoScalingClient): ScalingAccess {
  return {
    async readBounds(componentNames) {
      const bounds = new Map<string, ScalingBounds>();
      for (const names of chunk(componentNames, IDS_PER_CALL)) {
        const pages = paginateDescribeScalableTargets(
          { client },
          { ServiceNamespace: NAMESPACE, ScalableDimension: DIMENSION, ResourceIds: names.map((name) => `${RESOURCE_PREFIX}${name}`) },
        );
        for await (const page of pages) {
          for (const target of page.ScalableTargets ?? []) {
            if (!target.ResourceId?.startsWith(RESOURCE_PREFIX) || target.MinCapacity === undefined || target.MaxCapacity === undefined) continue;
            bounds.set(target.ResourceId.slice(RESOURCE_PREFIX.length), { minCapacity: target.MinCapacity, maxCapacity: target.MaxCapacity });
          }
        }
      }
      return bounds;
    },
    async setBounds(componentName, { minCapacity, maxCapacity }) {
      await client.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: NAMESPACE,
          ScalableDimension: DIMENSION,
          ResourceId: `${RESOURCE_PREFIX}${componentName}`,
          MinCapacity: minCapacity,
          MaxCapacity: maxCapacity,
        }),
      );
    },
  };
}

export { createScalingAccess, DIMENSION as INFERENCE_COMPONENT_SCALABLE_DIMENSION };
export type { ScalingAccess };
