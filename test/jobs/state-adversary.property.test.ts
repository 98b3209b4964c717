/**
 * An adversary with tagging rights (AddTags: it adds and overwrites, it cannot delete) writes
 * `ops-bot:*` tags between the weekend job's runs: random values (with no MAC, or a made-up one),
 * the whole state copied from another component, single values edited under the bot's own MAC, and
 * older sets the bot itself signed on the same component, put back. Whatever it writes, the bot
 * never sets a copy count or a bound that it did not save for that component in its latest write.
 * The adversary's writes go straight into the fake account, so every call the account records is
 * the bot's own; owners change copy counts between weekends, so older sets differ from newer ones.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { createWeekendScalingClients, liveWeekendScalingDeps } from '@ops-bot/shared/live/weekend-scaling';
import { parseIdleEndpointsConfig, parseWeekendScalingConfig } from '@ops-bot/shared/config';
import { runIdleEndpoints } from '@ops-bot/shared/jobs/idle-endpoints';
import { idleEndpointsEventParser } from '@ops-bot/shared/lambda/events';
import { createIdleEndpointsClients, liveIdleEndpointsDeps } from '@ops-bot/shared/live/idle-endpoints';
import { FakeAccount, fakeEndpoint, hostEndpoint, STATE_KEY_ARN, type FakeComponent } from '../../fakes/account.ts';
import { recordMetrics } from '../support/metrics.ts';
import { STATE_KEYS } from '../support/weekend-builders.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const config = parseWeekendScalingConfig({
  STATE_KEY_ID: STATE_KEY_ARN,
  AWS_REGION: 'us-east-1',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot',
  WEEKEND_SETTLE_POLL_SECONDS: '0',
});
const clock = () => new Date('2026-11-20T17:00:00Z');
const MAC = 'ops-bot:state-mac';

const componentArbitrary = fc.record({
  copies: fc.integer({ min: 0, max: 4 }),
  autoscaled: fc.boolean(),
});

const adversaryArbitrary = fc.oneof(
  fc.record({
    kind: fc.constant('random' as const),
    target: fc.nat(4),
    copies: fc.oneof(fc.constant('999999'), fc.constant('777'), fc.integer({ min: 0, max: 9 }).map(String)),
    mac: fc.constantFrom(undefined, 'v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', 'forged'),
    hold: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('copy' as const), target: fc.nat(4), source: fc.nat(4) }),
  fc.record({
    kind: fc.constant('edit' as const),
    target: fc.nat(4),
    key: fc.constantFrom(...STATE_KEYS),
    value: fc.constantFrom('0', '9', '999999', '2030-01-01T00:00Z'),
  }),
  fc.record({ kind: fc.constant('replay' as const), target: fc.nat(4), age: fc.nat(5) }),
  fc.record({ kind: fc.constant('owner' as const), target: fc.nat(4), copies: fc.integer({ min: 1, max: 5 }) }),
);

const stepArbitrary = fc.oneof(
  fc.constantFrom({ kind: 'run' as const, action: 'scale-down' as const }, { kind: 'run' as const, action: 'restore' as const }),
  adversaryArbitrary,
);

type Adversary = typeof adversaryArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** Every key of the bot's component state, its MAC and generations included. */
const isBotKey = (key: string) => STATE_KEYS.includes(key) || key === MAC || key.startsWith('ops-bot:gen:');

function tamper(components: FakeComponent[], move: Adversary, history: Map<string, Array<Record<string, string>>>): void {
  const target = components[move.target % components.length] as FakeComponent;
  if (move.kind === 'owner') {
    // The owner moves a running component (not one the bot holds at 0): next weekend saves a new count.
    if (target.copies > 0 && !target.autoscaling) target.copies = move.copies;
  } else if (move.kind === 'replay') {
    const sets = history.get(target.name) ?? [];
    const older = sets[sets.length - 2 - (move.age % Math.max(1, sets.length - 1))];
    if (older) Object.assign(target.tags, older);
  } else if (move.kind === 'random') {
    target.tags['ops-bot:saved-copy-count'] = move.copies;
    if (move.hold) target.tags['ops-bot:held-by'] = 'idle-action';
    if (move.mac) target.tags[MAC] = move.mac;
  } else if (move.kind === 'copy') {
    const source = components[move.source % components.length] as FakeComponent;
    for (const key of [...STATE_KEYS, MAC]) {
      if (source.tags[key] !== undefined) target.tags[key] = source.tags[key];
      else delete target.tags[key];
    }
  } else if (target.tags[MAC] !== undefined) {
    target.tags[move.key] = move.value;
  }
}

/**
 * Replays the account's calls (all the bot's) in order: the bot's latest signed write per component,
 * and every change it made measured against it. Returns what it did that its latest write does not allow.
 */
function changesBeyondLatestWrite(account: FakeAccount): string[] {
  const latest = new Map<string, Record<string, string> | undefined>();
  const problems: string[] = [];
  const nameOf = (arnOrName: unknown) => String(arnOrName).split('/').pop() ?? '';
  for (const { operation, input } of account.calls) {
    if (operation === 'AddTags') {
      const tags = Object.fromEntries((input.Tags as Array<{ Key: string; Value: string }>).map((tag) => [tag.Key, tag.Value]));
      if (tags[MAC] !== undefined) latest.set(nameOf(input.ResourceArn), tags);
    } else if (operation === 'DeleteTags' && (input.TagKeys as string[]).includes(MAC)) {
      latest.set(nameOf(input.ResourceArn), undefined);
    } else if (operation === 'UpdateInferenceComponentRuntimeConfig') {
      const name = nameOf(input.InferenceComponentName);
      const copies = (input.DesiredRuntimeConfig as { CopyCount: number }).CopyCount;
      const saved = latest.get(name);
      if (saved?.['ops-bot:saved-copy-count'] === undefined) problems.push(`${name}: set ${copies} copies with no state of its own saved`);
      else if (copies !== 0 && String(copies) !== saved['ops-bot:saved-copy-count'])
        problems.push(`${name}: set ${copies} copies, saved ${saved['ops-bot:saved-copy-count']}`);
    } else if (operation === 'RegisterScalableTarget') {
      const name = nameOf(input.ResourceId);
      const saved = latest.get(name);
      const max = String(input.MaxCapacity);
      const min = String(input.MinCapacity);
      if (!saved || max !== saved['ops-bot:saved-max-capacity'] || (min !== '0' && min !== saved['ops-bot:saved-min-capacity'])) {
        problems.push(`${name}: bounds ${min}..${max} against saved ${saved?.['ops-bot:saved-min-capacity']}..${saved?.['ops-bot:saved-max-capacity']}`);
      }
    }
  }
  return problems;
}

describe('Property: forged, copied and edited state is never acted on', () => {
  let account: FakeAccount;
  let mocks: ReturnType<typeof mockAccount> | undefined;
  const clients = createWeekendScalingClients();
  beforeAll(() => {
    mocks = mockAccount(new FakeAccount());
  });
  afterAll(() => mocks?.restore());

  it('sets no copy count or bound the bot did not save for that component in its latest write', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(componentArbitrary, { minLength: 2, maxLength: 5 }),
        fc.array(stepArbitrary, { minLength: 1, maxLength: 10 }),
        async (specs, steps) => {
          // Prepare
          const components: FakeComponent[] = specs.map((spec, i) => ({
            name: `ic-${i}`,
            endpointName: 'ep-a',
            copies: spec.copies,
            tags: { 'ops-bot:weekend-scale-to-zero': 'true' },
            ...(spec.autoscaled ? { autoscaling: { min: 1, max: spec.copies + 2 } } : {}),
          }));
          account = new FakeAccount([hostEndpoint('ep-a', { instanceType: 'ml.g5.xlarge', instances: 1, managedMin: 0 })], [], components);
          mocks?.restore();
          mocks = mockAccount(account);
          const deps = liveWeekendScalingDeps(config, clients, silent, () => undefined, clock);
          // Every set the bot signed on each component, oldest first: what a replay puts back.
          const history = new Map<string, Array<Record<string, string>>>();
          const remember = () => {
            for (const component of account.components) {
              const ours = Object.fromEntries(Object.entries(component.tags).filter(([key]) => isBotKey(key)));
              const sets = history.get(component.name) ?? [];
              if (ours[MAC] !== undefined && JSON.stringify(sets.at(-1)) !== JSON.stringify(ours)) sets.push(ours);
              history.set(component.name, sets);
            }
          };

          // Act
          for (const step of steps) {
            if (step.kind === 'run') {
              const result = await runWeekendScaling({ action: step.action, dryRun: false }, deps);
              for (const outcome of result.components.filter((o) => o.disposition === 'unverified-state')) {
                expect(result.report?.email).toContain(`state on ${outcome.name} (us-east-1) does not verify: left as it is`);
              }
              remember();
            } else tamper(account.components, step, history);
          }

          // Assess
          expect(changesBeyondLatestWrite(account)).toEqual([]);
          for (const component of account.components) expect(component.copies).toBeLessThanOrEqual(7);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('Property: forged, copied, edited and replayed recreate records are never acted on or counted', () => {
  const NOW = new Date('2026-11-20T09:00:00.000Z');
  const DAY_MS = 24 * 3_600_000;
  const idleEnv = { AWS_REGION: 'us-east-1', STATE_KEY_ID: STATE_KEY_ARN, TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot' };
  const OWNER = (name: string) => ({ team: `team-${name}`, 'ops-bot:idle-action': 'delete' });
  const NAMES = ['model-a', 'model-b', 'model-c'];
  const recordKeys = (tags: Record<string, string>) => Object.keys(tags).filter((key) => key.startsWith('ops-bot:recreate'));
  const forgedChunk = (name: string) =>
    Buffer.from(
      JSON.stringify({ v: 1, endpointName: name, configName: `${name}-config`, tags: { evil: 'yes' }, deletedAt: '2026-11-01T00:00Z', costPerDay: 99999 }),
    ).toString('base64url');

  const moveArbitrary = fc.oneof(
    fc.record({ kind: fc.constant('check' as const) }),
    fc.record({ kind: fc.constant('recreate' as const), target: fc.nat(2) }),
    fc.record({ kind: fc.constant('settle' as const) }),
    fc.record({ kind: fc.constant('forge' as const), target: fc.nat(2), mac: fc.boolean() }),
    fc.record({ kind: fc.constant('copy' as const), target: fc.nat(2), source: fc.nat(2) }),
    fc.record({ kind: fc.constant('edit' as const), target: fc.nat(2) }),
    fc.record({ kind: fc.constant('replay' as const), target: fc.nat(2), age: fc.nat(4) }),
  );

  it('creates only what the bot deleted, from its own record, and books only what it recorded', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(moveArbitrary, { minLength: 1, maxLength: 12 }), async (moves) => {
        // Prepare: three idle endpoints opted in to delete, each on its own config.
        const account = new FakeAccount(NAMES.map((name) => fakeEndpoint(name, { createdAt: new Date(NOW.getTime() - 30 * DAY_MS), tags: OWNER(name) })));
        const mocks = mockAccount(account);
        const history = new Map<string, Array<Record<string, string>>>();
        const booked: number[] = [];
        let now = NOW;
        const runEvent = async (raw: unknown) => {
          const metrics = recordMetrics();
          account.clock = () => now;
          const deps = {
            ...liveIdleEndpointsDeps(parseIdleEndpointsConfig(idleEnv), createIdleEndpointsClients(), silent, () => now),
            metrics,
            sleep: async () => undefined,
          };
          await runIdleEndpoints(idleEndpointsEventParser(['us-east-1'])(raw), deps).catch(() => undefined);
          booked.push(
            ...metrics.points
              .filter((point) => point.name === 'Savings' && point.dimensions.Action === 'idle-delete' && point.dimensions.Resource)
              .map((point) => point.value),
          );
          for (const name of NAMES) {
            const tags = account.configs.get(`${name}-config`)?.tags ?? {};
            const ours = Object.fromEntries(recordKeys(tags).map((key) => [key, tags[key] as string]));
            const sets = history.get(name) ?? [];
            if (Object.keys(ours).length > 0 && JSON.stringify(sets.at(-1)) !== JSON.stringify(ours)) sets.push(ours);
            history.set(name, sets);
          }
        };
        try {
          // Act
          for (const move of moves) {
            const name = NAMES[('target' in move ? move.target : 0) % NAMES.length] as string;
            const config = account.configs.get(`${name}-config`);
            if (move.kind === 'check') {
              now = new Date(now.getTime() + DAY_MS);
              await runEvent({});
            } else if (move.kind === 'recreate') await runEvent({ action: 'recreate', endpoint: name });
            else if (move.kind === 'settle') account.settleEndpoints();
            else if (!config) continue;
            else if (move.kind === 'forge') {
              Object.assign(config.tags, { 'ops-bot:recreate-records': 'true', [`ops-bot:recreate:${name}:0`]: forgedChunk(name) });
              if (move.mac) config.tags[`ops-bot:recreate:${name}:mac`] = 'v1:000000000000:n1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
            } else if (move.kind === 'copy') {
              const source = account.configs.get(`${NAMES[move.source % NAMES.length]}-config`);
              for (const key of recordKeys(source?.tags ?? {})) config.tags[key.replace(/recreate:[^:]+:/, `recreate:${name}:`)] = source?.tags[key] as string;
            } else if (move.kind === 'edit') {
              const chunk = `ops-bot:recreate:${name}:0`;
              if (config.tags[chunk]) config.tags[chunk] = forgedChunk(name);
            } else {
              const sets = history.get(name) ?? [];
              const older = sets[sets.length - 2 - (move.age % Math.max(1, sets.length - 1))];
              if (older) Object.assign(config.tags, older);
            }
          }

          // Assess: every create is of an endpoint the bot deleted, with its owner's tags on its own config.
          const deleted = new Set<string>();
          for (const { operation, input } of account.calls) {
            if (operation === 'DeleteEndpoint') deleted.add(String(input.EndpointName));
            if (operation !== 'CreateEndpoint') continue;
            const name = String(input.EndpointName);
            expect(deleted.has(name)).toBe(true);
            expect(input.EndpointConfigName).toBe(`${name}-config`);
            expect(Object.fromEntries((input.Tags as Array<{ Key: string; Value: string }>).map((tag) => [tag.Key, tag.Value]))).toEqual(OWNER(name));
          }
          // Only what the bot recorded is booked: ml.m5.xlarge at $0.23/h is $5.52 a day.
          expect(booked.filter((value) => value !== 5.52)).toEqual([]);
        } finally {
          mocks.restore();
        }
      }),
      { numRuns: 120 },
    );
  });
});
