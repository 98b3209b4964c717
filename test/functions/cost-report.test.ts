import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCostReportConfig } from '@ops-bot/shared/config';
import { runCostReport } from '@ops-bot/shared/jobs/cost-report';
import { createCostReportClients, liveCostReportDeps } from '@ops-bot/shared/live/cost-report';
import { canvasSessionProduct, FakeAccount, FakeAwsError, fakeEndpoint, priceListProduct } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { lambdaContext, loadHandler } from '../support/lambda.ts';
import { recordMetrics, type RecordedMetrics } from '../support/metrics.ts';

const NOW = new Date('2026-11-21T08:00:00Z');
const DAY_START = new Date('2026-11-20T00:00:00Z');
const PREVIOUS_START = new Date('2026-11-19T00:00:00Z');
/** A JupyterLab app on ml.t3.xlarge, running since before the report's day. */
const TEAM_LAB = {
  domainId: 'd-1',
  appType: 'JupyterLab',
  appName: 'default',
  spaceName: 'team',
  status: 'InService',
  instanceType: 'ml.t3.xlarge',
  createdAt: PREVIOUS_START,
};
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Endpoint {
  name: string;
  instanceType: string;
  instances: number;
  enhanced?: number;
  components?: Array<{ name: string; copies: number; gpus?: number; cores?: number }>;
}

/**
 * `samples` datapoints published every `everySeconds` from `start`, one each: what a per-instance or
 * per-GPU series holds while its instance or GPU runs.
 */
function published(start: Date, samples: number, everySeconds = 60): Array<{ at: Date; sum: number }> {
  return Array.from({ length: Math.max(0, samples) }, (_, index) => ({ at: new Date(start.getTime() + index * everySeconds * 1000), sum: 1 }));
}

/**
 * A mixed account in the one fake; every metric value is [previous day, this day], and a negative
 * value makes the series fail. Enhanced-metric series (`/aws/sagemaker/…`) are published every 60 s
 * for as many samples as given, from the start of the day; invocations are one sum per day.
 */
function costAccount(
  endpoints: Endpoint[],
  metrics: Array<{ namespace: string; name: string; dims: Record<string, string>; values: [number, number] }>,
): FakeAccount {
  const account = new FakeAccount(
    endpoints.map((e) =>
      fakeEndpoint(e.name, {
        createdAt: PREVIOUS_START,
        variants: [{ name: 'AllTraffic', instanceType: e.instanceType, count: e.instances }],
        metricsPeriodSeconds: e.enhanced,
      }),
    ),
    metrics.map((m) => ({
      namespace: m.namespace,
      metricName: m.name,
      dimensions: m.dims,
      points: m.namespace.startsWith('/aws/sagemaker/')
        ? [...published(PREVIOUS_START, m.values[0]), ...published(DAY_START, m.values[1])]
        : [
            { at: PREVIOUS_START, sum: m.values[0] },
            { at: DAY_START, sum: m.values[1] },
          ],
      failWith: m.values[1] < 0 ? ('InternalError' as const) : undefined,
    })),
    endpoints.flatMap((e) =>
      (e.components ?? []).map((c) => ({ name: c.name, endpointName: e.name, copies: c.copies, tags: {}, gpus: c.gpus, cores: c.cores })),
    ),
  );
  account.clock = () => NOW;
  return account;
}

const gpuSeries = (component: string, gpu: string, values: [number, number]) => ({
  namespace: '/aws/sagemaker/InferenceComponents',
  name: 'GPUUtilizationNormalized',
  dims: { InferenceComponentName: component, GpuId: gpu },
  values,
});
const instanceSeries = (endpoint: string, instance: string, values: [number, number]) => ({
  namespace: '/aws/sagemaker/Endpoints',
  name: 'CPUUtilizationNormalized',
  dims: { EndpointName: endpoint, VariantName: 'AllTraffic', InstanceId: instance },
  values,
});
const invocations = (dims: Record<string, string>, values: [number, number]) => ({ namespace: 'AWS/SageMaker', name: 'Invocations', dims, values });

const MIXED: Endpoint[] = [
  // ml.g6.12xlarge: $5.752/h, 4 GPUs, enhanced metrics every 60 s (1,440 samples a day per series).
  {
    name: 'gpu-measured',
    instanceType: 'ml.g6.12xlarge',
    instances: 1,
    enhanced: 60,
    components: [
      { name: 'llm-a', copies: 1, gpus: 1 },
      { name: 'llm-b', copies: 1, gpus: 2 },
    ],
  },
  // ml.g5.12xlarge: $7.09/h, 4 GPUs, no enhanced metrics: estimated from 2 copies x 1 GPU.
  { name: 'gpu-estimated', instanceType: 'ml.g5.12xlarge', instances: 1, components: [{ name: 'vision', copies: 2, gpus: 1 }] },
  // ml.m5.xlarge: $0.23/h, 4 vCPUs, CPU-only, 2 instances.
  { name: 'cpu-shared', instanceType: 'ml.m5.xlarge', instances: 2, components: [{ name: 'tabular', copies: 1, cores: 2 }] },
  { name: 'single-model', instanceType: 'ml.m5.large', instances: 1 },
];
const MIXED_METRICS = [
  gpuSeries('llm-a', '0', [720, 1440]),
  gpuSeries('llm-b', '1', [1440, 1440]),
  gpuSeries('llm-b', '2', [1440, 1440]),
  instanceSeries('gpu-measured', 'i-1', [1440, 1440]),
  invocations({ InferenceComponentName: 'llm-a' }, [500, 10_000]),
  invocations({ EndpointName: 'single-model', VariantName: 'AllTraffic' }, [1_000, 2_000]),
];

describe('Function: cost-report job', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  let account: FakeAccount;
  let metrics: RecordedMetrics;
  const given = (endpoints: Endpoint[], series: Parameters<typeof costAccount>[1]) => {
    account = costAccount(endpoints, series);
    mocks = mockAccount(account);
  };
  const run = (dryRun = false, env: Record<string, string> = {}) => {
    metrics = recordMetrics();
    const config = parseCostReportConfig({ AWS_REGION: 'us-east-1', TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot', ...env });
    return runCostReport({ dryRun }, { ...liveCostReportDeps(config, createCostReportClients(), silent, () => NOW), metrics });
  };
  afterEach(() => mocks?.restore());

  it('attributes every endpoint and model within a cent of the hand computation', async () => {
    // Prepare
    given(MIXED, MIXED_METRICS);

    // Act
    const { costs } = await run();

    // Assess
    const byName = Object.fromEntries(costs.hosts.map((host) => [host.endpointName, host]));
    const cost = (endpoint: string, model: string) => byName[endpoint]?.components.find((c) => c.name === model)?.cost;
    // gpu-measured: 24 instance-hours x 5.752 = 138.048; llm-a 24 GPU-h x 1.438 = 34.512; llm-b 48 GPU-h = 69.024.
    expect(byName['gpu-measured']).toMatchObject({ cost: 138.05, unallocated: 34.51, instanceHoursSource: 'measured' });
    expect([cost('gpu-measured', 'llm-a'), cost('gpu-measured', 'llm-b')]).toEqual([34.51, 69.02]);
    // gpu-estimated: 24 x 7.09 = 170.16; vision 2 GPUs x 24 h x 1.7725 = 85.08.
    expect(byName['gpu-estimated']).toMatchObject({ cost: 170.16, unallocated: 85.08, instanceHoursSource: 'estimated' });
    expect(cost('gpu-estimated', 'vision')).toBe(85.08);
    // cpu-shared: 2 x 24 x 0.23 = 11.04; tabular 2 cores x 24 h x 0.0575 = 2.76.
    expect(byName['cpu-shared']).toMatchObject({ cost: 11.04, unallocated: 8.28 });
    expect(cost('cpu-shared', 'tabular')).toBe(2.76);
    expect(byName['single-model']?.components[0]).toMatchObject({ cost: 2.76, invocations: 2_000, costPerThousandInvocations: 1.38 });
    expect(costs.totalCost).toBe(322.01);
    expect(costs.totalUnallocated).toBe(127.87);
    // llm-a held 1 GPU all day, half the day before: the top mover.
    expect(costs.movers[0]).toEqual({ name: 'llm-a', endpointName: 'gpu-measured', cost: 34.51, change: 17.25 });
  });

  it("ends with the bill: its hosting total beside Cost Explorer's, the difference, Estimated days and what it could not attribute", async () => {
    // Prepare: the bill for 2026-11-20 as Cost Explorer pages it (2 groups a page): the four hosted types,
    // an ml.c5.xlarge endpoint deleted that day, a notebook (not hosting), and the day before (outside).
    given(MIXED, MIXED_METRICS);
    account.bill.push(
      { date: '2026-11-19', usageType: 'USE1-Host:ml.g6.12xlarge', amount: 138.05 },
      { date: '2026-11-20', usageType: 'USE1-Host:ml.g6.12xlarge', amount: 138.048 },
      { date: '2026-11-20', usageType: 'USE1-Host:ml.g5.12xlarge', amount: 170.16 },
      { date: '2026-11-20', usageType: 'USE1-Host:ml.m5.xlarge', amount: 11.04 },
      { date: '2026-11-20', usageType: 'USE1-Host:ml.m5.large', amount: 2.76, estimated: true },
      { date: '2026-11-20', usageType: 'USE1-Host:ml.c5.xlarge', amount: 4.08 },
      { date: '2026-11-20', usageType: 'USE1-Notebk:ml.t3.medium', amount: 1.2 },
    );

    // Act
    const { report, billCheck } = await run();

    // Assess: 322.01 attributed against 326.09 billed for hosting.
    expect(account.callCount('GetCostAndUsage')).toBe(3);
    expect(billCheck).toMatchObject({ attributed: 322.01, difference: -4.08, percent: -1.3 });
    const line = report?.email.split('\n').find((text) => text.startsWith('Against the bill')) ?? '';
    expect(line).toBe(
      'Against the bill: attributed hosting $322.01, Cost Explorer billed $326.09 of hosting for 2026-11-20 (UTC days; on-demand equivalent); difference -$4.08 (-1.3%); ' +
        'Cost Explorer still marks these days Estimated; billed but not attributed: ml.c5.xlarge $4.08 (e.g. an endpoint deleted that day).',
    );
    // The notebook nobody runs now is billed and named, not hidden: $1.20 is at least the dollar that is named.
    expect(report?.email).toContain('    Notebook instances (us-east-1): $1.20: notebook instances');
  });

  it('splits the whole bill by region and family: what the bot explains, the rest named with what bills there, unwatched regions named', async () => {
    // Prepare: hosting as attributed, a notebook and a Studio app running all day, a Canvas session
    // nobody sees (its app was deleted this morning), training, a volume, and eu-west-1 outside REGIONS.
    given(MIXED, MIXED_METRICS);
    account.billGroupsPerPage = 100;
    account.notebooks.push({ name: 'nb', instanceType: 'ml.t3.medium', status: 'InService', lastModifiedAt: PREVIOUS_START, tags: {} });
    account.apps.push(TEAM_LAB);
    account.bill.push(
      { date: '2026-11-20', usageType: 'USE1-Host:ml.g6.12xlarge', amount: 138.05 },
      { date: '2026-11-20', usageType: 'USE1-Host:ml.g5.12xlarge', amount: 170.16 },
      { date: '2026-11-20', usageType: 'USE1-Host:ml.m5.xlarge', amount: 11.04 },
      { date: '2026-11-20', usageType: 'USE1-Host:ml.m5.large', amount: 2.76 },
      { date: '2026-11-20', usageType: 'USE1-Notebk:ml.t3.medium', amount: 1.2 },
      { date: '2026-11-20', usageType: 'USE1-Studio:JupyterLab-ml.t3.xlarge', amount: 4.8 },
      { date: '2026-11-20', usageType: 'USE1-Canvas:Session-Hrs', amount: 45.6 },
      { date: '2026-11-20', usageType: 'USE1-Train:ml.p3.2xlarge', amount: 7.65 },
      { date: '2026-11-20', usageType: 'USE1-Notebk:VolumeUsage.gp2', amount: 0.4 },
      { date: '2026-11-20', usageType: 'EU-Train:ml.g5.xlarge', amount: 12.5 },
    );

    // Act
    const { billCheck, report } = await run();

    // Assess: notebook 24 h x $0.05, Studio 24 h x $0.20 explained; Canvas, training and eu-west-1 named.
    const split = billCheck?.split;
    expect(split?.lines.map((line) => [line.region, line.family, line.billed, line.explained, line.rest])).toEqual([
      ['us-east-1', 'hosting', 322.01, 322.01, 0],
      ['us-east-1', 'notebooks', 1.2, 1.2, 0],
      ['us-east-1', 'studio', 4.8, 4.8, 0],
      ['us-east-1', 'canvas', 45.6, 0, 45.6],
      ['us-east-1', 'training', 7.65, 0, 7.65],
      ['us-east-1', 'volumes', 0.4, 0, 0.4],
      ['eu-west-1', 'training', 12.5, 0, 12.5],
    ]);
    expect(split?.unexplained.map((line) => `${line.region} ${line.family} ${line.rest}`)).toEqual([
      'us-east-1 canvas 45.6',
      'eu-west-1 training 12.5',
      'us-east-1 training 7.65',
    ]);
    expect(report?.email).toContain('eu-west-1 (not watched: not in REGIONS)');
    expect(report?.email).toContain('    Canvas sessions (us-east-1): $45.60: Canvas apps of logged-in users (closing the browser does not log out)');
    expect(report?.email).toContain('    Training (eu-west-1, not watched): $12.50: training jobs, including managed spot and warm pools');
    expect(account.callCount('GetCostAndUsage')).toBe(1);
  });

  it('explains a Studio app at its Studio price and a Canvas session at the session price, both from the Price List', async () => {
    // Prepare: a JupyterLab app and a Canvas session running all day; the Price List prices the
    // app's Studio use ($0.21) apart from the same instance as a notebook ($0.25), and a Canvas hour at $2.05.
    given(MIXED, MIXED_METRICS);
    account.billGroupsPerPage = 100;
    account.apps.push(TEAM_LAB, {
      domainId: 'd-1',
      userProfileName: 'ana',
      appType: 'Canvas',
      appName: 'default',
      status: 'InService',
      createdAt: PREVIOUS_START,
    });
    account.priceList.push(
      priceListProduct('us-east-1', 'ml.t3.xlarge', 'Studio:JupyterLab', 0.21),
      priceListProduct('us-east-1', 'ml.t3.xlarge', 'Notebk', 0.25),
      canvasSessionProduct('us-east-1', 2.05),
    );
    account.bill.push(
      { date: '2026-11-20', usageType: 'USE1-Studio:JupyterLab-ml.t3.xlarge', amount: 5.04 },
      { date: '2026-11-20', usageType: 'USE1-Canvas:Session-Hrs', amount: 49.2 },
    );

    // Act
    const { billCheck, report } = await run();

    // Assess: 24 h x $0.21 and 24 h x $2.05, all explained, and the report says what priced them.
    const lines = billCheck?.split?.lines.filter((line) => line.family === 'studio' || line.family === 'canvas');
    expect(lines?.map((line) => [line.family, line.billed, line.explained, line.rest])).toEqual([
      ['studio', 5.04, 5.04, 0],
      ['canvas', 49.2, 49.2, 0],
    ]);
    expect(report?.email).toMatch(/\n {2}Notebook and app prices: AWS Price List, 2026-11-2\d\.$/m);
  });

  it('reads a Savings Plan day right: covered usage at on-demand against the attribution, the negation named, the plan cost said', async () => {
    // Prepare: the whole day's hosting covered by a plan at 36% of on-demand; the plan's negation; a credit.
    given(MIXED, MIXED_METRICS);
    account.billGroupsPerPage = 100;
    const covered = (usageType: string, amount: number) => [
      { date: '2026-11-20', usageType, amount, recordType: 'SavingsPlanCoveredUsage', amortized: amount * 0.36 },
      { date: '2026-11-20', usageType, amount: -amount, recordType: 'SavingsPlanNegation', amortized: 0 },
    ];
    account.bill.push(
      ...covered('USE1-Host:ml.g6.12xlarge', 138.05),
      ...covered('USE1-Host:ml.g5.12xlarge', 170.16),
      ...covered('USE1-Host:ml.m5.xlarge', 11.04),
      ...covered('USE1-Host:ml.m5.large', 2.76),
      { date: '2026-11-20', usageType: 'USE1-Host:ml.g6.12xlarge', amount: -5, recordType: 'Credit' },
    );

    // Act
    const { billCheck, report } = await run();

    // Assess: no difference to speak of, the plan's day within a cent.
    expect(billCheck).toMatchObject({ attributed: 322.01, billedHosting: 322.01, difference: 0 });
    expect(billCheck?.split?.plan?.covered).toBe(322.01);
    expect(billCheck?.split?.plan?.cost).toBeCloseTo(322.01 * 0.36, 1);
    expect(billCheck?.split?.negation).toBe(-322.01);
    expect(report?.email).toContain("Savings Plan: covered $322.01 of the usage at on-demand rates (100%), which cost $115.92 at the plan's rate (amortized).");
    expect(report?.email).toContain('Its negation (-$322.01) takes the covered usage off the unblended bill; it is not a difference to explain.');
    expect(report?.email).toContain('Also on the bill, not counted above: credits -$5.00.');
    expect(report?.email).not.toMatch(/difference \+\$3/);
  });

  it('says "not in Cost Explorer yet" for a day Cost Explorer has not filled, and still sends the report', async () => {
    // Prepare: the day is listed with no groups yet.
    given(MIXED, MIXED_METRICS);
    account.bill.push({ date: '2026-11-20', usageType: '', amount: 0, empty: true });

    // Act
    const result = await run();

    // Assess
    expect(result.published).toBe(true);
    expect(result.billCheck?.bill.status).toBe('not-yet');
    expect(result.report?.email).toContain(
      'Against the bill: not in Cost Explorer yet (2026-11-20; it fills in about a day later); attributed hosting $322.01.',
    );
    expect(result.report?.email).not.toContain('difference');
  });

  it('says on the bill line when Cost Explorer cannot be read, and still sends the report', async () => {
    // Prepare
    given(MIXED, MIXED_METRICS);
    account.failWhen('GetCostAndUsage', () => new FakeAwsError('AccessDeniedException', 'User is not authorized to perform ce:GetCostAndUsage'));

    // Act
    const result = await run();

    // Assess
    expect(result.published).toBe(true);
    expect(result.report?.email.split('\n').at(-1)).toBe(
      'Against the bill: not checked: Cost Explorer denied ce:GetCostAndUsage (is Cost Explorer enabled for this account, and does the role allow it?); attributed hosting $322.01.',
    );
  });

  it('renders the table, the totals and a standalone SMS', async () => {
    // Prepare
    given(MIXED, MIXED_METRICS);

    // Act
    const { report } = await run();

    // Assess
    expect(report?.subject).toBe('SageMaker cost 2026-11-20: $322, $128 unallocated');
    expect(report?.email).toMatch(/gpu-measured \(us-east-1\)\s+1 x ml\.g6\.12xlarge\s+24\.0 m\s+\$138\.05/);
    expect(report?.email).toMatch(/ {2}llm-a\s+1\.00 GPU\s+24\.0 m\s+\$34\.51\s+25%\s+10,000\s+\$3\.4512/);
    expect(report?.email).toMatch(/ {2}\(unallocated\)\s+1\.00 GPU free\s+\$34\.51\s+25%/);
    expect(report?.email).toContain('TOP MODELS BY COST');
    expect(report?.sms).toBe('SageMaker cost 2026-11-20: $322. Top model vision $85.08. Unallocated $128.');
  });

  it('emits the dashboard figures per region, endpoint and variant, stamped inside the day they describe', async () => {
    // Prepare
    given(MIXED, MIXED_METRICS);

    // Act
    await run();

    // Assess
    const host = { Region: 'us-east-1', EndpointName: 'gpu-measured', VariantName: 'AllTraffic' };
    expect(metrics.points).toContainEqual({ name: 'ComponentCost', value: 34.51, unit: 'None', dimensions: { ...host, InferenceComponentName: 'llm-a' } });
    expect(metrics.points).toContainEqual({ name: 'UnallocatedCost', value: 34.51, unit: 'None', dimensions: host });
    expect(metrics.points).toContainEqual({ name: 'GpusHeld', value: 3, unit: 'Count', dimensions: host });
    expect(metrics.stamps.map((at) => at.toISOString().slice(0, 10))).toEqual(['2026-11-20']);
    expect(metrics.value('TotalCost')).toBe(322.01);
    expect(metrics.value('UnallocatedCost')).toBe(127.87);
  });

  it('reports a failure for one endpoint and still sends the rest', async () => {
    // Prepare: gpu-measured's GPU series come back InternalError; "gone" cannot be described.
    const failing = MIXED_METRICS.map((m) =>
      (m.dims as Record<string, string>).InferenceComponentName === 'llm-b' ? { ...m, values: [0, -1] as [number, number] } : m,
    );
    given([...MIXED, { name: 'gone', instanceType: 'ml.m5.large', instances: 1 }], failing);
    account.failWhen('DescribeEndpoint', (input) =>
      input.EndpointName === 'gone' ? new FakeAwsError('ValidationException', 'Could not find endpoint gone') : undefined,
    );

    // Act
    const { costs, report, published } = await run();

    // Assess
    const measured = costs.hosts.find((host) => host.endpointName === 'gpu-measured');
    expect(measured?.note).toContain('GetMetricData returned InternalError');
    expect(measured?.components.find((c) => c.name === 'llm-b')).toMatchObject({ source: 'estimated', cost: 69.02 });
    expect(costs.failures).toEqual([expect.objectContaining({ resource: 'gone', stage: 'DescribeEndpoint' })]);
    expect(report?.email).toContain('gone: DescribeEndpoint: ValidationException: Could not find endpoint gone');
    expect(published).toBe(true);
    expect(account.callCount('GetMetricData')).toBe(1);
  });

  it('in a dry run neither publishes nor emits metrics', async () => {
    // Prepare
    given(MIXED, MIXED_METRICS);

    // Act
    const result = await run(true);

    // Assess
    expect(account.callCount('Publish')).toBe(0);
    expect(metrics.points).toEqual([]);
    expect(result).toMatchObject({ dryRun: true, published: false });
  });

  it('covers the local day in TIMEZONE, 23 hours long on the spring DST change', async () => {
    // Prepare: 2026-03-29 in Berlin has 23 hours.
    given([{ name: 'single-model', instanceType: 'ml.m5.large', instances: 1 }], []);
    account.clock = () => new Date('2026-03-30T06:00:00Z');
    vi.useFakeTimers({ toFake: ['Date'] });

    try {
      // Act
      const { costs } = await runCostReport(
        { dryRun: true },
        liveCostReportDeps(
          parseCostReportConfig({ AWS_REGION: 'us-east-1', TIMEZONE: 'Europe/Berlin' }),
          createCostReportClients(),
          silent,
          () => new Date('2026-03-30T06:00:00Z'),
        ),
      );

      // Assess
      expect(costs.periodStart).toBe('2026-03-28T23:00:00.000Z');
      expect(costs.periodHours).toBe(23);
      expect(costs.totalCost).toBe(2.65);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Function: cost-report handler', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('rejects an unknown field before any AWS call', async () => {
    // Prepare
    const account = costAccount(MIXED, MIXED_METRICS);
    const mocked = mockAccount(account);
    const handler = await loadHandler('cost-report', { AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT' });

    try {
      // Act & Assess
      await expect(handler({ dryRun: true, day: '2026-11-20' }, lambdaContext('cost-report'))).rejects.toThrow(/"day" is not a known field/);
      expect(account.calls).toEqual([]);
    } finally {
      mocked.restore();
    }
  });
});
