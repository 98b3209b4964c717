/**
 * Every job's figures for the dashboard and alarms, asserted through the one contract: a real run
 * emits them (once, stamped with the run's time), a dry run emits none.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseIdleEndpointsConfig, parseIdleNotebooksConfig, parseWeekendScalingConfig } from '@ops-bot/shared/config';
import { runIdleEndpoints } from '@ops-bot/shared/jobs/idle-endpoints';
import { runIdleNotebooks, type IdleNotebooksDeps } from '@ops-bot/shared/jobs/idle-notebooks';
import { runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { createIdleEndpointsClients, liveIdleEndpointsDeps } from '@ops-bot/shared/live/idle-endpoints';
import { createWeekendScalingClients, liveWeekendScalingDeps } from '@ops-bot/shared/live/weekend-scaling';
import type { NotebookAccess } from '@ops-bot/shared/aws/notebook-instances';
import { FakeAccount, fakeComponent, fakeEndpoint, hostEndpoint, variantSeries, STATE_KEY_ARN } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { recordMetrics } from '../support/metrics.ts';
import { STATE_TABLE_NAME, useStateTable } from '../support/state-table.ts';
import { createBotState } from '@ops-bot/shared/aws/bot-state';
import { createStateTable } from '@ops-bot/shared/aws/state-table';

const stateTable = useStateTable();

const NOW = new Date('2026-11-20T17:00:00.000Z');
const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:ops-bot';
const env = { AWS_REGION: 'us-east-1', STATE_KEY_ID: STATE_KEY_ARN, ...stateTable.env, TOPIC_ARN };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 3_600_000);

describe('Job metrics', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    mocks?.restore();
    vi.useRealTimers();
  });

  it.each([false, true])('idle-endpoints counts the idle endpoints and what they cost per day (dry run: %s)', async (dryRun) => {
    // Prepare: two idle ml.m5.xlarge endpoints ($0.23/h each), one busy.
    const account = new FakeAccount(
      [
        fakeEndpoint('idle-a', { createdAt: daysAgo(30) }),
        fakeEndpoint('idle-b', { createdAt: daysAgo(30) }),
        fakeEndpoint('busy', { createdAt: daysAgo(30) }),
      ],
      [variantSeries('busy', 'AllTraffic', NOW, [1])],
    );
    account.clock = () => NOW;
    mocks = mockAccount(account);
    const metrics = recordMetrics();

    // Act
    await runIdleEndpoints(
      { dryRun, action: 'check' },
      { ...liveIdleEndpointsDeps(parseIdleEndpointsConfig(env), createIdleEndpointsClients(), silent, () => NOW), metrics },
    );

    // Assess: 2 x 24 h x $0.23 = $11.04 a day.
    if (dryRun) {
      expect(metrics.points).toEqual([]);
    } else {
      expect(metrics.value('IdleEndpoints')).toBe(2);
      expect(metrics.value('IdleEndpointsCostPerDay')).toBe(11.04);
      expect(metrics.stamps).toEqual([NOW]);
    }
  });

  it('weekend-scaling counts the components scaled down, the failures and the estimated savings, then the restored ones', async () => {
    // Prepare: one ml.g5.xlarge endpoint ($1.408/h) that releases its instance when both components are at 0.
    const account = new FakeAccount(
      [hostEndpoint('ep-1', { instanceType: 'ml.g5.xlarge', instances: 1, managedMin: 0 })],
      [],
      [fakeComponent('a'), fakeComponent('b', { copies: 1 })],
    );
    account.clock = () => NOW;
    mocks = mockAccount(account);
    const config = parseWeekendScalingConfig({ ...env, WEEKEND_SETTLE_POLL_SECONDS: '0' });
    const down = recordMetrics();
    const up = recordMetrics();
    const deps = (metrics: typeof down, at: Date) => ({
      ...liveWeekendScalingDeps(
        config,
        createWeekendScalingClients(),
        silent,
        () => undefined,
        () => at,
      ),
      metrics,
    });

    // Act
    await runWeekendScaling({ action: 'scale-down', dryRun: false }, deps(down, NOW));
    await runWeekendScaling({ action: 'restore', dryRun: false }, deps(up, new Date('2026-11-23T07:00:00Z')));

    // Assess: Friday 17:00 to Monday 07:00 UTC is 62 h; 62 x $1.408 = $87.296, $87.30.
    expect(down.value('WeekendScaledDown')).toBe(2);
    expect(down.value('WeekendFailures')).toBe(0);
    expect(down.value('WeekendEstimatedSavings')).toBe(87.3);
    expect(up.value('WeekendRestored')).toBe(2);
    expect(up.value('WeekendFailures')).toBe(0);
    expect(up.value('WeekendEstimatedSavings')).toBeUndefined();
  });

  it('idle-notebooks counts the notebooks stopped and those whose Jupyter could not be read', async () => {
    // Prepare: one idle notebook, one unreadable; adapters answered in memory.
    const stopped: string[] = [];
    const notebooks: NotebookAccess = {
      list: async () =>
        ['idle', 'unreadable'].map((name) => ({
          name,
          arn: `arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/${name}`,
          status: 'InService',
          instanceType: 'ml.t3.medium',
          lastModifiedAt: daysAgo(1).toISOString(),
        })),
      presignedUrl: async (name) => `https://${name}.notebook.us-east-1.sagemaker.aws/auth?authToken=secret`,
      stop: async (name) => void stopped.push(name),
      start: async () => undefined,
      readTags: async () => ({}),
      readAllTags: async () => ({}),
      addTags: async () => undefined,
      deleteTags: async () => undefined,
    };
    const metrics = recordMetrics();
    const deps: IdleNotebooksDeps = {
      config: parseIdleNotebooksConfig(env),
      clock: () => NOW,
      logger: silent,
      metrics,
      notifier: { publish: async () => ({ messageId: 'm-1' }) },
      accessFor: () => ({
        notebooks,
        studio: {
          listRunningApps: async () => [],
          readIdleCoverage: async () => ({ coverage: [], spaces: [], failures: [] }),
          profileCreatedAt: async () => undefined,
          deleteCanvasApp: async () => undefined,
          listTrackingServers: async () => [],
          stopTrackingServer: async () => undefined,
          startTrackingServer: async () => undefined,
          readDomainDefaults: async () => ({}),
          updateDomainDefaults: async () => undefined,
        },
        tags: { findTagged: async () => new Map() },
        metrics: { listMetrics: async () => [], readSeries: async () => [] },
      }),
      // The state table as dynalite holds it; its mirror goes to this test's tag stand-ins.
      state: createBotState({ table: createStateTable(stateTable.client(), STATE_TABLE_NAME), tagsFor: () => notebooks, now: () => NOW, runId: 'test-run' }),
      readActivity: async (url) => {
        if (url.includes('unreadable')) throw new Error('connection refused');
        return { status: 'read', sessions: 0, kernels: [], terminals: [], serverLastActivity: daysAgo(1).toISOString() };
      },
    };

    // Act
    const result = await runIdleNotebooks({ action: 'idle-check', dryRun: false }, deps);

    // Assess
    expect(stopped).toEqual(['idle']);
    expect(metrics.value('NotebooksStopped')).toBe(1);
    expect(metrics.value('NotebooksUnreadable')).toBe(1);
    expect(result).toMatchObject({ published: true, messageId: 'm-1' });
  });
});
