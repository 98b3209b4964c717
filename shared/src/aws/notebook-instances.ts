/**
 * Notebook instances: listing, their own tags (read just before acting, so a skip tag added a
 * minute ago still wins), the presigned URL that opens their Jupyter, and stop/start.
 */
import {
  CreatePresignedNotebookInstanceUrlCommand,
  paginateListNotebookInstances,
  StartNotebookInstanceCommand,
  StopNotebookInstanceCommand,
  type NotebookInstanceStatus,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { createSageMakerTags, type SageMakerTags } from './sagemaker-tags.ts';

interface NotebookListing {
  readonly name: string;
  readonly arn: string;
  readonly status: string;
  readonly instanceType: string;
  readonly lastModifiedAt: string;
  /** CreationTime (ISO 8601): the bot's state names the notebook by ARN and this. */
  readonly createdAt?: string | undefined;
}

interface NotebookAccess extends SageMakerTags {
  /** Every notebook instance, or those in one status. */
  list(status?: NotebookInstanceStatus): Promise<NotebookListing[]>;
  /** A credential: pass it to the Jupyter client and nowhere else. */
  presignedUrl(name: string): Promise<string>;
  stop(name: string): Promise<void>;
  start(name: string): Promise<void>;
}

/** The shortest session SageMaker allows: the bot only needs a few seconds. */
const SESSION_SECONDS = 1800;

function createNotebookAccess(client: SageMakerClient): NotebookAccess {
  return {
    ...createSageMakerTags(client),
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
            createdAt: summary.CreationTime?.toISOString(),
          });
        }
      }
      return notebooks;
    },
    async presignedUrl(name) {
      const output = await client.send(
        new CreatePresignedNotebookInstanceUrlCommand({ NotebookInstanceName: name, SessionExpirationDurationInSeconds: SESSION_SECONDS }),
      );
      if (!output.AuthorizedUrl) throw new Error(`CreatePresignedNotebookInstanceUrl(${name}) returned no URL`);
      return output.AuthorizedUrl;
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
