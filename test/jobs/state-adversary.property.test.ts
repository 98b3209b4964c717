/**
 * An adversary with `sagemaker:AddTags`, `sagemaker:DeleteTags` and `lambda:InvokeFunction` (and an
 * owner who deletes and creates resources) acts between the bot's runs: random `ops-bot:*` values
 * (with no MAC, or a made-up one), another component's state copied over, single values edited, the
 * newest state deleted and an older set put back (the previous version's signed sets included), a
 * component deleted and created again under its name with the old tags copied on, a full tag set,
 * `ops-bot:skip` on the endpoint, and `adopt` in the event. The bot's memory is its state table:
 * whatever the adversary does, the bot never sets a copy count or a bound that the table did not
 * hold for that component (as created) when the run began or ended, never touches a component of a
 * skipped endpoint, and refuses `adopt`. The adversary's writes go straight into the fake account,
 * so every call the account records is the bot's own.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { createWeekendScalingClients, liveWeekendScalingDeps } from '@ops-bot/shared/live/weekend-scaling';
import { parseIdleEndpointsConfig, parseWeekendScalingConfig } from '@ops-bot/shared/config';
import { COMPONENT_STATE } from '@ops-bot/shared/aws/bot-state';
import { runIdleEndpoints } from '@ops-bot/shared/jobs/idle-endpoints';
import { idleEndpointsEventParser, weekendEventParser } from '@ops-bot/shared/lambda/events';
import { createIdleEndpointsClients, liveIdleEndpointsDeps } from '@ops-bot/shared/live/idle-endpoints';
import { FakeAccount, fakeEndpoint, hostEndpoint, STATE_KEY_ARN, type FakeComponent } from '../../fakes/account.ts';
import { recordMetrics } from '../support/metrics.ts';
import { STATE_KEYS } from '../support/weekend-builders.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { useStateTable, type StateTableHandle } from '../support/state-table.ts';

const stateTable = useStateTable();

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const config = parseWeekendScalingConfig({
  STATE_KEY_ID: STATE_KEY_ARN,
  ...stateTable.env,
  AWS_REGION: 'us-east-1',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot',
  WEEKEND_SETTLE_POLL_SECONDS: '0',
});
const FRIDAY = new Date('2026-11-20T17:00:00Z');
const clock = () => FRIDAY;
const MAC = 'ops-bot:state-mac';
const OPT_IN = { 'ops-bot:weekend-scale-to-zero': 'true' };

const componentArbitrary = fc.record({
  copies: fc.integer({ min: 0, max: 4 }),
  autoscaled: fc.boolean(),
  /** It carries state the previous version signed before the upgrade (saved copies, imported once). */
  legacy: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
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
  // DeleteTags on the newest set, then an older one put back (the bot's own mirrors, or the previous version's signed set).
  fc.record({ kind: fc.constant('replay' as const), target: fc.nat(4), age: fc.nat(5) }),
  fc.record({ kind: fc.constant('owner' as const), target: fc.nat(4), copies: fc.integer({ min: 1, max: 5 }) }),
  // The owner deletes the component and creates one of the same name; the adversary copies the old tags on.
  fc.record({ kind: fc.constant('same-name' as const), target: fc.nat(4), copies: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('fill-tags' as const), target: fc.nat(4) }),
  fc.record({ kind: fc.constant('skip-endpoint' as const) }),
  fc.record({ kind: fc.constant('adopt' as const), target: fc.nat(4) }),
);

const stepArbitrary = fc.oneof(
  fc.constantFrom({ kind: 'run' as const, action: 'scale-down' as const }, { kind: 'run' as const, action: 'restore' as const }),
  adversaryArbitrary,
);

type Adversary = typeof adversaryArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** Every key of the bot's component state on tags: the mirror, and the previous version's MAC and generations. */
const isBotKey = (key: string) => STATE_KEYS.includes(key) || key === 'ops-bot:state' || key === MAC || key.startsWith('ops-bot:gen:');

/** What the table holds for components: name → the creation time it was saved for and its saved values. */
async function savedComponents(table: StateTableHandle): Promise<Array<{ name: string; createdAt: string | undefined; values: Record<string, string> }>> {
  return (await table.items())
    .filter((item) => item.pk?.S === 'state#component')
    .map((item) => ({
      name: String(item.arn?.S).split('/').pop() ?? '',
      createdAt: item.createdAt?.S,
      values: Object.fromEntries(Object.entries(item.values?.M ?? {}).map(([key, value]) => [key, value.S ?? ''])),
    }));
}

describe('Property: the bot acts only on what its state table holds, whatever is done to tags, names and events', () => {
  let account: FakeAccount;
  let mocks: ReturnType<typeof mockAccount> | undefined;
  const clients = createWeekendScalingClients();
  const parseWeekendEvent = weekendEventParser({ timezone: 'UTC', holidays: new Set(), maxScaleDownDays: 14, regions: ['us-east-1'] }, clock);
  beforeAll(() => {
    mocks = mockAccount(new FakeAccount());
  });
  afterAll(() => mocks?.restore());

  it('sets no copy count or bound the table did not hold for that component as created, and never touches a skipped endpoint', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(componentArbitrary, { minLength: 2, maxLength: 5 }),
        fc.array(stepArbitrary, { minLength: 1, maxLength: 10 }),
        async (specs, steps) => {
          // Prepare: a fresh table; components, some with the previous version's signed state.
          await stateTable.clear();
          const components: FakeComponent[] = specs.map((spec, i) => ({
            name: `ic-${i}`,
            endpointName: 'ep-a',
            copies: spec.legacy === undefined ? spec.copies : 0,
            tags: { ...OPT_IN },
            createdAt: new Date('2026-06-01T00:00:00Z'),
            ...(spec.autoscaled ? { autoscaling: { min: 1, max: spec.copies + 2 } } : {}),
          }));
          account = new FakeAccount([hostEndpoint('ep-a', { instanceType: 'ml.g5.xlarge', instances: 1, managedMin: 0 })], [], components);
          account.clock = clock;
          // Every set the bot (or the previous version) left on each component's tags, oldest first: what a replay puts back.
          const history = new Map<string, Array<Record<string, string>>>();
          /** What the previous version signed: the first run (it imports once) may act on it, no later run. */
          let imported: Array<{ name: string; createdAt: string | undefined; values: Record<string, string> }> = [];
          for (const [i, spec] of specs.entries()) {
            if (spec.legacy === undefined) continue;
            const component = account.components[i] as FakeComponent;
            // Signed by the previous version before the upgrade (October), for the component as created in June.
            account.clock = () => new Date('2026-10-01T00:00:00Z');
            const signed = await account.signedState(`arn:aws:sagemaker:us-east-1:111122223333:inference-component/${component.name}`, COMPONENT_STATE, {
              'ops-bot:saved-copy-count': String(spec.legacy),
            });
            Object.assign(component.tags, signed);
            history.set(component.name, [signed]);
            imported.push({ name: component.name, createdAt: component.createdAt?.toISOString(), values: { 'ops-bot:saved-copy-count': String(spec.legacy) } });
          }
          account.clock = clock;
          mocks?.restore();
          mocks = mockAccount(account);
          const remember = () => {
            for (const component of account.components) {
              const ours = Object.fromEntries(Object.entries(component.tags).filter(([key]) => isBotKey(key)));
              const sets = history.get(component.name) ?? [];
              if (Object.keys(ours).length > 0 && JSON.stringify(sets.at(-1)) !== JSON.stringify(ours)) sets.push(ours);
              history.set(component.name, sets);
            }
          };
          const problems: string[] = [];
          let sameNameAt = 0;
          const createdAtOf = (name: string) => (account.components.find((c) => c.name === name)?.createdAt ?? new Date(0)).toISOString();

          // Act
          for (const step of steps) {
            if (step.kind === 'run') {
              const before = await savedComponents(stateTable);
              const skipped = account.endpoints[0]?.tags?.['ops-bot:skip'] === 'true';
              const firstCall = account.calls.length;
              const deps = liveWeekendScalingDeps(config, clients, silent, () => undefined, clock);
              const result = await runWeekendScaling({ action: step.action, dryRun: false }, deps);
              for (const outcome of result.components.filter((o) => o.disposition === 'unverified-state')) {
                expect(result.report?.email).toContain(`${outcome.name} (us-east-1):`);
                expect(result.report?.email).toContain('STATE THE BOT DOES NOT ACT ON');
              }
              const after = await savedComponents(stateTable);
              // What the table held for this component as it exists now, at the start or the end of the run.
              const allowed = (name: string) =>
                [...imported, ...before, ...after].filter((saved) => saved.name === name && saved.createdAt === createdAtOf(name));
              for (const { operation, input } of account.calls.slice(firstCall)) {
                if (operation !== 'UpdateInferenceComponentRuntimeConfig' && operation !== 'RegisterScalableTarget') continue;
                const name = String(operation === 'RegisterScalableTarget' ? input.ResourceId : input.InferenceComponentName)
                  .split('/')
                  .pop() as string;
                if (skipped) problems.push(`${name}: ${operation} on an endpoint tagged ops-bot:skip`);
                const saved = allowed(name).map((entry) => entry.values);
                if (operation === 'UpdateInferenceComponentRuntimeConfig') {
                  const copies = (input.DesiredRuntimeConfig as { CopyCount: number }).CopyCount;
                  if (saved.length === 0) problems.push(`${name}: set ${copies} copies with no state of its own in the table`);
                  else if (copies !== 0 && !saved.some((values) => values['ops-bot:saved-copy-count'] === String(copies)))
                    problems.push(`${name}: set ${copies} copies, the table held ${saved.map((values) => values['ops-bot:saved-copy-count']).join(' or ')}`);
                } else {
                  const max = String(input.MaxCapacity);
                  const min = String(input.MinCapacity);
                  const fits = saved.some(
                    (values) => values['ops-bot:saved-max-capacity'] === max && (min === '0' || values['ops-bot:saved-min-capacity'] === min),
                  );
                  if (!fits) problems.push(`${name}: bounds ${min}..${max} that the table did not hold`);
                }
              }
              remember();
              imported = [];
            } else applyAdversary(step);
          }

          function applyAdversary(move: Adversary): void {
            if (move.kind === 'skip-endpoint') {
              const endpoint = account.endpoints[0];
              if (endpoint) endpoint.tags = { ...endpoint.tags, 'ops-bot:skip': 'true' };
              return;
            }
            const index = move.target % account.components.length;
            const target = account.components[index] as FakeComponent;
            if (move.kind === 'adopt') {
              expect(() => parseWeekendEvent({ action: 'restore', component: target.name, adopt: true })).toThrow(/"adopt" is no longer accepted/);
            } else if (move.kind === 'owner') {
              // The owner moves a running component (not one the bot holds at 0): next weekend saves a new count.
              if (target.copies > 0 && !target.autoscaling) target.copies = move.copies;
            } else if (move.kind === 'same-name') {
              sameNameAt += 1;
              account.components[index] = {
                name: target.name,
                endpointName: target.endpointName,
                copies: move.copies,
                tags: { ...target.tags },
                createdAt: new Date(Date.parse('2026-11-01T00:00:00Z') + sameNameAt * 60_000),
              };
            } else if (move.kind === 'replay') {
              const sets = history.get(target.name) ?? [];
              const older = sets[sets.length - 2 - (move.age % Math.max(1, sets.length - 1))] ?? sets[0];
              if (!older) return;
              for (const key of Object.keys(target.tags)) if (isBotKey(key)) delete target.tags[key];
              Object.assign(target.tags, older);
            } else if (move.kind === 'random') {
              target.tags['ops-bot:saved-copy-count'] = move.copies;
              if (move.hold) target.tags['ops-bot:held-by'] = 'idle-action';
              if (move.mac) target.tags[MAC] = move.mac;
            } else if (move.kind === 'copy') {
              const source = account.components[move.source % account.components.length] as FakeComponent;
              for (const key of Object.keys(target.tags)) if (isBotKey(key)) delete target.tags[key];
              for (const [key, value] of Object.entries(source.tags)) if (isBotKey(key)) target.tags[key] = value;
            } else if (move.kind === 'fill-tags') {
              for (let n = 0; Object.keys(target.tags).length < 50; n++) target.tags[`team:filler-${n}`] = 'x';
            } else if (target.tags['ops-bot:saved-copy-count'] !== undefined) {
              target.tags[move.key] = move.value;
            }
          }

          // Assess
          expect(problems).toEqual([]);
          for (const component of account.components) expect(component.copies).toBeLessThanOrEqual(5);
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('Property: recreate records and savings come from the table alone', () => {
  const NOW = new Date('2026-11-20T09:00:00.000Z');
  const DAY_MS = 24 * 3_600_000;
  const idleEnv = { AWS_REGION: 'us-east-1', STATE_KEY_ID: STATE_KEY_ARN, ...stateTable.env, TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot' };
  const OWNER = (name: string) => ({ team: `team-${name}`, 'ops-bot:idle-action': 'delete' });
  const NAMES = ['model-a', 'model-b', 'model-c'];
  const forgedChunk = (name: string) =>
    Buffer.from(
      JSON.stringify({ v: 1, endpointName: name, configName: `${name}-config`, tags: { evil: 'yes' }, deletedAt: '2026-11-01T00:00Z', costPerDay: 99999 }),
    ).toString('base64url');

  const moveArbitrary = fc.oneof(
    fc.record({ kind: fc.constant('check' as const), sameDay: fc.boolean() }),
    fc.record({ kind: fc.constant('recreate' as const), target: fc.nat(2), adopt: fc.boolean() }),
    fc.record({ kind: fc.constant('settle' as const) }),
    fc.record({ kind: fc.constant('forge' as const), target: fc.nat(2), mac: fc.boolean() }),
    // The owner deletes an endpoint (one the bot recreated, or any), or creates one under a deleted name.
    fc.record({ kind: fc.constant('owner-delete' as const), target: fc.nat(2) }),
    fc.record({ kind: fc.constant('owner-create' as const), target: fc.nat(2) }),
  );

  it('creates only what the bot deleted and its owner did not delete again, and books each endpoint-day once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(moveArbitrary, { minLength: 1, maxLength: 12 }), async (moves) => {
        // Prepare: three idle endpoints opted in to delete, each on its own config; an empty table.
        await stateTable.clear();
        const account = new FakeAccount(NAMES.map((name) => fakeEndpoint(name, { createdAt: new Date(NOW.getTime() - 30 * DAY_MS), tags: OWNER(name) })));
        const mocks = mockAccount(account);
        const booked: Array<{ day: string; resource: string; value: number }> = [];
        /** Endpoints the bot recreated and their owner deleted since, with no delete of the bot's after it. */
        const ownerDeletedSinceBotCreate = new Set<string>();
        const botCreated = new Set<string>();
        const recreatedAgainstOwner: string[] = [];
        let now = NOW;
        const runEvent = async (raw: Record<string, unknown>) => {
          const metrics = recordMetrics();
          account.clock = () => now;
          const deps = {
            ...liveIdleEndpointsDeps(parseIdleEndpointsConfig(idleEnv), createIdleEndpointsClients(), silent, () => now),
            metrics,
            sleep: async () => undefined,
          };
          const parse = idleEndpointsEventParser(['us-east-1']);
          if (raw.adopt !== undefined) {
            expect(() => parse(raw)).toThrow(/"adopt" is no longer accepted/);
            return;
          }
          const callsBefore = account.calls.length;
          await runIdleEndpoints(parse(raw), deps).catch(() => undefined);
          for (const { operation, input } of account.calls.slice(callsBefore)) {
            const name = String(input.EndpointName);
            // A delete of the bot's own gives it a new record, and a new way back.
            if (operation === 'DeleteEndpoint') ownerDeletedSinceBotCreate.delete(name);
            if (operation !== 'CreateEndpoint') continue;
            if (ownerDeletedSinceBotCreate.has(name)) recreatedAgainstOwner.push(name);
            botCreated.add(name);
          }
          booked.push(
            ...metrics.points
              .filter((point) => point.name === 'Savings' && point.dimensions.Action === 'idle-delete' && point.dimensions.Resource)
              .map((point) => ({ day: now.toISOString().slice(0, 10), resource: String(point.dimensions.Resource), value: point.value })),
          );
        };
        try {
          // Act
          for (const move of moves) {
            const name = NAMES[('target' in move ? move.target : 0) % NAMES.length] as string;
            const config = account.configs.get(`${name}-config`);
            if (move.kind === 'check') {
              if (!move.sameDay) now = new Date(now.getTime() + DAY_MS);
              await runEvent({});
            } else if (move.kind === 'recreate') {
              await runEvent(move.adopt ? { action: 'recreate', endpoint: name, adopt: true } : { action: 'recreate', endpoint: name });
            } else if (move.kind === 'settle') account.settleEndpoints();
            else if (move.kind === 'owner-delete') {
              const index = account.endpoints.findIndex((endpoint) => endpoint.name === name);
              if (index >= 0) {
                account.endpoints.splice(index, 1);
                if (botCreated.has(name)) ownerDeletedSinceBotCreate.add(name);
              }
            } else if (move.kind === 'owner-create') {
              if (!account.endpoints.some((endpoint) => endpoint.name === name))
                account.addEndpoint(fakeEndpoint(name, { createdAt: now, tags: { team: 'someone-else' } }));
            } else if (config) {
              Object.assign(config.tags, { 'ops-bot:recreate-records': 'true', [`ops-bot:recreate:${name}:0`]: forgedChunk(name) });
              if (move.mac) config.tags[`ops-bot:recreate:${name}:mac`] = 'v1:000000000000:n1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
            }
          }

          // Assess: every create is of an endpoint the bot deleted, with its owner's tags on its own config,
          // and never after its owner deleted the endpoint the bot had recreated.
          const deleted = new Set<string>();
          let created = 0;
          for (const { operation, input } of account.calls) {
            if (operation === 'DeleteEndpoint') deleted.add(String(input.EndpointName));
            if (operation !== 'CreateEndpoint') continue;
            const name = String(input.EndpointName);
            created += 1;
            expect(deleted.has(name)).toBe(true);
            expect(input.EndpointConfigName).toBe(`${name}-config`);
            expect(Object.fromEntries((input.Tags as Array<{ Key: string; Value: string }>).map((tag) => [tag.Key, tag.Value]))).toEqual(OWNER(name));
          }
          expect(recreatedAgainstOwner).toEqual([]);
          expect(created).toBeLessThanOrEqual(NAMES.length * 2);
          // Only what the bot recorded is booked (ml.m5.xlarge at $0.23/h is $5.52 a day), once per endpoint and day.
          expect(booked.filter((entry) => entry.value !== 5.52)).toEqual([]);
          const days = booked.map((entry) => `${entry.day} ${entry.resource}`);
          expect(new Set(days).size).toBe(days.length);
        } finally {
          mocks.restore();
        }
      }),
      { numRuns: 100 },
    );
  });
});
