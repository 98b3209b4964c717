/**
 * Opt-in remediation of long-idle endpoints. An owner tags an endpoint `ops-bot:idle-action` =
 * `scale-to-zero` (its inference components go to 0 copies, saved first, exactly as the weekend
 * job does it) or `delete` (what is needed to recreate it is written on its endpoint config, then
 * the endpoint is deleted; the config and the model stay). Idleness is the idle alert's own
 * verdict: every variant, every component and the async metrics, with nothing left unread.
 * Pure: the idle plan, the endpoints' tags and the clock in; decisions out.
 */
import type { IdleEndpoint } from './idle-endpoints.ts';
import { isSkipped, TAGS, type Tags } from './tags.ts';
import { HOUR_MS } from './units.ts';

const IDLE_ACTIONS = ['scale-to-zero', 'delete'] as const;
type IdleAction = (typeof IDLE_ACTIONS)[number];

interface IdleActionPolicy {
  /** Days without traffic before the bot acts (ENDPOINT_IDLE_ACTION_DAYS). */
  readonly actionDays: number;
  readonly now: Date;
}

/**
 * What the bot does about one opted-in idle endpoint this run:
 * - `act`: idle long enough; the action is due now.
 * - `warn`: opted in, not idle long enough yet; `dueAt` is when the action will happen if it stays idle.
 * - `refuse`: the tag asks for something the bot will not do (an unknown value, `delete` on an
 *   endpoint that hosts inference components, `scale-to-zero` on one that hosts none).
 */
type IdleActionDecision =
  | { readonly kind: 'act'; readonly region: string; readonly name: string; readonly action: IdleAction; readonly endpoint: IdleEndpoint }
  | { readonly kind: 'warn'; readonly region: string; readonly name: string; readonly action: IdleAction; readonly dueAt: string }
  | { readonly kind: 'refuse'; readonly region: string; readonly name: string; readonly requested: string; readonly reason: string };

/** The requested action, read exactly as IAM's StringEquals reads it in the stack's delete condition. */
function requestedAction(tags: Tags): string | undefined {
  return tags[TAGS.idleAction];
}

function isIdleAction(value: string): value is IdleAction {
  return (IDLE_ACTIONS as readonly string[]).includes(value);
}

/**
 * One decision per idle endpoint that carries the opt-in tag (and not `ops-bot:skip`, which always
 * wins). `tagsOf` gives each endpoint's `ops-bot:*` tags by region and name.
 */
function decideIdleActions(idle: readonly IdleEndpoint[], tagsOf: (region: string, name: string) => Tags, policy: IdleActionPolicy): IdleActionDecision[] {
  const decisions: IdleActionDecision[] = [];
  for (const endpoint of idle) {
    const tags = tagsOf(endpoint.region, endpoint.name);
    const requested = requestedAction(tags);
    if (requested === undefined || isSkipped(tags)) continue;
    const base = { region: endpoint.region, name: endpoint.name };
    if (!isIdleAction(requested)) {
      decisions.push({ kind: 'refuse', ...base, requested, reason: `${TAGS.idleAction} is "${requested}": only "scale-to-zero" or "delete" is acted on` });
      continue;
    }
    const hostsComponents = endpoint.inferenceComponents.length > 0;
    if (requested === 'delete' && hostsComponents) {
      decisions.push({ kind: 'refuse', ...base, requested, reason: 'it hosts inference components, which delete would remove: use scale-to-zero' });
      continue;
    }
    if (requested === 'scale-to-zero' && !hostsComponents) {
      decisions.push({ kind: 'refuse', ...base, requested, reason: 'it hosts no inference components, so its instances cannot go to zero copies: use delete' });
      continue;
    }
    const neededHours = policy.actionDays * 24;
    if (endpoint.idleHours >= neededHours) decisions.push({ kind: 'act', ...base, action: requested, endpoint });
    else
      decisions.push({
        kind: 'warn',
        ...base,
        action: requested,
        dueAt: new Date(policy.now.getTime() + (neededHours - endpoint.idleHours) * HOUR_MS).toISOString(),
      });
  }
  return decisions;
}

/** What a run did about one opted-in endpoint, or about one undo asked for. */
type IdleActionResult = 'done' | 'planned' | 'already-done' | 'skipped' | 'failed';

interface IdleActionOutcome {
  readonly region: string;
  readonly name: string;
  readonly action: IdleAction | 'restore' | 'recreate';
  readonly result: IdleActionResult;
  /** What the action stops paying per day (known prices only); 0 when the instance cost continues. */
  readonly savesPerDay?: number | undefined;
  readonly detail: string;
  /** How to undo it: the event for the idle-endpoints function. */
  readonly undo?: string | undefined;
  readonly error?: string | undefined;
  /** Resources whose state did not verify (the StateRejected metric counts them). */
  readonly stateRejected?: number | undefined;
}

/**
 * A variant's Application Auto Scaling target and policies, saved before the endpoint is deleted:
 * they do not come back with a new endpoint, so the bot puts them back once it is InService. The
 * policy configurations are kept as Application Auto Scaling returned them.
 */
interface VariantScaling {
  readonly variantName: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly policies: ReadonlyArray<{
    readonly name: string;
    readonly type: string;
    readonly targetTracking?: Record<string, unknown> | undefined;
    readonly stepScaling?: Record<string, unknown> | undefined;
  }>;
}

/** What a deleted endpoint needs to come back: its name, config, tags, and when and at what cost it went. */
interface RecreateRecord {
  readonly endpointName: string;
  readonly configName: string;
  /** The owner's tags, without `aws:*` keys (CreateEndpoint refuses them) or the bot's own state. */
  readonly tags: Readonly<Record<string, string>>;
  readonly deletedAt: string;
  /** What it cost per day when deleted (USD, known prices only): the savings ledger's figure. */
  readonly costPerDay: number;
  /** Set once CreateEndpoint accepted the recreate: the record stays until the endpoint is InService. */
  readonly recreatedAt?: string | undefined;
  /** The variants' autoscaling, deregistered before the delete and put back after the recreate. */
  readonly scaling?: readonly VariantScaling[] | undefined;
  /** The last day (UTC, `2026-11-20`) the ledger booked this saving: a day is booked once, however many runs it has. */
  readonly bookedThrough?: string | undefined;
}

/** SageMaker allows 50 tags on a resource and 256 characters in a value (SageMaker API Reference, AddTags and Tag). */
const MAX_TAGS_PER_RESOURCE = 50;
const MAX_TAG_VALUE_CHARS = 256;

/**
 * Tags that can go back on a recreated endpoint: the owner's. Keys starting with `aws:` are AWS's
 * own (CloudFormation adds `aws:cloudformation:*`) and CreateEndpoint refuses them (SageMaker API
 * Reference, Tag); the bot's signed state belonged to the deleted endpoint and is not carried over.
 */
function recreatableTags(tags: Readonly<Record<string, string>>, isBotState: (key: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !key.toLowerCase().startsWith('aws:') && !isBotState(key)));
}

/**
 * The record as the values of its slot (`<prefix>0`, `<prefix>1`, …): base64url JSON, because a tag
 * value may hold only letters, digits, spaces and `_.:/=+-@` (SageMaker API Reference, Tag), in
 * chunks of 256. Undefined when the config cannot hold them (`existingTagCount` counts what is there).
 */
function recreateRecordValues(record: RecreateRecord, keyPrefix: string, existingTagCount: number): Record<string, string> | undefined {
  const encoded = Buffer.from(JSON.stringify({ v: 1, ...record }), 'utf8').toString('base64url');
  const chunks = encoded.match(new RegExp(`.{1,${MAX_TAG_VALUE_CHARS}}`, 'g')) ?? [];
  const values = Object.fromEntries(chunks.map((chunk, index) => [`${keyPrefix}${index}`, chunk]));
  // The chunks, the record's generation and MAC, and the finder tag.
  return existingTagCount + chunks.length + 3 <= MAX_TAGS_PER_RESOURCE ? values : undefined;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => typeof entry === 'string');
}

/** The record in a slot's verified values; an error text when they do not hold one. */
function parseRecreateRecord(values: Readonly<Record<string, string>>, keyPrefix: string): RecreateRecord | string {
  const chunks: string[] = [];
  for (let index = 0; values[`${keyPrefix}${index}`] !== undefined; index += 1) chunks.push(values[`${keyPrefix}${index}`] as string);
  if (chunks.length !== Object.keys(values).length) return 'the record has chunks out of sequence';
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(chunks.join(''), 'base64url').toString('utf8'));
  } catch {
    // Only the bot's own signed values get here: a record it cannot read is reported, never half-used.
    return 'the record is not readable';
  }
  const record = parsed as Partial<RecreateRecord> & { v?: unknown };
  if (
    record.v !== 1 ||
    typeof record.endpointName !== 'string' ||
    typeof record.configName !== 'string' ||
    !isStringRecord(record.tags) ||
    typeof record.deletedAt !== 'string' ||
    typeof record.costPerDay !== 'number' ||
    (record.recreatedAt !== undefined && typeof record.recreatedAt !== 'string') ||
    (record.scaling !== undefined && !Array.isArray(record.scaling)) ||
    (record.bookedThrough !== undefined && typeof record.bookedThrough !== 'string')
  ) {
    return 'the record is not in the format this version writes';
  }
  return {
    endpointName: record.endpointName,
    configName: record.configName,
    tags: record.tags,
    deletedAt: record.deletedAt,
    costPerDay: record.costPerDay,
    ...(record.recreatedAt ? { recreatedAt: record.recreatedAt } : {}),
    ...(record.scaling && record.scaling.length > 0 ? { scaling: record.scaling } : {}),
    ...(record.bookedThrough ? { bookedThrough: record.bookedThrough } : {}),
  };
}

/** The record the previous version wrote (unsigned, one per config); undefined when there is none, an error text when damaged. */
function readLegacyRecreateRecord(tags: Tags): RecreateRecord | string | undefined {
  const endpointName = tags[TAGS.recreateEndpoint];
  if (endpointName === undefined) return undefined;
  const configName = tags[TAGS.recreateConfig];
  if (!configName) return `${TAGS.recreateConfig} is missing`;
  const chunks: string[] = [];
  for (let index = 0; tags[`${TAGS.recreateTagsPrefix}${index}`] !== undefined; index += 1) chunks.push(tags[`${TAGS.recreateTagsPrefix}${index}`] as string);
  try {
    const entries = chunks.length === 0 ? [] : (JSON.parse(Buffer.from(chunks.join(''), 'base64url').toString('utf8')) as unknown);
    if (!Array.isArray(entries) || !entries.every((entry) => Array.isArray(entry) && entry.length === 2 && entry.every((part) => typeof part === 'string'))) {
      return `${TAGS.recreateTagsPrefix}* do not hold the endpoint's tags`;
    }
    return {
      endpointName,
      configName,
      tags: Object.fromEntries(entries as Array<[string, string]>),
      deletedAt: tags[TAGS.deletedAt] ?? '',
      costPerDay: Number(tags[TAGS.costPerDay] ?? 0) || 0,
    };
  } catch {
    // JSON.parse or base64 failed: a damaged record is reported, never half-used.
    return `${TAGS.recreateTagsPrefix}* are not readable`;
  }
}

export { IDLE_ACTIONS, decideIdleActions, recreatableTags, recreateRecordValues, parseRecreateRecord, readLegacyRecreateRecord };
export type { IdleAction, IdleActionDecision, IdleActionPolicy, IdleActionOutcome, IdleActionResult, RecreateRecord, VariantScaling };
