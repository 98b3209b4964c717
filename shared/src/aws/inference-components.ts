/**
 * Reads and writes on inference components: their live copy counts, their own tags (where the
 * bot keeps the state it needs to undo a scale-down), and the copy-count update itself.
 */
import {
  AddTagsCommand,
  DeleteTagsCommand,
  DescribeInferenceComponentCommand,
  paginateListTags,
  UpdateInferenceComponentRuntimeConfigCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { Tags } from '../domain/tags.ts';
import { opsBotTags } from './tagging.ts';

interface ComponentCopies {
  readonly desiredCopyCount: number;
  readonly currentCopyCount: number;
  /** InferenceComponentStatus: `InService`, `Creating`, `Updating`, `Failed`, `Deleting`. */
  readonly status?: string;
  /** Per copy, from Specification.ComputeResourceRequirements. */
  readonly acceleratorsPerCopy?: number;
  readonly cpuCoresPerCopy?: number;
  readonly memoryMbPerCopy?: number;
}

interface ComponentAccess {
  readCopies(name: string): Promise<ComponentCopies>;
  /** The component's `ops-bot:*` tags, read from the component itself. */
  readTags(arn: string): Promise<Tags>;
  addTags(arn: string, tags: Readonly<Record<string, string>>): Promise<void>;
  deleteTags(arn: string, keys: readonly string[]): Promise<void>;
  setCopyCount(name: string, copyCount: number): Promise<void>;
}

function createComponentAccess(client: SageMakerClient): ComponentAccess {
  return {
    async readCopies(name) {
      const described = await client.send(new DescribeInferenceComponentCommand({ InferenceComponentName: name }));
      const runtime = described.RuntimeConfig;
      if (runtime?.DesiredCopyCount === undefined) throw new Error(`DescribeInferenceComponent(${name}) returned no DesiredCopyCount`);
      const needs = described.Specification?.ComputeResourceRequirements;
      return {
        desiredCopyCount: runtime.DesiredCopyCount,
        currentCopyCount: runtime.CurrentCopyCount ?? 0,
        ...(described.InferenceComponentStatus ? { status: described.InferenceComponentStatus } : {}),
        ...(needs?.NumberOfAcceleratorDevicesRequired !== undefined ? { acceleratorsPerCopy: needs.NumberOfAcceleratorDevicesRequired } : {}),
        ...(needs?.NumberOfCpuCoresRequired !== undefined ? { cpuCoresPerCopy: needs.NumberOfCpuCoresRequired } : {}),
        ...(needs?.MinMemoryRequiredInMb !== undefined ? { memoryMbPerCopy: needs.MinMemoryRequiredInMb } : {}),
      };
    },
    async readTags(arn) {
      const tags = [];
      for await (const page of paginateListTags({ client, pageSize: 100 }, { ResourceArn: arn })) tags.push(...(page.Tags ?? []));
      return opsBotTags(tags);
    },
    async addTags(arn, tags) {
      await client.send(new AddTagsCommand({ ResourceArn: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
    },
    async deleteTags(arn, keys) {
      if (keys.length === 0) return;
      await client.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: [...keys] }));
    },
    async setCopyCount(name, copyCount) {
      await client.send(new UpdateInferenceComponentRuntimeConfigCommand({ InferenceComponentName: name, DesiredRuntimeConfig: { CopyCount: copyCount } }));
    },
  };
}

export { createComponentAccess };
export type { ComponentAccess, ComponentCopies };
