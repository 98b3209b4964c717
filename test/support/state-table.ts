/**
 * The bot's state table for tests: a real DynamoDB implementation (dynalite, in memory) on
 * loopback, started by the tests themselves as the notebook tests start Jupyter. Never a
 * hand-written table fake: conditional writes, consistent queries and paging are DynamoDB's own.
 * dynalite has no resource policies, transactions or PartiQL; the bot uses none of them at run
 * time, and the stack test pins the resource policy.
 */
import { DeleteItemCommand, PutItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startLocalStateTable } from '../../fakes/state-table.ts';

/** The name every test's table has: each test gets it empty. */
const STATE_TABLE_NAME = 'ops-bot-state-test';

interface StateTableHandle {
  /** What a job's environment needs to reach the table. */
  readonly env: { readonly STATE_TABLE: string };
  readonly client: () => DynamoDBClient;
  /** Every item, as DynamoDB returns it. */
  items(): Promise<Array<Record<string, AttributeValue>>>;
  /** Writes an item as someone with table access would (a test's setup, never the code under test). */
  put(item: Record<string, AttributeValue>): Promise<void>;
  /** Deletes every item (each test starts with an empty table; a property test, each run). */
  clear(): Promise<void>;
}

/**
 * A fresh, empty state table before each test of the calling file. The SDK's own environment
 * (AWS_ENDPOINT_URL_DYNAMODB, and test credentials where none are set) points the bot's live
 * DynamoDB clients at it, as it would at any endpoint.
 */
function useStateTable(): StateTableHandle {
  let client: DynamoDBClient | undefined;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    for (const key of ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) saved[key] = process.env[key];
    client = (await startLocalStateTable(STATE_TABLE_NAME)).client;
  });
  // Empty for every test: each item deleted (a dropped table lingers in DELETING for a moment).
  beforeEach(() => handle.clear());
  afterAll(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  const own = () => {
    if (!client) throw new Error('useStateTable(): the table is ready only inside tests');
    return client;
  };
  const handle: StateTableHandle = {
    env: { STATE_TABLE: STATE_TABLE_NAME },
    client: own,
    async items() {
      const items: Array<Record<string, AttributeValue>> = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await own().send(new ScanCommand({ TableName: STATE_TABLE_NAME, ExclusiveStartKey: start, ConsistentRead: true }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
    async put(item) {
      await own().send(new PutItemCommand({ TableName: STATE_TABLE_NAME, Item: item }));
    },
    async clear() {
      for (const item of await handle.items()) {
        await own().send(new DeleteItemCommand({ TableName: STATE_TABLE_NAME, Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue } }));
      }
    },
  };
  return handle;
}

export { useStateTable, STATE_TABLE_NAME };
export type { StateTableHandle };
