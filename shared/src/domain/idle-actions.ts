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
}

/** What a deleted endpoint needs to come back: its name, its tags, and when and at what cost it went. */
interface RecreateRecord {
  readonly endpointName: string;
  readonly configName: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly deletedAt: string;
  /** What it cost per day when deleted (USD, known prices only): the savings ledger's figure. */
  readonly costPerDay: number;
}

/** SageMaker allows 50 tags on a resource and 256 characters in a value (SageMaker API Reference, AddTags and Tag). */
const MAX_TAGS_PER_RESOURCE = 50;
const MAX_TAG_VALUE_CHARS = 256;

/**
 * The recreate record as tags for the endpoint config. The endpoint's own tags go in as base64url
 * JSON, because a tag value may hold only letters, digits, spaces and `_.:/=+-@` (SageMaker API
 * Reference, Tag), in numbered chunks of 256. Undefined when the config cannot hold them all
 * (`existing` tags already on it count): then the endpoint must not be deleted.
 */
function recreateTags(record: RecreateRecord, existing: Tags): Record<string, string> | undefined {
  const encoded = Buffer.from(JSON.stringify(Object.entries(record.tags)), 'utf8').toString('base64url');
  const chunks = encoded.match(new RegExp(`.{1,${MAX_TAG_VALUE_CHARS}}`, 'g')) ?? [];
  const tags: Record<string, string> = {
    [TAGS.recreateEndpoint]: record.endpointName,
    [TAGS.recreateConfig]: record.configName,
    [TAGS.deletedAt]: record.deletedAt,
    [TAGS.costPerDay]: record.costPerDay.toFixed(2),
  };
  chunks.forEach((chunk, index) => (tags[`${TAGS.recreateTagsPrefix}${index}`] = chunk));
  const total = new Set([...Object.keys(existing), ...Object.keys(tags)]).size;
  return total <= MAX_TAGS_PER_RESOURCE ? tags : undefined;
}

/** The record read back from a config's tags; undefined when there is none, an error text when it is damaged. */
function readRecreateRecord(tags: Tags): RecreateRecord | string | undefined {
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

/** The recreate record's tag keys present on a config: removed once the endpoint is back. */
function recreateTagKeys(tags: Tags): string[] {
  const fixed: string[] = [TAGS.recreateEndpoint, TAGS.recreateConfig, TAGS.deletedAt, TAGS.costPerDay];
  return Object.keys(tags).filter((key) => fixed.includes(key) || key.startsWith(TAGS.recreateTagsPrefix));
}

export { IDLE_ACTIONS, decideIdleActions, recreateTags, readRecreateRecord, recreateTagKeys };
export type { IdleAction, IdleActionDecision, IdleActionPolicy, IdleActionOutcome, IdleActionResult, RecreateRecord };
