/**
 * The bot's state table (STATE_TABLE): an Amazon DynamoDB table that only the bot's roles may write
 * (their policies, and the table's resource policy denying item writes to every other principal).
 * This module is the only one that builds keys and expressions; aws/bot-state.ts, aws/journal.ts
 * and aws/ledger.ts hand the jobs typed records on top of it.
 *
 * Key schema (fixed by the stack): partition key `pk` (S), sort key `sk` (S), TTL on `expiresAt`
 * (epoch seconds). Every write is conditional (DynamoDB Developer Guide, "Condition expressions"):
 * a record the run read is replaced only while its `version` is still the one read, a new one only
 * while absent (`attribute_not_exists`), so two overlapping runs never both act on what one read.
 * A failed condition is `ConditionalCheckFailedException` (DynamoDB API Reference, PutItem).
 */
import { DeleteItemCommand, PutItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';

/** The key schema and TTL attribute: the stack creates the table with these, the tests' dynalite table too. */
const STATE_TABLE_SCHEMA = { partitionKey: 'pk', sortKey: 'sk', timeToLive: 'expiresAt' } as const;

/** Attribute values the bot stores: strings, numbers, and maps of strings. */
type Stored = string | number | Readonly<Record<string, string>>;
type StoredItem = Readonly<Record<string, Stored>>;

interface TableItem {
  readonly pk: string;
  readonly sk: string;
  readonly attributes: StoredItem;
}

/** The condition a write is made under. */
type WriteCondition =
  /** Only while no item has this key. */
  | { readonly kind: 'absent' }
  /** Only while the item's `version` is this one (it was read at this version). */
  | { readonly kind: 'version'; readonly version: number };

interface StateTable {
  readonly name: string;
  /** Every item of a partition, strongly consistent, all pages; `prefix` narrows the sort keys. */
  query(pk: string, prefix?: string): Promise<TableItem[]>;
  /** Writes the item under `condition`; false when the condition failed (someone else wrote first). */
  put(item: TableItem, condition: WriteCondition): Promise<boolean>;
  /** Deletes the item under `condition`; false when the condition failed. */
  remove(pk: string, sk: string, condition: WriteCondition): Promise<boolean>;
}

/** Most pages a query follows: a partition this large is not one the bot wrote. */
const MAX_QUERY_PAGES = 50;

function toAttribute(value: Stored): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  return { M: Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, { S: inner }])) };
}

/** An item as stored; attributes of a type the bot never writes are left out (someone else's input). */
function fromAttributes(raw: Record<string, AttributeValue>): TableItem | undefined {
  const pk = raw.pk?.S;
  const sk = raw.sk?.S;
  if (pk === undefined || sk === undefined) return undefined;
  const attributes: Record<string, Stored> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'pk' || key === 'sk') continue;
    if (value.S !== undefined) attributes[key] = value.S;
    else if (value.N !== undefined && Number.isFinite(Number(value.N))) attributes[key] = Number(value.N);
    else if (value.M !== undefined) {
      attributes[key] = Object.fromEntries(
        Object.entries(value.M).flatMap(([inner, innerValue]) => (innerValue.S !== undefined ? [[inner, innerValue.S]] : [])),
      );
    }
  }
  return { pk, sk, attributes };
}

function conditionOf(condition: WriteCondition): { ConditionExpression: string; ExpressionAttributeValues?: Record<string, AttributeValue> } {
  if (condition.kind === 'absent') return { ConditionExpression: 'attribute_not_exists(pk)' };
  return { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': { N: String(condition.version) } } };
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function createStateTable(client: DynamoDBClient, name: string): StateTable {
  return {
    name,
    async query(pk, prefix) {
      const items: TableItem[] = [];
      let startKey: QueryCommandOutput['LastEvaluatedKey'];
      for (let page = 0; page < MAX_QUERY_PAGES; page += 1) {
        const answer: QueryCommandOutput = await client.send(
          new QueryCommand({
            TableName: name,
            ConsistentRead: true,
            KeyConditionExpression: prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': { S: pk }, ...(prefix === undefined ? {} : { ':prefix': { S: prefix } }) },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const raw of answer.Items ?? []) {
          const item = fromAttributes(raw);
          if (item) items.push(item);
        }
        startKey = answer.LastEvaluatedKey;
        if (!startKey) return items;
      }
      throw new Error(`state table ${name}: partition ${pk} holds more than ${MAX_QUERY_PAGES} pages`);
    },
    async put(item, condition) {
      const Item: Record<string, AttributeValue> = { pk: { S: item.pk }, sk: { S: item.sk } };
      for (const [key, value] of Object.entries(item.attributes)) Item[key] = toAttribute(value);
      try {
        await client.send(new PutItemCommand({ TableName: name, Item, ...conditionOf(condition) }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async remove(pk, sk, condition) {
      try {
        await client.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: pk }, sk: { S: sk } }, ...conditionOf(condition) }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}

export { createStateTable, STATE_TABLE_SCHEMA };
export type { StateTable, TableItem, StoredItem, Stored, WriteCondition };
