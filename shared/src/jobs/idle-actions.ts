/**
 * Acting on long-idle endpoints whose owners opted in (domain/idle-actions.ts decides), and undoing
 * it on demand. Every action writes what is needed to undo it before it acts:
 * - scale-to-zero: the weekend job's own save-then-act machinery (jobs/component-steps.ts), with
 *   the idle action's hold on each component so no weekly restore brings it back;
 * - delete: the recreate record on the endpoint config, read back and checked, then DeleteEndpoint.
 * A run never repeats an action: a deleted endpoint is no longer listed, and components already at
 * 0 with their state saved have no steps left.
 */
import { describeFailure } from '../errors.ts';
import {
  readRecreateRecord,
  recreateTagKeys,
  recreateTags,
  type IdleAction,
  type IdleActionDecision,
  type IdleActionOutcome,
  type RecreateRecord,
} from '../domain/idle-actions.ts';
import type { IdleEndpoint } from '../domain/idle-endpoints.ts';
import type { HostedVariant } from '../domain/hosting.ts';
import { isSkipped, TAGS } from '../domain/tags.ts';
import type { SavingsAction } from '../domain/savings.ts';
import { roundCents } from '../domain/units.ts';
import { IDLE_ACTION_HOLD, planRestore, planScaleDown, type ComponentOutcome, type ComponentSnapshot } from '../domain/weekend-scaling.ts';
import type { ScalingAccess } from '../aws/autoscaling.ts';
import type { EndpointLifecycle } from '../aws/endpoint-lifecycle.ts';
import type { ComponentAccess } from '../aws/inference-components.ts';
import type { EndpointReader } from '../aws/sagemaker.ts';
import type { TagReader } from '../aws/tagging.ts';
import { mapSettled } from '../util/concurrency.ts';
import type { Deadline } from '../util/deadline.ts';
import type { RunLogger } from '../util/logger.ts';
import { asPlanned, carryOut, settlePolicy } from './component-steps.ts';

/** What acting on one region's endpoints needs. */
interface ActionAccess {
  readonly endpoints: EndpointReader;
  readonly lifecycle: EndpointLifecycle;
  readonly components: ComponentAccess;
  readonly scaling: ScalingAccess;
  readonly tags: TagReader;
}

interface ActionDeps {
  readonly actionsFor: (region: string) => ActionAccess;
  readonly logger: RunLogger;
  readonly deadline?: Deadline | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** The event that undoes an action, to invoke the idle-endpoints function with. */
function undoEvent(action: IdleAction, region: string, name: string): string {
  return JSON.stringify({ action: action === 'delete' ? 'recreate' : 'restore', endpoint: name, region });
}

/** Carries out the due decisions (or, in a dry run, says what would be done). */
async function actOnIdleEndpoints(
  decisions: readonly IdleActionDecision[],
  deps: Omit<ActionDeps, 'actionsFor'> & { readonly actionsFor?: ActionDeps['actionsFor'] | undefined },
  now: Date,
  dryRun: boolean,
): Promise<IdleActionOutcome[]> {
  const due = decisions.flatMap((decision) => (decision.kind === 'act' ? [decision] : []));
  const { actionsFor } = deps;
  // A replayed snapshot has no account to act on or read: a dry run names what is due, nothing more.
  if (!actionsFor) {
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
          ? await deleteEndpoint(endpoint, access, now, dryRun, base)
          : await scaleToZero(endpoint, access, { ...deps, actionsFor }, now, dryRun, base);
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
 * Writes the recreate record on the endpoint config and reads it back; only a record that reads
 * back whole lets the endpoint be deleted. The config and the model stay.
 */
async function deleteEndpoint(endpoint: IdleEndpoint, access: ActionAccess, now: Date, dryRun: boolean, base: Base): Promise<IdleActionOutcome> {
  const savesPerDay = endpoint.knownCostPerDay;
  if (dryRun) return { ...base, result: 'planned', savesPerDay, detail: 'would be deleted (its endpoint config and model stay)' };
  const config = await access.lifecycle.configOf(endpoint.name);
  const record: RecreateRecord = {
    endpointName: endpoint.name,
    configName: config.name,
    tags: await access.lifecycle.readAllTags(endpoint.arn),
    deletedAt: `${now.toISOString().slice(0, 16)}Z`,
    costPerDay: savesPerDay,
  };
  const tags = recreateTags(record, await access.lifecycle.readAllTags(config.arn));
  if (!tags)
    return { ...base, result: 'failed', detail: 'not deleted', error: `endpoint config ${config.name} cannot hold the recreate record (50 tags at most)` };
  await access.lifecycle.addTags(config.arn, tags);
  const readBack = readRecreateRecord(await access.lifecycle.readTags(config.arn));
  if (typeof readBack !== 'object' || readBack.endpointName !== record.endpointName || JSON.stringify(readBack.tags) !== JSON.stringify(record.tags)) {
    return { ...base, result: 'failed', detail: 'not deleted', error: `the recreate record on ${config.name} did not read back whole` };
  }
  await access.lifecycle.deleteEndpoint(endpoint.name);
  return { ...base, result: 'done', savesPerDay, detail: `deleted; endpoint config ${config.name} and its model kept, with what is needed to recreate it` };
}

/** Every component to 0 copies, its count and bounds saved first, held from the weekly restore. */
async function scaleToZero(endpoint: IdleEndpoint, access: ActionAccess, deps: ActionDeps, now: Date, dryRun: boolean, base: Base): Promise<IdleActionOutcome> {
  const components = await readComponents(endpoint.region, endpoint.name, access);
  const plans = planScaleDown(components, { scope: 'all', now, holdBy: IDLE_ACTION_HOLD });
  const capacity = await access.endpoints.readEndpointCapacity(endpoint.name, () => false);
  const { savesPerDay, note } = instanceCostAfterZero(capacity, endpoint);
  // What stops costing goes on the endpoint before anything changes: the savings ledger counts it
  // each day the components stay held, and the restore removes it.
  if (!dryRun && plans.some((plan) => plan.steps.length > 0)) await access.lifecycle.addTags(endpoint.arn, { [TAGS.costPerDay]: savesPerDay.toFixed(2) });
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

async function readComponents(region: string, endpointName: string, access: ActionAccess): Promise<ComponentSnapshot[]> {
  const listed = (await access.endpoints.listInferenceComponents()).filter((component) => component.endpointName === endpointName);
  const bounds = await access.scaling.readBounds(listed.map((component) => component.name));
  return Promise.all(
    listed.map(async (listing) => {
      const [copies, tags] = await Promise.all([access.components.readCopies(listing.name), access.components.readTags(listing.arn)]);
      return {
        region,
        name: listing.name,
        arn: listing.arn,
        endpointName,
        variantName: listing.variantName,
        desiredCopyCount: copies.desiredCopyCount,
        tags,
        autoscaling: bounds.get(listing.name),
      };
    }),
  );
}

/** Seconds between checks of a component that is Updating before a refused change is tried again. */
const SETTLE_POLL_SECONDS = 5;

function stepRunner(access: ActionAccess, deps: ActionDeps) {
  return { actorFor: () => access, logger: deps.logger, deadline: deps.deadline, sleep: deps.sleep, settle: settlePolicy(SETTLE_POLL_SECONDS) };
}

/** The on-demand restore of one endpoint's components: exactly what was saved, the hold released. */
async function restoreEndpoint(region: string, name: string, deps: ActionDeps, now: Date, dryRun: boolean): Promise<IdleActionOutcome> {
  const access = deps.actionsFor(region);
  const base = { region, name, action: 'restore' as const };
  const components = await readComponents(region, name, access);
  if (components.length === 0) return { ...base, result: 'failed', detail: 'no inference components found on this endpoint', error: 'nothing to restore' };
  const plans = planRestore(components, now, { releaseHold: IDLE_ACTION_HOLD });
  const outcomes: ComponentOutcome[] = dryRun ? plans.map(asPlanned) : await carryOut(plans, stepRunner(access, deps));
  const failed = outcomes.filter((outcome) => outcome.result === 'failed');
  const restored = outcomes.filter((outcome) => outcome.disposition === 'restore').map((outcome) => `${outcome.name} ${outcome.copiesAfter}`);
  if (failed.length > 0)
    return { ...base, result: 'failed', detail: 'saved state kept for the failed components', error: failed.map((o) => `${o.name}: ${o.error}`).join('; ') };
  // Every component is back: the endpoint no longer saves anything for the ledger to count.
  if (!dryRun) await access.lifecycle.deleteTags(await access.lifecycle.arnOf(name), [TAGS.costPerDay]);
  if (restored.length === 0) return { ...base, result: 'already-done', detail: 'nothing saved to restore: its components run as their owner set them' };
  return { ...base, result: dryRun ? 'planned' : 'done', detail: `copies ${dryRun ? 'would be ' : ''}restored: ${restored.join(', ')}` };
}

/** Creates the deleted endpoint again from the record on its endpoint config, with its tags; then the record goes. */
async function recreateEndpoint(region: string, name: string, deps: ActionDeps, dryRun: boolean): Promise<IdleActionOutcome> {
  const access = deps.actionsFor(region);
  const base = { region, name, action: 'recreate' as const };
  const tagged = await access.tags.findTagged('sagemaker:endpoint-config', TAGS.recreateEndpoint);
  const found = [...tagged.entries()].find(([, tags]) => tags[TAGS.recreateEndpoint] === name);
  if (!found)
    return { ...base, result: 'failed', detail: 'no endpoint config carries a recreate record for it', error: `no ${TAGS.recreateEndpoint} = ${name}` };
  // SageMaker ARNs carry names lower-cased, which is how the tag search keys them too.
  const [configArn, configTags] = found;
  const record = readRecreateRecord(configTags);
  if (typeof record !== 'object') return { ...base, result: 'failed', detail: 'recreate record unreadable; nothing created', error: record ?? 'no record' };
  if (dryRun) return { ...base, result: 'planned', detail: `would be created from ${record.configName} with ${tagCount(record.tags)}` };
  await access.lifecycle.createEndpoint(name, record.configName, record.tags);
  // The record goes only once the endpoint exists: a failed create keeps the way back.
  await access.lifecycle.deleteTags(configArn, recreateTagKeys(configTags));
  return { ...base, result: 'done', detail: `created from ${record.configName} with ${tagCount(record.tags)} (it is Creating; it serves once InService)` };
}

function tagCount(tags: Readonly<Record<string, string>>): string {
  const count = Object.keys(tags).length;
  return `${count} tag${count === 1 ? '' : 's'}`;
}

/**
 * One day's saving of every idle action still in effect in a region (the job runs daily): each
 * endpoint deleted and not recreated (its config's recreate record), each endpoint whose components
 * are held at 0 (its cost-per-day tag). Only what really stopped costing was recorded.
 */
async function actionsInEffect(region: string, access: ActionAccess): Promise<Array<{ action: SavingsAction; resource: string; perDay: number }>> {
  const [configs, endpoints] = await Promise.all([
    access.tags.findTagged('sagemaker:endpoint-config', TAGS.recreateEndpoint),
    access.tags.findTagged('sagemaker:endpoint', TAGS.costPerDay),
  ]);
  const deleted = [...configs.values()].flatMap((tags) => {
    const record = readRecreateRecord(tags);
    return typeof record === 'object' ? [{ action: 'idle-delete' as const, resource: record.endpointName, perDay: record.costPerDay }] : [];
  });
  const held = [...endpoints.entries()].map(([arn, tags]) => ({
    action: 'idle-scale-to-zero' as const,
    resource: arn.slice(arn.lastIndexOf('/') + 1),
    perDay: Number(tags[TAGS.costPerDay]) || 0,
  }));
  return [...deleted, ...held].filter((entry) => entry.perDay > 0);
}

export { actOnIdleEndpoints, restoreEndpoint, recreateEndpoint, undoEvent, actionsInEffect };
export type { ActionAccess, ActionDeps };
