/**
 * Application Auto Scaling targets and policies of endpoint variants (dimension
 * `sagemaker:variant:DesiredInstanceCount`): the idle action's delete saves and deregisters them,
 * and its recreate puts them back, because they do not come back with a new endpoint. Apart from
 * the components' adapter (autoscaling.ts) so the weekend job's bundle does not carry it.
 */
import {
  DeregisterScalableTargetCommand,
  paginateDescribeScalableTargets,
  paginateDescribeScalingPolicies,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient,
  type PolicyType,
  type StepScalingPolicyConfiguration,
  type TargetTrackingScalingPolicyConfiguration,
} from '@aws-sdk/client-application-auto-scaling';
import type { VariantScaling } from '../domain/idle-actions.ts';

const NAMESPACE = 'sagemaker';
const VARIANT_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

interface VariantScalingAccess {
  /** Each variant's target and its scaling policies, where it has one. */
  readVariantScaling(endpointName: string, variantNames: readonly string[]): Promise<VariantScaling[]>;
  /** Removes a variant's target, and with it its policies (Application Auto Scaling API Reference, DeregisterScalableTarget). */
  deregisterVariant(endpointName: string, variantName: string): Promise<void>;
  /** Registers a variant's target again with its saved bounds, then puts its saved policies back. */
  restoreVariantScaling(endpointName: string, saved: VariantScaling): Promise<void>;
}

/** `endpoint/<endpoint>/variant/<variant>`: a variant's ResourceId in Application Auto Scaling. */
function variantResourceId(endpointName: string, variantName: string): string {
  return `endpoint/${endpointName}/variant/${variantName}`;
}

function createVariantScalingAccess(client: ApplicationAutoScalingClient): VariantScalingAccess {
  return {
    async readVariantScaling(endpointName, variantNames) {
      if (variantNames.length === 0) return [];
      const ids = variantNames.map((variant) => variantResourceId(endpointName, variant));
      const scaling: VariantScaling[] = [];
      for await (const page of paginateDescribeScalableTargets(
        { client },
        { ServiceNamespace: NAMESPACE, ScalableDimension: VARIANT_DIMENSION, ResourceIds: ids },
      )) {
        for (const target of page.ScalableTargets ?? []) {
          if (!target.ResourceId || target.MinCapacity === undefined || target.MaxCapacity === undefined) continue;
          const policies: VariantScaling['policies'][number][] = [];
          for await (const policyPage of paginateDescribeScalingPolicies(
            { client },
            { ServiceNamespace: NAMESPACE, ScalableDimension: VARIANT_DIMENSION, ResourceId: target.ResourceId },
          )) {
            for (const policy of policyPage.ScalingPolicies ?? []) {
              if (!policy.PolicyName || !policy.PolicyType) continue;
              policies.push({
                name: policy.PolicyName,
                type: policy.PolicyType,
                ...(policy.TargetTrackingScalingPolicyConfiguration
                  ? { targetTracking: JSON.parse(JSON.stringify(policy.TargetTrackingScalingPolicyConfiguration)) }
                  : {}),
                ...(policy.StepScalingPolicyConfiguration ? { stepScaling: JSON.parse(JSON.stringify(policy.StepScalingPolicyConfiguration)) } : {}),
              });
            }
          }
          const variantName = target.ResourceId.slice(target.ResourceId.lastIndexOf('/') + 1);
          scaling.push({ variantName, minCapacity: target.MinCapacity, maxCapacity: target.MaxCapacity, policies });
        }
      }
      return scaling;
    },
    async deregisterVariant(endpointName, variantName) {
      await client.send(
        new DeregisterScalableTargetCommand({
          ServiceNamespace: NAMESPACE,
          ScalableDimension: VARIANT_DIMENSION,
          ResourceId: variantResourceId(endpointName, variantName),
        }),
      );
    },
    async restoreVariantScaling(endpointName, saved) {
      const target = {
        ServiceNamespace: NAMESPACE,
        ScalableDimension: VARIANT_DIMENSION,
        ResourceId: variantResourceId(endpointName, saved.variantName),
      } as const;
      await client.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: saved.minCapacity, MaxCapacity: saved.maxCapacity }));
      for (const policy of saved.policies) {
        await client.send(
          new PutScalingPolicyCommand({
            ...target,
            PolicyName: policy.name,
            PolicyType: policy.type as PolicyType,
            // Saved as Application Auto Scaling returned them (DescribeScalingPolicies), so they go back as they were.
            ...(policy.targetTracking
              ? { TargetTrackingScalingPolicyConfiguration: policy.targetTracking as unknown as TargetTrackingScalingPolicyConfiguration }
              : {}),
            ...(policy.stepScaling ? { StepScalingPolicyConfiguration: policy.stepScaling as unknown as StepScalingPolicyConfiguration } : {}),
          }),
        );
      }
    },
  };
}

export { createVariantScalingAccess };
export type { VariantScalingAccess };
