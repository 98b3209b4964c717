/**
 * The previous version's state: signed tags on the resource (a KMS HMAC over the slot's values, its
 * ARN and a generation). Tags stay writable by anyone with `sagemaker:AddTags` and `DeleteTags`,
 * so an older set the bot once signed can be put back and verify; the bot's memory now lives in its
 * state table (aws/bot-state.ts). This module is kept for one thing: the first run of this version
 * imports, once, the state that verifies here, and lists what does not. It writes nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { VerifyMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { describeFailure } from '../errors.ts';
import type { StateRead } from '../domain/state.ts';
import type { Tags } from '../domain/tags.ts';
import { arnKey } from './tagging.ts';
import type { StateSlot } from './state-slots.ts';
import { wallClockMs } from '../util/clock.ts';

/** Bumped when the canonical message changes: a MAC of another version never verifies. */
const STATE_FORMAT_VERSION = 1;
const MAC_ALGORITHM = 'HMAC_SHA_256';

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

/**
 * When the previous version wrote the slot's signed set on these tags: its generation starts with
 * the write's milliseconds in base 36. The MAC binds the ARN, not the resource's creation time, so
 * this is what tells a set signed for an earlier resource of the same name.
 */
function signedAt(slot: StateSlot, tags: Tags): Date | undefined {
  const value = tags[slot.macKey];
  const parsed = value === undefined ? undefined : parseMacTag(value);
  if (!parsed) return undefined;
  const ms = Number.parseInt(parsed.generation.slice(0, 9), 36);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
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

interface SignedTagKey {
  /** STATE_KEY_ID (the HMAC_256 key's ARN or alias) and a KMS client of its region. */
  readonly kms: KMSClient;
  readonly keyId: string;
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

/** Verifies a slot's signed tags as the previous version wrote them (read-only: KMS VerifyMac). */
function createSignedTagVerifier(key: SignedTagKey): (arn: string, slot: StateSlot, tags: Tags) => Promise<StateRead> {
  return async (arn: string, slot: StateSlot, tags: Tags): Promise<StateRead> => {
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
}

/** The verifier of STATE_KEY_ID, with a KMS client of the key's region made on first use. */
function liveSignedTagVerifier(stateKeyId: string, kmsFor: (region: string) => KMSClient): (arn: string, slot: StateSlot, tags: Tags) => Promise<StateRead> {
  let kms: KMSClient | undefined;
  return createSignedTagVerifier({
    keyId: stateKeyId,
    get kms() {
      kms ??= kmsFor(keyRegion(stateKeyId, process.env.AWS_REGION));
      return kms;
    },
  });
}

export { createSignedTagVerifier, liveSignedTagVerifier, keyRegion, signedTags, signedAt, nextGeneration, stateDigest, StateKeyError };
