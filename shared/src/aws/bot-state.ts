/**
 * The one door to the bot's own state on a resource. Tags are not a trusted store: anyone with
 * `sagemaker:AddTags` on a resource can write any `ops-bot:` tag. So every piece of state the bot
 * writes and later acts on or counts carries a MAC from AWS KMS (`GenerateMac`, HMAC_SHA_256, under
 * the key in STATE_KEY_ID) over a canonical message that binds the format version, the resource
 * ARN, the slot, the write's generation, and every key and value it wrote. This module reads,
 * verifies, signs and writes that state; jobs get verified values (or the reason there are none) and
 * never see a MAC, a KMS call or the tag layout.
 *
 * A slot is a set of tag keys on one resource that are signed together. Each write also adds a
 * generation key with a new, later name (`ops-bot:gen:<nonce>`), signed with the values, and then
 * removes the older generation; the MAC tag names its generation and the keys it covers. Only the
 * newest generation present verifies, so:
 * - a value added, changed or removed, or a set copied from another resource, breaks the MAC;
 * - an older set the bot itself signed on the same resource, put back with AddTags, names an older
 *   generation than the one present, which AddTags cannot remove: it does not verify either;
 * - a clear leaves a signed empty generation behind (a tombstone), so a set put back after a restore
 *   does not verify.
 * A write cut off between its AddTags and its DeleteTags leaves the new generation whole: it verifies,
 * and the next write removes what was left.
 */
import { createHash, randomBytes } from 'node:crypto';
import { GenerateMacCommand, VerifyMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { describeFailure } from '../errors.ts';
import type { StateRead } from '../domain/state.ts';
import { TAGS, type Tags } from '../domain/tags.ts';
import { arnKey } from './tagging.ts';
import { createSageMakerTags, type SageMakerTags } from './sagemaker-tags.ts';
import { wallClockMs } from '../util/clock.ts';

/** Bumped when the canonical message changes: a MAC of another version never verifies. */
const STATE_FORMAT_VERSION = 1;
const MAC_ALGORITHM = 'HMAC_SHA_256';

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

interface BotState {
  /** Verifies the slot in tags already read from the resource (ListTags or GetResources). */
  verify(arn: string, slot: StateSlot, tags: Tags): Promise<StateRead>;
  /** Reads the resource's tags (ListTags, strongly consistent), then verifies. */
  read(arn: string, slot: StateSlot): Promise<StateRead>;
  /**
   * Signs `values` as the slot's whole content, as a new generation, in one AddTags; then removes
   * the older generation and the slot's keys not in `values`. `current`: the resource's tags as just
   * read, when the caller has them (saves a ListTags).
   */
  write(arn: string, slot: StateSlot, values: Readonly<Record<string, string>>, current?: Tags): Promise<void>;
  /** Removes the slot's values, leaving a signed empty generation so that no older set verifies again. */
  clear(arn: string, slot: StateSlot, current?: Tags): Promise<void>;
}

/** The digest KMS signs (KMS takes at most 4,096 bytes of message): every part, unambiguously framed. */
function stateDigest(arn: string, slot: StateSlot, generation: string, manifest: string, values: Readonly<Record<string, string>>): Uint8Array {
  const entries = Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify(['ops-bot-state', STATE_FORMAT_VERSION, arnKey(arn), slot.id, generation, manifest, entries]);
  return createHash('sha256').update(canonical, 'utf8').digest();
}

/** `v1:<generation>:<manifest>:<MAC in base64>`: characters a SageMaker tag value may hold. */
function macTagValue(generation: string, manifest: string, mac: Uint8Array): string {
  return `v${STATE_FORMAT_VERSION}:${generation}:${manifest}:${Buffer.from(mac).toString('base64')}`;
}

function parseMacTag(value: string): { generation: string; manifest: string; mac: Uint8Array } | undefined {
  const match = /^v(\d+):([0-9a-z]{12}):([0-9a-zn]{1,4}):([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!match || Number(match[1]) !== STATE_FORMAT_VERSION) return undefined;
  return { generation: match[2] as string, manifest: match[3] as string, mac: Buffer.from(match[4] as string, 'base64') };
}

/** Later writes get later names: milliseconds in base 36 (fixed width), then randomness; never earlier than `after`. */
function nextGeneration(after: string | undefined, now = wallClockMs()): string {
  const fresh = `${now.toString(36).padStart(9, '0')}${randomBytes(2).readUInt16BE(0).toString(36).padStart(3, '0').slice(-3)}`;
  if (after === undefined || fresh > after) return fresh;
  const bumped = (Number.parseInt(after.slice(0, 9), 36) + 1).toString(36).padStart(9, '0');
  return `${bumped}${fresh.slice(9)}`;
}

function generationsIn(slot: StateSlot, tags: Tags): string[] {
  return Object.keys(tags)
    .filter((key) => key.startsWith(slot.genPrefix) && /^[0-9a-z]{12}$/.test(key.slice(slot.genPrefix.length)))
    .map((key) => key.slice(slot.genPrefix.length))
    .sort();
}

function slotValues(slot: StateSlot, tags: Tags): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => slot.owns(key)));
}

/** KMS answers a MAC that does not match with this exception (KMS API Reference, VerifyMac). */
function isInvalidMac(error: unknown): boolean {
  return error instanceof Error && error.name === 'KMSInvalidMacException';
}

class StateKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateKeyError';
  }
}

interface BotStateOptions {
  /**
   * STATE_KEY_ID (the HMAC_256 key's ARN or alias) and a KMS client of its region. Absent in a dry
   * run without the key (a local preview): state is then reported as not verifiable, never trusted.
   */
  readonly key?: { readonly kms: KMSClient; readonly keyId: string } | undefined;
  /** The tag calls of the region a resource lives in. */
  readonly tagsFor: (region: string) => SageMakerTags;
}

/** The key's region: the one in its ARN, else the function's own. */
function keyRegion(keyId: string, ownRegion: string | undefined): string {
  if (keyId.startsWith('arn:')) return regionOf(keyId);
  if (!ownRegion) throw new Error('STATE_KEY_ID is not an ARN and AWS_REGION is not set: cannot tell which region the key is in');
  return ownRegion;
}

function regionOf(arn: string): string {
  const region = arn.split(':')[3];
  if (!region) throw new Error(`cannot read a region from ARN ${arn}`);
  return region;
}

/** The tags that carry `values` signed as generation `generation`, given how to make the MAC. */
async function signedTags(
  arn: string,
  slot: StateSlot,
  values: Readonly<Record<string, string>>,
  generation: string,
  mac: (digest: Uint8Array) => Promise<Uint8Array> | Uint8Array,
): Promise<Record<string, string>> {
  for (const key of Object.keys(values)) if (!slot.owns(key)) throw new Error(`${key} is not part of the ${slot.id} state`);
  const manifest = slot.manifest(Object.keys(values));
  const digest = stateDigest(arn, slot, generation, manifest, values);
  return { ...values, [`${slot.genPrefix}${generation}`]: '', [slot.macKey]: macTagValue(generation, manifest, await mac(digest)) };
}

function createBotState({ key, tagsFor }: BotStateOptions): BotState {
  const sign = async (digest: Uint8Array): Promise<Uint8Array> => {
    if (!key) throw new StateKeyError('STATE_KEY_ID is not set: no state can be signed, so nothing that needs it was done');
    let answer;
    try {
      answer = await key.kms.send(new GenerateMacCommand({ KeyId: key.keyId, MacAlgorithm: MAC_ALGORITHM, Message: digest }));
    } catch (error) {
      throw new StateKeyError(`KMS GenerateMac failed, so no state was written: ${describeFailure(error)}`, { cause: error });
    }
    if (!answer.Mac) throw new StateKeyError('KMS GenerateMac returned no Mac');
    return answer.Mac;
  };

  const verify: BotState['verify'] = async (arn, slot, tags) => {
    const found = slotValues(slot, tags);
    const generations = generationsIn(slot, tags);
    const macValue = tags[slot.macKey];
    if (Object.keys(found).length === 0 && macValue === undefined && generations.length === 0) return { status: 'none' };
    const rejected = (reason: string, legacy = false): StateRead => ({ status: 'rejected', reason, found, legacy });
    if (macValue === undefined) return rejected('it carries no MAC (written by hand, or by a version before signed state)', generations.length === 0);
    const parsed = parseMacTag(macValue);
    if (!parsed) return rejected('its MAC is not one the bot writes');
    if (parsed.generation !== generations.at(-1))
      return rejected('its MAC is not that of the latest write on it (an older set put back, or a write the bot did not make)');
    const signedKeys = slot.keysOf(parsed.manifest);
    if (!signedKeys || signedKeys.some((signed) => found[signed] === undefined)) return rejected('keys it was signed with are missing');
    const values = Object.fromEntries(signedKeys.map((signed) => [signed, found[signed] as string]));
    if (!key) return { status: 'unverifiable', reason: 'STATE_KEY_ID is not set' };
    try {
      const answer = await key.kms.send(
        new VerifyMacCommand({
          KeyId: key.keyId,
          MacAlgorithm: MAC_ALGORITHM,
          Message: stateDigest(arn, slot, parsed.generation, parsed.manifest, values),
          Mac: parsed.mac,
        }),
      );
      // A signed empty generation is a clear: nothing is saved.
      if (answer.MacValid === true) {
        if (signedKeys.length > 0) return { status: 'verified', values };
        return Object.keys(found).length > 0 || generations.length > 1 ? { status: 'none', untidy: true } : { status: 'none' };
      }
    } catch (error) {
      if (!isInvalidMac(error)) return { status: 'unverifiable', reason: `KMS VerifyMac failed: ${describeFailure(error)}` };
    }
    return rejected('its MAC does not match (changed since the bot wrote it, or copied from another resource)');
  };

  const write: BotState['write'] = async (arn, slot, values, current) => {
    const tags = tagsFor(regionOf(arn));
    const before = current ?? (await tags.readTags(arn));
    const older = generationsIn(slot, before);
    const generation = nextGeneration(older.at(-1));
    // Values, generation and MAC in one AddTags, so no reader sees new values under an old MAC.
    await tags.addTags(arn, await signedTags(arn, slot, values, generation, sign));
    const leftovers = [...Object.keys(slotValues(slot, before)).filter((key) => !(key in values)), ...older.map((gen) => `${slot.genPrefix}${gen}`)];
    await tags.deleteTags(arn, leftovers);
  };

  return {
    verify,
    async read(arn, slot) {
      return verify(arn, slot, await tagsFor(regionOf(arn)).readTags(arn));
    },
    write,
    clear: (arn, slot, current) => write(arn, slot, {}, current),
  };
}

/**
 * The live state store: the KMS client of the key's region (made on first use, so a local dry run
 * without a key or a region needs neither), and each region's SageMaker tag calls.
 */
function liveBotState(stateKeyId: string | undefined, kmsFor: (region: string) => KMSClient, sageMakerFor: (region: string) => SageMakerClient): BotState {
  let kms: KMSClient | undefined;
  const key = stateKeyId
    ? {
        keyId: stateKeyId,
        get kms() {
          kms ??= kmsFor(keyRegion(stateKeyId, process.env.AWS_REGION));
          return kms;
        },
      }
    : undefined;
  return createBotState({ key, tagsFor: (region) => createSageMakerTags(sageMakerFor(region)) });
}

/** What IAM lets a job write and remove on a resource of a fixed slot: its keys, its MAC and its generations. */
function slotTagKeyPatterns(slot: FixedSlot): string[] {
  return [...slot.keys, slot.macKey, `${slot.genPrefix}*`];
}

/** Every key the bot keeps in a fixed slot on a resource, generations included: not the owner's. */
function isSlotKey(slot: FixedSlot, key: string): boolean {
  return slot.owns(key) || key === slot.macKey || key.startsWith(slot.genPrefix);
}

export {
  createBotState,
  liveBotState,
  keyRegion,
  signedTags,
  nextGeneration,
  COMPONENT_STATE,
  ENDPOINT_STATE,
  NOTEBOOK_STATE,
  recreateSlot,
  slotTagKeyPatterns,
  isSlotKey,
  stateDigest,
  StateKeyError,
};
export type { BotState, StateSlot, FixedSlot };
