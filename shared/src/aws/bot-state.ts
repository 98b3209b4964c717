/**
 * The one door to the bot's own state. It lives in the state table (aws/state-table.ts), where
 * resource owners cannot write: tags stay on the resource, and so does anyone who may tag it, so no
 * scheme that keeps the bot's memory on the resource can tell a replayed older set from the truth.
 *
 * - Each record names its resource by ARN and by the resource's creation time: a new resource with
 *   an old name inherits nothing (its state reads as `rejected`, saying why).
 * - A family of records (components, endpoints, notebooks, recreate records) is read with one Query
 *   per run, not one call per resource; a write is conditional on the version that read found, so
 *   two overlapping runs never both act on one resource (the second's write fails, and it acts not).
 * - After each write the values are mirrored onto the resource's tags for people reading the
 *   console. The mirror is best-effort: never read for a decision, and a full tag set (SageMaker's
 *   50) never stops or half-finishes an action; the run's notes say it could not be written.
 * - The previous version's signed tags are imported once: a run with STATE_KEY_ID, while the table
 *   has no mark that the import is over, takes what verifies with the old key as the bot's state,
 *   and a run that may write (not a dry or report-only run) stores it and sets the mark at its end
 *   (`closeLegacyImport`). After that they are listed, never read as state.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ConfigError, describeFailure } from '../errors.ts';
import type { StateRead } from '../domain/state.ts';
import { TAGS, type Tags } from '../domain/tags.ts';
import { liveSignedTagVerifier, signedAt } from './legacy-signed-state.ts';
import { createSageMakerTags, type SageMakerTags } from './sagemaker-tags.ts';
import type { FixedSlot, StateSlot } from './state-slots.ts';
import { createStateTable, type StateTable, type TableItem } from './state-table.ts';
import { arnKey } from './tagging.ts';

/** A resource as the state names it: its ARN and its creation time (ISO 8601), when SageMaker says it. */
interface StateSubject {
  readonly arn: string;
  readonly createdAt: string | undefined;
}

interface BotState {
  /**
   * The slot's record for the resource. `tags`, the resource's tags as just read, are looked at only
   * to import or list the previous version's signed state: never as state.
   */
  verify(subject: StateSubject, slot: StateSlot, tags: Tags): Promise<StateRead>;
  /** The slot's record for the resource, from the table alone. */
  read(subject: StateSubject, slot: StateSlot): Promise<StateRead>;
  /** Replaces the slot's record, only while it is as this run read it; throws StateConflictError otherwise. Then mirrors it. */
  write(subject: StateSubject, slot: StateSlot, values: Readonly<Record<string, string>>): Promise<void>;
  /** Removes the slot's record, under the same condition, and its mirror. */
  clear(subject: StateSubject, slot: StateSlot): Promise<void>;
  /** What the report should say about the state this run met: mirrors not written, signed tags not imported. */
  notes(): readonly string[];
  /**
   * Books one saving in the ledger: at most one per resource and day, whatever its kind (a retry, an
   * overlapping run or a manual invoke books nothing more, and the bot's own action and "after an
   * alert" never both count one day), and one correction of it. False when it was booked already.
   */
  bookSaving(saving: BookedSaving): Promise<boolean>;
  /** Every saving booked in [from, to): the ledger's month partitions that span it, one Query each. */
  readLedger(from: Date, to: Date): Promise<Array<BookedSaving & { readonly bookedAt: string }>>;
  /**
   * One mutating call, journaled: what the bot is about to do is written first (a call is never made
   * when that write fails), then the call, then its outcome. The history script reads the journal.
   */
  act<T>(entry: JournalEntry, call: () => Promise<T>): Promise<T>;
  /** Every record of the slot's family the table holds (one Query a run): what the daily run books and reports. */
  records(slot: StateSlot): Promise<ReadonlyArray<StateSubject & { readonly slotId: string; readonly values: Readonly<Record<string, string>> }>>;
  /**
   * At the end of a run that may write: stores what this run imported from the previous version's
   * signed tags (only where the table still has nothing) and ends the import for the families read.
   */
  closeLegacyImport(): Promise<void>;
}

/** Another run wrote the record since this run read it: this run does nothing more to that resource. */
class StateConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateConflictError';
  }
}

/** One saving as the ledger keeps it (the `Savings` metric's figures, by UTC day). */
interface BookedSaving {
  /** YYYY-MM-DD, UTC. */
  readonly day: string;
  readonly action: string;
  readonly region: string;
  readonly resource: string;
  readonly amount: number;
  /** An adjustment of the day's booking (measured against estimated), booked under its own key. */
  readonly correction?: boolean | undefined;
}

/** One change the bot makes to a resource, as the journal keeps it. */
interface JournalEntry {
  /** The resource's name (what the history script is asked for), ARN and kind. */
  readonly name: string;
  readonly arn: string;
  readonly kind: 'inference-component' | 'endpoint' | 'notebook-instance' | 'scalable-target' | 'canvas-app' | 'mlflow-tracking-server' | 'studio-domain';
  /** What is done: `set copies`, `delete`, `stop`, … */
  readonly action: string;
  readonly before?: string | undefined;
  readonly after?: string | undefined;
  /** How an admin undoes it (an event for the bot, or the console step), when it can be undone. */
  readonly undo?: string | undefined;
}

/** The journal keeps about 13 months of what the bot did. */
const JOURNAL_RETENTION_DAYS = 400;

/** The ledger keeps about 13 months (the savings report reads the month and the one before). */
const LEDGER_RETENTION_DAYS = 400;

interface StateRecord {
  readonly arn: string;
  readonly values: Readonly<Record<string, string>>;
  readonly createdAt: string | undefined;
  readonly version: number;
}

interface BotStateOptions {
  readonly table: StateTable;
  /** The tag calls of the region a resource lives in: only the mirror uses them. */
  readonly tagsFor: (region: string) => SageMakerTags;
  /** The previous version's verifier (STATE_KEY_ID set): only the one-time import uses it. */
  readonly legacyVerify?: ((arn: string, slot: StateSlot, tags: Tags) => Promise<StateRead>) | undefined;
  /** Stamps each write (the run's clock) and names the run that made it. */
  readonly now: () => Date;
  readonly runId: string;
}

/** The tag that says the slot's tags on a resource are a mirror of the table, written by this version. */
const MIRROR_MARK = TAGS.stateMirror;
const MIRROR_VALUE = 'mirror of the ops-bot state table';
const LEGACY_IMPORT_PK = 'meta';

/** component, endpoint, notebook, recreate: one Query each per run. */
function familyOf(slot: StateSlot): string {
  return slot.id.split(':')[0] as string;
}

const partitionOf = (slot: StateSlot) => `state#${familyOf(slot)}`;
const sortKeyOf = (arn: string, slot: StateSlot) => `${arnKey(arn)}#${slot.id}`;

function regionOf(arn: string): string {
  const region = arn.split(':')[3];
  if (!region) throw new Error(`cannot read a region from ARN ${arn}`);
  return region;
}

function recordOf(item: TableItem): StateRecord | undefined {
  const { values, version, createdAt, arn } = item.attributes;
  if (typeof version !== 'number' || typeof values !== 'object' || typeof arn !== 'string') return undefined;
  return { arn, values, version, createdAt: typeof createdAt === 'string' && createdAt !== '' ? createdAt : undefined };
}

function slotValues(slot: StateSlot, tags: Tags): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => slot.owns(key)));
}

function createBotState(options: BotStateOptions): BotState {
  const { table, tagsFor } = options;
  const families = new Map<string, Promise<Map<string, StateRecord | null>>>();
  /** The families whose one-time import is over (one Query of the meta partition a run, on first need). */
  let importClosed: Promise<Set<string>> | undefined;
  const tagsSeen = new Map<string, Tags>();
  let journalSequence = 0;
  const notes: string[] = [];
  /** Imported this run, not yet stored: written by closeLegacyImport, dropped when this run writes the slot itself. */
  const pendingImports = new Map<string, { subject: StateSubject; slot: StateSlot; values: Readonly<Record<string, string>> }>();

  const family = (slot: StateSlot) => {
    const name = familyOf(slot);
    let loaded = families.get(name);
    if (!loaded) {
      loaded = table.query(partitionOf(slot)).then((items) => {
        const records = new Map<string, StateRecord | null>();
        for (const item of items) records.set(item.sk, recordOf(item) ?? null);
        return records;
      });
      // A failed read is tried again by the next caller, not remembered.
      loaded.catch(() => families.delete(name));
      families.set(name, loaded);
    }
    return loaded;
  };

  const closedImports = () => {
    importClosed ??= table.query(LEGACY_IMPORT_PK, 'legacy-import#').then((items) => new Set(items.map((item) => item.sk.slice('legacy-import#'.length))));
    return importClosed;
  };
  const legacyImportOpen = async (slot: StateSlot) => !(await closedImports()).has(familyOf(slot));

  const lookup = async (subject: StateSubject, slot: StateSlot): Promise<StateRecord | null | undefined> =>
    (await family(slot)).get(sortKeyOf(subject.arn, slot));

  const judge = (subject: StateSubject, record: StateRecord): StateRead => {
    if (record.createdAt !== undefined && subject.createdAt !== undefined && record.createdAt !== subject.createdAt) {
      return {
        status: 'rejected',
        reason: `it was saved for an earlier resource of the same name (created ${record.createdAt}; this one was created ${subject.createdAt})`,
        found: record.values,
        legacy: false,
      };
    }
    return Object.keys(record.values).length > 0 ? { status: 'verified', values: record.values } : { status: 'none' };
  };

  /** Fixed slots only: a recreate record is long encoded chunks, of no use to a person and a rival for the owner's 50 tags. */
  const mirror = async (arn: string, slot: StateSlot, values: Readonly<Record<string, string>>) => {
    if (!('keys' in slot)) return;
    try {
      const tags = tagsFor(regionOf(arn));
      const seen = tagsSeen.get(arnKey(arn)) ?? {};
      const cleared = Object.keys(values).length === 0;
      if (!cleared) await tags.addTags(arn, { ...values, [MIRROR_MARK]: MIRROR_VALUE });
      // What no longer mirrors anything goes: the slot's keys seen on the resource that this write
      // does not hold, the previous version's MAC and generations, and on a clear every key of the slot.
      const candidates = cleared ? [...(slot as FixedSlot).keys, MIRROR_MARK, ...Object.keys(seen)] : Object.keys(seen);
      const stale = candidates.filter(
        (key) => (slot.owns(key) && !(key in values)) || (cleared && key === MIRROR_MARK) || key === slot.macKey || key.startsWith(slot.genPrefix),
      );
      await tags.deleteTags(arn, [...new Set(stale)]);
    } catch (error) {
      notes.push(`${arn}: its state is in the state table, but the mirror tags could not be written (${describeFailure(error)})`);
    }
  };

  const itemOf = (subject: StateSubject, slot: StateSlot, values: Readonly<Record<string, string>>, version: number): TableItem => ({
    pk: partitionOf(slot),
    sk: sortKeyOf(subject.arn, slot),
    attributes: {
      values,
      version,
      arn: subject.arn,
      ...(subject.createdAt ? { createdAt: subject.createdAt } : {}),
      writtenAt: options.now().toISOString(),
      runId: options.runId,
    },
  });

  const replace = async (subject: StateSubject, slot: StateSlot, values: Readonly<Record<string, string>>) => {
    for (const key of Object.keys(values)) if (!slot.owns(key)) throw new Error(`${key} is not part of the ${slot.id} state`);
    const records = await family(slot);
    const sk = sortKeyOf(subject.arn, slot);
    pendingImports.delete(`${partitionOf(slot)}|${sk}`);
    const before = records.get(sk);
    const condition = before ? ({ kind: 'version', version: before.version } as const) : ({ kind: 'absent' } as const);
    const conflict = () =>
      new StateConflictError(`another run changed the bot's state for ${subject.arn} since this run read it: this run leaves it to that one`);
    if (Object.keys(values).length === 0) {
      if (!before) return;
      if (!(await table.remove(partitionOf(slot), sk, condition))) throw conflict();
      records.delete(sk);
      return;
    }
    const version = (before?.version ?? 0) + 1;
    const item = itemOf(subject, slot, values, version);
    if (!(await table.put(item, condition))) throw conflict();
    records.set(sk, { arn: subject.arn, values, version, createdAt: subject.createdAt });
  };

  const importLegacy = async (subject: StateSubject, slot: StateSlot, tags: Tags): Promise<StateRead> => {
    const found = slotValues(slot, tags);
    const signed = tags[slot.macKey] !== undefined;
    if (!signed) {
      // Slot values without a MAC: this version's own mirror of a record that is gone (a clear cut off
      // before its mirror went: untidy, so the next step removes it), or values written by hand.
      if (Object.keys(found).length === 0) return { status: 'none' };
      if (tags[MIRROR_MARK] !== undefined) return { status: 'none', untidy: true };
      return { status: 'rejected', reason: 'it is on the tags only (the bot keeps its state in its table, never on tags)', found, legacy: true };
    }
    if (!options.legacyVerify || !(await legacyImportOpen(slot))) {
      return {
        status: 'rejected',
        reason: "it is the previous version's signed state, found after its one-time import (the bot keeps its state in its table now)",
        found,
        legacy: true,
      };
    }
    const written = signedAt(slot, tags);
    if (subject.createdAt !== undefined && (written === undefined || written.getTime() < Date.parse(subject.createdAt))) {
      return {
        status: 'rejected',
        reason: `it was signed for an earlier resource of the same name (this one was created ${subject.createdAt})`,
        found,
        legacy: true,
      };
    }
    const legacy = await options.legacyVerify(subject.arn, slot, tags);
    if (legacy.status !== 'verified') return legacy;
    pendingImports.set(`${partitionOf(slot)}|${sortKeyOf(subject.arn, slot)}`, { subject, slot, values: legacy.values });
    return { status: 'verified', values: legacy.values };
  };

  return {
    async verify(subject, slot, tags) {
      tagsSeen.set(arnKey(subject.arn), tags);
      let record;
      try {
        record = await lookup(subject, slot);
      } catch (error) {
        return { status: 'unverifiable', reason: `the state table could not be read: ${describeFailure(error)}` };
      }
      if (record) return judge(subject, record);
      if (record === null) return { status: 'rejected', reason: 'its record in the state table is not one the bot writes', found: {}, legacy: false };
      try {
        return await importLegacy(subject, slot, tags);
      } catch (error) {
        return { status: 'unverifiable', reason: `the previous version's state could not be imported: ${describeFailure(error)}` };
      }
    },
    async read(subject, slot) {
      try {
        const record = await lookup(subject, slot);
        if (record === undefined) return { status: 'none' };
        if (record === null) return { status: 'rejected', reason: 'its record in the state table is not one the bot writes', found: {}, legacy: false };
        return judge(subject, record);
      } catch (error) {
        return { status: 'unverifiable', reason: `the state table could not be read: ${describeFailure(error)}` };
      }
    },
    async write(subject, slot, values) {
      await replace(subject, slot, values);
      await mirror(subject.arn, slot, values);
    },
    async clear(subject, slot) {
      await replace(subject, slot, {});
      await mirror(subject.arn, slot, {});
    },
    notes: () => [...notes],
    async act(entry, call) {
      journalSequence += 1;
      const at = options.now();
      const pk = `journal#${entry.name.toLowerCase()}`;
      const sk = `${at.toISOString()}#${options.runId}#${String(journalSequence).padStart(4, '0')}`;
      const attributes = {
        arn: entry.arn,
        kind: entry.kind,
        action: entry.action,
        ...(entry.before !== undefined ? { before: entry.before } : {}),
        ...(entry.after !== undefined ? { after: entry.after } : {}),
        ...(entry.undo !== undefined ? { undo: entry.undo } : {}),
        runId: options.runId,
        expiresAt: Math.floor(at.getTime() / 1000) + JOURNAL_RETENTION_DAYS * 86_400,
      };
      // Intent first: a run cut off after the call still leaves what it was doing.
      if (!(await table.put({ pk, sk, attributes: { ...attributes, outcome: 'started', version: 1 } }, { kind: 'absent' }))) {
        throw new StateConflictError(`the journal already holds ${sk} for ${entry.name}: nothing done`);
      }
      const outcome = async (text: string) => {
        try {
          await table.put({ pk, sk, attributes: { ...attributes, outcome: text, version: 2 } }, { kind: 'version', version: 1 });
        } catch (error) {
          notes.push(`${entry.name}: the outcome of "${entry.action}" could not be journaled (${describeFailure(error)})`);
        }
      };
      try {
        const result = await call();
        await outcome('done');
        return result;
      } catch (error) {
        await outcome(`failed: ${describeFailure(error)}`);
        throw error;
      }
    },
    async bookSaving(saving) {
      const resource = `${saving.region}/${saving.resource.toLowerCase()}`;
      return table.put(
        {
          pk: `ledger#${saving.day.slice(0, 7)}`,
          sk: `${saving.day}#${resource}${saving.correction ? '#correction' : ''}`,
          attributes: {
            action: saving.action,
            region: saving.region,
            resource: saving.resource,
            amount: saving.amount,
            bookedAt: options.now().toISOString(),
            runId: options.runId,
            expiresAt: Math.floor(options.now().getTime() / 1000) + LEDGER_RETENTION_DAYS * 86_400,
          },
        },
        { kind: 'absent' },
      );
    },
    async readLedger(from, to) {
      const months = new Set<string>();
      for (
        let at = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1));
        at < to;
        at = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1))
      )
        months.add(at.toISOString().slice(0, 7));
      const items = (await Promise.all([...months].map((month) => table.query(`ledger#${month}`)))).flat();
      return items.flatMap((item) => {
        const { action, region, resource, amount, bookedAt } = item.attributes;
        if (
          typeof action !== 'string' ||
          typeof region !== 'string' ||
          typeof resource !== 'string' ||
          typeof amount !== 'number' ||
          typeof bookedAt !== 'string'
        )
          return [];
        const at = Date.parse(bookedAt);
        if (!(at >= from.getTime() && at < to.getTime())) return [];
        return [{ day: item.sk.slice(0, 10), action, region, resource, amount, bookedAt, correction: item.sk.endsWith('#correction') }];
      });
    },
    async records(slot) {
      const records = await family(slot);
      // An ARN holds no '#': the slot id follows the first one.
      return [...records].flatMap(([sk, record]) =>
        record ? [{ arn: record.arn, createdAt: record.createdAt, slotId: sk.slice(sk.indexOf('#') + 1), values: record.values }] : [],
      );
    },
    async closeLegacyImport() {
      for (const { subject, slot, values } of pendingImports.values()) {
        // Only where the table still has nothing: a record another run wrote meanwhile wins.
        const item = itemOf(subject, slot, values, 1);
        if (await table.put(item, { kind: 'absent' }))
          (await family(slot)).set(item.sk, { arn: subject.arn, values, version: 1, createdAt: subject.createdAt });
      }
      pendingImports.clear();
      // Every family this run read is closed, whether or not it met signed tags: a set put back later
      // is never imported.
      const closed = await closedImports();
      for (const name of families.keys()) {
        if (closed.has(name)) continue;
        await table.put(
          { pk: LEGACY_IMPORT_PK, sk: `legacy-import#${name}`, attributes: { closedAt: options.now().toISOString(), runId: options.runId } },
          { kind: 'absent' },
        );
        closed.add(name);
      }
    },
  };
}

/**
 * State for a run that has no table to read (STATE_TABLE unset: a local dry run or preview): every
 * read is `unverifiable`, so nothing that needs state is acted on, and a write fails saying why.
 */
function noStateTable(): BotState {
  const reason = 'STATE_TABLE is not set';
  return {
    verify: async () => ({ status: 'unverifiable', reason }),
    read: async () => ({ status: 'unverifiable', reason }),
    write: async () => {
      throw new ConfigError('STATE_TABLE', 'is not set: the bot writes its state nowhere else, so nothing that needs it was done');
    },
    clear: async () => {
      throw new ConfigError('STATE_TABLE', 'is not set: the bot writes its state nowhere else, so nothing that needs it was done');
    },
    notes: () => [],
    // Nothing can be booked without the table: a saving that cannot be booked is not counted.
    bookSaving: async () => false,
    readLedger: async () => {
      throw new ConfigError('STATE_TABLE', 'is not set: the ledger is in the state table');
    },
    act: async () => {
      throw new ConfigError('STATE_TABLE', 'is not set: the bot changes nothing it cannot journal');
    },
    records: async () => [],
    closeLegacyImport: async () => undefined,
  };
}

/**
 * The live store of one run (make one per invocation: its reads are the run's own). The table is in
 * the function's own region; the previous version's key, when STATE_KEY_ID is set, only for the
 * one-time import.
 */
function liveBotState(
  settings: { readonly stateTable?: string | undefined; readonly stateKeyId?: string | undefined; readonly regions: readonly string[] },
  clients: {
    readonly dynamo: (region: string) => DynamoDBClient;
    /** Only for a job that imports the previous version's signed tags (one that writes). */
    readonly kms?: ((region: string) => KMSClient) | undefined;
    readonly sageMaker: (region: string) => SageMakerClient;
  },
  clock: () => Date,
): BotState {
  if (!settings.stateTable) return noStateTable();
  // The table is in the function's own region (Lambda sets AWS_REGION), which is also the first of its regions by default.
  const ownRegion = process.env.AWS_REGION ?? settings.regions[0];
  if (!ownRegion) throw new ConfigError('AWS_REGION', "is not set: the state table is in the function's own region");
  return createBotState({
    table: createStateTable(clients.dynamo(ownRegion), settings.stateTable),
    tagsFor: (region) => createSageMakerTags(clients.sageMaker(region)),
    legacyVerify: settings.stateKeyId && clients.kms ? liveSignedTagVerifier(settings.stateKeyId, clients.kms) : undefined,
    now: clock,
    runId: randomUUID(),
  });
}

/** One journal entry as read back: what was done, when, by which run, how it ended. */
interface JournaledAction extends JournalEntry {
  readonly at: string;
  readonly runId: string;
  /** `started` (the run was cut off, or the call hangs), `done`, or `failed: …`. */
  readonly outcome: string;
}

/**
 * What the bot did to resources named `name` (any kind), oldest first, and what it still holds for
 * them: read-only, for the history script. One Query for the journal, one per record family.
 */
async function readHistory(
  table: StateTable,
  name: string,
): Promise<{
  readonly actions: JournaledAction[];
  readonly holds: Array<{ readonly arn: string; readonly slot: string; readonly values: Readonly<Record<string, string>> }>;
}> {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const actions = (await table.query(`journal#${name.toLowerCase()}`)).flatMap((item): JournaledAction[] => {
    const { arn, kind, action, outcome, runId } = item.attributes;
    if (typeof arn !== 'string' || typeof kind !== 'string' || typeof action !== 'string') return [];
    return [
      {
        at: item.sk.split('#')[0] as string,
        name,
        arn,
        kind: kind as JournalEntry['kind'],
        action,
        before: text(item.attributes.before),
        after: text(item.attributes.after),
        undo: text(item.attributes.undo),
        runId: text(runId) ?? '?',
        outcome: text(outcome) ?? '?',
      },
    ];
  });
  const suffix = `/${name.toLowerCase()}`;
  const families = await Promise.all(
    ['component', 'endpoint', 'notebook', 'recreate', 'weekend', 'canvas', 'mlflow', 'studio'].map((family) => table.query(`state#${family}`)),
  );
  const holds = families.flat().flatMap((item) => {
    const record = recordOf(item);
    if (!record) return [];
    const slot = item.sk.slice(item.sk.indexOf('#') + 1);
    const named = record.arn.toLowerCase().endsWith(suffix) || slot === `recreate:${name}`;
    return named ? [{ arn: record.arn, slot, values: record.values }] : [];
  });
  return { actions, holds };
}

/** Something the bot still holds that an uninstall must undo first, with the event that undoes it. */
interface Holding {
  readonly arn: string;
  readonly what: string;
  /** `<function> <event>`, or what to do by hand. */
  readonly undo: string;
  /** The invocation that undoes it (`leftovers --undo` makes it); absent where another holding's undo covers it. */
  readonly undoBy?: { readonly job: 'idle-endpoints' | 'weekend-scaling' | 'idle-notebooks'; readonly event: Readonly<Record<string, string>> } | undefined;
}

/** A holding undone by invoking `job` with `event`: the text and the invocation say the same thing. */
function undoneBy(job: NonNullable<Holding['undoBy']>['job'], event: Record<string, string>): Pick<Holding, 'undo' | 'undoBy'> {
  return { undo: `${job} ${JSON.stringify(event)}`, undoBy: { job, event } };
}

/**
 * What the state table says the bot still holds (read-only, for `leftovers` before an uninstall):
 * components at 0 with their saved counts, endpoints held at 0, endpoints it deleted, notebooks it
 * stopped for off hours. One Query per family.
 */
async function readHoldings(table: StateTable): Promise<Holding[]> {
  const [components, endpoints, recreates, notebooks, servers, domains] = await Promise.all(
    ['component', 'endpoint', 'recreate', 'notebook', 'mlflow', 'studio'].map((family) => table.query(`state#${family}`)),
  );
  const named = (arn: string) => ({ region: arn.split(':')[3] ?? '?', name: arn.slice(arn.lastIndexOf('/') + 1) });
  const holdings: Holding[] = [];
  for (const item of components ?? []) {
    const record = recordOf(item);
    const saved = record?.values[TAGS.savedCopyCount];
    if (!record || saved === undefined) continue;
    const { region, name } = named(record.arn);
    const held = record.values[TAGS.heldBy] !== undefined;
    holdings.push({
      arn: record.arn,
      what: `at 0 copies, ${saved} saved${held ? ' (held by the idle action)' : ''}`,
      ...(held ? { undo: "its endpoint's restore (below)" } : undoneBy('weekend-scaling', { action: 'restore', component: name, region })),
    });
  }
  for (const item of endpoints ?? []) {
    const record = recordOf(item);
    if (!record || record.values[TAGS.costPerDay] === undefined) continue;
    const { region, name } = named(record.arn);
    holdings.push({
      arn: record.arn,
      what: 'its components held at 0 by the idle action',
      ...undoneBy('idle-endpoints', { action: 'restore', endpoint: name, region }),
    });
  }
  for (const item of recreates ?? []) {
    const record = recordOf(item);
    if (!record) continue;
    const endpoint = item.sk.slice(item.sk.indexOf('#recreate:') + '#recreate:'.length);
    const region = record.arn.split(':')[3] ?? '?';
    holdings.push({
      arn: record.arn,
      what: `endpoint ${endpoint} deleted by the idle action (its recreate record)`,
      ...undoneBy('idle-endpoints', { action: 'recreate', endpoint, region }),
    });
  }
  for (const item of notebooks ?? []) {
    const record = recordOf(item);
    if (!record || record.values[TAGS.offHoursStopped] === undefined) continue;
    holdings.push({ arn: record.arn, what: 'stopped for off hours', ...undoneBy('idle-notebooks', { action: 'morning-start' }) });
  }
  for (const item of servers ?? []) {
    const record = recordOf(item);
    if (!record || record.values[TAGS.offHoursStopped] === undefined) continue;
    holdings.push({ arn: record.arn, what: 'MLflow tracking server stopped for off hours', ...undoneBy('idle-notebooks', { action: 'morning-start' }) });
  }
  for (const item of domains ?? []) {
    const record = recordOf(item);
    const replaced = record?.values[TAGS.replacedIdleSettings];
    if (!record || replaced === undefined) continue;
    // Turning idle shutdown on is the owner's to keep or revert: the record says what it replaced.
    holdings.push({
      arn: record.arn,
      what: `idle shutdown turned on by the bot (it replaced ${replaced})`,
      undo: 'keep it, or put the replaced settings back with update-domain',
    });
  }
  return holdings;
}

export { createBotState, liveBotState, noStateTable, readHistory, readHoldings, StateConflictError, MIRROR_MARK };
export {
  COMPONENT_STATE,
  ENDPOINT_STATE,
  NOTEBOOK_STATE,
  WEEKEND_HOLD,
  CANVAS_LOGOUT,
  MLFLOW_OFF_HOURS,
  STUDIO_IDLE,
  recreateSlot,
  slotTagKeyPatterns,
  isSlotKey,
} from './state-slots.ts';
export type { BotState, StateSubject, BookedSaving, JournalEntry, JournaledAction, Holding };
export type { StateSlot, FixedSlot } from './state-slots.ts';
