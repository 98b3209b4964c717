/**
 * Weekend scale-to-zero of inference components, and the exact way back. Pure: component state
 * in, a plan of idempotent steps out. The state needed to undo a scale-down is saved in the state
 * table (for the component as created) by the first step, before anything is changed, and cleared
 * by the last step of a restore, only once the live count and bounds are read back equal to it.
 * Any run can stop at any step: the next run picks up from what the table and the live counts say.
 *
 * Order matters against Application Auto Scaling: RegisterScalableTarget on an active resource
 * moves its current capacity into the new [Min, Max] at once (Application Auto Scaling API
 * Reference, RegisterScalableTarget). So a scale-down lowers MinCapacity before setting 0 copies,
 * and a restore sets the saved copies (inside the saved bounds) before raising MinCapacity.
 */
import { isSkipped, isTagTrue, TAGS, type Tags } from './tags.ts';
import type { StateRead } from './state.ts';
import type { PriceBook } from './prices.ts';
import type { HostedVariant } from './hosting.ts';

interface ScalingBounds {
  readonly minCapacity: number;
  readonly maxCapacity: number;
}

interface ComponentSnapshot {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  /** CreationTime (ISO 8601): the bot's state names the component by ARN and this. */
  readonly createdAt?: string | undefined;
  readonly endpointName: string;
  readonly variantName: string;
  readonly desiredCopyCount: number;
  /** The owner's `ops-bot:*` tags (opt-in, skip), read with ListTags; the bot's own state is in `state`. */
  readonly tags: Tags;
  /** The bot's state for the component, as its state table holds it (aws/bot-state.ts). */
  readonly state: StateRead;
  /** Its endpoint is tagged `ops-bot:skip`: what hangs off a skipped endpoint is skipped too. */
  readonly endpointSkipped?: boolean | undefined;
  /** The registered Application Auto Scaling target, if any. */
  readonly autoscaling?: ScalingBounds;
}

interface HostingEndpoint {
  readonly region: string;
  readonly name: string;
  /** Components on the endpoint (in scope or not) with their desired copies, as far as read. */
  readonly componentCopies: Readonly<Record<string, number>>;
  readonly variants: readonly HostedVariant[];
}

type Scope = 'tagged' | 'all';

/** What a verified clear expects to read back before it removes the saved state. */
interface ExpectedLive {
  readonly copyCount: number;
  readonly autoscaling?: ScalingBounds | undefined;
}

/** The saved state a plan keeps or restores: what it expects live, and the whole signed content to write back. */
interface KeptState extends ExpectedLive {
  readonly values: Readonly<Record<string, string>>;
}

type Step =
  /** The component's whole saved state (every key), signed and written before anything changes. */
  | { readonly kind: 'save-state'; readonly values: Readonly<Record<string, string>> }
  | { readonly kind: 'set-autoscaling'; readonly minCapacity: number; readonly maxCapacity: number }
  | { readonly kind: 'set-copy-count'; readonly copyCount: number }
  | { readonly kind: 'clear-state'; readonly expect?: ExpectedLive };

type Disposition =
  | 'scale-down'
  | 'finish-scale-down'
  | 'already-down'
  | 'at-zero'
  | 'restore'
  | 'restore-later'
  | 'already-restored'
  | 'stale-state'
  | 'nothing-saved'
  | 'skipped'
  | 'out-of-scope'
  | 'invalid-state'
  /** State the bot cannot verify as its own: left as it is, and reported. */
  | 'unverified-state'
  /** KMS could not be asked to verify the state: nothing done until a run can. */
  | 'deferred';

interface ComponentPlan {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly createdAt?: string | undefined;
  readonly endpointName: string;
  readonly disposition: Disposition;
  readonly copiesBefore: number;
  readonly copiesAfter: number;
  readonly steps: readonly Step[];
  readonly detail?: string;
  /** The state this plan restores or keeps (what a verified clear reads back, and writes back if moved). */
  readonly saved?: KeptState;
  /** State that did not verify: what was found, and whether it looks like the previous version's (adoptable). */
  readonly unverified?: { readonly found: Readonly<Record<string, string>>; readonly legacy: boolean; readonly reason: string } | undefined;
}

type SavedState =
  | { readonly status: 'none'; readonly untidy?: boolean }
  | {
      readonly status: 'saved';
      readonly copyCount: number;
      readonly autoscaling?: ScalingBounds;
      readonly savedAt?: string;
      readonly restoreAfter?: string;
      readonly heldBy?: string;
      /** The verified values as they stand: a write that adds to them signs them all again. */
      readonly values: Readonly<Record<string, string>>;
    }
  | { readonly status: 'invalid'; readonly reason: string }
  | { readonly status: 'unverified'; readonly reason: string; readonly found: Readonly<Record<string, string>>; readonly legacy: boolean }
  | { readonly status: 'deferred'; readonly reason: string };

/** The weekend function's Lambda timeout; infra deploys it with this figure. */
const WEEKEND_FUNCTION_TIMEOUT_MINUTES = 10;

/** The idle action's hold: its components come back only when their endpoint's restore is asked for. */
const IDLE_ACTION_HOLD = 'idle-action';
/** A one-time restore schedule fires at or just after `until`: treat what is due this soon as due. */
const RESTORE_DUE_MARGIN_MS = 5 * 60_000;

function parseCount(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,6}$/.test(value) ? Number(value) : undefined;
}

function parseInstant(value: string | undefined): string | undefined {
  return value !== undefined && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

/** The saved state as read: only the bot's own record for this component becomes a `saved` state. */
function readSavedState(state: StateRead): SavedState {
  if (state.status === 'none') return state.untidy ? { status: 'none', untidy: true } : { status: 'none' };
  if (state.status === 'unverifiable') return { status: 'deferred', reason: state.reason };
  if (state.status === 'rejected') return { status: 'unverified', reason: state.reason, found: state.found, legacy: state.legacy };
  return parseSavedValues(state.values);
}

function parseSavedValues(tags: Readonly<Record<string, string>>): SavedState {
  const rawCopies = tags[TAGS.savedCopyCount];
  const rawMin = tags[TAGS.savedMinCapacity];
  const rawMax = tags[TAGS.savedMaxCapacity];
  if (rawCopies === undefined && rawMin === undefined && rawMax === undefined) return { status: 'none' };
  const copyCount = parseCount(rawCopies);
  if (copyCount === undefined) return { status: 'invalid', reason: `${TAGS.savedCopyCount} is ${JSON.stringify(rawCopies ?? null)}, not a copy count` };
  const savedAt = parseInstant(tags[TAGS.savedAt]);
  const restoreAfter = parseInstant(tags[TAGS.restoreAfter]);
  const heldBy = tags[TAGS.heldBy];
  const times = { ...(savedAt ? { savedAt } : {}), ...(restoreAfter ? { restoreAfter } : {}), ...(heldBy ? { heldBy } : {}), values: tags };
  if (rawMin === undefined && rawMax === undefined) return { status: 'saved', copyCount, ...times };
  const minCapacity = parseCount(rawMin);
  const maxCapacity = parseCount(rawMax);
  if (minCapacity === undefined || maxCapacity === undefined || minCapacity > maxCapacity) {
    return { status: 'invalid', reason: `saved autoscaling bounds ${JSON.stringify(rawMin ?? null)}..${JSON.stringify(rawMax ?? null)} are not valid` };
  }
  return { status: 'saved', copyCount, autoscaling: { minCapacity, maxCapacity }, ...times };
}

function isInScope(component: ComponentSnapshot, scope: Scope): boolean {
  return scope === 'all' || isTagTrue(component.tags, TAGS.weekendScaleToZero);
}

/** Skipped itself, or hosted on an endpoint that is. */
function isComponentSkipped(component: ComponentSnapshot): boolean {
  return isSkipped(component.tags) || component.endpointSkipped === true;
}

/** What is done about state that did not verify, or could not be verified now: nothing, and the report says why. */
function unverifiedPlan(component: ComponentSnapshot, saved: Extract<SavedState, { status: 'unverified' | 'deferred' }>): ComponentPlan {
  const copies = component.desiredCopyCount;
  if (saved.status === 'deferred')
    return plan(component, 'deferred', copies, [], `state not verified (${saved.reason}): nothing done until a run can verify it`);
  return {
    ...plan(component, 'unverified-state', copies, [], `the bot does not act on the state found for ${component.name}: left as it is (${saved.reason})`),
    unverified: { found: saved.found, legacy: saved.legacy, reason: saved.reason },
  };
}

function sameBounds(a: ScalingBounds | undefined, b: ScalingBounds | undefined): boolean {
  return a?.minCapacity === b?.minCapacity && a?.maxCapacity === b?.maxCapacity;
}

/**
 * Saved state that no longer describes the component: its owner changed it since the save (the
 * bot itself only ever sets 0 or the saved count, and only ever lowers MinCapacity to 0 keeping
 * MaxCapacity). Reusing such a save would put back last week's settings.
 */
function staleness(component: ComponentSnapshot, saved: Extract<SavedState, { status: 'saved' }>): string | undefined {
  const live = component.autoscaling;
  const describe = (copies: number, bounds: ScalingBounds | undefined) =>
    `${copies} copies${bounds ? `, bounds ${bounds.minCapacity}..${bounds.maxCapacity}` : ''}`;
  const changed = `saved ${describe(saved.copyCount, saved.autoscaling)}, found ${describe(component.desiredCopyCount, live)}`;
  if (saved.autoscaling) {
    const lowered = { minCapacity: 0, maxCapacity: saved.autoscaling.maxCapacity };
    if (live && !sameBounds(live, saved.autoscaling) && !sameBounds(live, lowered)) return changed;
    return undefined;
  }
  if (live) return changed;
  const copies = component.desiredCopyCount;
  return copies > 0 && copies !== saved.copyCount ? changed : undefined;
}

function plan(
  component: ComponentSnapshot,
  disposition: Disposition,
  copiesAfter: number,
  steps: Step[] = [],
  detail?: string,
  saved?: KeptState,
): ComponentPlan {
  return {
    region: component.region,
    name: component.name,
    arn: component.arn,
    createdAt: component.createdAt,
    endpointName: component.endpointName,
    disposition,
    copiesBefore: component.desiredCopyCount,
    copiesAfter,
    steps,
    ...(detail ? { detail } : {}),
    ...(saved ? { saved } : {}),
  };
}

interface ScaleDownPolicy {
  readonly scope: Scope;
  readonly now: Date;
  /** An ad hoc `until`: recorded on each component so the weekly restore leaves it alone before then. */
  readonly restoreAfter?: Date | undefined;
  /** Recorded on each component so the weekly restore leaves it alone (the idle action's hold). */
  readonly holdBy?: string | undefined;
}

/** The state tags for what the component runs now. */
function stateOf(component: ComponentSnapshot, policy: ScaleDownPolicy): Record<string, string> {
  const state: Record<string, string> = {
    [TAGS.savedCopyCount]: String(component.desiredCopyCount),
    [TAGS.savedAt]: tagInstant(policy.now),
  };
  if (component.autoscaling) {
    state[TAGS.savedMinCapacity] = String(component.autoscaling.minCapacity);
    state[TAGS.savedMaxCapacity] = String(component.autoscaling.maxCapacity);
  }
  if (policy.restoreAfter) state[TAGS.restoreAfter] = tagInstant(policy.restoreAfter);
  if (policy.holdBy) state[TAGS.heldBy] = policy.holdBy;
  return state;
}

/** `2026-12-28T06:00Z`: an instant in the characters a SageMaker tag value allows. */
function tagInstant(instant: Date): string {
  return `${instant.toISOString().slice(0, 16)}Z`;
}

/**
 * Friday: save, then zero. A component that already carries saved state keeps it (a second
 * scale-down, or one resuming a cut-off run, keeps the original count), unless the state is stale:
 * the owner changed the component since, and the save is made again from what runs now.
 */
function planScaleDown(components: readonly ComponentSnapshot[], policy: ScaleDownPolicy): ComponentPlan[] {
  return components.map((component) => {
    const copies = component.desiredCopyCount;
    if (isComponentSkipped(component)) return plan(component, 'skipped', copies);
    const saved = readSavedState(component.state);
    if (saved.status === 'invalid') return plan(component, 'invalid-state', copies, [], saved.reason);
    if (saved.status === 'unverified' || saved.status === 'deferred') return unverifiedPlan(component, saved);
    if (saved.status === 'none' && !isInScope(component, policy.scope)) return plan(component, 'out-of-scope', copies);

    const bounds = component.autoscaling;
    // Bounds before copies: a registered MinCapacity >= 1 would push a manual 0 straight back up.
    const lowerBounds: Step[] = bounds && bounds.minCapacity > 0 ? [{ kind: 'set-autoscaling', minCapacity: 0, maxCapacity: bounds.maxCapacity }] : [];
    const zero: Step[] = copies > 0 ? [{ kind: 'set-copy-count', copyCount: 0 }] : [];

    if (saved.status === 'saved') {
      const stale = copies > 0 ? staleness(component, saved) : undefined;
      if (stale) {
        const state = stateOf(component, policy);
        return plan(
          component,
          'scale-down',
          0,
          [{ kind: 'save-state', values: state }, ...lowerBounds, ...zero],
          `stale saved state replaced (${stale})`,
          keptOf(component, state),
        );
      }
      // An until or a hold added to what is saved: the whole state is written again with it.
      const additions: Record<string, string> = {};
      const until = policy.restoreAfter ? tagInstant(policy.restoreAfter) : undefined;
      if (until && saved.restoreAfter !== until) additions[TAGS.restoreAfter] = until;
      if (policy.holdBy && saved.heldBy !== policy.holdBy) additions[TAGS.heldBy] = policy.holdBy;
      const values = { ...saved.values, ...additions };
      const resave: Step[] = Object.keys(additions).length > 0 ? [{ kind: 'save-state', values }] : [];
      const remaining = [...resave, ...lowerBounds, ...zero];
      const kept = { copyCount: saved.copyCount, autoscaling: saved.autoscaling, values };
      return remaining.length === 0
        ? plan(component, 'already-down', 0, [], `saved ${saved.copyCount} copies`, kept)
        : plan(component, 'finish-scale-down', 0, remaining, `saved ${saved.copyCount} copies`, kept);
    }
    if (copies === 0) return plan(component, 'at-zero', 0, [], 'already at 0 copies with nothing saved: left alone');
    const state = stateOf(component, policy);
    return plan(component, 'scale-down', 0, [{ kind: 'save-state', values: state }, ...lowerBounds, ...zero], undefined, keptOf(component, state));
  });
}

function keptOf(component: ComponentSnapshot, values: Readonly<Record<string, string>>): KeptState {
  return { copyCount: component.desiredCopyCount, autoscaling: component.autoscaling, values };
}

interface RestoreOptions {
  /** Which components the weekly restore may touch: those opted in today (or all, with `all`). */
  readonly scope: Scope;
  /** The idle action's hold released by its endpoint's restore: components it holds come back whatever their opt-in. */
  readonly releaseHold?: string | undefined;
  /** An admin named this component in the event: its opt-in does not matter, its state must still verify. */
  readonly named?: boolean | undefined;
}

/**
 * Monday: exactly the saved count first (inside the saved bounds, so raising MinCapacity after it
 * moves nothing), then the bounds, then the state is cleared once both read back as saved. Only
 * verified state is restored, never more than its saved count, and only on components opted in
 * today (or held by the idle action whose restore this is, or named by an admin); never on a
 * skipped one. A component held by an ad hoc `until` is left for its own one-time restore; one
 * held by the idle action, for its endpoint's on-demand restore (`releaseHold`).
 */
function planRestore(components: readonly ComponentSnapshot[], now: Date, options: RestoreOptions): ComponentPlan[] {
  return components.map((component) => {
    const copies = component.desiredCopyCount;
    const saved = readSavedState(component.state);
    if (isComponentSkipped(component)) {
      const detail =
        saved.status === 'saved' ? `tagged ops-bot:skip while scaled down: still ${copies} copies, ${saved.copyCount} saved; restore it by hand` : undefined;
      return plan(component, 'skipped', copies, [], detail);
    }
    if (saved.status === 'invalid') return plan(component, 'invalid-state', copies, [], saved.reason);
    if (saved.status === 'unverified' || saved.status === 'deferred') return unverifiedPlan(component, saved);
    if (saved.status === 'none') {
      // A clear cut off before its mirror went left tags behind: they go, nothing else changes.
      return saved.untidy
        ? plan(component, 'nothing-saved', copies, [{ kind: 'clear-state' }], 'keys left by an interrupted clear removed')
        : plan(component, 'nothing-saved', copies);
    }
    const kept = { copyCount: saved.copyCount, autoscaling: saved.autoscaling, values: saved.values };
    const heldBy = saved.heldBy;
    const releasedHere = heldBy !== undefined && heldBy === options.releaseHold;
    if (!isInScope(component, options.scope) && !releasedHere && !options.named) {
      return plan(component, 'out-of-scope', copies, [], `${saved.copyCount} copies saved, but it is no longer opted in: left at ${copies} copies`, kept);
    }
    if (heldBy !== undefined && heldBy !== options.releaseHold) {
      return plan(component, 'restore-later', copies, [], `held by the ${heldBy}: restored when its endpoint's restore is asked for`, kept);
    }
    if (saved.restoreAfter && Date.parse(saved.restoreAfter) > now.getTime() + RESTORE_DUE_MARGIN_MS) {
      return plan(component, 'restore-later', copies, [], `held until ${saved.restoreAfter} (an ad hoc until); its one-time schedule restores it`, kept);
    }
    const stale = staleness(component, saved);
    if (stale) {
      // The owner's settings are newer than the save: they win, and the save goes.
      return plan(component, 'stale-state', copies, [{ kind: 'clear-state' }], `stale saved state dropped, the component left as its owner set it (${stale})`);
    }

    const steps: Step[] = [];
    let detail: string | undefined;
    if (copies !== saved.copyCount) steps.push({ kind: 'set-copy-count', copyCount: saved.copyCount });
    let expectBounds: ScalingBounds | undefined;
    if (saved.autoscaling) {
      const current = component.autoscaling;
      if (!current) detail = 'its autoscaling target was removed while scaled down: bounds not restored';
      else {
        expectBounds = saved.autoscaling;
        if (!sameBounds(current, saved.autoscaling)) steps.push({ kind: 'set-autoscaling', ...saved.autoscaling });
      }
    }
    steps.push({ kind: 'clear-state', expect: { copyCount: saved.copyCount, autoscaling: expectBounds } });
    return plan(component, steps.length === 1 ? 'already-restored' : 'restore', saved.copyCount, steps, detail, kept);
  });
}

/** Saved state older than this many days is reported: something has kept it from being restored. */
function oldStates(
  components: readonly ComponentSnapshot[],
  now: Date,
  maxDays: number,
): Array<{ region: string; name: string; savedAt: string; days: number }> {
  return components.flatMap((component) => {
    const saved = readSavedState(component.state);
    if (saved.status !== 'saved' || !saved.savedAt) return [];
    const days = Math.floor((now.getTime() - Date.parse(saved.savedAt)) / 86_400_000);
    return days > maxDays ? [{ region: component.region, name: component.name, savedAt: saved.savedAt, days }] : [];
  });
}

interface EndpointWeekendCost {
  readonly region: string;
  readonly name: string;
  /** True when every component on it will be at 0 and every hosting variant can release its instances. */
  readonly instanceCostStops: boolean;
  readonly why: string;
  readonly instances: number;
  readonly instanceTypes: readonly string[];
  /** Undefined when the cost does not stop or a price is unknown. */
  readonly estimatedSavings?: number;
  /** What its released instances cost per hour (what each hour at zero saves); undefined as above. */
  readonly costPerHour?: number;
}

/**
 * An endpoint's instances are released only when all its components are at 0 copies and the
 * variant's managed instance scaling allows 0 instances. Anything less saves no instance cost.
 */
function assessWeekendSavings(
  plans: readonly ComponentPlan[],
  endpoints: readonly HostingEndpoint[],
  prices: PriceBook,
  windowHours: number,
): EndpointWeekendCost[] {
  const affected = new Set(plans.filter((p) => p.copiesAfter === 0 && p.copiesBefore > 0).map((p) => `${p.region}/${p.endpointName}`));
  const after = new Map(plans.map((p) => [`${p.region}/${p.name}`, p.copiesAfter]));
  return endpoints
    .filter((endpoint) => affected.has(`${endpoint.region}/${endpoint.name}`))
    .map((endpoint) => {
      const billed = endpoint.variants.filter((variant) => !variant.serverless && variant.currentInstanceCount > 0);
      const instances = billed.reduce((total, variant) => total + variant.currentInstanceCount, 0);
      // Types are read only where the instances can go (they price the savings): elsewhere none.
      const instanceTypes = [...new Set(billed.flatMap((variant) => (variant.instanceType ? [variant.instanceType] : [])))];
      const base = { region: endpoint.region, name: endpoint.name, instances, instanceTypes };
      const keeping = Object.entries(endpoint.componentCopies)
        .filter(([name, copies]) => (after.get(`${endpoint.region}/${name}`) ?? copies) > 0)
        .map(([name]) => name);
      if (keeping.length > 0) return { ...base, instanceCostStops: false, why: `components still running: ${keeping.join(', ')}` };
      const pinned = endpoint.variants.filter((variant) => variant.managedMinInstanceCount === undefined || variant.managedMinInstanceCount > 0);
      if (pinned.length > 0) {
        const why = pinned
          .map((variant) =>
            variant.managedMinInstanceCount === undefined
              ? `variant ${variant.variantName} has no managed instance scaling`
              : `variant ${variant.variantName} keeps MinInstanceCount ${variant.managedMinInstanceCount}`,
          )
          .join('; ');
        return { ...base, instanceCostStops: false, why: `${why}: instances keep running` };
      }
      const hourly = billed.map((variant) => (variant.instanceType ? prices.hourlyPrice(endpoint.region, variant.instanceType)?.pricePerHour : undefined));
      const known = hourly.every((price) => price !== undefined);
      const perHour = known ? billed.reduce((total, variant, i) => total + (hourly[i] ?? 0) * variant.currentInstanceCount, 0) : undefined;
      return {
        ...base,
        instanceCostStops: true,
        why: 'all components at 0 and MinInstanceCount 0: instances are released (about 25 minutes after scale-in starts)',
        ...(perHour !== undefined ? { estimatedSavings: Math.round(perHour * windowHours * 100) / 100, costPerHour: perHour } : {}),
      };
    });
}

/** What a run did to one component. */
type ComponentResult = 'planned' | 'done' | 'failed' | 'unchanged';

interface ComponentOutcome extends ComponentPlan {
  readonly result: ComponentResult;
  /** Desired copies after this run (the plan's target in a dry run). */
  readonly copiesNow: number;
  readonly failedStep?: Step['kind'];
  readonly error?: string;
}

/** What the run's estimate says stops costing until the restore. */
function totalSavings(endpoints: readonly EndpointWeekendCost[]): number {
  return endpoints.reduce((total, endpoint) => total + (endpoint.estimatedSavings ?? 0), 0);
}

export {
  totalSavings,
  IDLE_ACTION_HOLD,
  RESTORE_DUE_MARGIN_MS,
  WEEKEND_FUNCTION_TIMEOUT_MINUTES,
  readSavedState,
  parseSavedValues,
  isInScope,
  isComponentSkipped,
  planScaleDown,
  planRestore,
  oldStates,
  tagInstant,
  assessWeekendSavings,
};
export type {
  ComponentOutcome,
  ComponentResult,
  ScalingBounds,
  ComponentSnapshot,
  HostingEndpoint,
  Scope,
  Step,
  Disposition,
  ComponentPlan,
  SavedState,
  EndpointWeekendCost,
  ExpectedLive,
  KeptState,
  ScaleDownPolicy,
  RestoreOptions,
};
