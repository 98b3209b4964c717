/**
 * The tags of one SageMaker resource (component, notebook, endpoint, endpoint config), read from
 * and written to the resource itself. The bot keeps what it needs to undo an action here, so a
 * write is always made before the action it makes undoable.
 */
import { AddTagsCommand, DeleteTagsCommand, paginateListTags, type SageMakerClient, type Tag } from '@aws-sdk/client-sagemaker';
import type { Tags } from '../domain/tags.ts';
import { opsBotTags } from './tagging.ts';

interface SageMakerTags {
  /** The resource's `ops-bot:*` tags, read from the resource itself (ListTags, strongly consistent). */
  readTags(arn: string): Promise<Tags>;
  /** Every tag of the resource, the owner's included (to put them back on a recreated endpoint). */
  readAllTags(arn: string): Promise<Tags>;
  addTags(arn: string, tags: Readonly<Record<string, string>>): Promise<void>;
  deleteTags(arn: string, keys: readonly string[]): Promise<void>;
}

function createSageMakerTags(client: SageMakerClient): SageMakerTags {
  const listTags = async (arn: string) => {
    const tags: Tag[] = [];
    for await (const page of paginateListTags({ client, pageSize: 100 }, { ResourceArn: arn })) tags.push(...(page.Tags ?? []));
    return tags;
  };
  return {
    readTags: async (arn) => opsBotTags(await listTags(arn)),
    readAllTags: async (arn) => Object.fromEntries((await listTags(arn)).flatMap((tag) => (tag.Key ? [[tag.Key, tag.Value ?? '']] : []))),
    async addTags(arn, tags) {
      await client.send(new AddTagsCommand({ ResourceArn: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
    },
    async deleteTags(arn, keys) {
      if (keys.length === 0) return;
      await client.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: [...keys] }));
    },
  };
}

export { createSageMakerTags };
export type { SageMakerTags };
