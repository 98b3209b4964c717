/**
 * Acting on long-idle endpoints whose owners opted in (domain/idle-actions.ts decides), and undoing
 * it on demand. Every action writes what is needed to undo it before it acts:
 * - scale-to-zero: the weekend job's own save-then-act machinery (jobs/component-steps.ts), with
 *   the idle action's hold on each component so no weekly restore brings it back;
 * - delete: the recreate record in the state table, read back and checked, then DeleteEndpoint.
 * A run never repeats an action: a deleted endpoint is no longer listed, and components already at
 * 0 with their state saved have no steps left.
 */
import { describeFailure } from '../errors.ts';
import {
  parseRecreateRecord,
  readLegacyRecreateRecord,
  recreatableTags,
  recreateRecordValues,
  type IdleAction,
  type IdleActionDecision,
  type IdleActionOutcome,
  type RecreateRecord,
  type VariantScaling,
} from '../domain/idle-actions.ts';
import type { IdleEndpoint } from '../domain/idle-endpoints.ts';
import type { HostedVariant, InferenceComponentListing } from '../domain/hosting.ts';
import { isSkipped, TAGS, type Tags } from '../domain/tags.ts';
import { describeFound, type StateRead } from '../domain/state.ts';
import type { SavingsAction } from '../domain/savings.ts';
import { roundCents } from '../domain/units.ts';
import { IDLE_ACTION_HOLD, planRestore, planScaleDown, type ComponentOutcome, type ComponentSnapshot } from '../domain/weekend-scaling.ts';
import type { ScalingAccess } from '../aws/autoscaling.ts';
import type { VariantScalingAccess } from '../aws/variant-autoscaling.ts';
import type { EndpointLifecycle, EndpointState } from '../aws/endpoint-lifecycle.ts';
import { ENDPOINT_STATE, isSlotKey, recreateSlot, type BotState } from '../aws/bot-state.ts';
import type { ComponentAccess } from '../aws/inference-components.ts';
import type { EndpointReader } from '../aws/sagemaker.ts';
import type { TagReader } from '../aws/tagging.ts';
import { mapSettled } from '../util/concurrency.ts';
import { NO_DEADLINE, OutOfTimeError, type Deadline } from '../util/deadline.ts';
import type { RunLogger } from '../util/logger.ts';
import { asPlanned, carryOut, readComponentSnapshot, settlePolicy } from './component-steps.ts';

/** What acting on one region's endpoints needs. */
interface ActionAccess {
  readonly endpoints: EndpointReader;
  readonly lifecycle: EndpointLifecycle;
  readonly components: ComponentAccess;
  readonly scaling: ScalingAccess;
  readonly variantScaling: VariantScalingAccess;
  readonly tags: TagReader;
}

interface ActionDeps {
  readonly actionsFor: (region: string) => ActionAccess;
  /** The bot's state table: recreate records, holds, what a hold saves. */
  readonly state: BotState;
  readonly logger: RunLogger;
  readonly deadline?: Deadline | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** The event that undoes an action, to invoke the idle-endpoints function with. */
function undoEvent(action: IdleAction | 'restore' | 'recreate', region: string, name: string): string {
  const undo = action === 'delete' || action === 'recreate' ? 'recreate' : 'restore';
  return JSON.stringify({ action: undo, endpoint: name, region });
}

/** Carries out the due decisions (or, in a dry run, says what would be done). */
async function actOnIdleEndpoints(
  decisions: readonly IdleActionDecision[],
  deps: Omit<ActionDeps, 'actionsFor' | 'state'> & { readonly actionsFor?: ActionDeps['actionsFor'] | undefined; readonly state?: BotState | undefined },
  now: Date,
  dryRun: boolean,
): Promise<IdleActionOutcome[]> {
  const due = decisions.flatMap((decision) => (decision.kind === 'act' ? [decision] : []));
  const { actionsFor, state } = deps;
  // A replayed snapshot has no account to act on or read: a dry run names what is due, nothing more.
  if (!actionsFor || !state) {
    if (!dryRun && due.length > 0) throw new Error('idle actions are due but this run has no account to act on');
    return due.map(({ region, name, action, endpoint }) => ({
      region,
      name,
      action,
      result: 'planned',
      savesPerDay: endpoint.knownCostPerDay,
      detail: `${action} is due`,
      undo: undoEvent(action, region, name),
    }));
  }
  const settled = await mapSettled(
    due,
    2,
    async ({ region, name, action, endpoint }): Promise<IdleActionOutcome> => {
      const access = actionsFor(region);
      const base = { region, name, action, undo: undoEvent(action, region, name) };
      try {
        // The endpoint's own tags, read just before acting: the tag search is eventually consistent,
        // and a skip tag added (or the opt-in removed) since then still wins.
        const own = await access.lifecycle.readTags(endpoint.arn);
        if (isSkipped(own) || own[TAGS.idleAction] !== action)
          return { ...base, result: 'skipped', detail: 'its tags changed since they were searched: left alone', undo: undefined };
        return action === 'delete'
          ? await deleteEndpoint(endpoint, access, state, now, dryRun, base, deps.deadline)
          : await scaleToZero(endpoint, access, { ...deps, actionsFor, state }, now, dryRun, base);
      } catch (error) {
        deps.logger.error('Idle action failed', { endpoint: name, region, action, reason: describeFailure(error) });
        return { ...base, result: 'failed', detail: `${action} failed; nothing more was changed`, error: describeFailure(error) };
      }
    },
    deps.deadline,
  );
  return settled.map((outcome, index) => {
    if (outcome.ok) return outcome.value;
    const decision = due[index] as Extract<IdleActionDecision, { kind: 'act' }>;
    return {
      region: decision.region,
      name: decision.name,
      action: decision.action,
      result: 'failed',
      detail: 'not acted on',
      error: describeFailure(outcome.error),
    };
  });
}

type Base = Pick<IdleActionOutcome, 'region' | 'name' | 'action' | 'undo'>;

/**
 * Writes the endpoint's own recreate record into the state table, under its endpoint config (each
 * endpoint of a shared config keeps its own), and reads it back; only then is the endpoint deleted. The
 * config and the model stay. A variant's Application Auto Scaling target and policies go into the
 * record and are deregistered before the delete (they do not come back with a new endpoint); the
 * recreate puts them back. Refused before anything is written: a config that names a KMS key
 * (CreateEndpoint needs the key policy to grant the caller, which the bot cannot check).
 */
async function deleteEndpoint(
  endpoint: IdleEndpoint,
  access: ActionAccess,
  state: BotState,
  now: Date,
  dryRun: boolean,
  base: Base,
  deadline: Deadline = NO_DEADLINE,
): Promise<IdleActionOutcome> {
  const savesPerDay = endpoint.knownCostPerDay;
  const config = await access.lifecycle.configOf(endpoint.name);
  const refuse = (error: string): IdleActionOutcome => ({ ...base, result: 'failed', detail: 'not deleted', error, undo: undefined });
  if (config.kmsKeyId) return refuse(`its endpoint config ${config.name} names KMS key ${config.kmsKeyId}: the bot does not delete what it might not recreate`);
  const registered = await access.variantScaling.readVariantScaling(endpoint.name, config.variantNames);
  const autoscaling =
    registered.length > 0 ? ` (autoscaling of ${registered.map((variant) => variant.variantName).join(', ')} saved and put back on recreate)` : '';
  if (dryRun) return { ...base, result: 'planned', savesPerDay, detail: `would be deleted (its endpoint config and model stay)${autoscaling}` };
  const slot = recreateSlot(endpoint.name);
  const configSubject = { arn: config.arn, createdAt: undefined };
  // A delete cut off after deregistering left the targets only in its record: they are kept.
  const earlier = await readRecord(state, config.arn, endpoint.name);
  const scaling = mergeScaling(typeof earlier === 'object' ? (earlier.scaling ?? []) : [], registered);
  const record: RecreateRecord = {
    endpointName: endpoint.name,
    configName: config.name,
    tags: recreatableTags(await access.lifecycle.readAllTags(endpoint.arn), isEndpointStateKey),
    deletedAt: `${now.toISOString().slice(0, 16)}Z`,
    costPerDay: savesPerDay,
    ...(scaling.length > 0 ? { scaling } : {}),
  };
  const values = recreateRecordValues(record, RECORD_CHUNK_PREFIX(endpoint.name), 0);
  if (!values) return refuse(`the recreate record of ${endpoint.name} is too large to keep`);
  // In the state table before the delete: a run cut off after it still has the way back.
  await state.write(configSubject, slot, values);
  const readBack = await readRecord(state, config.arn, endpoint.name);
  if (typeof readBack !== 'object' || JSON.stringify(readBack) !== JSON.stringify(record)) {
    return refuse(`the recreate record of ${endpoint.name} did not read back whole from the state table`);
  }
  // Never past the deadline: a run that had to publish leaves the endpoint (and its record) as they are.
  if (deadline.passed()) throw new OutOfTimeError();
  const journaled = { name: endpoint.name, arn: endpoint.arn, undo: `invoke idle-endpoints with ${undoEvent('delete', endpoint.region, endpoint.name)}` };
  for (const variant of registered) {
    await state.act(
      { ...journaled, kind: 'scalable-target', action: `deregister the autoscaling of ${variant.variantName}`, before: JSON.stringify(variant) },
      () => access.variantScaling.deregisterVariant(endpoint.name, variant.variantName),
    );
  }
  await state.act({ ...journaled, kind: 'endpoint', action: 'delete', before: `InService from ${config.name}`, after: 'deleted' }, () =>
    access.lifecycle.deleteEndpoint(endpoint.name),
  );
  return {
    ...base,
    result: 'done',
    savesPerDay,
    detail: `deleted; endpoint config ${config.name} and its model kept, with what is needed to recreate it${autoscaling}`,
  };
}

/** The saved autoscaling of each variant: what is registered now, else what an earlier, cut-off delete saved. */
function mergeScaling(earlier: readonly VariantScaling[], registered: readonly VariantScaling[]): VariantScaling[] {
  const now = new Set(registered.map((variant) => variant.variantName));
  return [...registered, ...earlier.filter((variant) => !now.has(variant.variantName))];
}

/** The ledger's day: a saving is booked once per UTC day, however many runs the day has (retries, manual invokes). */
function ledgerDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The bot's state keys on an endpoint: never carried over to a recreated one. */
const isEndpointStateKey = (key: string) => isSlotKey(ENDPOINT_STATE, key);
/** The chunk keys of an endpoint's record: `ops-bot:recreate:<endpoint>:<n>`. */
const RECORD_CHUNK_PREFIX = (endpointName: string) => `${TAGS.recreatePrefix}${endpointName}:`;

/**
 * An endpoint's recreate record, kept in the state table under its endpoint config, parsed; a
 * reason when there is none to use. `tags`, the config's tags as just read, only let the previous
 * version's signed record be imported once.
 */
async function readRecord(state: BotState, configArn: string, endpointName: string, tags?: Tags): Promise<RecreateRecord | string> {
  const slot = recreateSlot(endpointName);
  const subject = { arn: configArn, createdAt: undefined };
  const read = tags ? await state.verify(subject, slot, tags) : await state.read(subject, slot);
  return recordOf(read, endpointName, configArn);
}

function recordOf(read: StateRead, endpointName: string, configArn: string): RecreateRecord | string {
  if (read.status === 'none') return 'no recreate record';
  if (read.status === 'unverifiable') return `its recreate record could not be verified now (${read.reason})`;
  if (read.status === 'rejected') return `the recreate record found for it is not the bot's own: left as it is (${read.reason})`;
  const record = parseRecreateRecord(read.values, RECORD_CHUNK_PREFIX(endpointName));
  if (typeof record === 'string') return record;
  // The record is keyed by the config's ARN: it names this config and this endpoint, or it is not one the bot wrote.
  if (record.endpointName !== endpointName || configArn.toLowerCase().split('/').pop() !== record.configName.toLowerCase())
    return 'the recreate record names another endpoint or config';
  return record;
}

/** Every component to 0 copies, its count and bounds saved first, held from the weekly restore. */
async function scaleToZero(endpoint: IdleEndpoint, access: ActionAccess, deps: ActionDeps, now: Date, dryRun: boolean, base: Base): Promise<IdleActionOutcome> {
  const components = await readComponents(endpoint.region, endpoint.name, access, deps.state);
  const plans = planScaleDown(components, { scope: 'all', now, holdBy: IDLE_ACTION_HOLD });
  const capacity = await access.endpoints.readEndpointCapacity(endpoint.name, () => false);
  const { savesPerDay, note } = instanceCostAfterZero(capacity, endpoint);
  const unverified = plans.filter((plan) => plan.disposition === 'unverified-state' || plan.disposition === 'deferred');
  if (unverified.length > 0) {
    // A component whose state the bot cannot call its own is not scaled down with the others:
    // half an endpoint at 0 saves nothing, and the state may be what an owner needs to restore.
    return {
      ...base,
      result: 'failed',
      savesPerDay: 0,
      detail: 'nothing scaled down',
      error: unverified.map((plan) => plan.detail).join('; '),
      undo: undefined,
    };
  }
  // What stops costing goes into the state table before anything changes: the savings ledger
  // counts it each day the components stay held, and the restore removes it.
  if (!dryRun && plans.some((plan) => plan.steps.length > 0)) {
    await deps.state.write({ arn: endpoint.arn, createdAt: endpoint.createdAt }, ENDPOINT_STATE, {
      [TAGS.costPerDay]: savesPerDay.toFixed(2),
      [TAGS.heldSince]: `${now.toISOString().slice(0, 16)}Z`,
    });
  }
  const outcomes = dryRun ? plans.map(asPlanned) : await carryOut(plans, stepRunner(access, deps));
  const failed = outcomes.filter((outcome) => outcome.result === 'failed');
  const acted = outcomes.filter((outcome) => outcome.steps.length > 0);
  const counted = `${outcomes.length} component${outcomes.length === 1 ? '' : 's'}`;
  if (failed.length > 0) {
    return {
      ...base,
      result: 'failed',
      savesPerDay: 0,
      detail: `${failed.length} of ${counted} not scaled to 0; saved state kept`,
      error: failed.map((o) => `${o.name}: ${o.error}`).join('; '),
    };
  }
  if (acted.length === 0) return { ...base, result: 'already-done', savesPerDay, detail: `${counted} already at 0 copies, state saved${note}` };
  return {
    ...base,
    result: dryRun ? 'planned' : 'done',
    savesPerDay,
    detail: `${counted} ${dryRun ? 'would go' : 'scaled'} to 0 copies, counts and bounds saved on each${note}`,
  };
}

/**
 * The instances stop costing only when every variant's managed instance scaling allows 0 instances;
 * otherwise the components go to 0 and the instances stay (and bill).
 */
function instanceCostAfterZero(variants: readonly HostedVariant[], endpoint: IdleEndpoint): { savesPerDay: number; note: string } {
  const kept = variants.filter((variant) => variant.managedMinInstanceCount !== 0);
  if (kept.length === 0) return { savesPerDay: roundCents(endpoint.knownCostPerDay), note: '' };
  const why = kept.map(
    (variant) =>
      `${variant.variantName}: ${variant.managedMinInstanceCount === undefined ? 'no managed instance scaling' : `managed MinInstanceCount ${variant.managedMinInstanceCount}`}`,
  );
  return { savesPerDay: 0, note: `; the instance cost does not stop (${why.join(', ')})` };
}

/** The endpoint's components as the weekend rules read them: live copies and bounds, owner's tags, verified state. */
async function readComponents(region: string, endpointName: string, access: ActionAccess, state: BotState): Promise<ComponentSnapshot[]> {
  const listed = (await access.endpoints.listInferenceComponents()).filter((component) => component.endpointName === endpointName);
  // The endpoint's own tags, read now: ops-bot:skip on it covers every component it hosts.
  const [bounds, endpointTags] = await Promise.all([
    access.scaling.readBounds(listed.map((component) => component.name)),
    listed.length > 0 ? access.lifecycle.arnOf(endpointName).then((arn) => access.lifecycle.readTags(arn)) : Promise.resolve({}),
  ]);
  const endpointSkipped = isSkipped(endpointTags);
  return Promise.all(
    listed.map((listing) => readComponentSnapshot(region, listing, access.components, state, { autoscaling: bounds.get(listing.name), endpointSkipped })),
  );
}

/** Seconds between checks of a component that is Updating before a refused change is tried again. */
const SETTLE_POLL_SECONDS = 5;

function stepRunner(access: ActionAccess, deps: ActionDeps) {
  return {
    actorFor: () => access,
    state: deps.state,
    logger: deps.logger,
    deadline: deps.deadline,
    sleep: deps.sleep,
    settle: settlePolicy(SETTLE_POLL_SECONDS),
  };
}

/**
 * The on-demand restore of one endpoint's components: exactly what was saved, the hold released.
 * Only components opted in to the weekend job or held by the idle action (verified) come back.
 * The endpoint's idle clock then restarts: it is judged on traffic from now on.
 */
async function restoreEndpoint(region: string, name: string, deps: ActionDeps, now: Date, dryRun: boolean): Promise<IdleActionOutcome> {
  const access = deps.actionsFor(region);
  const base = { region, name, action: 'restore' as const };
  const components = await readComponents(region, name, access, deps.state);
  if (components.length === 0) return { ...base, result: 'failed', detail: 'no inference components found on this endpoint', error: 'nothing to restore' };
  const plans = planRestore(components, now, { scope: 'tagged', releaseHold: IDLE_ACTION_HOLD });
  const outcomes: ComponentOutcome[] = dryRun ? plans.map(asPlanned) : await carryOut(plans, stepRunner(access, deps));
  const failed = outcomes.filter((outcome) => outcome.result === 'failed');
  const unverified = outcomes.filter((outcome) => outcome.unverified !== undefined);
  const restored = outcomes.filter((outcome) => outcome.disposition === 'restore').map((outcome) => `${outcome.name} ${outcome.copiesAfter}`);
  // The owner wins: a component (or its endpoint) tagged ops-bot:skip since stays as it is, with its way back kept.
  const skipped = outcomes.filter((outcome) => outcome.disposition === 'skipped' && outcome.detail !== undefined);
  if (skipped.length > 0 && restored.length === 0) {
    return { ...base, result: 'failed', detail: 'left as it is', error: skipped.map((outcome) => `${outcome.name}: ${outcome.detail}`).join('; ') };
  }
  if (failed.length > 0)
    return { ...base, result: 'failed', detail: 'saved state kept for the failed components', error: failed.map((o) => `${o.name}: ${o.error}`).join('; ') };
  if (unverified.length > 0) {
    const found = unverified.map((outcome) => `${outcome.name}: ${describeFound(outcome.unverified?.found ?? {})}`).join('; ');
    return {
      ...base,
      result: 'failed',
      detail: `state the bot does not act on was left as it is (${found})`,
      error: 'the bot restores only what its own state table holds; set these copies by hand if they should run',
      stateRejected: unverified.length,
    };
  }
  if (!dryRun) {
    // Every component is back: the endpoint saves nothing more, and its idle clock starts again now.
    const live = await access.lifecycle.stateOf(name);
    const arn = live?.arn ?? (await access.lifecycle.arnOf(name));
    await deps.state.write({ arn, createdAt: live?.createdAt }, ENDPOINT_STATE, { [TAGS.restoredAt]: `${now.toISOString().slice(0, 16)}Z` });
  }
  if (restored.length === 0) return { ...base, result: 'already-done', detail: 'nothing saved to restore: its components run as their owner set them' };
  return { ...base, result: dryRun ? 'planned' : 'done', detail: `copies ${dryRun ? 'would be ' : ''}restored: ${restored.join(', ')}` };
}

/**
 * The recreate records the state table holds in a region, by endpoint config ARN and endpoint name
 * (one Query a run).
 */
async function recordsInTable(state: BotState, region: string): Promise<Array<{ configArn: string; endpointName: string }>> {
  const records = await state.records(recreateSlot(''));
  return records
    .filter((record) => record.arn.split(':')[3] === region)
    .map((record) => ({ configArn: record.arn, endpointName: record.slotId.slice('recreate:'.length) }));
}

/**
 * Creates the deleted endpoint again from its own verified record, with its owner's tags. The
 * record stays until the endpoint is InService: `Creating` is followed by the daily run, `Failed`
 * is reported with its reason and a second recreate (after the fix) deletes the failed endpoint the
 * bot created and tries again. Nothing is created from a record that does not verify, from a
 * config tagged ops-bot:skip, or over an endpoint the bot did not create.
 */
async function recreateEndpoint(region: string, name: string, deps: ActionDeps, dryRun: boolean, now: Date): Promise<IdleActionOutcome> {
  const access = deps.actionsFor(region);
  const base = { region, name, action: 'recreate' as const };
  const failed = (detail: string, error: string, extra: Partial<IdleActionOutcome> = {}): IdleActionOutcome => ({
    ...base,
    result: 'failed',
    detail,
    error,
    ...extra,
  });
  let found: { arn: string; tags: Tags; record: RecreateRecord | string } | undefined;
  for (const { configArn, endpointName } of await recordsInTable(deps.state, region)) {
    if (endpointName !== name) continue;
    // The config's own tags now: an ops-bot:skip added since wins.
    found = { arn: configArn, tags: await access.lifecycle.readTags(configArn), record: await readRecord(deps.state, configArn, name) };
    if (typeof found.record === 'object') break;
  }
  if (!found) return failed('the state table holds no recreate record for it', `no recreate record for ${name}`);
  const { record } = found;
  if (typeof record !== 'object') return failed('nothing created', record, { stateRejected: /not the bot's own/.test(record) ? 1 : 0 });
  if (isSkipped(found.tags)) return failed('nothing created', `its endpoint config ${record.configName} is tagged ops-bot:skip`);

  const live = await access.lifecycle.stateOf(name);
  if (live && live.status !== 'Failed') {
    if (live.status === 'InService') {
      const problem = dryRun ? undefined : await finishRecreate(found.arn, live, name, record, access, deps.state, now);
      if (problem) return failed('its recreate record is kept', problem);
      return {
        ...base,
        result: 'already-done',
        detail: `it exists and is InService${record.recreatedAt ? '' : ' (created by someone else)'}; its recreate record is removed`,
      };
    }
    return { ...base, result: 'already-done', detail: `it is ${live.status}; the record is kept until it is InService, and the daily run follows it` };
  }
  // The owner wins: an endpoint the bot recreated once and someone deleted again stays deleted.
  if (!live && record.recreatedAt)
    return failed('nothing created', `the bot recreated it at ${record.recreatedAt} and it was deleted again since: its owner's delete stands`);
  if (live?.status === 'Failed' && !record.recreatedAt)
    return failed('nothing created', `an endpoint ${name} the bot did not create exists and is Failed: ${live.failureReason ?? 'no reason given'}`);
  if (dryRun) return { ...base, result: 'planned', detail: `would be created from ${record.configName} with ${tagCount(record.tags)}` };
  const endpointArn = live?.arn ?? found.arn.replace(/:endpoint-config\/[^/]+$/, `:endpoint/${name.toLowerCase()}`);
  if (live?.status === 'Failed') {
    // A Failed endpoint allows only DeleteEndpoint (SageMaker API Reference, DescribeEndpoint): the bot's own failed recreate goes first.
    await deps.state.act({ name, arn: endpointArn, kind: 'endpoint', action: 'delete the failed recreate', before: 'Failed', after: 'deleted' }, () =>
      access.lifecycle.deleteEndpoint(name),
    );
  }
  // The record is marked before the create (a run cut off after it knows the endpoint is the bot's),
  // and stays until the endpoint is InService: a Failed create keeps the way back.
  const subject = { arn: found.arn, createdAt: undefined };
  const marked = recreateRecordValues({ ...record, recreatedAt: `${now.toISOString().slice(0, 16)}Z` }, RECORD_CHUNK_PREFIX(name), 0);
  if (marked) await deps.state.write(subject, recreateSlot(name), marked);
  try {
    await deps.state.act(
      {
        name,
        arn: endpointArn,
        kind: 'endpoint',
        action: 'recreate',
        before: 'deleted',
        after: `Creating from ${record.configName}`,
        undo: 'delete the endpoint again (console or DeleteEndpoint)',
      },
      () => access.lifecycle.createEndpoint(name, record.configName, record.tags),
    );
  } catch (error) {
    // Nothing was created: the record goes back to unmarked, so the next recreate is not refused.
    const unmarked = recreateRecordValues(record, RECORD_CHUNK_PREFIX(name), 0);
    if (unmarked) await deps.state.write(subject, recreateSlot(name), unmarked);
    throw error;
  }
  const again = live?.status === 'Failed' ? ` (its earlier recreate had Failed: ${live.failureReason ?? 'no reason given'})` : '';
  return {
    ...base,
    result: 'done',
    detail: `created from ${record.configName} with ${tagCount(record.tags)}${again}; it is Creating, and its record stays until it is InService`,
  };
}

/**
 * The endpoint is back and InService: the autoscaling the bot deregistered goes back on, then the
 * record goes (and the finder with the last one), and the idle clock restarts. Returns what kept the
 * record, if anything did.
 */
async function finishRecreate(
  configArn: string,
  /** The endpoint as just described: InService. */
  endpoint: EndpointState,
  name: string,
  record: RecreateRecord,
  access: ActionAccess,
  state: BotState,
  now: Date,
): Promise<string | undefined> {
  const recreatedByBot = record.recreatedAt !== undefined;
  for (const variant of recreatedByBot ? (record.scaling ?? []) : []) {
    try {
      await state.act(
        { name, arn: endpoint.arn, kind: 'scalable-target', action: `put back the autoscaling of ${variant.variantName}`, after: JSON.stringify(variant) },
        () => access.variantScaling.restoreVariantScaling(name, variant),
      );
    } catch (error) {
      return `putting back the autoscaling of ${variant.variantName} failed (${describeFailure(error)}); the record is kept to try again`;
    }
  }
  await state.clear({ arn: configArn, createdAt: undefined }, recreateSlot(name));
  // A recreated endpoint starts a new CreationTime, which already restarts its idle clock; the mark says who.
  if (recreatedByBot)
    await state.write({ arn: endpoint.arn, createdAt: endpoint.createdAt }, ENDPOINT_STATE, { [TAGS.restoredAt]: `${now.toISOString().slice(0, 16)}Z` });
  return undefined;
}

function tagCount(tags: Readonly<Record<string, string>>): string {
  const count = Object.keys(tags).length;
  return `${count} tag${count === 1 ? '' : 's'}`;
}

/** What the daily run found of the idle actions still in effect in a region. */
interface ActionsInEffect {
  /** One day's saving of each action whose cost really stopped (verified state only). */
  readonly saving: Array<{ action: SavingsAction; resource: string; perDay: number }>;
  /** What an admin should know: recreates under way or failed, state that does not verify. */
  readonly notes: string[];
  /** Resources whose state did not verify. */
  rejected: number;
}

/**
 * The idle actions still in effect in a region (the job runs daily), from verified state only:
 * each endpoint deleted and not yet back (its record), followed through a recreate until it is
 * InService; each endpoint whose components the idle action holds at 0 (its signed cost per day).
 * A record or hold that does not verify is named and never counted.
 */
async function actionsInEffect(region: string, access: ActionAccess, state: BotState, now: Date, dryRun: boolean): Promise<ActionsInEffect> {
  const result: ActionsInEffect = { saving: [], notes: [], rejected: 0 };
  // The previous version's unsigned records on configs: listed, never acted on or counted.
  for (const [arn] of await access.tags.findTagged('sagemaker:endpoint-config', TAGS.recreateEndpoint)) {
    const legacy = readLegacyRecreateRecord(await access.lifecycle.readTags(arn));
    if (typeof legacy !== 'object') continue;
    result.rejected += 1;
    result.notes.push(
      `${legacy.endpointName} (${region}): a recreate record of an older version is on ${arn} (not in the state table): never acted on or counted; recreate it by hand if it should run`,
    );
  }
  // Every record comes from the state table, where only the bot writes.
  for (const { configArn, endpointName: name } of await recordsInTable(state, region)) {
    const record = await readRecord(state, configArn, name);
    if (typeof record !== 'object') {
      result.rejected += /not the bot's own/.test(record) ? 1 : 0;
      result.notes.push(`${name} (${region}): ${record}; not counted`);
      continue;
    }
    const found = await access.lifecycle.stateOf(name);
    // Deleting is the bot's own delete under way (DescribeEndpoint shows it until the endpoint is gone).
    const live = found?.status === 'Deleting' && !record.recreatedAt ? undefined : found;
    if (!live) {
      if (record.recreatedAt) result.notes.push(`${name} (${region}): recreated at ${record.recreatedAt} but deleted again since; its owner's delete stands`);
      else if (record.bookedThrough !== ledgerDay(now)) {
        // The day is marked booked before the saving is recorded: a retry of this run books nothing more.
        if (!dryRun) {
          const values = recreateRecordValues({ ...record, bookedThrough: ledgerDay(now) }, RECORD_CHUNK_PREFIX(name), 0);
          if (!values) throw new Error(`the recreate record of ${name} is too large to keep`);
          await state.write({ arn: configArn, createdAt: undefined }, recreateSlot(name), values);
        }
        result.saving.push({ action: 'idle-delete', resource: name, perDay: record.costPerDay });
      }
    } else if (live.status === 'InService') {
      const problem = dryRun ? undefined : await finishRecreate(configArn, live, name, record, access, state, now);
      if (problem) result.notes.push(`${name} (${region}): ${problem}`);
    } else if (live.status === 'Failed') {
      result.notes.push(
        `${name} (${region}): its recreate Failed (${live.failureReason ?? 'no reason given'}); the record is kept: fix the cause, then ${undoEvent('recreate', region, name)} again`,
      );
    } else {
      result.notes.push(`${name} (${region}): recreate in progress (${live.status}); the record is kept until it is InService`);
    }
  }
  const holds = (await state.records(ENDPOINT_STATE)).filter((record) => record.arn.split(':')[3] === region && record.values[TAGS.costPerDay] !== undefined);
  // A hold saves only while its components are at 0: read them (one listing a region) before booking.
  const listed = holds.length > 0 ? await access.endpoints.listInferenceComponents() : [];
  for (const hold of holds) {
    const name = hold.arn.slice(hold.arn.lastIndexOf('/') + 1);
    const live = await access.lifecycle.stateOf(name);
    // The hold names the endpoint it was written for: one deleted and created again under its name is another.
    const read = live ? await state.read({ arn: hold.arn, createdAt: live.createdAt }, ENDPOINT_STATE) : undefined;
    if (read?.status === 'verified') {
      const perDay = Number(read.values[TAGS.costPerDay]);
      if (Number.isFinite(perDay) && perDay > 0 && read.values[TAGS.bookedThrough] !== ledgerDay(now)) {
        const running = await componentsRunning(
          listed.filter((component) => component.endpointName === name),
          access,
        );
        if (running.length > 0) {
          result.notes.push(`${name} (${region}): held at 0 by the bot, but ${running.join(', ')} run again: not counted today`);
          continue;
        }
        if (!dryRun) await state.write({ arn: hold.arn, createdAt: live?.createdAt }, ENDPOINT_STATE, { ...read.values, [TAGS.bookedThrough]: ledgerDay(now) });
        result.saving.push({ action: 'idle-scale-to-zero', resource: name, perDay });
      }
    } else if (read?.status === 'rejected') {
      result.rejected += 1;
      result.notes.push(
        `the hold on ${name} (${region}) is not the bot's own: left as it is, not counted (${read.reason}; found ${describeFound(read.found)})`,
      );
    } else if (read?.status === 'unverifiable') {
      result.notes.push(`${name} (${region}): its hold could not be read now (${read.reason}); not counted today`);
    } else if (!live) {
      result.notes.push(`${name} (${region}): held at 0 by the bot, and the endpoint is gone; not counted`);
    }
  }
  return result;
}

/** The components (of one endpoint) that run copies now, as `name (N copies)`. */
async function componentsRunning(components: readonly InferenceComponentListing[], access: ActionAccess): Promise<string[]> {
  const copies = await Promise.all(
    components.map(async (component) => ({ name: component.name, copies: (await access.components.readCopies(component.name)).desiredCopyCount })),
  );
  return copies.filter((component) => component.copies > 0).map((component) => `${component.name} (${component.copies} copies)`);
}

export { actOnIdleEndpoints, restoreEndpoint, recreateEndpoint, undoEvent, actionsInEffect };
export type { ActionAccess, ActionDeps, ActionsInEffect };
