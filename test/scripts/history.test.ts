/**
 * `npm run -s history -- <name>`: what the bot did to a resource and how to undo it, read from the
 * state table's journal after real runs (dynalite on loopback).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseWeekendScalingConfig } from '@ops-bot/shared/config';
import { readHistory, readHoldings } from '@ops-bot/shared/aws/bot-state';
import { createStateTable } from '@ops-bot/shared/aws/state-table';
import { runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { createWeekendScalingClients, liveWeekendScalingDeps } from '@ops-bot/shared/live/weekend-scaling';
import { FakeAccount, fakeComponent, hostEndpoint, type FakeComponent } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { describeHistory } from '../../scripts/history.ts';
import { describeLeftovers, undoHoldings } from '../../scripts/leftovers.ts';
import { weekendEventParser } from '@ops-bot/shared/lambda/events';
import { STATE_TABLE_NAME, useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();
const FRIDAY = new Date('2026-11-20T17:00:00Z');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const weekendConfig = () =>
  parseWeekendScalingConfig({
    AWS_REGION: 'us-east-1',
    ...stateTable.env,
    TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot',
    WEEKEND_SETTLE_POLL_SECONDS: '0',
  });

/** The fake account of the last weekendScaleDown. */
let account: FakeAccount;

/** A real weekend scale-down on Friday of `components` (on one host), journaled and saved in the table; the account's mocks. */
async function weekendScaleDown(components: FakeComponent[]): Promise<ReturnType<typeof mockAccount>> {
  account = new FakeAccount([hostEndpoint('ep-1', { instanceType: 'ml.g5.xlarge', instances: 1, managedMin: 0 })], [], components);
  account.clock = () => FRIDAY;
  const mocks = mockAccount(account);
  await runWeekendScaling(
    { action: 'scale-down', dryRun: false },
    liveWeekendScalingDeps(
      weekendConfig(),
      createWeekendScalingClients(),
      silent,
      () => undefined,
      () => FRIDAY,
    ),
  );
  return mocks;
}

describe('Script: history', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  afterEach(() => mocks?.restore());

  it('prints each change the bot made to a component, oldest first, with its outcome and how to undo it, and what it still holds', async () => {
    // Prepare: a real weekend scale-down of one component, journaled in the table.
    mocks = await weekendScaleDown([fakeComponent('chat', { copies: 3 }), fakeComponent('other', { copies: 1 })]);

    // Act
    const history = await readHistory(createStateTable(stateTable.client(), STATE_TABLE_NAME), 'chat');
    const text = describeHistory('chat', history);

    // Assess
    expect(history.actions.map((action) => [action.action, action.before, action.after, action.outcome])).toEqual([['set copies', '3', '0', 'done']]);
    expect(text).toContain('What the bot did to chat, oldest first:');
    expect(text).toContain(
      '2026-11-20 17:00 UTC  inference-component arn:aws:sagemaker:us-east-1:111122223333:inference-component/chat: set copies (3 -> 0): done',
    );
    expect(text).toContain('undo: invoke weekend-scaling with {"action":"restore","component":"chat","region":"us-east-1"}');
    expect(text).toContain('What the bot still holds for it:');
    expect(text).toContain('ops-bot:saved-copy-count = 3');
    expect(text).not.toContain('other');
  });

  it('says when the journal holds nothing for a name', async () => {
    // Act
    const text = describeHistory('unknown-model', await readHistory(createStateTable(stateTable.client(), STATE_TABLE_NAME), 'unknown-model'));

    // Assess
    expect(text).toBe("The bot's journal holds nothing for unknown-model.");
  });
});

describe('Script: leftovers, what the bot still holds', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  afterEach(() => mocks?.restore());

  it('lists each component the weekend holds at 0 with the event that restores it, and says when there is nothing to undo', async () => {
    // Prepare: nothing yet, then a real weekend scale-down.
    const table = createStateTable(stateTable.client(), STATE_TABLE_NAME);
    const nothing = describeLeftovers([], await readHoldings(table));
    mocks = await weekendScaleDown([fakeComponent('chat', { copies: 3 })]);

    // Act
    const text = describeLeftovers([], await readHoldings(table));

    // Assess
    expect(nothing).toBe('state table: the bot holds nothing (a report-only deployment never does): nothing to undo before cdk destroy');
    expect(text.split('\n')).toEqual([
      'state table: 1 thing to undo before cdk destroy (invoke each function with its event):',
      '  arn:aws:sagemaker:us-east-1:111122223333:inference-component/chat: at 0 copies, 3 saved',
      '    undo: weekend-scaling {"action":"restore","component":"chat","region":"us-east-1"}',
    ]);
  });

  it('--undo: invokes the event of each holding through the job itself, goes on after a failure, and leaves nothing held', async () => {
    // Prepare: two components at 0 after a real scale-down; the first invocation fails as a denied Invoke would.
    mocks = await weekendScaleDown([fakeComponent('chat', { copies: 3 }), fakeComponent('embed', { copies: 2 })]);
    const table = createStateTable(stateTable.client(), STATE_TABLE_NAME);
    const monday = new Date('2026-11-23T07:00:00Z');
    account.clock = () => monday;
    const config = weekendConfig();
    const invoked: string[] = [];
    let denyFirst = true;
    const invoke = async (job: string, event: Readonly<Record<string, string>>) => {
      invoked.push(`${job} ${JSON.stringify(event)}`);
      if (denyFirst) {
        denyFirst = false;
        throw Object.assign(new Error('User is not authorized to perform: lambda:InvokeFunction'), { name: 'AccessDeniedException' });
      }
      const parsed = weekendEventParser(config, () => monday)(event);
      const result = await runWeekendScaling(
        parsed,
        liveWeekendScalingDeps(
          config,
          createWeekendScalingClients(),
          silent,
          () => undefined,
          () => monday,
        ),
      );
      return { ok: true, detail: result.report?.subject ?? '' };
    };

    // Act: the first pass (one denied), then a second, as an admin would run it again.
    const first = await undoHoldings(await readHoldings(table), invoke);
    const second = await undoHoldings(await readHoldings(table), invoke);

    // Assess
    expect(first).toHaveLength(2);
    expect(first[0]).toMatch(/^FAILED: weekend-scaling \{"action":"restore","component":"(chat|embed)","region":"us-east-1"\} \(.*lambda:InvokeFunction/);
    expect(first[1]).toMatch(/^done: weekend-scaling /);
    expect(second).toEqual([expect.stringMatching(/^done: weekend-scaling /)]);
    expect(await readHoldings(table)).toEqual([]);
    expect(account.components.map((component) => [component.name, component.copies])).toEqual([
      ['chat', 3],
      ['embed', 2],
    ]);
  });
});
