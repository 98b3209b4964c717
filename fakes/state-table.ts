/**
 * A real DynamoDB implementation for the bot's state table off AWS: dynalite (in memory) on
 * loopback, with the table of the contract (pk and sk, strings). The tests, the bench and the demo
 * generator use it; it is never a hand-written table fake. The SDK's own environment
 * (AWS_ENDPOINT_URL_DYNAMODB, and stand-in credentials where none are set) points the bot's live
 * DynamoDB clients at it, as it would at any endpoint.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STATE_TABLE_SCHEMA } from '@ops-bot/shared/aws/state-table';

interface LocalStateTable {
  readonly name: string;
  readonly endpoint: string;
  /** A client of its own, with stand-in credentials (never the code under test's). */
  readonly client: DynamoDBClient;
}

let started: Promise<{ server: Server; endpoint: string }> | undefined;

function startServer(): Promise<{ server: Server; endpoint: string }> {
  started ??= (async () => {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // One server a process: it never keeps a finished process alive.
    server.unref();
    return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  })();
  return started;
}

/** Starts dynalite (once a process), creates `name` if it is not there, and points the SDK environment at it. */
async function startLocalStateTable(name: string): Promise<LocalStateTable> {
  const { endpoint } = await startServer();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  if (!process.env.AWS_ACCESS_KEY_ID) {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDLOCALSTATETABLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'local-secret';
  }
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
  await client
    .send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: STATE_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
          { AttributeName: STATE_TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: STATE_TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
          { AttributeName: STATE_TABLE_SCHEMA.sortKey, AttributeType: 'S' },
        ],
      }),
    )
    .catch((error: Error) => {
      if (error.name !== 'ResourceInUseException') throw error;
    });
  return { name, endpoint, client };
}

export { startLocalStateTable };
export type { LocalStateTable };
