/**
 * The one door to the bot's own state on a resource. Tags are not a trusted store: anyone with
 * `sagemaker:AddTags` on a resource can write any `ops-bot:` tag. So every piece of state the bot
 * writes and later acts on or counts carries a MAC from AWS KMS (`GenerateMac`, HMAC_SHA_256, under
 * the key in STATE_KEY_ID) over a canonical message that binds the format version, the resource
 * ARN, the slot, and every key and value of the slot. This module reads, verifies, signs and
 * writes that state; jobs get verified values (or the reason there are none) and never see a MAC,
 * a KMS call or the tag layout.
 *
 * A slot is a set of tag keys on one resource that are signed together: adding, removing or
 * changing any one of them, or copying the whole set from another resource, breaks the MAC.
 */
import { createHash } from 'node:crypto';
import { GenerateMacCommand, VerifyMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { describeFailure } from '../errors.ts';
import type { StateRead } from '../domain/state.ts';
import { TAGS, type Tags } from '../domain/tags.ts';
import { arnKey } from './tagging.ts';
import { createSageMakerTags, type SageMakerTags } from './sagemaker-tags.ts';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';

/** Bumped when the canonical message changes: a MAC of another version never verifies. */
const STATE_FORMAT_VERSION = 1;
/** KMS takes at most 4,096 bytes of message (KMS API Reference, GenerateMac): the digest is signed. */
const MAC_ALGORITHM = 'HMAC_SHA_256';

/** Tag keys signed together, and the tag that holds their MAC. */
interface StateSlot {
  /** Goes into the signed message, so a MAC from one slot never verifies another. */
  readonly id: string;
  readonly macKey: string;
  owns(key: string): boolean;
}

function fixedSlot(id: string, keys: readonly string[]): StateSlot & { readonly keys: readonly string[] } {
  return { id, keys, macKey: TAGS.stateMac, owns: (key) => keys.includes(key) };
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
const ENDPOINT_STATE = fixedSlot('endpoint', [TAGS.costPerDay, TAGS.heldSince, TAGS.restoredAt]);
/** On a notebook instance: the bot's last stop (the ledger counts it) and the off-hours mark (the morning start acts on it). */
const NOTEBOOK_STATE = fixedSlot('notebook', [TAGS.lastAction, TAGS.offHoursStopped]);

/** One deleted endpoint's recreate record on its endpoint config: each endpoint of a shared config keeps its own. */
function recreateSlot(endpointName: string): StateSlot {
  const prefix = `${TAGS.recreatePrefix}${endpointName}:`;
  const macKey = `${prefix}mac`;
  return { id: `recreate:${endpointName}`, macKey, owns: (key) => key.startsWith(prefix) && key !== macKey };
}

interface BotState {
  /** Verifies the slot in tags already read from the resource (ListTags or GetResources). */
  verify(arn: string, slot: StateSlot, tags: Tags): Promise<StateRead>;
  /** Reads the resource's tags (ListTags, strongly consistent), then verifies. */
  read(arn: string, slot: StateSlot): Promise<StateRead>;
  /**
   * Signs `values` as the slot's whole content and writes them with their MAC in one AddTags;
   * keys of the slot not in `values` are removed after. Read back with `read` where the next step
   * depends on it.
   */
  write(arn: string, slot: StateSlot, values: Readonly<Record<string, string>>): Promise<void>;
  /** Removes the slot's keys and its MAC. */
  clear(arn: string, slot: StateSlot): Promise<void>;
}

/** The digest KMS signs: version, resource, slot, and every key and value, unambiguously framed. */
function stateDigest(arn: string, slot: StateSlot, values: Readonly<Record<string, string>>): Uint8Array {
  const entries = Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify(['ops-bot-state', STATE_FORMAT_VERSION, arnKey(arn), slot.id, entries]);
  return createHash('sha256').update(canonical, 'utf8').digest();
}

function slotValues(slot: StateSlot, tags: Tags): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => slot.owns(key)));
}

/** `v1:` then the MAC in base64, which a SageMaker tag value may hold (letters, digits, `+/=`). */
function encodeMac(mac: Uint8Array): string {
  return `v${STATE_FORMAT_VERSION}:${Buffer.from(mac).toString('base64')}`;
}

function decodeMac(value: string): Uint8Array | undefined {
  const match = /^v(\d+):([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!match || Number(match[1]) !== STATE_FORMAT_VERSION) return undefined;
  return Buffer.from(match[2] as string, 'base64');
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

function createBotState({ key, tagsFor }: BotStateOptions): BotState {
  const sign = async (arn: string, slot: StateSlot, values: Readonly<Record<string, string>>): Promise<string> => {
    if (!key) throw new StateKeyError('STATE_KEY_ID is not set: no state can be signed, so nothing that needs it was done');
    const { kms, keyId } = key;
    let answer;
    try {
      answer = await kms.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: MAC_ALGORITHM, Message: stateDigest(arn, slot, values) }));
    } catch (error) {
      throw new StateKeyError(`KMS GenerateMac failed, so no state was written: ${describeFailure(error)}`, { cause: error });
    }
    if (!answer.Mac) throw new StateKeyError('KMS GenerateMac returned no Mac');
    return encodeMac(answer.Mac);
  };

  const verify: BotState['verify'] = async (arn, slot, tags) => {
    const found = slotValues(slot, tags);
    const macValue = tags[slot.macKey];
    if (Object.keys(found).length === 0 && macValue === undefined) return { status: 'none' };
    if (macValue === undefined) {
      return { status: 'rejected', reason: 'it carries no MAC (written by hand, or by a version before signed state)', found, legacy: true };
    }
    const mac = decodeMac(macValue);
    if (!mac) return { status: 'rejected', reason: 'its MAC is not one the bot writes', found, legacy: false };
    if (!key) return { status: 'unverifiable', reason: 'STATE_KEY_ID is not set' };
    const { kms, keyId } = key;
    try {
      const answer = await kms.send(new VerifyMacCommand({ KeyId: keyId, MacAlgorithm: MAC_ALGORITHM, Message: stateDigest(arn, slot, found), Mac: mac }));
      if (answer.MacValid === true) return { status: 'verified', values: found };
    } catch (error) {
      if (!isInvalidMac(error)) return { status: 'unverifiable', reason: `KMS VerifyMac failed: ${describeFailure(error)}` };
    }
    return { status: 'rejected', reason: 'its MAC does not match (changed since the bot wrote it, or copied from another resource)', found, legacy: false };
  };

  return {
    verify,
    async read(arn, slot) {
      return verify(arn, slot, await tagsFor(regionOf(arn)).readTags(arn));
    },
    async write(arn, slot, values) {
      for (const key of Object.keys(values)) if (!slot.owns(key)) throw new Error(`${key} is not part of the ${slot.id} state`);
      const mac = await sign(arn, slot, values);
      const tags = tagsFor(regionOf(arn));
      // Values and MAC in one AddTags, so no reader sees new values under an old MAC.
      await tags.addTags(arn, { ...values, [slot.macKey]: mac });
      const leftovers = Object.keys(slotValues(slot, await tags.readTags(arn))).filter((key) => !(key in values));
      await tags.deleteTags(arn, leftovers);
    },
    async clear(arn, slot) {
      const tags = tagsFor(regionOf(arn));
      const present = await tags.readTags(arn);
      await tags.deleteTags(arn, [...Object.keys(slotValues(slot, present)), ...(present[slot.macKey] !== undefined ? [slot.macKey] : [])]);
    },
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

/** Every key of a fixed slot plus its MAC: what IAM lets the bot write and remove on such a resource. */
function slotTagKeys(slot: ReturnType<typeof fixedSlot>): string[] {
  return [...slot.keys, slot.macKey];
}

export { createBotState, liveBotState, keyRegion, COMPONENT_STATE, ENDPOINT_STATE, NOTEBOOK_STATE, recreateSlot, slotTagKeys, stateDigest, StateKeyError };
export type { BotState, StateSlot };
