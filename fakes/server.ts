/**
 * Serves a FakeAccount over HTTP on loopback, speaking the wire protocols the SDK clients use:
 * awsJson1_1 (SageMaker, Resource Groups Tagging), awsJson1_0 (CloudWatch) and awsQuery (SNS).
 * Point AWS_ENDPOINT_URL at it and the real SDK (middleware, retries, paginators) runs unchanged,
 * in the test process or in a bundled Lambda started as a child process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeAwsError, type FakeAccount, type Operation } from './account.ts';

interface FakeAwsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** JSON protocols carry timestamps as epoch seconds. */
function toWireJson(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, serialized: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
    return raw instanceof Date ? raw.getTime() / 1000 : serialized;
  });
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answerJson(account: FakeAccount, target: string, body: string, response: ServerResponse): void {
  const operation = target.slice(target.indexOf('.') + 1) as Operation;
  try {
    const output = account.handle(operation, body ? (JSON.parse(body) as Record<string, unknown>) : {});
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(toWireJson(output));
  } catch (error) {
    const failure = error instanceof FakeAwsError ? error : new FakeAwsError('InternalFailure', String(error), 500);
    response
      .writeHead(failure.status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': failure.name,
        'x-amzn-query-error': `${failure.name};Sender`,
      })
      .end(JSON.stringify({ __type: failure.name, message: failure.message }));
  }
}

function answerQuery(account: FakeAccount, body: string, response: ServerResponse): void {
  const form = Object.fromEntries(new URLSearchParams(body));
  if (form.Action !== 'Publish') {
    response.writeHead(400).end(`<ErrorResponse><Error><Code>InvalidAction</Code><Message>${escapeXml(String(form.Action))}</Message></Error></ErrorResponse>`);
    return;
  }
  try {
    const { MessageId } = account.handle('Publish', form) as { MessageId: string };
    response
      .writeHead(200, { 'content-type': 'text/xml' })
      .end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${MessageId}</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>`,
      );
  } catch (error) {
    const failure = error instanceof FakeAwsError ? error : new FakeAwsError('InternalError', String(error), 500);
    response
      .writeHead(failure.status, { 'content-type': 'text/xml' })
      .end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>${failure.name}</Code><Message>${escapeXml(failure.message)}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
      );
  }
}

async function startFakeAwsServer(account: FakeAccount): Promise<FakeAwsServer> {
  const server: Server = createServer((request, response) => {
    readBody(request)
      .then((body) => {
        const target = request.headers['x-amz-target'];
        if (typeof target === 'string') answerJson(account, target, body, response);
        else answerQuery(account, body, response);
      })
      .catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

export { startFakeAwsServer };
export type { FakeAwsServer };
