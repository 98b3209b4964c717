import { describe, expect, it } from 'vitest';
import { assessWeekendSavings, oldStates, planRestore, planScaleDown, readSavedState } from '@ops-bot/shared/domain/weekend-scaling';
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
        { kind: 'save-state', tags: { 'ops-bot:saved-copy-count': '3', ...SAVED_AT } },
        { kind: 'set-copy-count', copyCount: 0 },
      ],
    },
    {
      case: 'opted in, with autoscaling 1..4',
      component: component({ desiredCopyCount: 2, autoscaling: { minCapacity: 1, maxCapacity: 4 } }),
      disposition: 'scale-down',
      steps: [
        { kind: 'save-state', tags: { 'ops-bot:saved-copy-count': '2', 'ops-bot:saved-min-capacity': '1', 'ops-bot:saved-max-capacity': '4', ...SAVED_AT } },
        { kind: 'set-autoscaling', minCapacity: 0, maxCapacity: 4 },
        { kind: 'set-copy-count', copyCount: 0 },
      ],
    },
    {
      case: 'opted in, autoscaling already allows 0',
      component: component({ desiredCopyCount: 1, autoscaling: { minCapacity: 0, maxCapacity: 2 } }),
      disposition: 'scale-down',
      steps: [
        { kind: 'save-state', tags: { 'ops-bot:saved-copy-count': '1', 'ops-bot:saved-min-capacity': '0', 'ops-bot:saved-max-capacity': '2', ...SAVED_AT } },
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
        { kind: 'save-state', tags: { 'ops-bot:saved-copy-count': '6', 'ops-bot:saved-min-capacity': '2', 'ops-bot:saved-max-capacity': '8', ...SAVED_AT } },
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
      tags: { 'ops-bot:saved-copy-count': '2', ...SAVED_AT, 'ops-bot:restore-after': '2026-11-25T06:00Z' },
    });
    expect(down?.steps).toEqual([{ kind: 'save-state', tags: { 'ops-bot:restore-after': '2026-11-25T06:00Z' } }]);
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
        { kind: 'clear-state', tagKeys: ['ops-bot:saved-copy-count'], expect: { copyCount: 3 } },
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
          tagKeys: ['ops-bot:saved-copy-count', 'ops-bot:saved-min-capacity', 'ops-bot:saved-max-capacity'],
          expect: { copyCount: 2, autoscaling: { minCapacity: 1, maxCapacity: 4 } },
        },
      ],
    },
    {
      // The owner changed it midweek after a restore whose tag removal failed: their settings win.
      case: 'running with stale state (owner moved 3 -> 6 copies, 1..4 -> 2..8)',
      component: component({ desiredCopyCount: 6, tags: saved(3, [1, 4]), autoscaling: { minCapacity: 2, maxCapacity: 8 } }),
      disposition: 'stale-state',
      steps: [{ kind: 'clear-state', tagKeys: ['ops-bot:saved-copy-count', 'ops-bot:saved-min-capacity', 'ops-bot:saved-max-capacity'] }],
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
        { kind: 'clear-state', tagKeys: ['ops-bot:saved-copy-count', 'ops-bot:restore-after'], expect: { copyCount: 2 } },
      ],
    },
    {
      // A cut-off restore put the count back but could not clear the tags: just clear them.
      case: 'already back but state left',
      component: component({ desiredCopyCount: 3, tags: saved(3) }),
      disposition: 'already-restored',
      steps: [{ kind: 'clear-state', tagKeys: ['ops-bot:saved-copy-count'], expect: { copyCount: 3 } }],
    },
    { case: 'with nothing saved', component: component({ desiredCopyCount: 0 }), disposition: 'nothing-saved', steps: [] },
    {
      case: 'opted out over the weekend (the bot still brings back what it took)',
      component: component({ desiredCopyCount: 0, tags: { 'ops-bot:saved-copy-count': '1' } }),
      disposition: 'restore',
      steps: [
        { kind: 'set-copy-count', copyCount: 1 },
        { kind: 'clear-state', tagKeys: ['ops-bot:saved-copy-count'], expect: { copyCount: 1 } },
      ],
    },
    {
      case: 'tagged skip while scaled down',
      component: component({ desiredCopyCount: 0, tags: { ...saved(2), 'ops-bot:skip': 'true' } }),
      disposition: 'skipped',
      steps: [],
    },
  ])('plans $disposition for a component $case', ({ component: snapshot, disposition, steps }) => {
    // Act
    const [plan] = planRestore([snapshot], NOW);

    // Assess
    expect(plan?.disposition).toBe(disposition);
    expect(plan?.steps).toEqual(steps);
  });

  it('says why a skipped component stays down', () => {
    const [plan] = planRestore([component({ desiredCopyCount: 0, tags: { ...saved(2), 'ops-bot:skip': 'true' } })], NOW);
    expect(plan?.detail).toContain('restore it by hand');
  });

  it('does not recreate an autoscaling target removed over the weekend, and says so', () => {
    const [plan] = planRestore([component({ desiredCopyCount: 0, tags: saved(2, [1, 4]) })], NOW);
    expect(plan?.steps.map((step) => step.kind)).toEqual(['set-copy-count', 'clear-state']);
    expect(plan?.detail).toContain('autoscaling target was removed');
  });
});

describe('Function: readSavedState', () => {
  it.each([
    { tags: {}, state: { status: 'none' } },
    { tags: { 'ops-bot:saved-copy-count': '4' }, state: { status: 'saved', copyCount: 4 } },
    { tags: saved(2, [1, 3]), state: { status: 'saved', copyCount: 2, autoscaling: { minCapacity: 1, maxCapacity: 3 } } },
    { tags: { 'ops-bot:saved-copy-count': '-1' }, state: { status: 'invalid' } },
    { tags: { 'ops-bot:saved-copy-count': '2', 'ops-bot:saved-min-capacity': '1' }, state: { status: 'invalid' } },
    { tags: { 'ops-bot:saved-copy-count': '2', 'ops-bot:saved-min-capacity': '5', 'ops-bot:saved-max-capacity': '3' }, state: { status: 'invalid' } },
  ])('reads $tags as $state.status', ({ tags, state }) => {
    expect(readSavedState(tags as Record<string, string>)).toMatchObject(state);
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
