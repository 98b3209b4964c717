/**
 * Whatever happens in between (throttling, failing updates and tag writes, runs cut off midway,
 * scale-downs and restores in any order, a scale-down and a restore at the same time, ad hoc
 * `until`s, owners changing components midweek), one clean restore brings every component and
 * every autoscaling target back to where its owner last left it and leaves no saved state behind.
 * The fake account moves capacity on RegisterScalableTarget and refuses updates while a component
 * is Updating, as AWS does (see fake-components.ts).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWeekendScalingConfig } from '@ops-bot/shared/config';
import { runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { weekendEventParser } from '@ops-bot/shared/lambda/events';
import { createWeekendScalingClients, liveWeekendScalingDeps } from '@ops-bot/shared/live/weekend-scaling';
import { FakeAccount, FakeAwsError, hostEndpoint, MUTATING, observable, type FakeComponent, STATE_KEY_ARN } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const config = parseWeekendScalingConfig({
  STATE_KEY_ID: STATE_KEY_ARN,
  ...stateTable.env,
  AWS_REGION: 'us-east-1',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot',
  TIMEZONE: 'Europe/Berlin',
  WEEKEND_SETTLE_POLL_SECONDS: '0',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/ops-bot-scheduler',
  SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:111122223333:ops-bot-dlq',
});
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:111122223333:function:weekend-scaling';
const clock = () => new Date('2026-11-20T17:00:00Z');

const componentArbitrary = fc
  .record({
    copies: fc.integer({ min: 0, max: 4 }),
    optedIn: fc.boolean(),
    skipped: fc.integer({ min: 0, max: 9 }).map((roll) => roll < 2),
    autoscaling: fc.option(fc.record({ min: fc.integer({ min: 0, max: 2 }), headroom: fc.integer({ min: 0, max: 3 }) }), { nil: undefined }),
    endpoint: fc.constantFrom('ep-a', 'ep-b'),
  })
  .map(({ copies, optedIn, skipped, autoscaling, endpoint }) => {
    const tags: Record<string, string> = { team: 'ml' };
    if (optedIn) tags['ops-bot:weekend-scale-to-zero'] = 'true';
    if (skipped) tags['ops-bot:skip'] = 'true';
    // A registered target holds the copy count within its bounds.
    const min = autoscaling ? Math.min(autoscaling.min, copies) : 0;
    return { endpointName: endpoint, copies, tags, ...(autoscaling ? { autoscaling: { min, max: Math.max(copies, min) + autoscaling.headroom } } : {}) };
  });

const fault = fc.constantFrom('ok', 'ok', 'ok', 'throttle', 'fail');
const runArbitrary = fc.record({
  action: fc.constantFrom('scale-down' as const, 'restore' as const),
  faults: fc.array(fault, { maxLength: 80 }),
  cutOffAfterWrites: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
});

type Run = typeof runArbitrary extends fc.Arbitrary<infer T> ? T : never;
type ComponentSpec = typeof componentArbitrary extends fc.Arbitrary<infer T> ? T : never;

function componentsOf(specs: readonly ComponentSpec[]): FakeComponent[] {
  return specs.map((spec, i) => ({ name: `ic-${i}`, ...spec, tags: { ...spec.tags } }));
}

/** ep-a can release its instances (managed MinInstanceCount 0); ep-b cannot. */
function accountWith(components: FakeComponent[]): FakeAccount {
  return new FakeAccount(
    [hostEndpoint('ep-a', { instanceType: 'ml.g5.xlarge', instances: 1, managedMin: 0 }), hostEndpoint('ep-b', { instanceType: 'ml.g5.xlarge', instances: 1 })],
    [],
    components,
  );
}

function injectFaults(account: FakeAccount, run: Run): void {
  const firstCall = account.calls.length;
  account.failure = (operation, _input, index) => {
    const writesSoFar = account.calls.slice(firstCall, index).filter((call) => MUTATING.has(call.operation)).length;
    if (run.cutOffAfterWrites !== undefined && writesSoFar >= run.cutOffAfterWrites) return new FakeAwsError('TimeoutError', 'run cut off');
    const planned = run.faults[index - firstCall] ?? 'ok';
    if (planned === 'throttle') return new FakeAwsError('ThrottlingException', `Rate exceeded (${operation})`);
    if (planned === 'fail') return new FakeAwsError('ValidationException', `Injected failure (${operation})`);
    return undefined;
  };
}

describe('Property: weekend scaling never loses what it must restore', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  const clients = createWeekendScalingClients();
  let account = new FakeAccount();
  beforeAll(() => {
    // One set of mocks; each property run swaps in a fresh account behind them.
    mocks = mockAccount(new Proxy({} as FakeAccount, { get: (_, key) => Reflect.get(account, key).bind(account) }));
  });
  afterAll(() => mocks?.restore());

  it('after a final clean restore, every component and target is back and no saved state is left', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(componentArbitrary, { minLength: 1, maxLength: 6 }),
        fc.array(runArbitrary, { minLength: 1, maxLength: 6 }),
        async (specs, runs) => {
          // Prepare
          const components = componentsOf(specs);
          account = accountWith(components);
          const original = structuredClone(components);
          const deps = liveWeekendScalingDeps(config, clients, silent, () => 'arn:aws:lambda:us-east-1:111122223333:function:weekend-scaling', clock);

          // Act: the faulty history, then one clean restore, then one more.
          for (const run of runs) {
            injectFaults(account, run);
            await runWeekendScaling({ action: run.action, dryRun: false }, deps).catch(() => undefined);
          }
          account.failure = () => undefined;
          await runWeekendScaling({ action: 'restore', dryRun: false }, deps);
          const writesAfterRestore = account.mutatingCalls();
          await runWeekendScaling({ action: 'restore', dryRun: false }, deps);

          // Assess
          expect(observable(account.components)).toEqual(observable(original));
          expect(account.mutatingCalls()).toBe(writesAfterRestore);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never writes to a skipped or out-of-scope component, whatever the faults', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(componentArbitrary, { minLength: 1, maxLength: 6 }),
        fc.array(runArbitrary, { minLength: 1, maxLength: 4 }),
        async (specs, runs) => {
          // Prepare
          const components: FakeComponent[] = specs.map((spec, i) => ({ name: `ic-${i}`, ...spec, tags: { ...spec.tags } }));
          account = new FakeAccount([], [], components);
          const untouchable = new Set(
            components.filter((c) => c.tags['ops-bot:skip'] === 'true' || c.tags['ops-bot:weekend-scale-to-zero'] !== 'true').map((c) => c.name),
          );
          const deps = liveWeekendScalingDeps(config, clients, silent, () => undefined, clock);

          // Act
          for (const run of runs) {
            injectFaults(account, run);
            await runWeekendScaling({ action: run.action, dryRun: false }, deps).catch(() => undefined);
          }

          // Assess
          const touched = account.calls
            .filter((call) => MUTATING.has(call.operation) && call.operation !== 'CreateSchedule')
            .map((call) =>
              String(call.input.InferenceComponentName ?? call.input.ResourceArn ?? call.input.ResourceId)
                .split('/')
                .pop(),
            );
          expect(touched.filter((name) => untouchable.has(name ?? ''))).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  // Histories with everything at once: each step is a run (possibly with faults), a scale-down and
  // a restore started together, or an owner changing a running component.
  const stepArbitrary = fc.oneof(
    runArbitrary.map((run) => ({ kind: 'run' as const, run, until: false })),
    runArbitrary.map((run) => ({ kind: 'run' as const, run: { ...run, action: 'scale-down' as const }, until: true })),
    fc.record({ faults: fc.array(fc.constantFrom('ok', 'ok', 'throttle'), { maxLength: 60 }) }).map(({ faults }) => ({ kind: 'overlap' as const, faults })),
    fc.record({ index: fc.nat(5), copies: fc.integer({ min: 1, max: 5 }) }).map((change) => ({ kind: 'owner' as const, ...change })),
  );

  /** A running component the bot holds no live state on: what an owner would change midweek. */
  function changeByOwner(component: FakeComponent, copies: number): boolean {
    const savedCopies = component.tags['ops-bot:saved-copy-count'];
    const restoredButTagged = savedCopies !== undefined && Number(savedCopies) === component.copies && component.copies > 0;
    if (component.copies === 0 || (savedCopies !== undefined && !restoredButTagged)) return false;
    if (component.autoscaling) {
      // An owner who resizes an autoscaled component resizes its bounds: 1..4 -> 2..8.
      const min = component.autoscaling.min + 1;
      const max = component.autoscaling.max + 2 + copies;
      component.autoscaling = { min, max };
      component.copies = Math.min(Math.max(copies, min), max);
    } else {
      if (copies === component.copies) return false;
      component.copies = copies;
    }
    return true;
  }

  it("ends every history at the owner's last settings with no state lost, stale or restored early", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(componentArbitrary, { minLength: 1, maxLength: 6 }),
        fc.array(stepArbitrary, { minLength: 1, maxLength: 8 }),
        async (specs, steps) => {
          // Prepare
          const components = componentsOf(specs);
          account = accountWith(components);
          const intended = structuredClone(components);
          let now = new Date('2026-11-20T17:00:00Z');
          const deps = liveWeekendScalingDeps(
            config,
            clients,
            silent,
            () => FUNCTION_ARN,
            () => now,
          );
          const earlyRestores: string[] = [];

          // Act
          for (const step of steps) {
            if (step.kind === 'owner') {
              const component = account.components[step.index % account.components.length];
              if (component && changeByOwner(component, step.copies)) {
                const target = intended.find((c) => c.name === component.name);
                if (target) Object.assign(target, { copies: component.copies, autoscaling: component.autoscaling && { ...component.autoscaling } });
              }
              continue;
            }
            if (step.kind === 'overlap') {
              injectFaults(account, { action: 'restore', faults: step.faults, cutOffAfterWrites: undefined });
              await Promise.all([
                runWeekendScaling({ action: 'scale-down', dryRun: false }, deps).catch(() => undefined),
                runWeekendScaling({ action: 'restore', dryRun: false }, deps).catch(() => undefined),
              ]);
              continue;
            }
            // A weekly restore must leave alone what an ad hoc until still holds.
            const held = new Set(
              account.components
                .filter((c) => c.tags['ops-bot:restore-after'] && Date.parse(c.tags['ops-bot:restore-after']) > now.getTime() + 5 * 60_000)
                .map((c) => c.name),
            );
            const firstCall = account.calls.length;
            injectFaults(account, step.run);
            const event = weekendEventParser(
              config,
              () => now,
            )(step.until ? { action: 'scale-down', until: '2026-11-25T07:00:00' } : { action: step.run.action });
            await runWeekendScaling(event, deps).catch(() => undefined);
            if (step.run.action === 'restore') {
              const touched = account.calls
                .slice(firstCall)
                .filter((call) => call.operation === 'UpdateInferenceComponentRuntimeConfig')
                .map((call) => String(call.input.InferenceComponentName));
              earlyRestores.push(...touched.filter((name) => held.has(name)));
            }
          }
          // Then the ad hoc restores are due, and one clean restore runs, and one more.
          now = new Date('2026-11-26T06:00:00Z');
          account.failure = () => undefined;
          const movedBefore = account.movedAtRegistration.length;
          await runWeekendScaling({ action: 'restore', dryRun: false }, deps);
          const writesAfterRestore = account.mutatingCalls();
          await runWeekendScaling({ action: 'restore', dryRun: false }, deps);

          // Assess
          expect(earlyRestores).toEqual([]);
          // Copies go back before the bounds: Application Auto Scaling never has to move them itself.
          expect(account.movedAtRegistration.slice(movedBefore)).toEqual([]);
          expect(observable(account.components)).toEqual(observable(intended));
          expect(account.mutatingCalls()).toBe(writesAfterRestore);
        },
      ),
      {
        numRuns: 300,
        examples: [
          // Found by this property: a scale-down's 0 lands between a restore's read-back and its tag
          // removal and is pushed up to the just-raised MinCapacity. Kept so it is checked every run.
          [
            [
              { endpointName: 'ep-a', copies: 2, tags: { team: 'ml', 'ops-bot:weekend-scale-to-zero': 'true' }, autoscaling: { min: 1, max: 2 } },
              { endpointName: 'ep-a', copies: 1, tags: { team: 'ml', 'ops-bot:weekend-scale-to-zero': 'true' } },
            ],
            [
              { kind: 'overlap', faults: [] },
              { kind: 'run', run: { action: 'restore', faults: [], cutOffAfterWrites: 3 }, until: false },
              { kind: 'overlap', faults: [] },
            ],
          ],
        ],
      },
    );
  });
});
