/**
 * The one door to the bot's state, against a real DynamoDB implementation (dynalite on loopback):
 * records named by ARN and creation time, writes conditional on what the run read, the mirror on
 * tags best-effort, and the ledger's one booking per resource and day.
 */
import { describe, expect, it } from 'vitest';
import { createBotState, COMPONENT_STATE, StateConflictError, type BotState } from '@ops-bot/shared/aws/bot-state';
import { createStateTable } from '@ops-bot/shared/aws/state-table';
import type { SageMakerTags } from '@ops-bot/shared/aws/sagemaker-tags';
import { STATE_TABLE_NAME, useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();
const NOW = new Date('2026-11-20T17:00:00Z');
const ARN = 'arn:aws:sagemaker:us-east-1:111122223333:inference-component/chat';
const CREATED = '2026-06-01T00:00:00.000Z';
const SAVED = { 'ops-bot:saved-copy-count': '4' };

/** Tag calls that record what the mirror wrote, failing when `full` (SageMaker's 50-tag limit). */
function recordingTags(full = false) {
  const added: Array<Record<string, string>> = [];
  const deleted: string[][] = [];
  const tags: SageMakerTags = {
    readTags: async () => ({}),
    readAllTags: async () => ({}),
    addTags: async (_arn, values) => {
      if (full) throw Object.assign(new Error('Too many tags'), { name: 'ValidationException' });
      added.push({ ...values });
    },
    deleteTags: async (_arn, keys) => {
      deleted.push([...keys]);
    },
  };
  return { tags, added, deleted };
}

function runState(tags: SageMakerTags = recordingTags().tags, runId = 'run-1'): BotState {
  return createBotState({ table: createStateTable(stateTable.client(), STATE_TABLE_NAME), tagsFor: () => tags, now: () => NOW, runId });
}

describe('Class: BotState (the state table)', () => {
  it('reads back what a run wrote for the resource as created, and nothing for a new resource of the same name', async () => {
    // Prepare
    await runState().write({ arn: ARN, createdAt: CREATED }, COMPONENT_STATE, SAVED);

    // Act
    const same = await runState(undefined, 'run-2').read({ arn: ARN, createdAt: CREATED }, COMPONENT_STATE);
    const recreated = await runState(undefined, 'run-3').read({ arn: ARN, createdAt: '2026-11-01T00:00:00.000Z' }, COMPONENT_STATE);

    // Assess
    expect(same).toEqual({ status: 'verified', values: SAVED });
    expect(recreated).toMatchObject({ status: 'rejected', reason: expect.stringContaining('an earlier resource of the same name'), found: SAVED });
  });

  it('lets only one of two overlapping runs write a record both read: the other is told, and acts not', async () => {
    // Prepare: both runs read the empty record.
    const first = runState(undefined, 'run-a');
    const second = runState(undefined, 'run-b');
    const subject = { arn: ARN, createdAt: CREATED };
    await Promise.all([first.read(subject, COMPONENT_STATE), second.read(subject, COMPONENT_STATE)]);

    // Act
    await first.write(subject, COMPONENT_STATE, SAVED);
    const late = second.write(subject, COMPONENT_STATE, { 'ops-bot:saved-copy-count': '9' });

    // Assess
    await expect(late).rejects.toBeInstanceOf(StateConflictError);
    expect(await runState(undefined, 'run-c').read(subject, COMPONENT_STATE)).toEqual({ status: 'verified', values: SAVED });
  });

  it("never reads tags as state: values on the tags without a record are nothing, or listed when they look like the bot's", async () => {
    // Act
    const mirrorOnly = await runState().verify({ arn: ARN, createdAt: CREATED }, COMPONENT_STATE, {
      ...SAVED,
      'ops-bot:state': 'mirror of the ops-bot state table',
    });
    const byHand = await runState().verify({ arn: ARN, createdAt: CREATED }, COMPONENT_STATE, SAVED);

    // Assess
    expect(mirrorOnly).toEqual({ status: 'none', untidy: true });
    expect(byHand).toMatchObject({ status: 'rejected', legacy: true, found: SAVED });
  });

  it('writes the record even when the mirror cannot be, and says so', async () => {
    // Prepare
    const full = recordingTags(true);
    const state = runState(full.tags);

    // Act
    await state.write({ arn: ARN, createdAt: CREATED }, COMPONENT_STATE, SAVED);

    // Assess
    expect(await runState().read({ arn: ARN, createdAt: CREATED }, COMPONENT_STATE)).toEqual({ status: 'verified', values: SAVED });
    expect(state.notes()).toEqual([`${ARN}: its state is in the state table, but the mirror tags could not be written (ValidationException: Too many tags)`]);
  });

  it('mirrors a write onto the tags with its mark, and a clear removes every key of the slot and the mark', async () => {
    // Prepare
    const mirror = recordingTags();
    const state = runState(mirror.tags);
    const subject = { arn: ARN, createdAt: CREATED };

    // Act
    await state.write(subject, COMPONENT_STATE, SAVED);
    await state.clear(subject, COMPONENT_STATE);

    // Assess
    expect(mirror.added).toEqual([{ ...SAVED, 'ops-bot:state': 'mirror of the ops-bot state table' }]);
    expect(mirror.deleted.at(-1)).toEqual(expect.arrayContaining(['ops-bot:saved-copy-count', 'ops-bot:held-by', 'ops-bot:state']));
    expect(await runState().read(subject, COMPONENT_STATE)).toEqual({ status: 'none' });
  });

  it('journals a call before making it and its outcome after; a call whose intent cannot be written is never made', async () => {
    // Prepare
    const entry = { name: 'chat', arn: ARN, kind: 'inference-component' as const, action: 'set copies', before: '4', after: '0' };
    const calls: string[] = [];
    const unwritable = createBotState({
      table: createStateTable(stateTable.client(), 'ops-bot-state-gone'),
      tagsFor: () => recordingTags().tags,
      now: () => NOW,
      runId: 'run-x',
    });

    // Act
    await runState().act(entry, async () => void calls.push('done'));
    await expect(
      runState(undefined, 'run-2').act({ ...entry, after: '1' }, async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }),
    ).rejects.toThrow('Rate exceeded');
    await expect(unwritable.act(entry, async () => void calls.push('never'))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    // Assess
    expect(calls).toEqual(['done']);
    const journal = (await stateTable.items()).filter((item) => item.pk?.S === 'journal#chat');
    expect(journal.map((item) => [item.after?.S, item.outcome?.S, item.runId?.S])).toEqual([
      ['0', 'done', 'run-1'],
      ['1', 'failed: ThrottlingException: Rate exceeded', 'run-2'],
    ]);
  });

  it('books one saving per resource and day, whatever its kind, and one correction of it', async () => {
    // Prepare
    const saving = { day: '2026-11-20', region: 'us-east-1', resource: 'old-model', amount: 5.52 };

    // Act
    const first = await runState().bookSaving({ ...saving, action: 'idle-delete' });
    const retried = await runState(undefined, 'run-2').bookSaving({ ...saving, action: 'idle-delete' });
    const afterAlert = await runState(undefined, 'run-3').bookSaving({ ...saving, resource: 'OLD-MODEL', action: 'after-alert' });
    const correction = await runState(undefined, 'run-4').bookSaving({ ...saving, action: 'idle-delete', amount: -1, correction: true });
    const nextDay = await runState(undefined, 'run-5').bookSaving({ ...saving, day: '2026-11-21', action: 'idle-delete' });

    // Assess
    expect([first, retried, afterAlert, correction, nextDay]).toEqual([true, false, false, true, true]);
    const ledger = (await stateTable.items()).filter((item) => item.pk?.S === 'ledger#2026-11');
    expect(ledger.map((item) => [item.sk?.S, item.action?.S, item.amount?.N])).toEqual([
      ['2026-11-20#us-east-1/old-model', 'idle-delete', '5.52'],
      ['2026-11-20#us-east-1/old-model#correction', 'idle-delete', '-1'],
      ['2026-11-21#us-east-1/old-model', 'idle-delete', '5.52'],
    ]);
  });
});
