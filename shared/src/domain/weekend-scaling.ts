/**
 * Weekend scale-to-zero of inference components, and the exact way back. Pure: component state
 * in, a plan of idempotent steps out. The state needed to undo a scale-down is saved on the
 * component (tags) by the first step, before anything is changed, and cleared by the last step of
 * a restore, after everything is back. Any run can stop at any step: the next run picks up from
 * what the tags and the live counts say.
 */
import { isSkipped, isTagTrue, TAGS, type Tags } from './tags.ts';
import type { PriceBook } from './prices.ts';
import type { VariantCapacity } from './idle-endpoints.ts';

interface ScalingBounds {
  readonly minCapacity: number;
  readonly maxCapacity: number;
}

interface ComponentSnapshot {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly endpointName: string;
  readonly variantName: string;
  readonly desiredCopyCount: number;
  /** The component's `ops-bot:*` tags, read with ListTags (strongly consistent with our writes). */
  readonly tags: Tags;
  /** The registered Application Auto Scaling target, if any. */
  readonly autoscaling?: ScalingBounds;
}

interface HostingEndpoint {
  readonly region: string;
  readonly name: string;
  /** Every component on the endpoint (in scope or not) with its desired copies. */
  readonly componentCopies: Readonly<Record<string, number>>;
  readonly variants: readonly (VariantCapacity & { readonly managedMinInstanceCount?: number })[];
}

type Scope = 'tagged' | 'all';

type Step =
  | { readonly kind: 'save-state'; readonly tags: Readonly<Record<string, string>> }
  | { readonly kind: 'set-autoscaling'; readonly minCapacity: number; readonly maxCapacity: number }
  | { readonly kind: 'set-copy-count'; readonly copyCount: number }
  | { readonly kind: 'clear-state'; readonly tagKeys: readonly string[] };

type Disposition =
  | 'scale-down'
  | 'finish-scale-down'
  | 'already-down'
  | 'at-zero'
  | 'restore'
  | 'already-restored'
  | 'nothing-saved'
  | 'skipped'
  | 'out-of-scope'
  | 'invalid-state';

interface ComponentPlan {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly endpointName: string;
  readonly disposition: Disposition;
  readonly copiesBefore: number;
  readonly copiesAfter: number;
  readonly steps: readonly Step[];
  readonly detail?: string;
}

type SavedState =
  | { readonly status: 'none' }
  | { readonly status: 'saved'; readonly copyCount: number; readonly autoscaling?: ScalingBounds }
  | { readonly status: 'invalid'; readonly reason: string };

const STATE_TAG_KEYS = [TAGS.savedCopyCount, TAGS.savedMinCapacity, TAGS.savedMaxCapacity] as const;

function parseCount(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

function readSavedState(tags: Tags): SavedState {
  const rawCopies = tags[TAGS.savedCopyCount];
  const rawMin = tags[TAGS.savedMinCapacity];
  const rawMax = tags[TAGS.savedMaxCapacity];
  if (rawCopies === undefined && rawMin === undefined && rawMax === undefined) return { status: 'none' };
  const copyCount = parseCount(rawCopies);
  if (copyCount === undefined) return { status: 'invalid', reason: `${TAGS.savedCopyCount} is ${JSON.stringify(rawCopies ?? null)}, not a copy count` };
  if (rawMin === undefined && rawMax === undefined) return { status: 'saved', copyCount };
  const minCapacity = parseCount(rawMin);
  const maxCapacity = parseCount(rawMax);
  if (minCapacity === undefined || maxCapacity === undefined || minCapacity > maxCapacity) {
    return { status: 'invalid', reason: `saved autoscaling bounds ${JSON.stringify(rawMin ?? null)}..${JSON.stringify(rawMax ?? null)} are not valid` };
  }
  return { status: 'saved', copyCount, autoscaling: { minCapacity, maxCapacity } };
}

function isInScope(component: ComponentSnapshot, scope: Scope): boolean {
  return scope === 'all' || isTagTrue(component.tags, TAGS.weekendScaleToZero);
}

function plan(component: ComponentSnapshot, disposition: Disposition, copiesAfter: number, steps: Step[] = [], detail?: string): ComponentPlan {
  return {
    region: component.region,
    name: component.name,
    arn: component.arn,
    endpointName: component.endpointName,
    disposition,
    copiesBefore: component.desiredCopyCount,
    copiesAfter,
    steps,
    ...(detail ? { detail } : {}),
  };
}

/**
 * Friday: save, then zero. A component that already carries saved state is never saved again,
 * so a second scale-down (or one resuming a cut-off run) keeps the original count.
 */
function planScaleDown(components: readonly ComponentSnapshot[], scope: Scope): ComponentPlan[] {
  return components.map((component) => {
    const copies = component.desiredCopyCount;
    if (isSkipped(component.tags)) return plan(component, 'skipped', copies);
    const saved = readSavedState(component.tags);
    if (saved.status === 'invalid') return plan(component, 'invalid-state', copies, [], saved.reason);
    if (saved.status === 'none' && !isInScope(component, scope)) return plan(component, 'out-of-scope', copies);

    const bounds = component.autoscaling;
    const lowerBounds: Step[] = bounds && bounds.minCapacity > 0 ? [{ kind: 'set-autoscaling', minCapacity: 0, maxCapacity: bounds.maxCapacity }] : [];
    const zero: Step[] = copies > 0 ? [{ kind: 'set-copy-count', copyCount: 0 }] : [];

    if (saved.status === 'saved') {
      const remaining = [...lowerBounds, ...zero];
      return remaining.length === 0
        ? plan(component, 'already-down', 0, [], `saved ${saved.copyCount} copies`)
        : plan(component, 'finish-scale-down', 0, remaining, `saved ${saved.copyCount} copies`);
    }
    if (copies === 0) return plan(component, 'at-zero', 0, [], 'already at 0 copies with nothing saved: left alone');

    const state: Record<string, string> = { [TAGS.savedCopyCount]: String(copies) };
    if (bounds) {
      state[TAGS.savedMinCapacity] = String(bounds.minCapacity);
      state[TAGS.savedMaxCapacity] = String(bounds.maxCapacity);
    }
    // Bounds before copies: a registered MinCapacity >= 1 would push a manual 0 straight back up.
    return plan(component, 'scale-down', 0, [{ kind: 'save-state', tags: state }, ...lowerBounds, ...zero]);
  });
}

/**
 * Monday: bounds back first, then exactly the saved count, then the state cleared. Scope does not
 * matter here: whatever the bot scaled down, it brings back (unless it is now tagged skip).
 */
function planRestore(components: readonly ComponentSnapshot[]): ComponentPlan[] {
  return components.map((component) => {
    const copies = component.desiredCopyCount;
    const saved = readSavedState(component.tags);
    if (isSkipped(component.tags)) {
      const detail = saved.status === 'saved' ? `tagged ops-bot:skip while scaled down: still ${copies} copies, ${saved.copyCount} saved; restore it by hand` : undefined;
      return plan(component, 'skipped', copies, [], detail);
    }
    if (saved.status === 'invalid') return plan(component, 'invalid-state', copies, [], saved.reason);
    if (saved.status === 'none') return plan(component, 'nothing-saved', copies);

    const steps: Step[] = [];
    let detail: string | undefined;
    if (saved.autoscaling) {
      const current = component.autoscaling;
      if (!current) detail = 'its autoscaling target was removed while scaled down: bounds not restored';
      else if (current.minCapacity !== saved.autoscaling.minCapacity || current.maxCapacity !== saved.autoscaling.maxCapacity) {
        steps.push({ kind: 'set-autoscaling', ...saved.autoscaling });
      }
    }
    if (copies !== saved.copyCount) steps.push({ kind: 'set-copy-count', copyCount: saved.copyCount });
    const present = STATE_TAG_KEYS.filter((key) => component.tags[key] !== undefined);
    steps.push({ kind: 'clear-state', tagKeys: present });
    return plan(component, steps.length === 1 ? 'already-restored' : 'restore', saved.copyCount, steps, detail);
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
      const instanceTypes = [...new Set(billed.map((variant) => variant.instanceType ?? 'unknown instance type'))];
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
      const savings = known ? billed.reduce((total, variant, i) => total + (hourly[i] ?? 0) * variant.currentInstanceCount * windowHours, 0) : undefined;
      return {
        ...base,
        instanceCostStops: true,
        why: 'all components at 0 and MinInstanceCount 0: instances are released (about 25 minutes after scale-in starts)',
        ...(savings !== undefined ? { estimatedSavings: Math.round(savings * 100) / 100 } : {}),
      };
    });
}

export { STATE_TAG_KEYS, readSavedState, isInScope, planScaleDown, planRestore, assessWeekendSavings };
export type { ScalingBounds, ComponentSnapshot, HostingEndpoint, Scope, Step, Disposition, ComponentPlan, SavedState, EndpointWeekendCost };
