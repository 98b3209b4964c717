/**
 * The cost-report job: for the last full period (local days in TIMEZONE), what each endpoint cost,
 * what each model on it held and cost, and what nobody used. Reads CloudWatch in bulk (ListMetrics
 * to find the enhanced-metric series, then GetMetricData for all of them with two buckets: this
 * period and the one before), describes with bounded concurrency, never one metric call per model.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { requireTopicArn, type Config } from '../config.ts';
import { describeFailure, noRegionWasRead } from '../errors.ts';
import { finishRun } from './finish-run.ts';
import { localDate, startOfLocalDay } from '../domain/calendar.ts';
import { attributeCosts, type CostComponent, type CostHost, type CostReport, type CostSnapshot, type TwoPeriods } from '../domain/cost.ts';
import { createPriceBook } from '../domain/prices.ts';
import { renderCostReport } from '../report/cost-report.ts';
import type { RenderedReport } from '../report/sns-message.ts';
import { createEndpointReader, type EndpointHosting, type EndpointReader, type InferenceComponentListing } from '../aws/sagemaker.ts';
import { createComponentAccess, type ComponentAccess, type ComponentCopies } from '../aws/inference-components.ts';
import { createMetricsReader, type MetricIdentity, type MetricSeriesRequest, type MetricsReader, type SeriesResult } from '../aws/cloudwatch.ts';
import { createTopicNotifiers, reportNotifier, type Notifier } from '../aws/sns.ts';
import { clientPerRegion } from '../aws/clients.ts';
import type { MetricPoint, MetricsSink } from '../aws/emf.ts';
import { mapSettled } from '../util/concurrency.ts';
import type { RunLogger } from '../util/logger.ts';
import { NO_DEADLINE, type Deadline } from '../util/deadline.ts';
import type { DryRunEvent } from '../lambda/events.ts';

const HOUR_MS = 3_600_000;
/** Enhanced metrics name the per-GPU dimension either way (launch post vs docs): accept both. */
const GPU_DIMENSIONS = new Set(['GpuId', 'AcceleratorId']);
/** The per-instance dimension of host metrics (SageMaker Developer Guide, enhanced metrics: InstanceId, ContainerId, AcceleratorId). */
const INSTANCE_DIMENSION = 'InstanceId';
/**
 * Every UTC offset in use is a multiple of 15 minutes, so buckets of this size (or a divisor of
 * both period lengths below it) start on every local midnight, whether CloudWatch aligns buckets to
 * the StartTime or to the clock.
 */
const BUCKET_ALIGNMENT_SECONDS = 900;

interface CostRegionAccess {
  readonly endpoints: EndpointReader;
  readonly components: ComponentAccess;
  readonly metrics: MetricsReader;
}

interface CostReportDeps {
  readonly config: Config;
  readonly clock: () => Date;
  readonly accessFor: (region: string) => CostRegionAccess;
  readonly notifier: (topicArn: string) => Notifier;
  readonly metrics: MetricsSink;
  readonly logger: RunLogger;
  /** This invocation's deadline (from the Lambda context); none in tests and the CLI. */
  readonly deadline?: Deadline;
}

interface CostReportResult {
  readonly job: 'cost-report';
  readonly dryRun: boolean;
  readonly published: boolean;
  readonly messageId?: string;
  readonly costs: CostReport;
  readonly report: RenderedReport;
}

interface Period {
  readonly previousStart: Date;
  readonly start: Date;
  readonly end: Date;
  /** The local dates covered, in TIMEZONE: `2026-11-19`, or `2026-11-13 to 2026-11-19`. */
  readonly label: string;
  /**
   * When the period's metrics are stamped: inside the local day the period starts on and inside
   * the UTC day of the same date, so a daily dashboard bucket (UTC) and the local label agree.
   */
  readonly metricsAt: Date;
}

function lastFullPeriod(now: Date, config: Config): Period {
  const start = startOfLocalDay(now, config.timezone, config.costPeriodDays);
  const end = startOfLocalDay(now, config.timezone, 0);
  const firstDay = localDate(start, config.timezone);
  const lastDay = localDate(new Date(end.getTime() - 1), config.timezone);
  return {
    previousStart: startOfLocalDay(now, config.timezone, 2 * config.costPeriodDays),
    start,
    end,
    label: firstDay === lastDay ? firstDay : `${firstDay} to ${lastDay}`,
    metricsAt: instantOnBothDays(firstDay, start, startOfLocalDay(new Date(start.getTime() + 36 * HOUR_MS), config.timezone)),
  };
}

/** The middle of the overlap of a local day [localStart, localEnd) and the UTC day of the same date. */
function instantOnBothDays(date: string, localStart: Date, localEnd: Date): Date {
  const utcStart = Date.parse(`${date}T00:00:00Z`);
  const from = Math.max(utcStart, localStart.getTime());
  const to = Math.min(utcStart + 24 * HOUR_MS, localEnd.getTime());
  return new Date(Math.floor((from + to) / 2));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

async function runCostReport(event: DryRunEvent, deps: CostReportDeps): Promise<CostReportResult> {
  const { config, logger } = deps;
  const topicArn = event.dryRun ? undefined : requireTopicArn(config);
  const now = deps.clock();
  const period = lastFullPeriod(now, config);

  const snapshot = await collectCostSnapshot(config, deps.accessFor, period, now, deps.deadline);
  const costs = attributeCosts(snapshot, createPriceBook(config.priceOverrides));
  const report = renderCostReport(costs);

  const runFailure = noRegionWasRead(config.regions, snapshot.failures.filter((failure) => failure.endpointName === undefined));
  // A dry run changes nothing, and that includes the dashboard's figures.
  if (!event.dryRun && !runFailure) deps.metrics.emit(costMetrics(costs), period.metricsAt);
  const { messageId } = await finishRun({
    logger,
    outcome: { job: 'cost-report', dryRun: event.dryRun, period: period.label, totalCost: costs.totalCost, unallocated: costs.totalUnallocated, hosts: costs.hosts.length },
    ...(topicArn && !runFailure ? { publish: { notifier: deps.notifier(topicArn), report } } : {}),
    runFailure,
  });
  return { job: 'cost-report', dryRun: event.dryRun, published: topicArn !== undefined, ...(messageId ? { messageId } : {}), costs, report };
}

/**
 * The figures the dashboard charts. Each host is named by region, endpoint and variant, so two
 * variants of one endpoint, or one endpoint name in two regions, stay two series.
 */
function costMetrics(costs: CostReport): MetricPoint[] {
  const points: MetricPoint[] = [{ name: 'TotalCost', value: costs.totalCost, unit: 'None', dimensions: {} }];
  points.push({ name: 'UnallocatedCost', value: costs.totalUnallocated, unit: 'None', dimensions: {} });
  for (const host of costs.hosts) {
    const endpoint = { Region: host.region, EndpointName: host.endpointName, VariantName: host.variantName };
    if (host.cost !== undefined) points.push({ name: 'EndpointCost', value: host.cost, unit: 'None', dimensions: endpoint });
    if (host.unallocated !== undefined) points.push({ name: 'UnallocatedCost', value: host.unallocated, unit: 'None', dimensions: endpoint });
    if (host.acceleratorsTotal > 0) {
      points.push({ name: 'GpusTotal', value: host.acceleratorsTotal, unit: 'Count', dimensions: endpoint });
      points.push({ name: 'GpusHeld', value: host.acceleratorsHeld, unit: 'Count', dimensions: endpoint });
    }
    for (const component of host.components) {
      if (component.cost === undefined || component.basis === 'whole-endpoint') continue;
      points.push({ name: 'ComponentCost', value: component.cost, unit: 'None', dimensions: { ...endpoint, InferenceComponentName: component.name } });
    }
  }
  return points;
}

async function collectCostSnapshot(config: Config, accessFor: (region: string) => CostRegionAccess, period: Period, now: Date, deadline: Deadline = NO_DEADLINE): Promise<CostSnapshot> {
  const regions = await Promise.all(config.regions.map((region) => collectRegion(region, accessFor(region), config, period, deadline)));
  return {
    kind: 'cost-report',
    version: 1,
    capturedAt: now.toISOString(),
    periodStart: period.start.toISOString(),
    periodEnd: period.end.toISOString(),
    periodLabel: period.label,
    periodHours: (period.end.getTime() - period.start.getTime()) / HOUR_MS,
    hosts: regions.flatMap((region) => region.hosts),
    failures: regions.flatMap((region) => region.failures),
    notes: regions.flatMap((region) => region.notes),
  };
}

type Failure = CostSnapshot['failures'][number];

async function collectRegion(region: string, access: CostRegionAccess, config: Config, period: Period, deadline: Deadline): Promise<{ hosts: CostHost[]; failures: Failure[]; notes: string[] }> {
  const failures: Failure[] = [];
  const notes: string[] = [];
  let endpoints;
  let listedComponents: InferenceComponentListing[];
  try {
    [endpoints, listedComponents] = await Promise.all([access.endpoints.listBillableEndpoints(), access.endpoints.listInferenceComponents()]);
  } catch (error) {
    return { hosts: [], failures: [{ region, stage: 'ListEndpoints / ListInferenceComponents', reason: describeFailure(error) }], notes };
  }
  if (endpoints.length === 0) return { hosts: [], failures, notes };

  const [hostings, componentFacts, series] = await Promise.all([
    mapSettled(endpoints, config.describeConcurrency, (endpoint) => access.endpoints.readEndpointHosting(endpoint.name), deadline),
    mapSettled(listedComponents, config.describeConcurrency, (component) => access.components.readCopies(component.name), deadline),
    discoverSeries(access.metrics),
  ]);
  // Without the series list every figure can still be estimated: a note, not a failed region.
  if (series.problem) notes.push(`${region}: metric discovery failed, so its figures are estimated: ${series.problem}`);

  const facts = new Map<string, ComponentCopies>();
  listedComponents.forEach((component, index) => {
    const outcome = componentFacts[index];
    if (outcome?.ok) facts.set(component.name, outcome.value);
    else failures.push({ region, endpointName: component.endpointName, stage: `DescribeInferenceComponent ${component.name}`, reason: describeFailure(outcome?.error) });
  });

  const measured = await readMeasurements(access.metrics, series.requests, period);
  const hosts: CostHost[] = [];
  endpoints.forEach((endpoint, index) => {
    const outcome = hostings[index];
    if (!outcome?.ok) {
      failures.push({ region, endpointName: endpoint.name, stage: 'DescribeEndpoint', reason: describeFailure(outcome?.error) });
      return;
    }
    hosts.push(...hostsOf(region, endpoint.name, outcome.value, listedComponents, facts, series, measured));
  });
  return { hosts, failures, notes };
}

interface SeriesPlan {
  readonly requests: MetricSeriesRequest[];
  /** Request indexes per key: `gpu:<component>`, `instance:<endpoint>/<variant>`, `ic-inv:<component>`, `inv:<endpoint>/<variant>`. */
  readonly indexes: Map<string, number[]>;
  readonly problem?: string;
}

async function discoverSeries(metrics: MetricsReader): Promise<SeriesPlan> {
  const lists = await Promise.allSettled([
    metrics.listMetrics('/aws/sagemaker/InferenceComponents', 'GPUUtilizationNormalized'),
    metrics.listMetrics('/aws/sagemaker/Endpoints', 'CPUUtilizationNormalized'),
    metrics.listMetrics('AWS/SageMaker', 'Invocations'),
  ]);
  const requests: MetricSeriesRequest[] = [];
  const indexes = new Map<string, number[]>();
  const add = (key: string, metric: MetricIdentity, stat: string) => {
    indexes.set(key, [...(indexes.get(key) ?? []), requests.length]);
    requests.push({ ...metric, stat });
  };
  const [gpu, instance, invocations] = lists.map((list) => (list.status === 'fulfilled' ? list.value : []));
  for (const [component, metricsOfOneSet] of coarsestGpuSeries(gpu ?? [])) {
    for (const metric of metricsOfOneSet) add(`gpu:${component}`, metric, 'SampleCount');
  }
  for (const metric of instance ?? []) {
    const dims = new Map(metric.dimensions.map((d) => [d.name, d.value]));
    const endpoint = dims.get('EndpointName');
    const variant = dims.get('VariantName');
    // Exactly {EndpointName, VariantName, InstanceId}: one series per instance, and never a finer
    // per-container series counted as another instance.
    if (endpoint && variant && dims.has(INSTANCE_DIMENSION) && dims.size === 3) add(`instance:${endpoint}/${variant}`, metric, 'SampleCount');
  }
  for (const metric of invocations ?? []) {
    const dims = new Map(metric.dimensions.map((d) => [d.name, d.value]));
    if (dims.size === 1 && dims.get('InferenceComponentName')) add(`ic-inv:${dims.get('InferenceComponentName')}`, metric, 'Sum');
    if (dims.size === 2 && dims.get('EndpointName') && dims.get('VariantName')) add(`inv:${dims.get('EndpointName')}/${dims.get('VariantName')}`, metric, 'Sum');
  }
  const problems = lists.flatMap((list) => (list.status === 'rejected' ? [describeFailure(list.reason)] : []));
  return { requests, indexes, ...(problems.length > 0 ? { problem: problems.join('; ') } : {}) };
}

/**
 * Per component, the per-GPU series of one dimension set only: the coarsest that names a GPU.
 * A GPU's datapoints appear in every set that contains it, so summing two sets would count it twice.
 */
function coarsestGpuSeries(metrics: readonly MetricIdentity[]): Map<string, MetricIdentity[]> {
  const bySet = new Map<string, Map<string, MetricIdentity[]>>();
  for (const metric of metrics) {
    const component = metric.dimensions.find((d) => d.name === 'InferenceComponentName')?.value;
    if (!component || !metric.dimensions.some((d) => GPU_DIMENSIONS.has(d.name))) continue;
    const setKey = metric.dimensions.map((d) => d.name).sort().join(',');
    const sets = bySet.get(component) ?? new Map<string, MetricIdentity[]>();
    sets.set(setKey, [...(sets.get(setKey) ?? []), metric]);
    bySet.set(component, sets);
  }
  const chosen = new Map<string, MetricIdentity[]>();
  for (const [component, sets] of bySet) {
    const [, coarsest] = [...sets.entries()].sort(([a], [b]) => a.split(',').length - b.split(',').length || a.localeCompare(b))[0] ?? [];
    if (coarsest) chosen.set(component, coarsest);
  }
  return chosen;
}

/** One bulk read; each series splits into this period and the one before. */
async function readMeasurements(metrics: MetricsReader, requests: readonly MetricSeriesRequest[], period: Period): Promise<Array<TwoPeriods | { problem: string }>> {
  if (requests.length === 0) return [];
  // Buckets that end exactly on the period boundary, so the period before never takes an hour of a
  // 25-hour day (or the other way round), wherever CloudWatch starts its buckets.
  const currentSeconds = Math.round((period.end.getTime() - period.start.getTime()) / 1000);
  const previousSeconds = Math.round((period.start.getTime() - period.previousStart.getTime()) / 1000);
  const periodSeconds = gcd(gcd(currentSeconds, previousSeconds), BUCKET_ALIGNMENT_SECONDS);
  let results: SeriesResult[];
  try {
    results = await metrics.readSeries(requests, { start: period.previousStart, end: period.end, periodSeconds });
  } catch (error) {
    return requests.map(() => ({ problem: `GetMetricData failed: ${describeFailure(error)}` }));
  }
  return results.map((result) => {
    if (result.status === 'unavailable') return { problem: result.reason };
    let current = 0;
    let previous = 0;
    for (const point of result.points) {
      if (Date.parse(point.at) >= period.start.getTime()) current += point.value;
      else previous += point.value;
    }
    return { current, previous };
  });
}

function sumOf(
  key: string,
  series: SeriesPlan,
  measured: ReadonlyArray<TwoPeriods | { problem: string }>,
  scale = 1,
): { value?: TwoPeriods; problem?: string } {
  const indexes = series.indexes.get(key);
  if (!indexes || indexes.length === 0) return {};
  let current = 0;
  let previous = 0;
  for (const index of indexes) {
    const result = measured[index];
    if (!result || 'problem' in result) return { problem: result?.problem ?? 'no result' };
    current += result.current;
    previous += result.previous;
  }
  return { value: { current: current * scale, previous: previous * scale } };
}

function hostsOf(
  region: string,
  endpointName: string,
  hosting: EndpointHosting,
  listed: readonly InferenceComponentListing[],
  facts: ReadonlyMap<string, ComponentCopies>,
  series: SeriesPlan,
  measured: ReadonlyArray<TwoPeriods | { problem: string }>,
): CostHost[] {
  // SampleCount × publish period = seconds held; / 3600 = hours.
  const toHours = hosting.metricsPeriodSeconds / 3600;
  // Shadow variants run billed instances and host no components: they pay for themselves.
  return hosting.variants
    .map((variant): CostHost => {
      const problems: string[] = [];
      const instanceHours = sumOf(`instance:${endpointName}/${variant.variantName}`, series, measured, toHours);
      if (instanceHours.problem) problems.push(instanceHours.problem);
      const components = listed
        .filter((component) => variant.role === 'production' && component.endpointName === endpointName && component.variantName === variant.variantName)
        .flatMap((component): CostComponent[] => {
          const copies = facts.get(component.name);
          if (!copies) return [];
          const gpuHours = sumOf(`gpu:${component.name}`, series, measured, toHours);
          if (gpuHours.problem) problems.push(gpuHours.problem);
          const invocations = sumOf(`ic-inv:${component.name}`, series, measured);
          return [
            {
              name: component.name,
              copies: copies.currentCopyCount,
              ...(copies.acceleratorsPerCopy !== undefined ? { acceleratorsPerCopy: copies.acceleratorsPerCopy } : {}),
              ...(copies.cpuCoresPerCopy !== undefined ? { cpuCoresPerCopy: copies.cpuCoresPerCopy } : {}),
              ...(copies.memoryMbPerCopy !== undefined ? { memoryMbPerCopy: copies.memoryMbPerCopy } : {}),
              ...(gpuHours.value ? { measuredGpuHours: gpuHours.value } : {}),
              ...(invocations.value ? { invocations: invocations.value } : {}),
            },
          ];
        });
      const invocations = sumOf(`inv:${endpointName}/${variant.variantName}`, series, measured);
      return {
        region,
        endpointName,
        variantName: variant.variantName,
        ...(variant.role === 'shadow' ? { role: 'shadow' as const } : {}),
        ...(variant.instanceType ? { instanceType: variant.instanceType } : {}),
        instanceCount: variant.currentInstanceCount,
        serverless: variant.serverless,
        ...(instanceHours.value ? { measuredInstanceHours: instanceHours.value } : {}),
        components,
        ...(invocations.value ? { invocations: invocations.value } : {}),
        ...(problems.length > 0 ? { metricsProblem: [...new Set(problems)].join('; ') } : {}),
      };
    });
}

interface CostReportClients {
  readonly sageMaker: (region: string) => SageMakerClient;
  readonly cloudWatch: (region: string) => CloudWatchClient;
  readonly notifier: (topicArn: string, displayName: string) => Notifier;
}

function createCostReportClients(): CostReportClients {
  return {
    sageMaker: clientPerRegion((settings) => new SageMakerClient(settings)),
    cloudWatch: clientPerRegion((settings) => new CloudWatchClient(settings)),
    notifier: createTopicNotifiers(),
  };
}

function liveCostReportDeps(config: Config, clients: CostReportClients, metrics: MetricsSink, logger: RunLogger, clock: () => Date): CostReportDeps {
  return {
    config,
    clock,
    logger,
    metrics,
    accessFor: (region) => ({
      endpoints: createEndpointReader(clients.sageMaker(region)),
      components: createComponentAccess(clients.sageMaker(region)),
      metrics: createMetricsReader(clients.cloudWatch(region)),
    }),
    notifier: reportNotifier(clients.notifier, config),
  };
}

export { runCostReport, collectCostSnapshot, costMetrics, lastFullPeriod, createCostReportClients, liveCostReportDeps };
export type { CostReportDeps, CostRegionAccess, CostReportResult };
