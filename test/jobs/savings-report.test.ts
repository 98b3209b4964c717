/**
 * The savings ledger over a month of real runs on the fake account: four weekends scaled down, a
 * notebook stopped, restarted by its owner and stopped again, and an idle endpoint its owner deleted
 * after the alert. Every job records what it saved in the bot's own metrics (delivered into the
 * fake's CloudWatch as EMF would); the monthly report reads them back and the notebooks' state.
 * The figures are checked against a hand computation, to the cent.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { parseIdleEndpointsConfig, parseIdleNotebooksConfig, parseSavingsReportConfig, parseWeekendScalingConfig } from '@ops-bot/shared/config';
import { createMetricsReader } from '@ops-bot/shared/aws/cloudwatch';
import { runIdleEndpoints } from '@ops-bot/shared/jobs/idle-endpoints';
import { runIdleNotebooks } from '@ops-bot/shared/jobs/idle-notebooks';
import { runSavingsReport, type SavingsReportResult } from '@ops-bot/shared/jobs/savings-report';
import { runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { savingsReportEventParser } from '@ops-bot/shared/lambda/events';
import { createIdleEndpointsClients, liveIdleEndpointsDeps } from '@ops-bot/shared/live/idle-endpoints';
import { createIdleNotebooksClients, liveIdleNotebooksDeps } from '@ops-bot/shared/live/idle-notebooks';
import { createSavingsReportClients, liveSavingsReportDeps } from '@ops-bot/shared/live/savings-report';
import { createWeekendScalingClients, liveWeekendScalingDeps } from '@ops-bot/shared/live/weekend-scaling';
import { FakeAccount, fakeComponent, fakeEndpoint, hostEndpoint, variantSeries, STATE_KEY_ARN } from '../../fakes/account.ts';
import { cloudWatchSink } from '../../fakes/metrics-sink.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();

const env = {
  AWS_REGION: 'us-east-1',
  STATE_KEY_ID: STATE_KEY_ARN,
  ...stateTable.env,
  TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot',
  TIMEZONE: 'UTC',
  WEEKEND_SETTLE_POLL_SECONDS: '0',
};
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const at = (iso: string) => new Date(iso);

describe('Savings ledger over a month of runs', () => {
  let now = at('2026-10-01T00:00:00Z');
  let account: FakeAccount;
  let mocks: ReturnType<typeof mockAccount>;
  const clock = () => now;
  const ownMetrics = () => createMetricsReader(new CloudWatchClient({ region: 'us-east-1' }));

  const weekend = (action: 'scale-down' | 'restore') =>
    runWeekendScaling(
      { action, dryRun: false },
      {
        ...liveWeekendScalingDeps(parseWeekendScalingConfig(env), createWeekendScalingClients(), silent, () => undefined, clock),
        metrics: cloudWatchSink(account, 'weekend-scaling'),
        ownMetrics: ownMetrics(),
        sleep: async () => undefined,
      },
    );
  const idleEndpoints = () =>
    runIdleEndpoints(
      { action: 'check', dryRun: false },
      {
        ...liveIdleEndpointsDeps(parseIdleEndpointsConfig(env), createIdleEndpointsClients(), silent, clock),
        metrics: cloudWatchSink(account, 'idle-endpoints'),
        ownMetrics: ownMetrics(),
      },
    );
  const idleNotebooks = () =>
    runIdleNotebooks(
      { action: 'idle-check', dryRun: false },
      {
        ...liveIdleNotebooksDeps(parseIdleNotebooksConfig(env), createIdleNotebooksClients(), silent, clock),
        metrics: cloudWatchSink(account, 'idle-notebooks'),
        // Jupyter says: nothing running, nothing touched for two hours.
        readActivity: async () => ({
          status: 'read',
          sessions: 0,
          kernels: [],
          terminals: [],
          serverLastActivity: new Date(now.getTime() - 2 * 3_600_000).toISOString(),
        }),
      },
    );
  const savingsReport = async (raw: unknown = {}) =>
    runSavingsReport(savingsReportEventParser('UTC', clock)(raw), {
      ...liveSavingsReportDeps(parseSavingsReportConfig(env), createSavingsReportClients(), silent, clock),
      metrics: cloudWatchSink(account, 'savings-report'),
    });
  const step = async (iso: string, run: () => Promise<unknown>) => {
    now = at(iso);
    vi.setSystemTime(now);
    await run();
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const busyHours = Array.from({ length: 70 * 24 }, (_, hour) => hour);
    account = new FakeAccount(
      [
        // Busy, hosting the weekend component: its instance goes when the component is at 0 (managed minimum 0).
        { ...hostEndpoint('weekend-host', { instanceType: 'ml.g5.xlarge', instances: 1, managedMin: 0 }), createdAt: at('2026-09-01T00:00:00Z') },
        // Never called: $0.23/h x 24 = $5.52 a day, reported idle until its owner deletes it.
        fakeEndpoint('forgotten', { createdAt: at('2026-09-01T00:00:00Z') }),
      ],
      [variantSeries('weekend-host', 'AllTraffic', at('2026-12-02T00:00:00Z'), busyHours, 1)],
      [fakeComponent('wk-a', { endpointName: 'weekend-host', copies: 1 })],
    );
    account.clock = clock;
    account.notebooks.push({ name: 'nb-1', instanceType: 'ml.t3.medium', status: 'InService', lastModifiedAt: at('2026-10-01T00:00:00Z'), tags: {} });
    mocks = mockAccount(account);
  });
  afterEach(() => {
    mocks.restore();
    vi.useRealTimers();
  });

  it('matches the hand computation to the cent, with the split by job, the top actions and the change against last month', async () => {
    // Prepare: an October weekend (Fri 18:00 to Mon 07:00 UTC, 61 h; booked at its restore, for the
    // hours really at zero), then November.
    await step('2026-10-23T18:00:00Z', () => weekend('scale-down'));
    await step('2026-10-26T07:00:00Z', () => weekend('restore'));
    for (const friday of ['06', '13', '20', '27']) {
      const monday = String(Number(friday) + 3).padStart(2, '0');
      await step(`2026-11-${friday}T18:00:00Z`, () => weekend('scale-down'));
      await step(`2026-11-${monday}T07:00:00Z`, () => weekend('restore'));
    }
    await step('2026-11-03T10:00:00Z', () => idleNotebooks());
    // Its owner starts it again a day later, and leaves it idle: the bot stops it on the 20th.
    now = at('2026-11-04T10:00:00Z');
    Object.assign(account.notebooks[0] as object, { status: 'InService', lastModifiedAt: now });
    await step('2026-11-20T10:00:00Z', () => idleNotebooks());
    // The idle alert runs daily; the owner deletes "forgotten" on the 10th at noon.
    for (let day = 1; day <= 30; day++) {
      if (day === 10)
        await step('2026-11-10T09:00:00Z', () => idleEndpoints()).then(() =>
          account.endpoints.splice(
            account.endpoints.findIndex((e) => e.name === 'forgotten'),
            1,
          ),
        );
      else await step(`2026-11-${String(day).padStart(2, '0')}T09:00:00Z`, () => idleEndpoints());
    }

    // Act: the report on the 1st covers November.
    now = at('2026-12-01T08:00:00Z');
    vi.setSystemTime(now);
    const result: SavingsReportResult = await savingsReport();

    // Assess, by hand:
    //   weekends: 61 h x $1.408 = $85.888 -> $85.89 each; 4 in November = $343.56 (estimated); October's one = $85.89.
    //   notebook: stop Nov 3 10:00 to restart Nov 4 10:00 = 24 h x $0.05 = $1.20 (recorded when stopped again),
    //             stop Nov 20 10:00 to the month's end = 254 h x $0.05 = $12.70 (from its state); $13.90.
    //   after the alert: gone for the runs of Nov 11 to 30, 20 days x $5.52 = $110.40.
    //   total $467.86; against October's $85.89: +$381.97 (+445%).
    const { ledger } = result;
    expect(ledger.month).toBe('2026-11');
    expect(ledger.byAction).toEqual([
      { action: 'weekend-scale-down', saved: 343.56, basis: 'estimated' },
      { action: 'after-alert', saved: 110.4, basis: 'measured' },
      { action: 'idle-notebook-stop', saved: 13.9, basis: 'measured' },
    ]);
    expect(ledger.total).toBe(467.86);
    expect(ledger.previousTotal).toBe(85.89);
    expect(ledger.byJob).toEqual([
      { job: 'weekend-scaling', saved: 343.56 },
      { job: 'idle-endpoints', saved: 110.4 },
      { job: 'idle-notebooks', saved: 13.9 },
    ]);
    expect(ledger.top.map(({ resource, action, saved }) => ({ resource, action, saved }))).toEqual([
      { resource: 'weekend-host', action: 'weekend-scale-down', saved: 343.56 },
      { resource: 'forgotten', action: 'after-alert', saved: 110.4 },
      { resource: 'nb-1', action: 'idle-notebook-stop', saved: 13.9 },
    ]);
    expect(result.report?.subject).toBe('SageMaker ops bot saved $468 in 2026-11, +$382 (+445%)');
    expect(result.report?.sms).toBe('SageMaker ops bot saved $468 in 2026-11, +$382 (+445%) vs 2026-10.');
    expect(result.report?.email).toContain('The SageMaker ops bot saved $467.86 in 2026-11: +$381.97 (+445%) against 2026-10 ($85.89).');
    expect(result.report?.email).toContain('forgotten (us-east-1): deleted or scaled to 0 by its owner after an idle alert: $110.40, measured');
    expect(result.published).toBe(true);
    const published = JSON.parse(String(account.published.at(-1)?.Message)) as Record<string, string>;
    expect(JSON.parse(published.https ?? '{}')).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: result.report?.subject },
    });
  });

  it("says what share of the month's SageMaker bill the savings are, from Cost Explorer", async () => {
    // Prepare: November's SageMaker bill, two usage types a day over three days (a notebook among them).
    account.bill.push(
      ...['2026-11-02', '2026-11-15', '2026-11-30'].flatMap((date) => [
        { date, usageType: 'USE1-Host:ml.g5.xlarge', amount: 1000 },
        { date, usageType: 'USE1-Notebk:ml.t3.medium', amount: 200 },
      ]),
      { date: '2026-12-01', usageType: 'USE1-Host:ml.g5.xlarge', amount: 999 },
    );
    now = new Date('2026-12-01T08:00:00Z');

    // Act
    const result = await savingsReport({ month: '2026-11' });

    // Assess: whatever was saved, against the $3,600 billed over November's days only; November has ended, so no "so far".
    const share = Math.round((result.ledger.total / 3600) * 1000) / 10;
    expect(result.report?.email).toContain(`That is ${share}% of the month's SageMaker usage ($3,600.00 at on-demand rates in Cost Explorer).`);
    expect(account.calls.find((call) => call.operation === 'GetCostAndUsage')?.input.TimePeriod).toEqual({ Start: '2026-11-01', End: '2026-12-01' });
  });

  it('calls the bill of a month still running the bill so far', async () => {
    // Prepare
    account.bill.push({ date: '2026-12-01', usageType: 'USE1-Host:ml.g5.xlarge', amount: 999 });
    now = new Date('2026-12-15T08:00:00Z');

    // Act
    const result = await savingsReport({ month: '2026-12' });

    // Assess
    expect(result.report?.email).toMatch(/of the month's SageMaker usage so far \(\$999\.00 at on-demand rates in Cost Explorer/);
  });

  it('books a weekend at its restore: what the per-instance metrics measured, where they exist, else its hours at zero', async () => {
    // Prepare: a second host whose instance publishes per-instance metrics (60 samples an hour at
    // the default 60 s) until an hour after the scale-down: the scale-in took an hour.
    account.addEndpoint({
      ...hostEndpoint('measured-host', { instanceType: 'ml.g5.xlarge', instances: 1, managedMin: 0 }),
      createdAt: at('2026-09-01T00:00:00Z'),
    });
    account.components.push(fakeComponent('m-a', { endpointName: 'measured-host', copies: 1 }));
    account.series.push({
      namespace: '/aws/sagemaker/Endpoints',
      metricName: 'CPUUtilizationNormalized',
      dimensions: { EndpointName: 'measured-host', VariantName: 'AllTraffic', InstanceId: 'i-1' },
      points: Array.from({ length: 19 }, (_, hour) => ({ at: new Date(Date.parse('2026-11-06T00:00:00Z') + hour * 3_600_000), sum: 60 })),
    });

    // Act
    await step('2026-11-06T18:00:00Z', () => weekend('scale-down'));
    let restored: Awaited<ReturnType<typeof weekend>> | undefined;
    await step('2026-11-09T07:00:00Z', async () => (restored = await weekend('restore')));
    // November so far, asked for on the 19th (within the two weeks CloudWatch lists series for).
    now = at('2026-11-19T08:00:00Z');
    vi.setSystemTime(now);
    const { ledger } = await savingsReport({ month: '2026-11' });

    // Assess: estimated 61 h x $1.408 = $85.89 on each host; measured on measured-host: (1 instance
    // x 61 h - 1 h that still ran) x $1.408 = $84.48, which the restore books there.
    expect(restored?.notes).toContain(
      'measured-host (us-east-1): the weekend saved $84.48 as its per-instance metrics measure it ($85.89 from its hours at zero)',
    );
    expect(ledger.byAction).toEqual([{ action: 'weekend-scale-down', saved: 170.37, basis: 'estimated' }]);
    expect(ledger.top.map(({ resource, saved }) => ({ resource, saved }))).toEqual([
      { resource: 'weekend-host', saved: 85.89 },
      { resource: 'measured-host', saved: 84.48 },
    ]);
  });

  it('books only the hours a weekend really spent at zero: a restore a minute after the scale-down books a minute', async () => {
    // Prepare
    await step('2026-11-06T18:00:00Z', () => weekend('scale-down'));
    await step('2026-11-06T18:01:00Z', () => weekend('restore'));
    // A retried restore books nothing more.
    await step('2026-11-06T18:02:00Z', () => weekend('restore'));
    now = at('2026-11-19T08:00:00Z');
    vi.setSystemTime(now);

    // Act
    const { ledger } = await savingsReport({ month: '2026-11' });

    // Assess: 1 minute x $1.408/h = $0.02, not the planned 61 h ($85.89).
    expect(ledger.byAction).toEqual([{ action: 'weekend-scale-down', saved: 0.02, basis: 'estimated' }]);
  });

  it('reports a past month on demand, and a dry run returns the texts and publishes nothing', async () => {
    // Prepare: one October weekend.
    await step('2026-10-23T18:00:00Z', () => weekend('scale-down'));
    await step('2026-10-26T07:00:00Z', () => weekend('restore'));
    now = at('2026-11-21T12:00:00Z');
    vi.setSystemTime(now);
    const publishedBefore = account.published.length;

    // Act
    const result = await savingsReport({ month: '2026-10', dryRun: true });

    // Assess
    expect(result.ledger).toMatchObject({ month: '2026-10', total: 85.89, previousTotal: 0 });
    // The ledger keeps every saving by resource, however long ago it was booked.
    expect(result.ledger.top.map(({ resource, saved }) => ({ resource, saved }))).toEqual([{ resource: 'weekend-host', saved: 85.89 }]);
    expect(result.report?.email).toContain('scaled to 0 for the weekend                                    $85.89  estimated');
    expect(result.published).toBe(false);
    expect(account.published).toHaveLength(publishedBefore);
  });

  it('refuses a month that has not started, a malformed one and an unknown key, before any AWS call', async () => {
    // Prepare
    now = at('2026-11-21T12:00:00Z');
    const calls = account.calls.length;

    // Act & Assess
    await expect(savingsReport({ month: '2026-12' })).rejects.toThrow(/"month" 2026-12 has not started yet/);
    await expect(savingsReport({ month: 'November' })).rejects.toThrow(/"month" must be a month like "2026-11"/);
    await expect(savingsReport({ months: '2026-10' })).rejects.toThrow(/"months" is not a known field/);
    expect(account.calls).toHaveLength(calls);
  });
});
