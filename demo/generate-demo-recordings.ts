/**
 * Writes demo/<job>.json for `npm run demo -- <job>` (idle-endpoints has its own account snapshot,
 * demo/demo-account.json): each is a recording of a real dry run of the job on a fake account,
 * replayed by `plan --snapshot` exactly as an admin's own recording would be. Run
 * `npx tsx demo/generate-demo-recordings.ts` after changing the accounts here, and commit the output.
 * The bot's state table is a real DynamoDB implementation (dynalite) on loopback here; its answers
 * are recorded with the rest, so a replay needs no table.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { forgetPriceList } from '@ops-bot/shared/aws/price-list';
import { discardMetrics } from '@ops-bot/shared/aws/metrics';
import { createMetricsReader } from '@ops-bot/shared/aws/cloudwatch';
import { parseIdleNotebooksConfig, parseWeekendScalingConfig } from '@ops-bot/shared/config';
import { runIdleNotebooks } from '@ops-bot/shared/jobs/idle-notebooks';
import { runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { createIdleNotebooksClients, liveIdleNotebooksDeps } from '@ops-bot/shared/live/idle-notebooks';
import { createWeekendScalingClients, liveWeekendScalingDeps } from '@ops-bot/shared/live/weekend-scaling';
import type { ReadActivity } from '@ops-bot/shared/jobs/idle-notebooks';
import { startLocalStateTable } from '../fakes/state-table.ts';
import { FakeAccount, fakeComponent, fakeEndpoint, hostEndpoint, variantSeries, type FakeEndpoint } from '../fakes/account.ts';
import { cloudWatchSink } from '../fakes/metrics-sink.ts';
import { mockAccount } from '../fakes/mock-clients.ts';
import { newRecording, record, saveRecording } from '../scripts/recording.ts';
import { plan, type Options } from '../scripts/plan.ts';

const stateTable = await startLocalStateTable('ops-bot-state-demo');
const ACCOUNT_ENV = {
  AWS_REGION: 'us-east-1',
  REGIONS: 'us-east-1',
  STATE_TABLE: stateTable.name,
  TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot',
  TIMEZONE: 'UTC',
  WEEKEND_SETTLE_POLL_SECONDS: '0',
};
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

async function recordJob(
  job: Options['job'],
  account: FakeAccount,
  capturedAt: Date,
  extra: Partial<Options> = {},
  readActivity?: ReadActivity,
  file = `demo/${job}.json`,
) {
  account.clock = () => capturedAt;
  // Each recording starts as a cold container would: every price it uses is read, so recorded.
  forgetPriceList();
  const mocks = mockAccount(account);
  const recording = newRecording(job, capturedAt, ACCOUNT_ENV);
  const untap = record(recording);
  try {
    await plan({ job, json: false, verbose: false, ...extra }, silent, {
      env: ACCOUNT_ENV,
      clock: () => capturedAt,
      recording: { data: recording, mode: 'record' },
      readActivity,
      // Made-up accounts get the embedded table's prices, named as such: never a Price List answer under AWS's name.
      readsPriceList: false,
    });
  } finally {
    untap();
    mocks.restore();
  }
  await saveRecording(file, recording);
  console.log(`${file}: ${Object.keys(recording.calls).length} calls recorded`);
}

/** Cost report: a GPU endpoint measured per GPU, one estimated, a shared CPU one, a single model; the day's bill. */
async function costReport(): Promise<void> {
  const dayStart = at('2026-11-19T00:00:00Z');
  const start = at('2026-11-18T00:00:00Z');
  const samples = (from: Date, count: number) => Array.from({ length: count }, (_, index) => ({ at: new Date(from.getTime() + index * 60_000), sum: 1 }));
  const endpoint = (name: string, instanceType: string, count: number, metricsPeriodSeconds?: number): FakeEndpoint =>
    fakeEndpoint(name, { createdAt: at('2026-10-01T00:00:00Z'), variants: [{ name: 'AllTraffic', instanceType, count }], metricsPeriodSeconds });
  const account = new FakeAccount(
    [
      endpoint('llm-serving', 'ml.g6.12xlarge', 1, 60),
      endpoint('vision-batchless', 'ml.g5.12xlarge', 1),
      endpoint('tabular-shared', 'ml.m5.xlarge', 2),
      endpoint('churn-model', 'ml.m5.large', 1),
    ],
    [
      ...[
        ['llm-chat', '0'],
        ['llm-summarize', '1'],
        ['llm-summarize', '2'],
      ].map(([component, gpu]) => ({
        namespace: '/aws/sagemaker/InferenceComponents',
        metricName: 'GPUUtilizationNormalized',
        dimensions: { InferenceComponentName: component as string, GpuId: gpu as string },
        points: [...samples(start, 1440), ...samples(dayStart, 1440)],
      })),
      {
        namespace: '/aws/sagemaker/Endpoints',
        metricName: 'CPUUtilizationNormalized',
        dimensions: { EndpointName: 'llm-serving', VariantName: 'AllTraffic', InstanceId: 'i-0a1' },
        points: [...samples(start, 1440), ...samples(dayStart, 1440)],
      },
      {
        namespace: 'AWS/SageMaker',
        metricName: 'Invocations',
        dimensions: { InferenceComponentName: 'llm-chat' },
        points: [
          { at: start, sum: 8_400 },
          { at: dayStart, sum: 10_250 },
        ],
      },
      {
        namespace: 'AWS/SageMaker',
        metricName: 'Invocations',
        dimensions: { EndpointName: 'churn-model', VariantName: 'AllTraffic' },
        points: [
          { at: start, sum: 1_900 },
          { at: dayStart, sum: 2_150 },
        ],
      },
    ],
    [
      { name: 'llm-chat', endpointName: 'llm-serving', copies: 1, tags: {}, gpus: 1 },
      { name: 'llm-summarize', endpointName: 'llm-serving', copies: 1, tags: {}, gpus: 2 },
      { name: 'vision-detect', endpointName: 'vision-batchless', copies: 2, tags: {}, gpus: 1 },
      { name: 'tabular-scoring', endpointName: 'tabular-shared', copies: 1, tags: {}, cores: 2 },
    ],
  );
  // What runs besides hosting: a notebook and a Studio app all day (explained), and on the bill a
  // Canvas session nobody logged out of, training, a stopped space's volume and a region outside REGIONS.
  account.notebooks.push({ name: 'research-nb', instanceType: 'ml.t3.xlarge', status: 'InService', lastModifiedAt: at('2026-11-10T09:00:00Z'), tags: {} });
  account.apps.push({
    domainId: 'd-demo',
    appType: 'JupyterLab',
    appName: 'default',
    spaceName: 'forecasting',
    status: 'InService',
    instanceType: 'ml.g5.xlarge',
    createdAt: at('2026-11-18T14:00:00Z'),
  });
  account.billGroupsPerPage = 100;
  // Most of the day's hosting is under a SageMaker Savings Plan at 36% of on-demand: covered usage at
  // the on-demand rate and its negation (unblended), the plan's cost for it (amortized).
  const covered = (usageType: string, amount: number) => [
    { date: '2026-11-19', usageType, amount, recordType: 'SavingsPlanCoveredUsage', amortized: Math.round(amount * 36) / 100, estimated: true },
    { date: '2026-11-19', usageType, amount: -amount, recordType: 'SavingsPlanNegation', amortized: 0, estimated: true },
  ];
  account.bill.push(
    ...covered('USE1-Host:ml.g6.12xlarge', 138.05),
    ...covered('USE1-Host:ml.g5.12xlarge', 170.16),
    { date: '2026-11-19', usageType: 'USE1-Host:ml.m5.xlarge', amount: 11.04, estimated: true },
    { date: '2026-11-19', usageType: 'USE1-Host:ml.m5.large', amount: 2.76, estimated: true },
    { date: '2026-11-19', usageType: 'USE1-Host:ml.c5.xlarge', amount: 4.9, estimated: true },
    { date: '2026-11-19', usageType: 'USE1-Notebk:ml.t3.xlarge', amount: 4.8, estimated: true },
    { date: '2026-11-19', usageType: 'USE1-Studio:JupyterLab-ml.g5.xlarge', amount: 33.79, estimated: true },
    { date: '2026-11-19', usageType: 'USE1-Canvas:Session-Hrs', amount: 45.6, estimated: true },
    { date: '2026-11-19', usageType: 'USE1-Train:ml.g5.2xlarge', amount: 6.06, estimated: true },
    { date: '2026-11-19', usageType: 'USE1-Studio:VolumeUsage.gp3', amount: 0.35, estimated: true },
    { date: '2026-11-19', usageType: 'EU-Host:ml.m5.xlarge', amount: 5.92, estimated: true },
    { date: '2026-11-19', usageType: 'USE1-Host:ml.g6.12xlarge', amount: -10, recordType: 'Credit', estimated: true },
  );
  await recordJob('cost-report', account, at('2026-11-20T08:00:00Z'));
}

/** Weekend scale-down on a Friday evening: opted-in components, one skipped endpoint, one shared host. */
async function weekendScaling(): Promise<void> {
  const created = at('2026-10-01T00:00:00Z');
  const account = new FakeAccount(
    [
      { ...hostEndpoint('llm-dev', { instanceType: 'ml.g5.12xlarge', instances: 1, managedMin: 0 }), createdAt: created },
      { ...hostEndpoint('shared-gpu', { instanceType: 'ml.g5.2xlarge', instances: 1 }), createdAt: created },
      { ...hostEndpoint('prod-search', { instanceType: 'ml.g5.xlarge', instances: 2 }), createdAt: created, tags: { 'ops-bot:skip': 'true' } },
    ],
    [],
    [
      fakeComponent('llm-dev-chat', { endpointName: 'llm-dev', copies: 2, tags: { 'ops-bot:weekend-scale-to-zero': 'true' } }),
      fakeComponent('experiments', {
        endpointName: 'shared-gpu',
        copies: 1,
        tags: { 'ops-bot:weekend-scale-to-zero': 'true' },
        autoscaling: { min: 1, max: 3 },
      }),
      fakeComponent('always-on', { endpointName: 'shared-gpu', copies: 1, tags: {} }),
      fakeComponent('ranker', { endpointName: 'prod-search', copies: 2, tags: { 'ops-bot:weekend-scale-to-zero': 'true' } }),
    ],
  );
  await recordJob('weekend-scaling', account, at('2026-11-20T18:00:00Z'));

  // Monday's restore of the same account, after a real scale-down on Friday (its state in the table).
  const friday = at('2026-11-20T18:00:00Z');
  account.clock = () => friday;
  const mocks = mockAccount(account);
  try {
    await runWeekendScaling(
      { action: 'scale-down', dryRun: false },
      {
        ...liveWeekendScalingDeps(
          parseWeekendScalingConfig(ACCOUNT_ENV),
          createWeekendScalingClients(),
          silent,
          () => undefined,
          () => friday,
        ),
        metrics: discardMetrics,
        sleep: async () => undefined,
      },
    );
  } finally {
    mocks.restore();
  }
  await recordJob('weekend-scaling', account, at('2026-11-23T07:00:00Z'), { action: 'restore' }, undefined, 'demo/weekend-restore.json');
}

/** Idle check: one notebook idle for 95 minutes, one running a kernel, one Jupyter does not answer. */
async function idleNotebooks(): Promise<void> {
  const now = at('2026-11-20T10:30:00Z');
  const account = new FakeAccount();
  const since = at('2026-11-20T07:00:00Z');
  account.notebooks.push(
    { name: 'forecasting-sandbox', instanceType: 'ml.g5.xlarge', status: 'InService', lastModifiedAt: since, tags: {} },
    { name: 'nlp-training', instanceType: 'ml.g5.xlarge', status: 'InService', lastModifiedAt: since, tags: {} },
    { name: 'private-vpc-notebook', instanceType: 'ml.t3.medium', status: 'InService', lastModifiedAt: since, tags: {} },
    { name: 'team-demo', instanceType: 'ml.t3.medium', status: 'InService', lastModifiedAt: since, tags: { 'ops-bot:skip': 'true' } },
  );
  const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
  const jupyter: Record<string, Awaited<ReturnType<ReadActivity>>> = {
    'forecasting-sandbox': {
      status: 'read',
      sessions: 1,
      kernels: [{ id: 'k-1', executionState: 'idle', lastActivity: minutesAgo(95), connections: 0 }],
      terminals: [],
      serverLastActivity: minutesAgo(95),
    },
    'nlp-training': {
      status: 'read',
      sessions: 1,
      kernels: [{ id: 'k-2', executionState: 'busy', lastActivity: minutesAgo(1), connections: 1 }],
      terminals: [],
      serverLastActivity: minutesAgo(1),
    },
  };
  const readActivity: ReadActivity = async (url) => {
    const name = new URL(url).host.split('.')[0] ?? '';
    const activity = jupyter[name];
    if (!activity) throw Object.assign(new Error('opening the presigned URL: no answer within 5000 ms'), { name: 'JupyterReadError' });
    return activity;
  };
  await recordJob('idle-notebooks', account, now, { action: 'idle-check' }, readActivity);
}

/**
 * The savings report on December 1st, after a November of real runs on the fake: four weekends
 * scaled down and restored, and a notebook the bot stopped twice.
 */
async function savingsReport(): Promise<void> {
  let now = at('2026-11-01T00:00:00Z');
  const clock = () => now;
  const account = new FakeAccount(
    [{ ...hostEndpoint('weekend-host', { instanceType: 'ml.g5.xlarge', instances: 1, managedMin: 0 }), createdAt: at('2026-09-01T00:00:00Z') }],
    [
      variantSeries(
        'weekend-host',
        'AllTraffic',
        at('2026-12-02T00:00:00Z'),
        Array.from({ length: 70 * 24 }, (_, hour) => hour),
        1,
      ),
    ],
    [fakeComponent('wk-a', { endpointName: 'weekend-host', copies: 1, tags: { 'ops-bot:weekend-scale-to-zero': 'true' } })],
  );
  account.clock = clock;
  account.notebooks.push({ name: 'nb-research', instanceType: 'ml.t3.medium', status: 'InService', lastModifiedAt: at('2026-11-01T00:00:00Z'), tags: {} });
  const mocks = mockAccount(account);
  const ownMetrics = createMetricsReader(new CloudWatchClient({ region: 'us-east-1' }));
  try {
    for (const friday of ['06', '13', '20', '27']) {
      const monday = String(Number(friday) + 3).padStart(2, '0');
      for (const [iso, action] of [
        [`2026-11-${friday}T18:00:00Z`, 'scale-down'],
        [`2026-11-${monday}T07:00:00Z`, 'restore'],
      ] as const) {
        now = at(iso);
        await runWeekendScaling(
          { action, dryRun: false },
          {
            ...liveWeekendScalingDeps(parseWeekendScalingConfig(ACCOUNT_ENV), createWeekendScalingClients(), silent, () => undefined, clock),
            metrics: cloudWatchSink(account, 'weekend-scaling'),
            ownMetrics,
            sleep: async () => undefined,
          },
        );
      }
    }
    const idleFor =
      (minutes: number): ReadActivity =>
      async () => ({
        status: 'read',
        sessions: 0,
        kernels: [],
        terminals: [],
        serverLastActivity: new Date(now.getTime() - minutes * 60_000).toISOString(),
      });
    for (const iso of ['2026-11-03T10:00:00Z', '2026-11-20T10:00:00Z']) {
      now = at(iso);
      await runIdleNotebooks(
        { action: 'idle-check', dryRun: false },
        {
          ...liveIdleNotebooksDeps(parseIdleNotebooksConfig(ACCOUNT_ENV), createIdleNotebooksClients(), silent, clock),
          metrics: cloudWatchSink(account, 'idle-notebooks'),
          readActivity: idleFor(120),
        },
      );
      // Its owner starts it again the next day and leaves it idle.
      now = new Date(now.getTime() + 24 * HOUR);
      if (iso.startsWith('2026-11-03')) Object.assign(account.notebooks[0] as object, { status: 'InService', lastModifiedAt: now });
    }
  } finally {
    mocks.restore();
  }
  account.billGroupsPerPage = 100;
  for (let day = 1; day <= 30; day++)
    account.bill.push({ date: `2026-11-${String(day).padStart(2, '0')}`, usageType: 'USE1-Host:ml.g5.xlarge', amount: 24 * 1.408 });
  await recordJob('savings-report', account, at('2026-12-01T08:00:00Z'));
}

/**
 * The daily Studio audit: a domain whose Canvas users opted in (one idle, one active), JupyterLab
 * with idle shutdown on in its space, Code Editor where nothing sets it, a stopped space keeping its
 * volume, a tracking server left behind by a deleted domain, a stopped one, and a notebook.
 */
async function studioAudit(): Promise<void> {
  const now = at('2026-11-20T09:15:00Z');
  const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  const activity = (profile: string, seconds: number) => ({
    namespace: '/aws/sagemaker/Canvas/AppActivity',
    metricName: 'TimeSinceLastActive',
    dimensions: { DomainId: 'd-analytics', UserProfileName: profile },
    points: [{ at: minutesAgo(3), sum: seconds }],
  });
  const account = new FakeAccount([], [activity('maria', 5 * 3600), activity('omar', 240)]);
  account.notebooks.push({ name: 'research-nb', instanceType: 'ml.t3.xlarge', status: 'InService', lastModifiedAt: at('2026-11-19T08:00:00Z'), tags: {} });
  account.domains.push({
    id: 'd-analytics',
    tags: { 'ops-bot:idle-shutdown': 'true' },
    spaceDefault: { jupyterLab: 'DISABLED' },
    profiles: [
      { name: 'maria', tags: {} },
      { name: 'omar', tags: {} },
    ],
    spaces: [
      { name: 'forecasting', appType: 'JupyterLab', volumeGb: 20, owner: 'maria', idleMinutes: 60 },
      { name: 'etl-editor', appType: 'CodeEditor', volumeGb: 10, owner: 'omar' },
      { name: 'old-experiments', appType: 'JupyterLab', volumeGb: 100, owner: 'omar' },
    ],
  });
  account.apps.push(
    {
      domainId: 'd-analytics',
      spaceName: 'forecasting',
      appType: 'JupyterLab',
      appName: 'default',
      status: 'InService',
      instanceType: 'ml.g5.xlarge',
      createdAt: minutesAgo(26 * 60),
    },
    {
      domainId: 'd-analytics',
      spaceName: 'etl-editor',
      appType: 'CodeEditor',
      appName: 'default',
      status: 'InService',
      instanceType: 'ml.t3.xlarge',
      createdAt: minutesAgo(3 * 24 * 60),
      image: { arn: 'arn:aws:sagemaker:us-east-1:885854791233:image/sagemaker-distribution-cpu', versionAlias: '1.9.0' },
    },
    { domainId: 'd-analytics', userProfileName: 'maria', appType: 'Canvas', appName: 'default', status: 'InService', createdAt: minutesAgo(30 * 60) },
    { domainId: 'd-analytics', userProfileName: 'omar', appType: 'Canvas', appName: 'default', status: 'InService', createdAt: minutesAgo(90) },
  );
  account.trackingServers.push(
    { name: 'mlflow-old-domain', status: 'Created', size: 'Small', createdAt: at('2026-05-04T10:00:00Z'), tags: {} },
    { name: 'mlflow-team', status: 'Stopped', size: 'Medium', createdAt: at('2026-09-01T10:00:00Z'), tags: { 'ops-bot:off-hours': 'true' } },
  );
  await recordJob('idle-notebooks', account, now, { action: 'studio-audit' }, undefined, 'demo/studio-audit.json');
}

await costReport();
await studioAudit();
await weekendScaling();
await idleNotebooks();
await savingsReport();
