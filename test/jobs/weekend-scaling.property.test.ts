/**
 * Whatever happens in between (throttling, failing updates and tag writes, runs cut off midway,
 * scale-downs and restores in any order), one clean restore brings every component and every
 * autoscaling target back to where it started and leaves no saved state behind.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@ops-bot/shared/config';
import { createWeekendScalingClients, liveWeekendScalingDeps, runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { FakeAwsError } from '../support/fake-account.ts';
import { FakeComponentAccount, MUTATING, type FakeComponent } from '../support/fake-components.ts';
import { mockWeekendAccount } from '../support/mock-weekend-clients.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const config = parseConfig({ AWS_REGION: 'us-east-1', TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot', TIMEZONE: 'Europe/Berlin' });
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

function injectFaults(account: FakeComponentAccount, run: Run): void {
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
  let mocks: ReturnType<typeof mockWeekendAccount> | undefined;
  const clients = createWeekendScalingClients();
  let account = new FakeComponentAccount([]);
  beforeAll(() => {
    // One set of mocks; each property run swaps in a fresh account behind them.
    mocks = mockWeekendAccount(new Proxy({} as FakeComponentAccount, { get: (_, key) => Reflect.get(account, key).bind(account) }));
  });
  afterAll(() => mocks?.restore());

  it('after a final clean restore, every component and target is back and no saved state is left', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(componentArbitrary, { minLength: 1, maxLength: 6 }), fc.array(runArbitrary, { minLength: 1, maxLength: 6 }), async (specs, runs) => {
        // Prepare
        const components: FakeComponent[] = specs.map((spec, i) => ({ name: `ic-${i}`, ...spec, tags: { ...spec.tags } }));
        account = new FakeComponentAccount(components, [
          { name: 'ep-a', instanceType: 'ml.g5.xlarge', instances: 1, managedMin: 0 },
          { name: 'ep-b', instanceType: 'ml.g5.xlarge', instances: 1 },
        ]);
        const original = structuredClone(components);
        const deps = liveWeekendScalingDeps(config, clients, silent, clock, () => 'arn:aws:lambda:us-east-1:111122223333:function:weekend-scaling');

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
        expect(account.components).toEqual(original);
        expect(account.mutatingCalls()).toBe(writesAfterRestore);
      }),
      { numRuns: 200 },
    );
  });

  it('never writes to a skipped or out-of-scope component, whatever the faults', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(componentArbitrary, { minLength: 1, maxLength: 6 }), fc.array(runArbitrary, { minLength: 1, maxLength: 4 }), async (specs, runs) => {
        // Prepare
        const components: FakeComponent[] = specs.map((spec, i) => ({ name: `ic-${i}`, ...spec, tags: { ...spec.tags } }));
        account = new FakeComponentAccount(components);
        const untouchable = new Set(
          components.filter((c) => c.tags['ops-bot:skip'] === 'true' || c.tags['ops-bot:weekend-scale-to-zero'] !== 'true').map((c) => c.name),
        );
        const deps = liveWeekendScalingDeps(config, clients, silent, clock, () => undefined);

        // Act
        for (const run of runs) {
          injectFaults(account, run);
          await runWeekendScaling({ action: run.action, dryRun: false }, deps).catch(() => undefined);
        }

        // Assess
        const touched = account.calls
          .filter((call) => MUTATING.has(call.operation) && call.operation !== 'CreateSchedule')
          .map((call) => String(call.input.InferenceComponentName ?? call.input.ResourceArn ?? call.input.ResourceId).split('/').pop());
        expect(touched.filter((name) => untouchable.has(name ?? ''))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
