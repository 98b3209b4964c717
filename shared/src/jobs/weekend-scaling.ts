/**
 * The weekend-scaling job. Scale-down saves each opted-in component's copy count (and autoscaling
 * bounds) on the component, then sets it to 0; restore puts back exactly what was saved, then
 * clears it. The rules are in domain/weekend-scaling.ts, the timing in domain/weekend-schedule.ts;
 * this file reads, acts step by step (with in-run retries) and reports.
 */
import type { WeekendScalingConfig } from '../config.ts';
import { describeFailure, noRegionWasRead } from '../errors.ts';
import { finishRun, startRun, type JobDeps, type JobResult } from './contract.ts';
import { localDate } from '../domain/calendar.ts';
import { regionWideFailures, type RunFailure } from '../domain/failures.ts';
import type { ComponentCopies, HostedVariant, InferenceComponentListing } from '../domain/hosting.ts';
import { createPriceBook } from '../domain/prices.ts';
import { TAGS, type Tags } from '../domain/tags.ts';
import { HOUR_MS, roundCents } from '../domain/units.ts';
import {
  assessWeekendSavings,
  oldStates,
  planRestore,
  planScaleDown,
  savedStateTags,
  STATE_TAG_KEYS,
  totalSavings,
  type ComponentOutcome,
  type ComponentPlan,
  type ComponentSnapshot,
  type EndpointWeekendCost,
  type ExpectedLive,
  type HostingEndpoint,
  type Step,
} from '../domain/weekend-scaling.ts';
import { holidayDeferral, restoreScheduleName, weeklyRestore, type RestoreTime } from '../domain/weekend-schedule.ts';
import { renderWeekendReport } from '../report/weekend-scaling.ts';
import type { EndpointReader } from '../aws/sagemaker.ts';
import type { ComponentAccess } from '../aws/inference-components.ts';
import type { ScalingAccess } from '../aws/autoscaling.ts';
import { arnKey, type TagReader } from '../aws/tagging.ts';
import type { OneTimeScheduler } from '../aws/scheduler.ts';
import { mapSettled } from '../util/concurrency.ts';
import { NO_DEADLINE, OutOfTimeError, type Deadline } from '../util/deadline.ts';
import type { WeekendAction, WeekendScalingEvent } from '../lambda/events.ts';

/** Components acted on at once; each one's steps stay strictly in order. */
const ACT_CONCURRENCY = 4;
/** State older than MAX_SCALE_DOWN_DAYS plus this is reported: something keeps it from a restore. */
const OLD_STATE_MARGIN_DAYS = 2;

/**
 * How long a refused or throttled change is retried within the run: poll DescribeInferenceComponent
 * until the component leaves `Updating`, then try again. Bounded, and always inside the deadline.
 */
interface SettlePolicy {
  readonly pollMs: number;
  readonly maxPolls: number;
  readonly attempts: number;
}
const SETTLE_BOUNDS = { maxPolls: 30, attempts: 3 } as const;

/** The injected policy (tests), else the bounds above with WEEKEND_SETTLE_POLL_SECONDS between checks. */
function settlePolicy(deps: WeekendScalingDeps): SettlePolicy {
  return deps.settle ?? { ...SETTLE_BOUNDS, pollMs: deps.config.weekendSettlePollSeconds * 1000 };
}

interface WeekendRegionAccess {
  readonly endpoints: EndpointReader;
  readonly components: ComponentAccess;
  readonly scaling: ScalingAccess;
  readonly tags: TagReader;
}

interface WeekendScalingDeps extends JobDeps<WeekendScalingConfig> {
  readonly accessFor: (region: string) => WeekendRegionAccess;
  /** Throws a ConfigError when one-time schedules are not configured. */
  readonly scheduler: () => OneTimeScheduler;
  readonly settle?: SettlePolicy | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

interface WeekendSnapshot {
  readonly components: ComponentSnapshot[];
  readonly endpoints: HostingEndpoint[];
  readonly failures: RunFailure[];
}

interface WeekendScalingResult extends JobResult<'weekend-scaling'> {
  readonly action: WeekendAction;
  readonly evaluatedAt: string;
  readonly restore?: { readonly at: string; readonly how: string } | undefined;
  readonly deferred?: { readonly holiday: string; readonly to: string; readonly how: string } | undefined;
  readonly summary: { readonly changed: number; readonly failed: number; readonly skipped: number; readonly estimatedSavings: number };
  readonly components: readonly ComponentOutcome[];
  readonly endpoints: readonly EndpointWeekendCost[];
  readonly failures: readonly RunFailure[];
  readonly notes: readonly string[];
}

/** What one run did, before it is rendered and published. */
interface RunParts {
  readonly restore?: { readonly at: string; readonly how: string } | undefined;
  readonly deferred?: { readonly holiday: string; readonly to: string; readonly how: string } | undefined;
  readonly outcomes: readonly ComponentOutcome[];
  readonly endpoints: readonly EndpointWeekendCost[];
  readonly failures: readonly RunFailure[];
  readonly notes: readonly string[];
}

async function runWeekendScaling(event: WeekendScalingEvent, deps: WeekendScalingDeps): Promise<WeekendScalingResult> {
  const { config } = deps;
  startRun(config, event.dryRun);
  const now = deps.clock();
  if (event.until && !event.dryRun) deps.scheduler(); // fails on missing configuration before any AWS call

  const parts = event.action === 'restore' ? await restore(event, deps, now) : await scaleDown(event, deps, now);

  const failed = parts.outcomes.filter((outcome) => outcome.result === 'failed').length + parts.failures.length;
  const done = parts.outcomes.filter((outcome) => outcome.steps.length > 0 && outcome.result === 'done').length;
  const estimatedSavings = roundCents(totalSavings(parts.endpoints));
  const report = renderWeekendReport({
    evaluatedAt: now.toISOString(),
    timezone: config.timezone,
    priceSource: createPriceBook(config.priceOverrides).source,
    scopeText: config.weekendScope === 'all' ? 'every inference component not tagged ops-bot:skip' : `components tagged ${TAGS.weekendScaleToZero} = true`,
    action: event.action,
    dryRun: event.dryRun,
    ...parts,
  });
  const ended = await finishRun(deps, {
    job: 'weekend-scaling',
    dryRun: event.dryRun,
    report,
    // WeekendFailures >= 1 raises the stack's alarm: what is still failed after the in-run retries.
    metrics: {
      points: [
        { name: event.action === 'scale-down' ? 'WeekendScaledDown' : 'WeekendRestored', value: done, unit: 'Count', dimensions: {} },
        { name: 'WeekendFailures', value: failed, unit: 'Count', dimensions: {} },
        ...(event.action === 'scale-down' ? [{ name: 'WeekendEstimatedSavings', value: estimatedSavings, unit: 'None' as const, dimensions: {} }] : []),
      ],
      at: now,
    },
    outcome: { action: event.action, components: parts.outcomes.length, changed: done, failed },
    runFailure: noRegionWasRead(config.regions, regionWideFailures(parts.failures)),
  });
  return {
    ...ended,
    action: event.action,
    evaluatedAt: now.toISOString(),
    restore: parts.restore,
    deferred: parts.deferred,
    summary: {
      changed: parts.outcomes.filter((outcome) => outcome.steps.length > 0 && outcome.result !== 'failed').length,
      failed,
      skipped: parts.outcomes.filter((outcome) => outcome.disposition === 'skipped').length,
      estimatedSavings,
    },
    components: parts.outcomes,
    endpoints: parts.endpoints,
    failures: parts.failures,
    notes: parts.notes,
  };
}

/** Friday: save, then zero. An ad hoc `until` gets its one-time restore before anything is scaled down. */
async function scaleDown(event: WeekendScalingEvent, deps: WeekendScalingDeps, now: Date): Promise<RunParts> {
  const { config } = deps;
  const snapshot = await collectWeekendSnapshot(config, deps.accessFor, 'scale-down', deps.deadline);
  const plans = planScaleDown(snapshot.components, { scope: config.weekendScope, now, restoreAfter: event.until?.instant });
  // The ad hoc restore is what undoes this run: it exists before anything is scaled down.
  const weekly = weeklyRestore(now, config);
  const restoreAt: RestoreTime = event.until ?? weekly;
  const how = event.until
    ? await scheduleRestore(deps, event.dryRun, event.until, `Ad hoc restore after a scale-down on ${localDate(now, config.timezone)}`)
    : weekly.how;

  const outcomes = event.dryRun ? plans.map(asPlanned) : await carryOut(plans, deps);
  const windowHours = Math.max(0, (restoreAt.instant.getTime() - now.getTime()) / HOUR_MS);
  const actual = outcomes.map((outcome) => ({ ...outcome, copiesAfter: outcome.copiesNow }));
  const endpoints = assessWeekendSavings(actual, snapshot.endpoints, createPriceBook(config.priceOverrides), windowHours);
  return { restore: { at: restoreAt.local, how }, outcomes, endpoints, failures: snapshot.failures, notes: oldStateNotes(snapshot, now, config) };
}

/** Monday: exactly what was saved. On a holiday the restore only moves itself to the next working day. */
async function restore(event: WeekendScalingEvent, deps: WeekendScalingDeps, now: Date): Promise<RunParts> {
  const { config, logger } = deps;
  const deferral = holidayDeferral(now, config);
  if (deferral) {
    const how = await scheduleRestore(deps, event.dryRun, deferral.to, `Weekend restore deferred from the holiday ${deferral.holiday}`);
    const deferred = { holiday: deferral.holiday, to: deferral.to.local, how };
    logger.info('Restore deferred for a holiday', deferred);
    return { deferred, outcomes: [], endpoints: [], failures: [], notes: [] };
  }
  const snapshot = await collectWeekendSnapshot(config, deps.accessFor, 'restore', deps.deadline);
  const plans = planRestore(snapshot.components, now);
  const outcomes = event.dryRun ? plans.map(asPlanned) : await carryOut(plans, deps);
  return { outcomes, endpoints: [], failures: snapshot.failures, notes: oldStateNotes(snapshot, now, config) };
}

function oldStateNotes(snapshot: WeekendSnapshot, now: Date, config: WeekendScalingConfig): string[] {
  return oldStates(snapshot.components, now, config.maxScaleDownDays + OLD_STATE_MARGIN_DAYS).map(
    (old) => `${old.name} (${old.region}): its saved state is ${old.days} days old (saved ${old.savedAt}); check why it was not restored`,
  );
}

/** A one-time restore: created, already there, or (dry run) only described. */
async function scheduleRestore(deps: WeekendScalingDeps, dryRun: boolean, at: RestoreTime, description: string): Promise<string> {
  if (dryRun) return 'a one-time schedule would be created (dry run)';
  const status = await deps
    .scheduler()
    .scheduleOnce({ name: restoreScheduleName(at.local), at: at.local, timezone: deps.config.timezone, input: { action: 'restore' }, description });
  return status === 'created' ? 'one-time schedule created' : 'one-time schedule already existed';
}

function asPlanned(plan: ComponentPlan): ComponentOutcome {
  return { ...plan, result: plan.steps.length > 0 ? 'planned' : 'unchanged', copiesNow: plan.copiesAfter };
}

/** Each component's steps in order; the first failure (after in-run retries) stops that component only. */
async function carryOut(plans: readonly ComponentPlan[], deps: WeekendScalingDeps): Promise<ComponentOutcome[]> {
  const settled = await mapSettled(
    plans,
    ACT_CONCURRENCY,
    async (plan): Promise<ComponentOutcome> => {
      if (plan.steps.length === 0) return { ...plan, result: 'unchanged', copiesNow: plan.copiesBefore };
      const access = deps.accessFor(plan.region);
      let copiesNow = plan.copiesBefore;
      for (const step of plan.steps) {
        try {
          await runStep(access, plan, step, deps);
          if (step.kind === 'set-copy-count') copiesNow = step.copyCount;
          if (step.kind === 'set-copy-count' && step.copyCount === 0) await keepStateAfterZero(access, plan);
        } catch (error) {
          const reason = describeFailure(error);
          deps.logger.error('Weekend scaling step failed', { component: plan.name, region: plan.region, step: step.kind, reason });
          return { ...plan, result: 'failed', copiesNow, failedStep: step.kind, error: reason };
        }
      }
      return { ...plan, result: 'done', copiesNow };
    },
    deps.deadline,
  );
  return settled.map((outcome, index) => {
    if (outcome.ok) return outcome.value;
    const plan = plans[index] as ComponentPlan;
    return { ...plan, result: 'failed', copiesNow: plan.copiesBefore, error: describeFailure(outcome.error) };
  });
}

class StateMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateMismatchError';
  }
}

async function runStep(access: WeekendRegionAccess, plan: ComponentPlan, step: Step, deps: WeekendScalingDeps): Promise<void> {
  switch (step.kind) {
    case 'save-state':
      return access.components.addTags(plan.arn, step.tags);
    case 'set-autoscaling':
      // Register only once the component is settled: on an active resource Application Auto
      // Scaling moves the current capacity into the new bounds, and the copies must be in place.
      await waitUntilSettled(access, plan.name, deps);
      return access.scaling.setBounds(plan.name, { minCapacity: step.minCapacity, maxCapacity: step.maxCapacity });
    case 'set-copy-count':
      return withRetries(access, plan.name, deps, () => access.components.setCopyCount(plan.name, step.copyCount));
    case 'clear-state':
      return clearVerified(access, plan, step, deps);
  }
}

/** Polls DescribeInferenceComponent until the component is not `Updating`, within the settle bound and the deadline. */
async function waitUntilSettled(access: WeekendRegionAccess, name: string, deps: WeekendScalingDeps): Promise<ComponentCopies> {
  const settle = settlePolicy(deps);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let poll = 0; ; poll += 1) {
    const live = await access.components.readCopies(name);
    if (live.status !== 'Updating') return live;
    if (poll >= settle.maxPolls) throw new StateMismatchError(`still Updating after ${settle.maxPolls} checks`);
    if (deps.deadline?.passed()) throw new OutOfTimeError();
    await sleep(settle.pollMs);
  }
}

/**
 * A change refused while the component is `Updating` (or throttled past the SDK's own retries) is
 * tried again within this run, after the component settles; "retried next run" would mean next week.
 */
async function withRetries(access: WeekendRegionAccess, name: string, deps: WeekendScalingDeps, change: () => Promise<void>): Promise<void> {
  const settle = settlePolicy(deps);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await change();
    } catch (error) {
      if (attempt >= settle.attempts || deps.deadline?.passed()) throw error;
      deps.logger.warn('Retrying a refused change once the component settles', { component: name, attempt, reason: describeFailure(error) });
      await waitUntilSettled(access, name, deps);
    }
  }
}

/**
 * Clears saved state only once the live count and bounds read back as saved: a concurrent
 * scale-down, or Application Auto Scaling, may have moved them. After clearing they are read once
 * more: a component moved in between (a scale-down's 0, pushed up to MinCapacity or not) gets its
 * state written back, so there is always a way back to the saved count.
 */
async function clearVerified(
  access: WeekendRegionAccess,
  plan: ComponentPlan,
  step: Extract<Step, { kind: 'clear-state' }>,
  deps: WeekendScalingDeps,
): Promise<void> {
  const expect = step.expect;
  if (expect) {
    const found = await differenceFrom(expect, access, plan.name, deps);
    if (found) throw new StateMismatchError(`read back ${found} instead of the saved ${expect.copyCount}: saved state kept for the next restore`);
  }
  await access.components.deleteTags(plan.arn, step.tagKeys);
  if (!expect) return;
  const moved = await differenceFrom(expect, access, plan.name, deps);
  if (moved) {
    await access.components.addTags(plan.arn, savedStateTags(expect));
    throw new StateMismatchError(`changed while restoring (now ${moved}): saved state written back for the next restore`);
  }
}

/** What differs between the live component and the saved state, or undefined when they agree. */
async function differenceFrom(expect: ExpectedLive, access: WeekendRegionAccess, name: string, deps: WeekendScalingDeps): Promise<string | undefined> {
  const live = await waitUntilSettled(access, name, deps);
  const bounds = expect.autoscaling ? (await access.scaling.readBounds([name])).get(name) : undefined;
  const boundsDiffer =
    expect.autoscaling !== undefined && (bounds?.minCapacity !== expect.autoscaling.minCapacity || bounds?.maxCapacity !== expect.autoscaling.maxCapacity);
  if (live.desiredCopyCount === expect.copyCount && !boundsDiffer) return undefined;
  return `${live.desiredCopyCount} copies${bounds ? `, bounds ${bounds.minCapacity}..${bounds.maxCapacity}` : ''}`;
}

/**
 * After zeroing, the saved state must still be there: a restore that ran in between may have
 * cleared it. Written back from this run's own snapshot, so a component at 0 always has its way back.
 */
async function keepStateAfterZero(access: WeekendRegionAccess, plan: ComponentPlan): Promise<void> {
  if (!plan.saved) return;
  const tags = await access.components.readTags(plan.arn);
  if (tags[TAGS.savedCopyCount] === undefined) await access.components.addTags(plan.arn, savedStateTags(plan.saved));
}

async function collectWeekendSnapshot(
  config: WeekendScalingConfig,
  accessFor: (region: string) => WeekendRegionAccess,
  action: WeekendAction,
  deadline: Deadline = NO_DEADLINE,
): Promise<WeekendSnapshot> {
  const regions = await Promise.all(config.regions.map((region) => collectRegion(region, accessFor(region), config, action, deadline)));
  return {
    components: regions.flatMap((region) => region.components),
    endpoints: regions.flatMap((region) => region.endpoints),
    failures: regions.flatMap((region) => region.failures),
  };
}

function isCandidate(tags: Tags | undefined, config: WeekendScalingConfig): boolean {
  if (config.weekendScope === 'all') return true;
  return tags !== undefined && (tags[TAGS.weekendScaleToZero] !== undefined || STATE_TAG_KEYS.some((key) => tags[key] !== undefined));
}

async function collectRegion(
  region: string,
  access: WeekendRegionAccess,
  config: WeekendScalingConfig,
  action: WeekendAction,
  deadline: Deadline,
): Promise<WeekendSnapshot> {
  const regionFailed = (stage: string, error: unknown): WeekendSnapshot => ({
    components: [],
    endpoints: [],
    failures: [{ region, stage, reason: describeFailure(error) }],
  });

  let listed: InferenceComponentListing[];
  let tagged: Map<string, Tags>;
  try {
    [listed, tagged] = await Promise.all([access.endpoints.listInferenceComponents(), access.tags.findTagged('sagemaker:inference-component')]);
  } catch (error) {
    return regionFailed('ListInferenceComponents / GetResources', error);
  }
  const candidates = listed.filter((component) => isCandidate(tagged.get(arnKey(component.arn)), config));
  if (candidates.length === 0) return { components: [], endpoints: [], failures: [] };

  // Acting without knowing a component's autoscaling target could lose its bounds: no target list, no action.
  let bounds: Map<string, { minCapacity: number; maxCapacity: number }>;
  try {
    bounds = await access.scaling.readBounds(candidates.map((component) => component.name));
  } catch (error) {
    return regionFailed('DescribeScalableTargets', error);
  }

  const failures: RunFailure[] = [];
  const read = await mapSettled(candidates, config.describeConcurrency, readCandidate, deadline);
  async function readCandidate(listing: InferenceComponentListing): Promise<ComponentSnapshot> {
    const [copies, tags] = await Promise.all([access.components.readCopies(listing.name), access.components.readTags(listing.arn)]);
    const target = bounds.get(listing.name);
    return {
      region,
      name: listing.name,
      arn: listing.arn,
      endpointName: listing.endpointName,
      variantName: listing.variantName,
      desiredCopyCount: copies.desiredCopyCount,
      tags,
      autoscaling: target,
    };
  }
  const components: ComponentSnapshot[] = [];
  read.forEach((outcome, index) => {
    if (outcome.ok) components.push(outcome.value);
    else failures.push({ region, resource: candidates[index]?.name, stage: 'DescribeInferenceComponent / ListTags', reason: describeFailure(outcome.error) });
  });

  const endpoints = action === 'scale-down' ? await readHostingEndpoints(region, access, listed, components, config, failures, deadline) : [];
  return { components, endpoints, failures };
}

/**
 * For the savings estimate only: whether every component on an affected endpoint will be at 0, and
 * its instances. One DescribeEndpoint first: unless every variant's managed instance scaling
 * allows 0 instances, the instance cost continues whatever the components hold, and nothing more is
 * read. Otherwise neighbours are described one at a time, only until one is known to keep copies,
 * and the endpoint config (instance types, for the price) only when the instances can really go.
 */
async function readHostingEndpoints(
  region: string,
  access: WeekendRegionAccess,
  listed: readonly InferenceComponentListing[],
  components: readonly ComponentSnapshot[],
  config: WeekendScalingConfig,
  failures: RunFailure[],
  deadline: Deadline,
): Promise<HostingEndpoint[]> {
  const candidates = new Set(components.map((component) => component.name));
  const endpointNames = [...new Set(components.map((component) => component.endpointName))];
  const canReleaseInstances = (variants: readonly HostedVariant[]) => variants.every((variant) => variant.managedMinInstanceCount === 0);
  const settled = await mapSettled(
    endpointNames,
    config.describeConcurrency,
    async (endpointName): Promise<HostingEndpoint> => {
      const copies: Record<string, number> = {};
      for (const component of components) if (component.endpointName === endpointName) copies[component.name] = component.desiredCopyCount;
      const counts = await access.endpoints.readEndpointCapacity(endpointName, () => false);
      if (!canReleaseInstances(counts)) return { region, name: endpointName, componentCopies: copies, variants: counts };
      for (const neighbour of listed) {
        if (neighbour.endpointName !== endpointName || candidates.has(neighbour.name)) continue;
        copies[neighbour.name] = (await access.components.readCopies(neighbour.name)).desiredCopyCount;
        if ((copies[neighbour.name] ?? 0) > 0) return { region, name: endpointName, componentCopies: copies, variants: counts };
      }
      return { region, name: endpointName, componentCopies: copies, variants: await access.endpoints.readEndpointCapacity(endpointName) };
    },
    deadline,
  );
  const endpoints: HostingEndpoint[] = [];
  settled.forEach((outcome, index) => {
    if (outcome.ok) endpoints.push(outcome.value);
    else failures.push({ region, resource: endpointNames[index], stage: 'savings estimate (DescribeEndpoint)', reason: describeFailure(outcome.error) });
  });
  return endpoints;
}

export { runWeekendScaling, collectWeekendSnapshot };
export type { WeekendScalingDeps, WeekendRegionAccess, WeekendScalingResult, WeekendSnapshot, SettlePolicy };
