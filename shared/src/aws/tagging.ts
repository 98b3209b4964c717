/**
 * Finds tagged resources with the Resource Groups Tagging API: one paged call per region for all
 * resources of a type carrying a tag key, instead of a ListTags call per resource.
 */
import { paginateGetResources, type ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { TAG_PREFIX, type Tags } from '../domain/tags.ts';

interface TagReader {
  /**
   * The `ops-bot:*` tags of every resource of `resourceType` (one or several) that carries `tagKey` (any tag when
   * omitted), by lower-cased ARN. The Tagging API is eventually consistent: use it to find
   * resources, and read a resource's own tags (ListTags) before acting on them.
   */
  findTagged(resourceType: string | readonly string[], tagKey?: string): Promise<Map<string, Tags>>;
}

function createTagReader(client: ResourceGroupsTaggingAPIClient): TagReader {
  return {
    async findTagged(resourceType, tagKey) {
      const tagged = new Map<string, Tags>();
      const pages = paginateGetResources(
        { client },
        {
          ResourceTypeFilters: typeof resourceType === 'string' ? [resourceType] : [...resourceType],
          ...(tagKey ? { TagFilters: [{ Key: tagKey }] } : {}),
          ResourcesPerPage: 100,
        },
      );
      for await (const page of pages) {
        for (const resource of page.ResourceTagMappingList ?? []) {
          if (!resource.ResourceARN) continue;
          tagged.set(arnKey(resource.ResourceARN), opsBotTags(resource.Tags ?? []));
        }
      }
      return tagged;
    },
  };
}

/** Only our own `ops-bot:*` tags matter to the bot; everything else is the owner's business. */
function opsBotTags(tags: ReadonlyArray<{ Key?: string | undefined; Value?: string | undefined }>): Tags {
  const ours: Record<string, string> = {};
  for (const tag of tags) {
    if (tag.Key?.startsWith(TAG_PREFIX)) ours[tag.Key] = tag.Value ?? '';
  }
  return ours;
}

/** SageMaker writes resource names into ARNs in lower case; compare ARNs case-insensitively. */
function arnKey(arn: string): string {
  return arn.toLowerCase();
}

export { createTagReader, arnKey, opsBotTags };
export type { TagReader };
