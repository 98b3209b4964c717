/**
 * Reads and writes on inference components: their live copy counts, their own tags (where the
 * bot keeps the state it needs to undo a scale-down), and the copy-count update itself.
 */
import { DescribeInferenceComponentCommand, UpdateInferenceComponentRuntimeConfigCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { ComponentCopies } from '../domain/hosting.ts';
import { createSageMakerTags, type SageMakerTags } from './sagemaker-tags.ts';

interface ComponentAccess extends SageMakerTags {
  readCopies(name: string): Promise<ComponentCopies>;
  setCopyCount(name: string, copyCount: number): Promise<void>;
}

function createComponentAccess(client: SageMakerClient): ComponentAccess {
  return {
    ...createSageMakerTags(client),
    async readCopies(name) {
      const described = await client.send(new DescribeInferenceComponentCommand({ InferenceComponentName: name }));
      const runtime = described.RuntimeConfig;
      if (runtime?.DesiredCopyCount === undefined) throw new Error(`DescribeInferenceComponent(${name}) returned no DesiredCopyCount`);
      const needs = described.Specification?.ComputeResourceRequirements;
      return {
        desiredCopyCount: runtime.DesiredCopyCount,
        currentCopyCount: runtime.CurrentCopyCount ?? 0,
        status: described.InferenceComponentStatus,
        acceleratorsPerCopy: needs?.NumberOfAcceleratorDevicesRequired,
        cpuCoresPerCopy: needs?.NumberOfCpuCoresRequired,
        memoryMbPerCopy: needs?.MinMemoryRequiredInMb,
        createdAt: described.CreationTime?.toISOString(),
      };
    },
    async setCopyCount(name, copyCount) {
      await client.send(new UpdateInferenceComponentRuntimeConfigCommand({ InferenceComponentName: name, DesiredRuntimeConfig: { CopyCount: copyCount } }));
    },
  };
}

export { createComponentAccess };
export type { ComponentAccess };
