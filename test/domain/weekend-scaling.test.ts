import { describe, expect, it } from 'vitest';
import { assessWeekendSavings, oldStates, parseSavedValues, planRestore, planScaleDown } from '@ops-bot/shared/domain/weekend-scaling';
import { createPriceBook } from '@ops-bot/shared/domain/prices';
import { component, hostingEndpoint } from '../support/weekend-builders.ts';

const NOW = new Date('2026-11-20T17:00:00Z');
const SAVED_AT = { 'ops-bot:saved-at': '2026-11-20T17:00Z' };

const saved = (copies: number, bounds?: [number, number]): Record<string, string> => ({
  'ops-bot:weekend-scale-to-zero': 'true',
  'ops-bot:saved-copy-count': String(copies),
  ...(bounds ? { 'ops-bot:saved-min-capacity': String(bounds[0]), 'ops-bot:saved-max-capacity': String(bounds[1]) } : {}),
});

describe('Function: planScaleDown', () => {
  it.each([
    {
      case: 'opted in, 3 copies',
      component: component({ desiredCopyCount: 3 }),
      disposition: 'scale-down',
      steps: [
        { kind: 'save-state', values: { 'ops-bot:saved-copy-count': '3', ...SAVED_AT } },
        { kind: 'set-copy-count', copyCount: 0 },
      ],
    },
    {
      case: 'opted in, with autoscaling 1..4',
      component: component({ desiredCopyCount: 2, autoscaling: { minCapacity: 1, maxCapacity: 4 } }),
      disposition: 'scale-down',
      steps: [
        { kind: 'save-state', values: { 'ops-bot:saved-copy-count': '2', 'ops-bot:saved-min-capacity': '1', 'ops-bot:saved-max-capacity': '4', ...SAVED_AT } },
        { kind: 'set-autoscaling', minCapacity: 0, maxCapacity: 4 },
        { kind: 'set-copy-count', copyCount: 0 },
      ],
    },
    {
      case: 'opted in, autoscaling already allows 0',
      component: component({ desiredCopyCount: 1, autoscaling: { minCapacity: 0, maxCapacity: 2 } }),
      disposition: 'scale-down',
      steps: [
        { kind: 'save-state', values: { 'ops-bot:saved-copy-count': '1', 'ops-bot:saved-min-capacity': '0', 'ops-bot:saved-max-capacity': '2', ...SAVED_AT } },
        { kind: 'set-copy-count', copyCount: 0 },
      ],
    },
    { case: 'already at 0 with nothing saved', component: component({ desiredCopyCount: 0 }), disposition: 'at-zero', steps: [] },
    { case: 'not opted in', component: component({ tags: {} }), disposition: 'out-of-scope', steps: [] },
    { case: 'opted in with "false"', component: component({ tags: { 'ops-bot:weekend-scale-to-zero': 'false' } }), disposition: 'out-of-scope', steps: [] },
    {
      case: 'opted in but skipped: skip wins',
      component: component({ tags: { 'ops-bot:weekend-scale-to-zero': 'true', 'ops-bot:skip': 'true' } }),
      disposition: 'skipped',
      steps: [],
    },
    { case: 'scaled down already', component: component({ desiredCopyCount: 0, tags: saved(3) }), disposition: 'already-down', steps: [] },
    {
      // A cut-off run saved state but did not zero: finish it, never overwriting the saved 3.
      case: 'state saved, copies still up',
      component: component({ desiredCopyCount: 3, tags: saved(3, [1, 4]), autoscaling: { minCapacity: 1, maxCapacity: 4 } }),
      disposition: 'finish-scale-down',
      steps: [
        { kind: 'set-autoscaling', minCapacity: 0, maxCapacity: 4 },
        { kind: 'set-copy-count', copyCount: 0 },
      ],
    },
    {
      // The owner changed it midweek and the old save stayed behind: save what runs now.
      case: 'running with stale state (owner moved 3 -> 6 copies, 1..4 -> 2..8)',
      component: component({ desiredCopyCount: 6, tags: saved(3, [1, 4]), autoscaling: { minCapacity: 2, maxCapacity: 8 } }),
      disposition: 'scale-down',
      steps: [
        { kind: 'save-state', values: { 'ops-bot:saved-copy-count': '6', 'ops-bot:saved-min-capacity': '2', 'ops-bot:saved-max-capacity': '8', ...SAVED_AT } },
        { kind: 'set-autoscaling', minCapacity: 0, maxCapacity: 8 },
        { kind: 'set-copy-count', copyCount: 0 },
      ],
    },
    {
      // IAM's StringEqualsIgnoreCase does not trim: " true" is not an opt-in for the code either.
      case: 'opted in with " true"',
      component: component({ tags: { 'ops-bot:weekend-scale-to-zero': ' true' } }),
      disposition: 'out-of-scope',
      steps: [],
    },
    {
      case: 'saved state unreadable',
      component: component({ tags: { 'ops-bot:weekend-scale-to-zero': 'true', 'ops-bot:saved-copy-count': 'three' } }),
      disposition: 'invalid-state',
      steps: [],
    },
  ])('plans $disposition for a component $case', ({ component: snapshot, disposition, steps }) => {
    // Act
    const [plan] = planScaleDown([snapshot], { scope: 'tagged', now: NOW });

    // Assess
    expect(plan?.disposition).toBe(disposition);
    expect(plan?.steps).toEqual(steps);
  });

  it('records an ad hoc until on each component, also on one already scaled down', () => {
    // Act
    const [fresh, down] = planScaleDown([component({ name: 'a', desiredCopyCount: 2 }), component({ name: 'b', desiredCopyCount: 0, tags: saved(2) })], {
      scope: 'tagged',
      now: NOW,
      restoreAfter: new Date('2026-11-25T06:00:00Z'),
    });

    // Assess
    expect(fresh?.steps[0]).toEqual({
      kind: 'save-state',
      values: { 'ops-bot:saved-copy-count': '2', ...SAVED_AT, 'ops-bot:restore-after': '2026-11-25T06:00Z' },
    });
    // The whole state is signed again with the until: never a lone tag beside an old MAC.
    expect(down?.steps).toEqual([{ kind: 'save-state', values: { 'ops-bot:saved-copy-count': '2', 'ops-bot:restore-after': '2026-11-25T06:00Z' } }]);
  });

  it('takes every component not skipped when the scope is all', () => {
    // Act
    const plans = planScaleDown([component({ name: 'a', tags: {} }), component({ name: 'b', tags: { 'ops-bot:skip': 'TRUE' } })], { scope: 'all', now: NOW });

    // Assess
    expect(plans.map((p) => p.disposition)).toEqual(['scale-down', 'skipped']);
  });
});

describe('Function: planRestore', () => {
  it.each([
    {
      case: 'at 0 with 3 saved',
      component: component({ desiredCopyCount: 0, tags: saved(3) }),
      disposition: 'restore',
      steps: [
        { kind: 'set-copy-count', copyCount: 3 },
        { kind: 'clear-state', expect: { copyCount: 3 } },
      ],
    },
    {
      // Copies first: raising MinCapacity on an active component moves its copies at once
      // (Application Auto Scaling API Reference, RegisterScalableTarget), so the saved count must
      // already be in place, inside the saved bounds, when the bounds go back.
      case: 'with autoscaling bounds to put back after the copies',
      component: component({ desiredCopyCount: 0, tags: saved(2, [1, 4]), autoscaling: { minCapacity: 0, maxCapacity: 4 } }),
      disposition: 'restore',
      steps: [
        { kind: 'set-copy-count', copyCount: 2 },
        { kind: 'set-autoscaling', minCapacity: 1, maxCapacity: 4 },
        {
          kind: 'clear-state',
          expect: { copyCount: 2, autoscaling: { minCapacity: 1, maxCapacity: 4 } },
        },
      ],
    },
    {
      // The owner changed it midweek after a restore whose tag removal failed: their settings win.
      case: 'running with stale state (owner moved 3 -> 6 copies, 1..4 -> 2..8)',
      component: component({ desiredCopyCount: 6, tags: saved(3, [1, 4]), autoscaling: { minCapacity: 2, maxCapacity: 8 } }),
      disposition: 'stale-state',
      steps: [{ kind: 'clear-state' }],
    },
    {
      case: 'held by an ad hoc until in the future',
      component: component({ desiredCopyCount: 0, tags: { ...saved(2), 'ops-bot:restore-after': '2026-11-25T07:00Z' } }),
      disposition: 'restore-later',
      steps: [],
    },
    {
      case: 'whose ad hoc until has come',
      component: component({ desiredCopyCount: 0, tags: { ...saved(2), 'ops-bot:restore-after': '2026-11-20T17:03Z' } }),
      disposition: 'restore',
      steps: [
        { kind: 'set-copy-count', copyCount: 2 },
        { kind: 'clear-state', expect: { copyCount: 2 } },
      ],
    },
    {
      // A cut-off restore put the count back but could not clear the tags: just clear them.
      case: 'already back but state left',
      component: component({ desiredCopyCount: 3, tags: saved(3) }),
      disposition: 'already-restored',
      steps: [{ kind: 'clear-state', expect: { copyCount: 3 } }],
    },
    { case: 'with nothing saved', component: component({ desiredCopyCount: 0 }), disposition: 'nothing-saved', steps: [] },
    {
      // Only what is opted in today is restored by the weekly run; the report names the event that restores it by name.
      case: 'opted out over the weekend',
      component: component({ desiredCopyCount: 0, tags: { 'ops-bot:saved-copy-count': '1' } }),
      disposition: 'out-of-scope',
      steps: [],
    },
    {
      case: 'whose endpoint was tagged skip',
      component: component({ desiredCopyCount: 0, tags: saved(2), endpointSkipped: true }),
      disposition: 'skipped',
      steps: [],
    },
    {
      case: 'whose state does not verify',
      component: component({
        desiredCopyCount: 0,
        state: { status: 'rejected', reason: 'MAC', found: { 'ops-bot:saved-copy-count': '999999' }, legacy: false },
      }),
      disposition: 'unverified-state',
      steps: [],
    },
    {
      case: 'whose state KMS could not verify now',
      component: component({ desiredCopyCount: 0, state: { status: 'unverifiable', reason: 'KMS timed out' } }),
      disposition: 'deferred',
      steps: [],
    },
    {
      case: 'tagged skip while scaled down',
      component: component({ desiredCopyCount: 0, tags: { ...saved(2), 'ops-bot:skip': 'true' } }),
      disposition: 'skipped',
      steps: [],
    },
  ])('plans $disposition for a component $case', ({ component: snapshot, disposition, steps }) => {
    // Act
    const [plan] = planRestore([snapshot], NOW, { scope: 'tagged' });

    // Assess
    expect(plan?.disposition).toBe(disposition);
    expect(plan?.steps).toEqual(steps);
  });

  it('says why a skipped component stays down', () => {
    const [plan] = planRestore([component({ desiredCopyCount: 0, tags: { ...saved(2), 'ops-bot:skip': 'true' } })], NOW, { scope: 'tagged' });
    expect(plan?.detail).toContain('restore it by hand');
  });

  it('does not recreate an autoscaling target removed over the weekend, and says so', () => {
    const [plan] = planRestore([component({ desiredCopyCount: 0, tags: { ...saved(2, [1, 4]), 'ops-bot:weekend-scale-to-zero': 'true' } })], NOW, {
      scope: 'tagged',
    });
    expect(plan?.steps.map((step) => step.kind)).toEqual(['set-copy-count', 'clear-state']);
    expect(plan?.detail).toContain('autoscaling target was removed');
  });
});

describe('Function: planRestore (who may be restored)', () => {
  const held = { 'ops-bot:saved-copy-count': '3', 'ops-bot:held-by': 'idle-action' };

  it("restores a component not opted in only through the idle action's own verified hold", () => {
    const notOptedIn = component({ desiredCopyCount: 0, tags: held });
    expect(planRestore([notOptedIn], NOW, { scope: 'tagged', releaseHold: 'idle-action' })[0]?.disposition).toBe('restore');
    expect(
      planRestore([component({ desiredCopyCount: 0, tags: { 'ops-bot:saved-copy-count': '3' } })], NOW, { scope: 'tagged', releaseHold: 'idle-action' })[0]
        ?.disposition,
    ).toBe('out-of-scope');
  });

  it('restores a component named by an admin whatever its opt-in, never beyond its saved count', () => {
    const [plan] = planRestore([component({ desiredCopyCount: 0, tags: { 'ops-bot:saved-copy-count': '3' } })], NOW, { scope: 'tagged', named: true });
    expect(plan?.steps).toContainEqual({ kind: 'set-copy-count', copyCount: 3 });
  });

  it('keeps what did not verify out of every plan, named or not', () => {
    const forged = component({
      desiredCopyCount: 0,
      state: { status: 'rejected', reason: 'no MAC', found: { 'ops-bot:saved-copy-count': '777' }, legacy: true },
    });
    for (const options of [{ scope: 'all' as const }, { scope: 'tagged' as const, named: true }, { scope: 'tagged' as const, releaseHold: 'idle-action' }]) {
      const [plan] = planRestore([forged], NOW, options);
      expect(plan?.steps).toEqual([]);
      expect(plan?.unverified).toEqual({ found: { 'ops-bot:saved-copy-count': '777' }, legacy: true, reason: 'no MAC' });
    }
  });

  it('never scales down a component whose state does not verify', () => {
    const [plan] = planScaleDown([component({ desiredCopyCount: 3, state: { status: 'rejected', reason: 'MAC', found: {}, legacy: false } })], {
      scope: 'all',
      now: NOW,
    });
    expect(plan?.disposition).toBe('unverified-state');
    expect(plan?.steps).toEqual([]);
  });
});

describe('Function: parseSavedValues', () => {
  it.each([
    { tags: { 'ops-bot:saved-copy-count': '4' }, state: { status: 'saved', copyCount: 4 } },
    { tags: saved(2, [1, 3]), state: { status: 'saved', copyCount: 2, autoscaling: { minCapacity: 1, maxCapacity: 3 } } },
    { tags: { 'ops-bot:saved-copy-count': '-1' }, state: { status: 'invalid' } },
    { tags: { 'ops-bot:saved-copy-count': '2', 'ops-bot:saved-min-capacity': '1' }, state: { status: 'invalid' } },
    { tags: { 'ops-bot:saved-copy-count': '2', 'ops-bot:saved-min-capacity': '5', 'ops-bot:saved-max-capacity': '3' }, state: { status: 'invalid' } },
  ])('reads $tags as $state.status', ({ tags, state }) => {
    expect(parseSavedValues(tags as Record<string, string>)).toMatchObject(state);
  });
});

describe('Function: assessWeekendSavings', () => {
  const prices = createPriceBook({});

  it('counts instance cost as stopped only when every component is at 0 and MinInstanceCount is 0', () => {
    // Prepare: 1 x ml.g6.12xlarge ($5.752/h) for a 61-hour weekend.
    const plans = planScaleDown([component()], { scope: 'tagged', now: NOW });

    // Act
    const [cost] = assessWeekendSavings(plans, [hostingEndpoint()], prices, 61);

    // Assess
    expect(cost).toMatchObject({ instanceCostStops: true, instances: 1, estimatedSavings: 350.87 });
  });

  it.each([
    {
      case: 'a component out of scope keeps copies',
      endpoint: hostingEndpoint({ componentCopies: { 'ic-1': 2, 'other-ic': 1 } }),
      why: /components still running: other-ic/,
    },
    {
      case: 'the variant keeps one instance',
      endpoint: hostingEndpoint({
        variants: [
          {
            variantName: 'AllTraffic',
            role: 'production',
            instanceType: 'ml.g6.12xlarge',
            serverless: false,
            currentInstanceCount: 1,
            managedMinInstanceCount: 1,
          },
        ],
      }),
      why: /keeps MinInstanceCount 1/,
    },
    {
      case: 'managed instance scaling is off',
      endpoint: hostingEndpoint({
        variants: [{ variantName: 'AllTraffic', role: 'production', instanceType: 'ml.g6.12xlarge', serverless: false, currentInstanceCount: 1 }],
      }),
      why: /no managed instance scaling/,
    },
  ])('reports no instance savings when $case', ({ endpoint, why }) => {
    // Act
    const [cost] = assessWeekendSavings(planScaleDown([component()], { scope: 'tagged', now: NOW }), [endpoint], prices, 61);

    // Assess
    expect(cost?.instanceCostStops).toBe(false);
    expect(cost?.why).toMatch(why);
    expect(cost?.estimatedSavings).toBeUndefined();
  });
});

describe('Function: oldStates', () => {
  it('reports saved state older than the limit, and only that', () => {
    // Prepare
    const old = component({ name: 'forgotten', desiredCopyCount: 0, tags: { ...saved(2), 'ops-bot:saved-at': '2026-10-30T17:00Z' } });
    const fresh = component({ name: 'this-weekend', desiredCopyCount: 0, tags: { ...saved(2), ...SAVED_AT } });

    // Act
    const found = oldStates([old, fresh], NOW, 16);

    // Assess
    expect(found).toEqual([{ region: old.region, name: 'forgotten', savedAt: '2026-10-30T17:00Z', days: 21 }]);
  });
});
