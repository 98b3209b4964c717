/**
 * Finds tagged resources with the Resource Groups Tagging API: one paged call per region for all
 * resources of a type carrying a tag key, instead of a ListTags call per resource.
 */
import { paginateGetResources, type ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { TAG_PREFIX, type Tags } from '../domain/tags.ts';

interface TagReader {
  /** The `ops-bot:*` tags of every resource of `resourceType` that carries `tagKey`, by lower-cased ARN. */
  findTagged(resourceType: string, tagKey: string): Promise<Map<string, Tags>>;
}

function createTagReader(client: ResourceGroupsTaggingAPIClient): TagReader {
  return {
    async findTagged(resourceType, tagKey) {
      const tagged = new Map<string, Tags>();
      const pages = paginateGetResources(
        { client },
        { ResourceTypeFilters: [resourceType], TagFilters: [{ Key: tagKey }], ResourcesPerPage: 100 },
      );
      for await (const page of pages) {
        for (const resource of page.ResourceTagMappingList ?? []) {
          if (!resource.ResourceARN) continue;
          const tags: Record<string, string> = {};
          for (const tag of resource.Tags ?? []) {
            if (tag.Key?.startsWith(TAG_PREFIX)) tags[tag.Key] = tag.Value ?? '';
          }
          tagged.set(arnKey(resource.ResourceARN), tags);
        }
      }
      return tagged;
    },
  };
}

/** SageMaker writes resource names into ARNs in lower case; compare ARNs case-insensitively. */
function arnKey(arn: string): string {
  return arn.toLowerCase();
}

export { createTagReader, arnKey };
export type { TagReader };
