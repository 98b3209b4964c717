import { STATE_KEY_ARN } from '../../fakes/account.ts';
/**
 * How runs end when the world misbehaves: a run that would outlast the Lambda timeout, and a
 * Publish that fails after the run itself failed (client-timeouts.test.ts has the hanging service).
 * Every run must still end in time with what it knows, and the run's own error must win.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreatePresignedNotebookInstanceUrlCommand,
  ListNotebookInstancesCommand,
  ListTagsCommand,
  SageMakerClient,
  StopNotebookInstanceCommand,
} from '@aws-sdk/client-sagemaker';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { IdleNotebooksResult } from '@ops-bot/shared/jobs/idle-notebooks';
import { pinWallClock, releaseWallClock } from '../support/clock.ts';
import { lambdaContext, loadHandler } from '../support/lambda.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();

const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:ops-bot';
const NOW = new Date('2026-11-20T09:00:00Z');

/** Accepts every connection and never answers: the worst kind of outage. */
async function silentServer(servers: Server[]): Promise<string> {
  const server = createServer(() => undefined);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('Run endings: deadlines and failed publishes', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((server) => server.closeAllConnections?.() ?? server.close()));
  beforeEach(() => pinWallClock(NOW));
  afterEach(() => {
    vi.unstubAllEnvs();
    releaseWallClock();
  });

  describe('a notebook run that would outlast the Lambda', () => {
    const sageMaker = mockClient(SageMakerClient);
    const tagging = mockClient(ResourceGroupsTaggingAPIClient);
    const sns = mockClient(SNSClient);
    let hangingJupyter = '';
    beforeAll(async () => {
      hangingJupyter = await silentServer(servers);
    });
    afterEach(() => [sageMaker, tagging, sns].forEach((mock) => mock.reset()));
    afterAll(() => [sageMaker, tagging, sns].forEach((mock) => mock.restore()));

    it('stops starting work in time, publishes what it covered and says what it did not', async () => {
      // Prepare: 240 notebooks whose Jupyter never answers (1 s per read, 4 at a time: 60 s of
      // work), and a Lambda with 31.5 s left (30 s are kept back for finishing): 1.5 s to work.
      const names = Array.from({ length: 240 }, (_, i) => `nb-${i}`);
      sageMaker.on(ListNotebookInstancesCommand).resolves({
        NotebookInstances: names.map((name) => ({
          NotebookInstanceName: name,
          NotebookInstanceArn: `arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/${name}`,
          NotebookInstanceStatus: 'InService',
          InstanceType: 'ml.t3.medium',
          LastModifiedTime: new Date(NOW.getTime() - 48 * 3_600_000),
        })),
      });
      tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [], PaginationToken: '' });
      sageMaker.on(CreatePresignedNotebookInstanceUrlCommand).resolves({ AuthorizedUrl: `${hangingJupyter}/auth?authToken=SECRET` });
      sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
      const handler = await loadHandler<IdleNotebooksResult>('idle-notebooks', {
        AWS_REGION: 'us-east-1',
        TOPIC_ARN,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        STATE_KEY_ID: STATE_KEY_ARN,
        ...stateTable.env,
        NOTEBOOK_JUPYTER_TIMEOUT_SECONDS: '1',
      });

      // Act
      const result = await handler({}, lambdaContext('idle-notebooks', 31_500));

      // Assess
      expect(result.notebooks).toHaveLength(240);
      const outOfTime = result.notebooks.filter((nb) => nb.detail.includes('not checked: out of time'));
      expect(outOfTime.length).toBeGreaterThan(200);
      expect(result.notebooks.every((nb) => nb.verdict === 'unknown')).toBe(true);
      expect(sageMaker).not.toHaveReceivedCommand(StopNotebookInstanceCommand);
      expect(sageMaker).not.toHaveReceivedCommand(ListTagsCommand);
      expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    });

    it("raises the run's own failure, not the Publish throttle that followed it", async () => {
      // Prepare: the only region cannot be listed, and the report's Publish is throttled.
      sageMaker.on(ListNotebookInstancesCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
      sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));
      const handler = await loadHandler<IdleNotebooksResult>('idle-notebooks', {
        AWS_REGION: 'us-east-1',
        TOPIC_ARN,
        STATE_KEY_ID: STATE_KEY_ARN,
        ...stateTable.env,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      });

      // Act
      const run = handler({}, lambdaContext('idle-notebooks'));

      // Assess
      await expect(run).rejects.toMatchObject({ name: 'RunFailedError', message: expect.stringContaining('AccessDeniedException') });
      expect(sns).toHaveReceivedCommand(PublishCommand);
    });

    it('fails a run whose report could not be published, after trying', async () => {
      // Prepare: one notebook, unreadable (worth reporting); Publish denied.
      sageMaker.on(ListNotebookInstancesCommand).resolves({
        NotebookInstances: [
          {
            NotebookInstanceName: 'nb',
            NotebookInstanceArn: 'arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/nb',
            NotebookInstanceStatus: 'InService',
            InstanceType: 'ml.t3.medium',
            LastModifiedTime: NOW,
          },
        ],
      });
      tagging.on(GetResourcesCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
      sageMaker.on(CreatePresignedNotebookInstanceUrlCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
      sns.on(PublishCommand).rejects(Object.assign(new Error('not authorized to perform SNS:Publish'), { name: 'AuthorizationErrorException', $metadata: {} }));
      const handler = await loadHandler<IdleNotebooksResult>('idle-notebooks', {
        AWS_REGION: 'us-east-1',
        TOPIC_ARN,
        STATE_KEY_ID: STATE_KEY_ARN,
        ...stateTable.env,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      });

      // Act & Assess
      await expect(handler({}, lambdaContext('idle-notebooks'))).rejects.toMatchObject({
        name: 'PublishFailedError',
        message: expect.stringContaining('AuthorizationErrorException'),
      });
    });
  });
});
