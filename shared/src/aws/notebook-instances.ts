/**
 * Notebook instances: listing, their own tags (read just before acting, so a skip tag added a
 * minute ago still wins), the presigned URL that opens their Jupyter, and stop/start.
 */
import {
  AddTagsCommand,
  CreatePresignedNotebookInstanceUrlCommand,
  DeleteTagsCommand,
  paginateListNotebookInstances,
  paginateListTags,
  StartNotebookInstanceCommand,
  StopNotebookInstanceCommand,
  type NotebookInstanceStatus,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { Tags } from '../domain/tags.ts';
import { opsBotTags } from './tagging.ts';

interface NotebookListing {
  readonly name: string;
  readonly arn: string;
  readonly status: string;
  readonly instanceType: string;
  readonly lastModifiedAt: string;
}

interface NotebookAccess {
  list(status: NotebookInstanceStatus): Promise<NotebookListing[]>;
  readTags(arn: string): Promise<Tags>;
  /** A credential: pass it to the Jupyter client and nowhere else. */
  presignedUrl(name: string): Promise<string>;
  addTags(arn: string, tags: Readonly<Record<string, string>>): Promise<void>;
  deleteTags(arn: string, keys: readonly string[]): Promise<void>;
  stop(name: string): Promise<void>;
  start(name: string): Promise<void>;
}

/** The shortest session SageMaker allows: the bot only needs a few seconds. */
const SESSION_SECONDS = 1800;

function createNotebookAccess(client: SageMakerClient): NotebookAccess {
  return {
    async list(status) {
      const notebooks: NotebookListing[] = [];
      for await (const page of paginateListNotebookInstances({ client, pageSize: 100 }, { StatusEquals: status })) {
        for (const summary of page.NotebookInstances ?? []) {
          if (!summary.NotebookInstanceName || !summary.NotebookInstanceArn) continue;
          notebooks.push({
            name: summary.NotebookInstanceName,
            arn: summary.NotebookInstanceArn,
            status: summary.NotebookInstanceStatus ?? 'Unknown',
            instanceType: summary.InstanceType ?? 'unknown',
            lastModifiedAt: (summary.LastModifiedTime ?? summary.CreationTime ?? new Date(0)).toISOString(),
          });
        }
      }
      return notebooks;
    },
    async readTags(arn) {
      const tags = [];
      for await (const page of paginateListTags({ client, pageSize: 100 }, { ResourceArn: arn })) tags.push(...(page.Tags ?? []));
      return opsBotTags(tags);
    },
    async presignedUrl(name) {
      const output = await client.send(new CreatePresignedNotebookInstanceUrlCommand({ NotebookInstanceName: name, SessionExpirationDurationInSeconds: SESSION_SECONDS }));
      if (!output.AuthorizedUrl) throw new Error(`CreatePresignedNotebookInstanceUrl(${name}) returned no URL`);
      return output.AuthorizedUrl;
    },
    async addTags(arn, tags) {
      await client.send(new AddTagsCommand({ ResourceArn: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
    },
    async deleteTags(arn, keys) {
      await client.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: [...keys] }));
    },
    async stop(name) {
      await client.send(new StopNotebookInstanceCommand({ NotebookInstanceName: name }));
    },
    async start(name) {
      await client.send(new StartNotebookInstanceCommand({ NotebookInstanceName: name }));
    },
  };
}

export { createNotebookAccess };
export type { NotebookAccess, NotebookListing };
