/**
 * The weekend-scaling job. Scale-down saves each opted-in component's copy count (and autoscaling
 * bounds) in the state table, then sets it to 0; restore puts back exactly what was saved, then
 * clears it. The rules are in domain/weekend-scaling.ts, the timing in domain/weekend-schedule.ts;
 * this file reads, acts step by step (with in-run retries) and reports.
 */
import type { WeekendScalingConfig } from '../config.ts';
import { describeFailure, noRegionWasRead } from '../errors.ts';
import { changesNothing, finishRun, pricesFor, savingsPoints, startRun, type JobDeps, type JobResult } from './contract.ts';
import { localDate } from '../domain/calendar.ts';
import { regionWideFailures, type RunFailure } from '../domain/failures.ts';
import type { HostedVariant, InferenceComponentListing } from '../domain/hosting.ts';
import { createPriceBook } from '../domain/prices.ts';
import { isSkipped, TAGS, type Tags } from '../domain/tags.ts';
import { HOUR_MS, roundCents } from '../domain/units.ts';
import {
  assessWeekendSavings,
  oldStates,
  planRestore,
  planScaleDown,
  totalSavings,
  type ComponentOutcome,
  type ComponentSnapshot,
  type EndpointWeekendCost,
  type HostingEndpoint,
} from '../domain/weekend-scaling.ts';
import { holidayDeferral, restoreScheduleName, weeklyRestore, type RestoreTime } from '../domain/weekend-schedule.ts';
import { renderWeekendReport } from '../report/weekend-scaling.ts';
import type { EndpointReader } from '../aws/sagemaker.ts';
import type { ComponentAccess } from '../aws/inference-components.ts';
import type { ScalingAccess } from '../aws/autoscaling.ts';
import { arnKey, type TagReader } from '../aws/tagging.ts';
import type { OneTimeScheduler } from '../aws/scheduler.ts';
import { COMPONENT_STATE, isSlotKey, WEEKEND_HOLD, type BotState } from '../aws/bot-state.ts';
import { mapSettled } from '../util/concurrency.ts';
import { asPlanned, carryOut, readComponentSnapshot, settlePolicy, type SettlePolicy, type StepRunner } from './component-steps.ts';
import { measureWeekends, restoredEndpoints, type WeekendMeasurement } from './weekend-measurement.ts';
import type { MetricsReader } from '../aws/cloudwatch.ts';
import { usd } from '../report/format.ts';
import { NO_DEADLINE, REGION_GRACE_MS, regionOutOfTime, withinDeadline, type Deadline } from '../util/deadline.ts';
import type { WeekendAction, WeekendScalingEvent } from '../lambda/events.ts';

/** State older than MAX_SCALE_DOWN_DAYS plus this is reported: something keeps it from a restore. */
const OLD_STATE_MARGIN_DAYS = 2;

interface WeekendRegionAccess {
  readonly endpoints: EndpointReader;
  readonly components: ComponentAccess;
  readonly scaling: ScalingAccess;
  readonly tags: TagReader;
  /** The region's SageMaker metrics: per-instance series measure what a weekend really saved. */
  readonly metrics: MetricsReader;
}

interface WeekendScalingDeps extends JobDeps<WeekendScalingConfig> {
  readonly accessFor: (region: string) => WeekendRegionAccess;
  /** The bot's state for components (the state table): read, written and cleared only through it. */
  readonly state: BotState;
  /** Throws a ConfigError when one-time schedules are not configured. */
  readonly scheduler: () => OneTimeScheduler;
  readonly settle?: SettlePolicy | undefined;
  /** The bot's own metrics (the function's region): the estimate each scale-down recorded. */
  readonly ownMetrics?: MetricsReader | undefined;
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
  /** The restore's measured weekends (against the hours-at-zero figures). */
  readonly measured?: readonly WeekendMeasurement[] | undefined;
  /** What the restore books: each endpoint's hours actually at zero (measured where its metrics allow). */
  readonly booked?: ReadonlyArray<{ readonly region: string; readonly endpoint: string; readonly amount: number }> | undefined;
  readonly restore?: { readonly at: string; readonly how: string } | undefined;
  readonly deferred?: { readonly holiday: string; readonly to: string; readonly how: string } | undefined;
  readonly outcomes: readonly ComponentOutcome[];
  readonly endpoints: readonly EndpointWeekendCost[];
  readonly failures: readonly RunFailure[];
  readonly notes: readonly string[];
  /** Where the run's dollar figures were priced, when it priced any. */
  readonly priceSource?: string | undefined;
}

async function runWeekendScaling(event: WeekendScalingEvent, deps: WeekendScalingDeps): Promise<WeekendScalingResult> {
  const { config } = deps;
  startRun(config, event.dryRun, { keepsState: true });
  const now = deps.clock();
  // Report-only runs as a dry run inside, and publishes what it would have done.
  const acting = { ...event, dryRun: changesNothing(config, event.dryRun) };
  if (acting.until && !acting.dryRun) deps.scheduler(); // fails on missing configuration before any AWS call

  const parts = acting.action === 'restore' ? await restore(acting, deps, now) : await scaleDown(acting, deps, now);

  const failed = parts.outcomes.filter((outcome) => outcome.result === 'failed').length + parts.failures.length;
  const done = parts.outcomes.filter((outcome) => outcome.steps.length > 0 && outcome.result === 'done').length;
  const estimatedSavings = roundCents(totalSavings(parts.endpoints));
  const report = renderWeekendReport({
    evaluatedAt: now.toISOString(),
    timezone: config.timezone,
    priceSource: parts.priceSource ?? createPriceBook(config.priceOverrides).source,
    scopeText: config.weekendScope === 'all' ? 'every inference component not tagged ops-bot:skip' : `components tagged ${TAGS.weekendScaleToZero} = true`,
    action: event.action,
    changesNothing: acting.dryRun,
    ...parts,
  });
  const ended = await finishRun(deps, {
    state: deps.state,
    job: 'weekend-scaling',
    dryRun: event.dryRun,
    report,
    // WeekendFailures >= 1 raises the stack's alarm: what is still failed after the in-run retries.
    metrics: {
      points: [
        { name: event.action === 'scale-down' ? 'WeekendScaledDown' : 'WeekendRestored', value: done, unit: 'Count', dimensions: {} },
        { name: 'WeekendFailures', value: failed, unit: 'Count', dimensions: {} },
        // StateRejected >= 1 raises the stack's alarm: someone wrote the bot's state keys, or they were changed.
        { name: 'StateRejected', value: parts.outcomes.filter((outcome) => outcome.unverified !== undefined).length, unit: 'Count', dimensions: {} },
        ...(event.action === 'scale-down' ? [{ name: 'WeekendEstimatedSavings', value: estimatedSavings, unit: 'None' as const, dimensions: {} }] : []),
        // The ledger's record, at the restore: the hours each endpoint's instances really spent released.
        ...(parts.booked ?? []).flatMap((booked) => savingsPoints('weekend-scale-down', booked.region, booked.endpoint, booked.amount)),
      ],
      at: now,
    },
    outcome: { action: event.action, components: parts.outcomes.length, changed: done, failed },
    reportOnly: config.reportOnly,
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
  const snapshot = await collectWeekendSnapshot(config, deps, 'scale-down');
  const plans = planScaleDown(snapshot.components, { scope: config.weekendScope, now, restoreAfter: event.until?.instant });
  // The ad hoc restore is what undoes this run: it exists before anything is scaled down.
  const weekly = weeklyRestore(now, config);
  const restoreAt: RestoreTime = event.until ?? weekly;
  const how = event.until
    ? await scheduleRestore(deps, event.dryRun, event.until, `Ad hoc restore after a scale-down on ${localDate(now, config.timezone)}`)
    : weekly.how;

  const outcomes = event.dryRun ? plans.map(asPlanned) : await carryOut(plans, stepRunner(deps));
  const windowHours = Math.max(0, (restoreAt.instant.getTime() - now.getTime()) / HOUR_MS);
  const actual = outcomes.map((outcome) => ({ ...outcome, copiesAfter: outcome.copiesNow }));
  const prices = await pricesFor(deps, config.priceOverrides, weekendInstanceTypes(snapshot));
  const endpoints = assessWeekendSavings(actual, snapshot.endpoints, prices, windowHours);
  const notes = oldStateNotes(snapshot, now, config);
  if (!event.dryRun) notes.push(...(await recordWeekendHolds(endpoints, outcomes, deps.state, now)));
  return {
    restore: { at: restoreAt.local, how },
    outcomes,
    endpoints,
    failures: snapshot.failures,
    notes,
    priceSource: prices.source,
  };
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
  if (event.component) return restoreNamed(event.component, deps, now, event.dryRun);
  const snapshot = await collectWeekendSnapshot(config, deps, 'restore');
  const plans = planRestore(snapshot.components, now, { scope: config.weekendScope });
  const outcomes = event.dryRun ? plans.map(asPlanned) : await carryOut(plans, stepRunner(deps));
  const { measured, booked, priceSource, problems } = await bookRestoredWeekends(snapshot, outcomes, deps, now, event.dryRun);
  const notes = [
    ...oldStateNotes(snapshot, now, config),
    ...measured.map(
      ({ endpoint, region, estimated, measured: saved }) =>
        `${endpoint} (${region}): the weekend saved ${usd(saved)} as its per-instance metrics measure it (${usd(estimated)} from its hours at zero)`,
    ),
    ...problems,
  ];
  return { outcomes, endpoints: [], failures: snapshot.failures, notes, measured, booked, priceSource };
}

/** An endpoint's ARN, from the ARN of a component it hosts (same partition, region and account). */
function endpointArnOf(componentArn: string, endpointName: string): string {
  return componentArn.replace(/:inference-component\/[^/]+$/, `:endpoint/${endpointName.toLowerCase()}`);
}

/**
 * After a real scale-down: each endpoint whose instances are released gets a record of what an hour
 * at zero saves and since when, in the state table, unless one is there (a second scale-down of a
 * held endpoint does not move its start). The restore books from it.
 */
async function recordWeekendHolds(
  endpoints: readonly EndpointWeekendCost[],
  outcomes: readonly ComponentOutcome[],
  state: BotState,
  now: Date,
): Promise<string[]> {
  const problems: string[] = [];
  for (const endpoint of endpoints) {
    if (!endpoint.instanceCostStops || endpoint.costPerHour === undefined) continue;
    const hosted = outcomes.find((outcome) => outcome.region === endpoint.region && outcome.endpointName === endpoint.name);
    if (!hosted) continue;
    const subject = { arn: endpointArnOf(hosted.arn, endpoint.name), createdAt: undefined };
    try {
      if ((await state.read(subject, WEEKEND_HOLD)).status === 'none') {
        await state.write(subject, WEEKEND_HOLD, { [TAGS.weekendCostPerHour]: endpoint.costPerHour.toFixed(4), [TAGS.weekendSince]: now.toISOString() });
      }
    } catch (error) {
      problems.push(`${endpoint.name} (${endpoint.region}): its weekend saving could not be recorded (${describeFailure(error)}); it will not be counted`);
    }
  }
  return problems;
}

/**
 * After a real restore: each endpoint whose components came back books the hours its instances
 * actually spent released (its record's cost per hour x hours since), or what its per-instance
 * metrics measure, and its record goes.
 */
async function bookRestoredWeekends(
  snapshot: WeekendSnapshot,
  outcomes: readonly ComponentOutcome[],
  deps: WeekendScalingDeps,
  now: Date,
  dryRun: boolean,
): Promise<{ measured: WeekendMeasurement[]; booked: Array<{ region: string; endpoint: string; amount: number }>; priceSource?: string; problems: string[] }> {
  const empty = { measured: [], booked: [], problems: [] };
  if (dryRun) return empty;
  const problems: string[] = [];
  const estimates = new Map<string, number>();
  const held: Array<{ region: string; endpoint: string; subject: { arn: string; createdAt: undefined } }> = [];
  for (const { region, endpoint } of restoredEndpoints(snapshot.components, outcomes)) {
    const hosted = outcomes.find((outcome) => outcome.region === region && outcome.endpointName === endpoint);
    if (!hosted) continue;
    const subject = { arn: endpointArnOf(hosted.arn, endpoint), createdAt: undefined };
    const read = await deps.state.read(subject, WEEKEND_HOLD);
    if (read.status !== 'verified') continue;
    const perHour = Number(read.values[TAGS.weekendCostPerHour]);
    const since = Date.parse(read.values[TAGS.weekendSince] ?? '');
    if (!Number.isFinite(perHour) || perHour < 0 || Number.isNaN(since)) continue;
    estimates.set(`${region}/${endpoint}`, roundCents((perHour * Math.max(0, now.getTime() - since)) / HOUR_MS));
    held.push({ region, endpoint, subject });
  }
  if (held.length === 0) return empty;
  const { measured, priceSource } = await measureIfReal(snapshot, outcomes, deps, now, estimates);
  const booked: Array<{ region: string; endpoint: string; amount: number }> = [];
  for (const { region, endpoint, subject } of held) {
    const key = `${region}/${endpoint}`;
    const amount = measured.find((m) => m.region === region && m.endpoint === endpoint)?.measured ?? estimates.get(key) ?? 0;
    try {
      // The record goes first: a retried restore finds none and books nothing more.
      await deps.state.clear(subject, WEEKEND_HOLD);
      booked.push({ region, endpoint, amount });
    } catch (error) {
      problems.push(`${endpoint} (${region}): its weekend saving was not booked (${describeFailure(error)})`);
    }
  }
  return { measured, booked, priceSource, problems };
}

/** One component, named by an admin: restored whatever its opt-in, from the bot's own state only. */
async function restoreNamed(named: NonNullable<WeekendScalingEvent['component']>, deps: WeekendScalingDeps, now: Date, dryRun: boolean): Promise<RunParts> {
  const config = { ...deps.config, regions: [named.region] };
  const snapshot = await collectWeekendSnapshot(config, deps, 'restore', named.name);
  const found = snapshot.components.find((component) => component.name === named.name);
  if (!found) {
    const reason = snapshot.failures.length > 0 ? 'it could not be read' : 'no such inference component';
    return {
      outcomes: [],
      endpoints: [],
      failures: [...snapshot.failures, { region: named.region, resource: named.name, stage: 'restore', reason }],
      notes: [],
    };
  }
  const plans = planRestore([found], now, { scope: config.weekendScope, named: true });
  const outcomes = dryRun ? plans.map(asPlanned) : await carryOut(plans, stepRunner(deps));
  const { booked, problems } = await bookRestoredWeekends(snapshot, outcomes, deps, now, dryRun);
  return { outcomes, endpoints: [], failures: snapshot.failures, notes: problems, booked };
}

/** Only a real restore, with the account's metrics to read, measures. */
async function measureIfReal(
  snapshot: WeekendSnapshot,
  outcomes: readonly ComponentOutcome[],
  deps: WeekendScalingDeps,
  now: Date,
  estimates: ReadonlyMap<string, number>,
): Promise<{ measured: WeekendMeasurement[]; priceSource?: string }> {
  const { ownMetrics } = deps;
  if (!ownMetrics) return { measured: [] };
  const accessFor = (region: string) => {
    const access = deps.accessFor(region);
    if (!access.metrics) throw new Error(`no metrics reader for ${region}`);
    return { endpoints: access.endpoints, metrics: access.metrics };
  };
  const prices = await pricesFor(deps, deps.config.priceOverrides, weekendInstanceTypes(snapshot));
  const measured = await measureWeekends({ components: snapshot.components, outcomes, accessFor, ownMetrics, prices, now, logger: deps.logger, estimates });
  return { measured, priceSource: prices.source };
}

/** The instance types under the run's endpoints, by region: what its prices must cover. */
function weekendInstanceTypes(snapshot: WeekendSnapshot): Array<{ region: string; instanceType: string }> {
  return snapshot.endpoints.flatMap((endpoint) =>
    endpoint.variants.flatMap((variant) => (variant.instanceType ? [{ region: endpoint.region, instanceType: variant.instanceType }] : [])),
  );
}

function oldStateNotes(snapshot: WeekendSnapshot, now: Date, config: WeekendScalingConfig): string[] {
  return oldStates(snapshot.components, now, config.maxScaleDownDays + OLD_STATE_MARGIN_DAYS).map(
    (old) => `${old.name} (${old.region}): its saved state is ${old.days} days old (saved ${old.savedAt}); check why it was not restored`,
  );
}

function stepRunner(deps: WeekendScalingDeps): StepRunner {
  return {
    actorFor: deps.accessFor,
    state: deps.state,
    logger: deps.logger,
    deadline: deps.deadline,
    sleep: deps.sleep,
    settle: deps.settle ?? settlePolicy(deps.config.weekendSettlePollSeconds),
  };
}

/** A one-time restore: created, already there, or (dry run) only described. */
async function scheduleRestore(deps: WeekendScalingDeps, dryRun: boolean, at: RestoreTime, description: string): Promise<string> {
  if (dryRun) return 'a one-time schedule would be created (dry run)';
  const status = await deps
    .scheduler()
    .scheduleOnce({ name: restoreScheduleName(at.local), at: at.local, timezone: deps.config.timezone, input: { action: 'restore' }, description });
  return status === 'created' ? 'one-time schedule created' : 'one-time schedule already existed';
}

/** What collecting needs: where to read, how to verify state, and until when. */
type CollectDeps = Pick<WeekendScalingDeps, 'accessFor' | 'state' | 'deadline'>;

async function collectWeekendSnapshot(
  config: WeekendScalingConfig,
  deps: CollectDeps,
  action: WeekendAction,
  onlyComponent?: string,
): Promise<WeekendSnapshot> {
  const deadline = deps.deadline ?? NO_DEADLINE;
  const regions = await Promise.all(
    config.regions.map((region) =>
      withinDeadline(collectRegion(region, deps.accessFor(region), deps.state, { config, action, deadline, onlyComponent }), deadline, REGION_GRACE_MS).catch(
        regionOutOfTime(region, { components: [], endpoints: [] }),
      ),
    ),
  );
  return {
    components: regions.flatMap((region) => region.components),
    endpoints: regions.flatMap((region) => region.endpoints),
    failures: regions.flatMap((region) => region.failures),
  };
}

/** A component opted in, or carrying any key of the bot's state (its MAC and generations too), is worth reading. */
function isCandidate(tags: Tags | undefined, config: WeekendScalingConfig): boolean {
  if (config.weekendScope === 'all') return true;
  return tags !== undefined && (tags[TAGS.weekendScaleToZero] !== undefined || Object.keys(tags).some((key) => isSlotKey(COMPONENT_STATE, key)));
}

interface CollectOptions {
  readonly config: WeekendScalingConfig;
  readonly action: WeekendAction;
  readonly deadline: Deadline;
  readonly onlyComponent?: string | undefined;
}

async function collectRegion(region: string, access: WeekendRegionAccess, state: BotState, options: CollectOptions): Promise<WeekendSnapshot> {
  const { config, action, deadline } = options;
  const regionFailed = (stage: string, error: unknown): WeekendSnapshot => ({
    components: [],
    endpoints: [],
    failures: [{ region, stage, reason: describeFailure(error) }],
  });

  let listed: InferenceComponentListing[];
  let tagged: Map<string, Tags>;
  let skippedEndpoints: Map<string, Tags>;
  try {
    [listed, tagged, skippedEndpoints] = await Promise.all([
      access.endpoints.listInferenceComponents(),
      access.tags.findTagged('sagemaker:inference-component'),
      // A component on a skipped endpoint is skipped too, whatever the scope says.
      access.tags.findTagged('sagemaker:endpoint', TAGS.skip),
    ]);
  } catch (error) {
    return regionFailed('ListInferenceComponents / GetResources', error);
  }
  const candidates = listed.filter((component) =>
    options.onlyComponent !== undefined ? component.name === options.onlyComponent : isCandidate(tagged.get(arnKey(component.arn)), config),
  );
  const skippedEndpointNames = new Set(
    [...skippedEndpoints.entries()].filter(([, tags]) => isSkipped(tags)).map(([arn]) => arn.slice(arn.lastIndexOf('/') + 1)),
  );
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
  function readCandidate(listing: InferenceComponentListing): Promise<ComponentSnapshot> {
    return readComponentSnapshot(region, listing, access.components, state, {
      autoscaling: bounds.get(listing.name),
      endpointSkipped: skippedEndpointNames.has(listing.endpointName.toLowerCase()),
    });
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
export type { WeekendScalingDeps, WeekendRegionAccess, WeekendScalingResult, WeekendSnapshot };
