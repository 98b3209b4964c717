/**
 * What the bot keeps about a resource, slot by slot: the keys of each, as the state table stores
 * them and as the mirror tags show them to people in the console. A slot also names the tags the
 * previous version signed with KMS (its MAC and generation keys), which the first run of this
 * version imports once (aws/legacy-signed-state.ts) and never reads again.
 */
import { TAG_PREFIX, TAGS } from '../domain/tags.ts';

/** Tag keys signed together, the tag that holds their MAC, and where the generation keys go. */
interface StateSlot {
  /** Goes into the signed message, so a MAC from one slot never verifies another. */
  readonly id: string;
  readonly macKey: string;
  /** `<genPrefix><nonce>`: one per write, each later than the one before. */
  readonly genPrefix: string;
  /** The slot's value keys (not its MAC or generation keys). */
  owns(key: string): boolean;
  /** The keys a write covers, in a form a tag value can hold; `keysOf` reads it back. */
  manifest(keys: readonly string[]): string;
  keysOf(manifest: string): string[] | undefined;
}

type FixedSlot = StateSlot & { readonly keys: readonly string[] };

/** A slot of known keys: the manifest is a hex bitmask over them. */
function fixedSlot(id: string, keys: readonly string[]): FixedSlot {
  return {
    id,
    keys,
    macKey: TAGS.stateMac,
    genPrefix: TAGS.stateGenPrefix,
    owns: (key) => keys.includes(key),
    manifest: (written) => keys.reduce((mask, key, index) => (written.includes(key) ? mask | (1 << index) : mask), 0).toString(16),
    keysOf: (manifest) => {
      if (!/^[0-9a-f]{1,4}$/.test(manifest)) return undefined;
      const mask = Number.parseInt(manifest, 16);
      if (mask >= 1 << keys.length) return undefined;
      return keys.filter((_, index) => (mask & (1 << index)) !== 0);
    },
  };
}

/**
 * On an endpoint whose instances a weekend scale-down released: what each hour at zero saves, and
 * since when. The restore books the hours actually spent at zero. Kept in the table only: a
 * recreate-style slot (no fixed key list), so nothing mirrors it onto the endpoint's tags.
 */
const WEEKEND_HOLD: StateSlot = {
  id: 'weekend',
  macKey: `${TAGS.weekendSince}-mac`,
  genPrefix: `${TAGS.weekendSince}-gen:`,
  owns: (key) => key === TAGS.weekendCostPerHour || key === TAGS.weekendSince,
  manifest: (keys) => String(keys.length),
  keysOf: () => undefined,
};

/**
 * A slot kept in the table only (no key list, so nothing mirrors it onto the resource's tags, and
 * the bot needs no tag write on it): the previous version never signed these, so nothing imports.
 */
function tableSlot(id: string, keys: readonly string[]): StateSlot {
  return {
    id,
    macKey: `${TAG_PREFIX}${id}-mac`,
    genPrefix: `${TAG_PREFIX}${id}-gen:`,
    owns: (key) => keys.includes(key),
    manifest: (written) => String(written.length),
    keysOf: () => undefined,
  };
}

/** On a Canvas user profile the bot logged out: when, and what the session cost per hour (the saving is booked when the user returns). */
const CANVAS_LOGOUT = tableSlot('canvas', [TAGS.loggedOutAt, TAGS.sessionPerHour]);
/** On an MLflow tracking server the bot stopped for off hours: the morning start acts on this mark only. */
const MLFLOW_OFF_HOURS = tableSlot('mlflow', [TAGS.offHoursStopped, TAGS.stoppedAt, TAGS.serverPerHour]);

/** On a Studio domain whose idle shutdown the bot turned on: what it replaced, to put it back. */
const STUDIO_IDLE = tableSlot('studio', [TAGS.replacedIdleSettings]);

/** What the weekend job (and the idle action's scale-to-zero) saves on an inference component. */
const COMPONENT_STATE = fixedSlot('component', [
  TAGS.savedCopyCount,
  TAGS.savedMinCapacity,
  TAGS.savedMaxCapacity,
  TAGS.savedAt,
  TAGS.restoreAfter,
  TAGS.heldBy,
]);
/** On an endpoint whose components the idle action holds at 0: what that saves per day, and when the bot last restored it. */
const ENDPOINT_STATE = fixedSlot('endpoint', [TAGS.costPerDay, TAGS.heldSince, TAGS.restoredAt, TAGS.bookedThrough]);
/** On a notebook instance: the bot's last stop (the ledger counts it) and the off-hours mark (the morning start acts on it). */
const NOTEBOOK_STATE = fixedSlot('notebook', [TAGS.lastAction, TAGS.offHoursStopped]);

/**
 * One deleted endpoint's recreate record on its endpoint config: `<prefix>0`, `<prefix>1`, … chunks,
 * so each endpoint of a shared config keeps its own. The manifest is the chunk count.
 */
function recreateSlot(endpointName: string): StateSlot {
  const prefix = `${TAGS.recreatePrefix}${endpointName}:`;
  const chunk = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)$`);
  return {
    id: `recreate:${endpointName}`,
    macKey: `${prefix}mac`,
    genPrefix: `${prefix}g`,
    owns: (key) => chunk.test(key),
    manifest: (keys) => `n${keys.length}`,
    keysOf: (manifest) => {
      const match = /^n(\d{1,2})$/.exec(manifest);
      return match ? Array.from({ length: Number(match[1]) }, (_, index) => `${prefix}${index}`) : undefined;
    },
  };
}

/** What IAM lets a job write and remove on a resource of a fixed slot: its keys, its MAC and its generations. */
function slotTagKeyPatterns(slot: FixedSlot): string[] {
  return [...slot.keys, TAGS.stateMirror, slot.macKey, `${slot.genPrefix}*`];
}

/** Every key the bot keeps in a fixed slot on a resource, generations included: not the owner's. */
function isSlotKey(slot: FixedSlot, key: string): boolean {
  return slot.owns(key) || key === TAGS.stateMirror || key === slot.macKey || key.startsWith(slot.genPrefix);
}

export {
  fixedSlot,
  WEEKEND_HOLD,
  COMPONENT_STATE,
  ENDPOINT_STATE,
  NOTEBOOK_STATE,
  CANVAS_LOGOUT,
  MLFLOW_OFF_HOURS,
  STUDIO_IDLE,
  recreateSlot,
  slotTagKeyPatterns,
  isSlotKey,
};
export type { StateSlot, FixedSlot };
