/**
 * Whatever the account holds and whatever fails (throttled or failing SageMaker, CloudWatch,
 * Tagging and SNS calls of any kind), the 15-minute Canvas check and the MLflow off hours never touch what they
 * must not: no session is logged out without an opt-in, past a skip, on an unknown signal or one a
 * user came back from; idle shutdown is only ever turned on, and only in the opted-in, unskipped
 * domain; every change is journaled before it is made; a server is started only after the bot
 * itself stopped it; and a run always ends with a result.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIdleNotebooksConfig } from '@ops-bot/shared/config';
import { runIdleNotebooks } from '@ops-bot/shared/jobs/idle-notebooks';
import { createIdleNotebooksClients, liveIdleNotebooksDeps } from '@ops-bot/shared/live/idle-notebooks';
import { FakeAccount, FakeAwsError } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();
const NOW = new Date('2026-11-20T19:00:00Z');
const MORNING = new Date('2026-11-23T08:00:00Z');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const userArbitrary = fc.record({
  domain: fc.constantFrom('d-1', 'd-2'),
  profileOptIn: fc.boolean(),
  profileSkip: fc.integer({ min: 0, max: 9 }).map((roll) => roll < 2),
  // Minutes ago of each datapoint and its seconds idle; empty: no signal.
  points: fc.array(fc.tuple(fc.integer({ min: 0, max: 90 }), fc.integer({ min: 0, max: 40_000 })), { maxLength: 3 }),
});

const serverArbitrary = fc.record({
  status: fc.constantFrom('Created', 'Started', 'Stopped', 'Updating', 'StopFailed'),
  offHours: fc.boolean(),
  skip: fc.integer({ min: 0, max: 9 }).map((roll) => roll < 2),
});

const fault = fc.constantFrom('ok', 'ok', 'ok', 'throttle', 'fail');

describe('Property: Canvas logouts and MLflow off hours under faults', () => {
  it('never logs out or stops what it must not, journals every change first, and always ends', async () => {
    // Across the runs, how many logouts and stops were made: a property that never saw one would prove nothing.
    let changes = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(userArbitrary, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(serverArbitrary, { maxLength: 4 }),
        fc.array(fault, { maxLength: 60 }),
        async (users, domainOptIn, domainSkip, servers, faults) => {
          await stateTable.clear();
          const account = new FakeAccount(
            [],
            users.map((user, index) => ({
              namespace: '/aws/sagemaker/Canvas/AppActivity',
              metricName: 'TimeSinceLastActive',
              dimensions: { DomainId: user.domain, UserProfileName: `user-${index}` },
              points: user.points.map(([ago, seconds]) => ({ at: new Date(NOW.getTime() - ago * 60_000), sum: seconds })),
            })),
          );
          account.clock = () => NOW;
          for (const id of ['d-1', 'd-2']) {
            account.domains.push({
              id,
              tags: id === 'd-1' ? { ...(domainOptIn ? { 'ops-bot:idle-shutdown': 'true' } : {}), ...(domainSkip ? { 'ops-bot:skip': 'true' } : {}) } : {},
              profiles: users.flatMap((user, index) =>
                user.domain === id
                  ? [
                      {
                        name: `user-${index}`,
                        tags: {
                          ...(user.profileOptIn ? { 'ops-bot:idle-shutdown': 'true' } : {}),
                          ...(user.profileSkip ? { 'ops-bot:skip': 'true' } : {}),
                        },
                      },
                    ]
                  : [],
              ),
              spaces: [],
            });
          }
          users.forEach((user, index) =>
            account.apps.push({
              domainId: user.domain,
              userProfileName: `user-${index}`,
              appType: 'Canvas',
              appName: 'default',
              status: 'InService',
              createdAt: new Date('2026-11-20T08:00:00Z'),
            }),
          );
          servers.forEach((server, index) =>
            account.trackingServers.push({
              name: `server-${index}`,
              status: server.status,
              size: 'Small',
              createdAt: new Date('2026-10-01T00:00:00Z'),
              tags: { ...(server.offHours ? { 'ops-bot:off-hours': 'true' } : {}), ...(server.skip ? { 'ops-bot:skip': 'true' } : {}) },
            }),
          );
          let call = 0;
          account.failure = (operation) => {
            const kind = faults[call++ % Math.max(faults.length, 1)] ?? 'ok';
            if (operation === 'Publish' || kind === 'ok') return undefined;
            return kind === 'throttle' ? new FakeAwsError('ThrottlingException', 'Rate exceeded') : new FakeAwsError('InternalFailure', 'injected', 500);
          };
          const mocks = mockAccount(account);
          try {
            const config = parseIdleNotebooksConfig({ AWS_REGION: 'us-east-1', TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot', ...stateTable.env });
            const runAt = async (event: Parameters<typeof runIdleNotebooks>[0], at: Date) => {
              account.clock = () => at;
              return runIdleNotebooks(
                event,
                liveIdleNotebooksDeps(config, createIdleNotebooksClients(), silent, () => at),
              ).catch((error: unknown) => error);
            };
            const check = await runAt({ action: 'idle-check', dryRun: false }, NOW);
            const stop = await runAt({ action: 'off-hours-stop', dryRun: false }, NOW);
            const start = await runAt({ action: 'morning-start', dryRun: false }, MORNING);
            const audit = await runAt({ action: 'studio-audit', dryRun: false }, MORNING);

            // Every run ends: with a result, or with its own failure raised after the report.
            for (const outcome of [check, stop, start, audit])
              expect(outcome instanceof Error ? outcome.name : 'result').toMatch(/^(result|RunFailedError|PublishFailedError)$/);

            // Logged out only: opted in, not skipped, and idle past 120 min by the newest point of the last 30 min.
            const deleted = account.calls.filter((entry) => entry.operation === 'DeleteApp').map((entry) => String(entry.input.UserProfileName));
            for (const name of deleted) {
              const index = Number(name.slice('user-'.length));
              const user = users[index];
              // The newest minute decides, and within it the most active reading (the least idle).
              const newestAgo = Math.min(...(user?.points ?? []).map(([ago]) => ago));
              const atNewest = (user?.points ?? []).filter(([ago]) => ago === newestAgo).map(([, seconds]) => seconds);
              const newest = atNewest.length > 0 ? ([newestAgo, Math.min(...atNewest)] as const) : undefined;
              expect(user && (user.profileOptIn || (user.domain === 'd-1' && domainOptIn))).toBe(true);
              expect(user?.profileSkip).toBe(false);
              expect(user?.domain === 'd-1' && domainSkip).toBe(false);
              expect(newest && newest[0] <= 30 && newest[1] >= 120 * 60).toBe(true);
            }

            // Stopped only: opted in, not skipped, running; started only: stopped by the bot this evening.
            const serverCalls = account.calls.filter((entry) => /^(Stop|Start)MlflowTrackingServer$/.test(entry.operation));
            const stoppedByBot = new Set<string>();
            for (const entry of serverCalls) {
              const name = String(entry.input.TrackingServerName);
              const server = servers[Number(name.slice('server-'.length))];
              if (entry.operation === 'StopMlflowTrackingServer') {
                expect(server?.offHours && !server.skip && ['Created', 'Started'].includes(server.status)).toBe(true);
                stoppedByBot.add(name);
              } else expect(stoppedByBot.has(name)).toBe(true);
            }

            // Idle shutdown turned on only in the opted-in, unskipped domain, and only ever turned on.
            for (const update of account.domainUpdates) {
              expect(update.DomainId === 'd-1' && domainOptIn && !domainSkip).toBe(true);
              expect(JSON.stringify(update)).not.toContain('DISABLED');
            }

            // Journaled first: an intent for every call made (a failed intent write means no call).
            const journal = (await stateTable.items()).filter((item) => item.pk?.S?.startsWith('journal#'));
            expect(journal.length).toBeGreaterThanOrEqual(deleted.length + serverCalls.length + account.domainUpdates.length);
            changes += deleted.length + serverCalls.length + account.domainUpdates.length;
          } finally {
            mocks.restore();
          }
        },
      ),
      { numRuns: 40 },
    );
    expect(changes).toBeGreaterThan(0);
  }, 180_000);
});
