/**
 * The cost-report job: for the last full period (local days in TIMEZONE), what each endpoint cost,
 * what each model on it held and cost, and what nobody used. Reads CloudWatch in bulk (ListMetrics
 * to find the enhanced-metric series, then GetMetricData for all of them with two buckets: this
 * period and the one before), describes with bounded concurrency, never one metric call per model.
 * What the readings mean is decided in domain/cost-measurement.ts and domain/cost.ts.
 */
import { checkAgainstBill, type BillCheck } from '../domain/bill.ts';
import { inventoryCost, type RunningNotebook } from '../domain/inventory-cost.ts';
import type { WantedPrice } from '../aws/price-list.ts';
import type { StudioApp } from '../domain/studio.ts';
import type { BillReader } from '../aws/cost-explorer.ts';
import { localDate } from '../domain/calendar.ts';
import type { CostReportConfig } from '../config.ts';
import { describeFailure, noRegionWasRead } from '../errors.ts';
import { finishRun, pricesFor, startRun, type JobDeps, type JobResult } from './contract.ts';
import { attributeCosts, type CostHost, type CostReport, type CostSnapshot } from '../domain/cost.ts';
import {
  hostsOf,
  lastFullPeriod,
  measurementBucketSeconds,
  planCostSeries,
  splitByPeriod,
  type Measured,
  type Period,
  type SeriesPlan,
} from '../domain/cost-measurement.ts';
import { regionWideFailures, type RunFailure } from '../domain/failures.ts';
import type { ComponentCopies, InferenceComponentListing } from '../domain/hosting.ts';
import { HOUR_MS } from '../domain/units.ts';
import { renderCostReport } from '../report/cost-report.ts';
import type { EndpointReader } from '../aws/sagemaker.ts';
import type { ComponentAccess } from '../aws/inference-components.ts';
import type { MetricsReader } from '../aws/cloudwatch.ts';
import type { MetricPoint } from '../aws/metrics.ts';
import { mapSettled } from '../util/concurrency.ts';
import { NO_DEADLINE, REGION_GRACE_MS, regionOutOfTime, withinDeadline, type Deadline } from '../util/deadline.ts';
import type { DryRunEvent } from '../lambda/events.ts';

interface CostRegionAccess {
  readonly endpoints: EndpointReader;
  readonly components: ComponentAccess;
  readonly metrics: MetricsReader;
  /** What runs besides hosting (one list each): what of the bill it explains. Absent: none is explained. */
  readonly inventory?: {
    readonly notebooks: () => Promise<RunningNotebook[]>;
    readonly apps: () => Promise<StudioApp[]>;
  };
}

interface CostReportDeps extends JobDeps<CostReportConfig> {
  readonly accessFor: (region: string) => CostRegionAccess;
  /** Cost Explorer: the bill the report is held against (one request a day, plus pages, $0.01 each). */
  readonly bill?: BillReader | undefined;
}

interface CostReportResult extends JobResult<'cost-report'> {
  readonly costs: CostReport;
  readonly billCheck?: BillCheck | undefined;
}

async function runCostReport(event: DryRunEvent, deps: CostReportDeps): Promise<CostReportResult> {
  const { config } = deps;
  startRun(config, event.dryRun);
  const now = deps.clock();
  const period = lastFullPeriod(now, config);

  const snapshot = await collectCostSnapshot(config, deps.accessFor, period, now, deps.deadline);
  const wanted = snapshot.hosts.flatMap((host) => (host.instanceType ? [{ region: host.region, instanceType: host.instanceType }] : []));
  const prices = await pricesFor(deps, config.priceOverrides, wanted);
  const costs = attributeCosts(snapshot, prices);
  const billCheck = deps.bill ? await holdAgainstBill(deps.bill, costs, deps, period) : undefined;
  const runFailure = noRegionWasRead(config.regions, regionWideFailures(snapshot.failures));
  const ended = await finishRun(deps, {
    job: 'cost-report',
    dryRun: event.dryRun,
    report: renderCostReport(costs, billCheck),
    // A run that read no region has no figures: neither the dashboard nor the admins get zeros.
    worthSending: !runFailure,
    metrics: runFailure ? undefined : { points: costMetrics(costs), at: period.metricsAt },
    outcome: { period: period.label, totalCost: costs.totalCost, unallocated: costs.totalUnallocated, hosts: costs.hosts.length },
    runFailure,
  });
  return { ...ended, costs, billCheck };
}

/**
 * The period's hosting and the whole SageMaker bill, held against Cost Explorer: the bill read once
 * (one request and its pages), what runs besides hosting listed per region, in parallel.
 */
async function holdAgainstBill(reader: BillReader, costs: CostReport, deps: CostReportDeps, period: Period): Promise<BillCheck> {
  const { config } = deps;
  const [bill, inventories] = await Promise.all([
    reader.readBill(...periodDates(period, config.timezone)),
    Promise.all(config.regions.map((region) => readInventory(region, deps.accessFor(region), deps.deadline))),
  ]);
  const notebooks = inventories.flatMap((inventory) => inventory.notebooks);
  const apps = inventories.flatMap((inventory) => inventory.apps);
  // What runs besides hosting is priced by its own usage types (a warm container has most of it already).
  const prices = await pricesFor(deps, config.priceOverrides, inventoryWanted(notebooks, apps));
  const explained = inventoryCost(notebooks, apps, { start: period.start.toISOString(), end: period.end.toISOString() }, prices);
  const check = checkAgainstBill(costs, bill, explained, config.regions);
  const unread = inventories.flatMap((inventory) => inventory.notes);
  return {
    ...check,
    ...(unread.length > 0 ? { notes: unread } : {}),
    ...(explained.length > 0 ? { inventoryPriceSource: prices.source } : {}),
  };
}

/** The notebook and Studio instance types, and the Canvas sessions, of the regions' inventories. */
function inventoryWanted(notebooks: readonly RunningNotebook[], apps: readonly StudioApp[]): WantedPrice[] {
  const wanted = new Map<string, WantedPrice>();
  for (const { region, instanceType } of [...notebooks, ...apps.filter((app) => app.appType !== 'Canvas')])
    if (instanceType) wanted.set(`${region} ${instanceType}`, { region, instanceType });
  for (const app of apps) if (app.appType === 'Canvas') wanted.set(`${app.region} canvas`, { region: app.region, service: 'canvas' });
  return [...wanted.values()];
}

/** One region's notebooks and apps; what cannot be read is a note, and that region's families stay unexplained. */
async function readInventory(
  region: string,
  access: CostRegionAccess,
  deadline: Deadline = NO_DEADLINE,
): Promise<{ notebooks: RunningNotebook[]; apps: StudioApp[]; notes: string[] }> {
  if (!access.inventory) return { notebooks: [], apps: [], notes: [] };
  const { inventory } = access;
  const [notebooks, apps] = await Promise.allSettled([
    withinDeadline(inventory.notebooks(), deadline, REGION_GRACE_MS),
    withinDeadline(inventory.apps(), deadline, REGION_GRACE_MS),
  ]);
  const notes: string[] = [];
  if (notebooks.status === 'rejected') notes.push(`${region}: notebook instances not listed (${describeFailure(notebooks.reason)}), so none is explained`);
  if (apps.status === 'rejected') notes.push(`${region}: Studio and Canvas apps not listed (${describeFailure(apps.reason)}), so none is explained`);
  return { notebooks: notebooks.status === 'fulfilled' ? notebooks.value : [], apps: apps.status === 'fulfilled' ? apps.value : [], notes };
}

/** The period's first and last local dates: the days asked of Cost Explorer (whose days are UTC). */
function periodDates(period: Period, timezone: string): [string, string] {
  return [localDate(period.start, timezone), localDate(new Date(period.end.getTime() - 1), timezone)];
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

async function collectCostSnapshot(
  config: CostReportConfig,
  accessFor: (region: string) => CostRegionAccess,
  period: Period,
  now: Date,
  deadline: Deadline = NO_DEADLINE,
): Promise<CostSnapshot> {
  const regions = await Promise.all(
    config.regions.map((region) =>
      withinDeadline(collectRegion(region, accessFor(region), config, period, deadline), deadline, REGION_GRACE_MS).catch(
        regionOutOfTime(region, { hosts: [], notes: [] }),
      ),
    ),
  );
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

async function collectRegion(
  region: string,
  access: CostRegionAccess,
  config: CostReportConfig,
  period: Period,
  deadline: Deadline,
): Promise<{ hosts: CostHost[]; failures: RunFailure[]; notes: string[] }> {
  const failures: RunFailure[] = [];
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
    else
      failures.push({
        region,
        resource: component.endpointName,
        stage: `DescribeInferenceComponent ${component.name}`,
        reason: describeFailure(outcome?.error),
      });
  });

  const measured = await readMeasurements(access.metrics, series, period);
  const hosts: CostHost[] = [];
  endpoints.forEach((endpoint, index) => {
    const outcome = hostings[index];
    if (!outcome?.ok) {
      failures.push({ region, resource: endpoint.name, stage: 'DescribeEndpoint', reason: describeFailure(outcome?.error) });
      return;
    }
    hosts.push(...hostsOf(region, endpoint.name, outcome.value, listedComponents, facts, series, measured));
  });
  return { hosts, failures, notes };
}

/** The three series lists; a failed one leaves its figures to estimates. */
async function discoverSeries(metrics: MetricsReader): Promise<SeriesPlan> {
  const [gpu, instance, invocations] = await Promise.allSettled([
    metrics.listMetrics('/aws/sagemaker/InferenceComponents', 'GPUUtilizationNormalized'),
    metrics.listMetrics('/aws/sagemaker/Endpoints', 'CPUUtilizationNormalized'),
    metrics.listMetrics('AWS/SageMaker', 'Invocations'),
  ]);
  const found = (list: PromiseSettledResult<Awaited<ReturnType<MetricsReader['listMetrics']>>>) => (list.status === 'fulfilled' ? list.value : []);
  const problems = [gpu, instance, invocations].flatMap((list) => (list.status === 'rejected' ? [describeFailure(list.reason)] : []));
  return planCostSeries({ gpu: found(gpu), instance: found(instance), invocations: found(invocations) }, problems);
}

/** One bulk read; each series splits into this period and the one before. */
async function readMeasurements(metrics: MetricsReader, series: SeriesPlan, period: Period): Promise<Measured[]> {
  const { requests } = series;
  if (requests.length === 0) return [];
  try {
    const bucketSeconds = measurementBucketSeconds(period);
    const results = await metrics.readSeries(requests, { start: period.previousStart, end: period.end, periodSeconds: bucketSeconds });
    return splitByPeriod(results, period, { indexes: series.presence, bucketSeconds });
  } catch (error) {
    return requests.map(() => ({ problem: `GetMetricData failed: ${describeFailure(error)}` }));
  }
}

export { runCostReport, collectCostSnapshot, costMetrics };
export type { CostReportDeps, CostRegionAccess, CostReportResult };
