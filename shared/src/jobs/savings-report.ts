/**
 * The savings-report job (monthly, on the 1st): what the bot saved last month, from facts it
 * already records. collect (the `Savings` metric the jobs emit, and the notebooks' own state for
 * what only becomes known later) → decide (domain/savings.ts) → render → publish.
 */
import type { SavingsReportConfig } from '../config.ts';
import { describeFailure, noRegionWasRead } from '../errors.ts';
import { regionWideFailures, type RunFailure } from '../domain/failures.ts';
import type { MetricIdentity } from '../domain/metric-series.ts';
import { NOTEBOOK_PRICE_SOURCE } from '../domain/prices.ts';
import {
  buildLedger,
  hoursWithin,
  latestStop,
  monthBefore,
  SAVINGS_ACTION_NAMES,
  SAVINGS_ACTIONS,
  type Ledger,
  type LedgerEntry,
  type Month,
  type SavingsAction,
} from '../domain/savings.ts';
import { TAGS } from '../domain/tags.ts';
import { renderSavingsReport } from '../report/savings-report.ts';
import { NOTEBOOK_STATE, type BotState } from '../aws/bot-state.ts';
import type { BillReader } from '../aws/cost-explorer.ts';
import type { MetricsReader } from '../aws/cloudwatch.ts';
import { METRICS_NAMESPACE } from '../aws/metrics.ts';
import type { NotebookAccess } from '../aws/notebook-instances.ts';
import { arnKey, type TagReader } from '../aws/tagging.ts';
import type { SavingsReportEvent } from '../lambda/events.ts';
import { finishRun, pricesFor, startRun, type JobDeps, type JobResult } from './contract.ts';

interface NotebookStateAccess {
  readonly notebooks: NotebookAccess;
  readonly tags: TagReader;
}

interface SavingsReportDeps extends JobDeps<SavingsReportConfig> {
  /** The bot's own metrics, in the function's region, where every job writes them. */
  readonly ownMetrics: MetricsReader;
  readonly accessFor: (region: string) => NotebookStateAccess;
  /** Only a stop the bot signed is counted. */
  readonly state: BotState;
  /** Cost Explorer: the month's SageMaker bill, to say what share of it was saved (one request, plus pages). */
  readonly bill?: BillReader | undefined;
}

interface SavingsReportResult extends JobResult<'savings-report'> {
  readonly ledger: Ledger;
  readonly failures: readonly RunFailure[];
}

async function runSavingsReport(event: SavingsReportEvent, deps: SavingsReportDeps): Promise<SavingsReportResult> {
  const { config } = deps;
  startRun(config, event.dryRun, { keepsState: true });
  const now = deps.clock();
  const { month } = event;
  const previous = monthBefore(month, config.timezone);

  const [recorded, perResource, notebooks, bill] = await Promise.all([
    recordedTotals(deps.ownMetrics, previous, month),
    recordedPerResource(deps.ownMetrics, month),
    notebookStops(deps, [previous, month], now),
    deps.bill?.readHostingBill(...monthDates(month, now)),
  ]);
  const failures = notebooks.failures;
  const notes = [
    ...(perResource.problem ? [`Per-resource figures could not be read (${perResource.problem}): the top actions are those known from state.`] : []),
    ...(failures.length > 0 ? ["Some regions' notebooks could not be read: their stops are missing from the figures (see below)."] : []),
  ];
  const ledger = buildLedger({
    month,
    recorded: recorded.current,
    fromState: notebooks.entries.get(month.label) ?? [],
    perResource: perResource.entries,
    previous: addEntries(recorded.previous, notebooks.entries.get(previous.label) ?? []),
    notes,
  });
  const ended = await finishRun(deps, {
    job: 'savings-report',
    dryRun: event.dryRun,
    report: renderSavingsReport(ledger, {
      previousMonth: previous.label,
      evaluatedAt: now.toISOString(),
      failures,
      notebookPrices: notebooks.priceSource,
      bill,
    }),
    metrics: { points: [{ name: 'MonthSavings', value: ledger.total, unit: 'None', dimensions: { Month: month.label } }], at: now },
    outcome: { month: month.label, total: ledger.total, previousTotal: ledger.previousTotal },
    runFailure: noRegionWasRead(config.regions, regionWideFailures(failures)),
  });
  return { ...ended, ledger, failures };
}

/** The month's dates for Cost Explorer (UTC days): the whole month, or up to yesterday for this one. */
function monthDates(month: Month, now: Date): [string, string] {
  const first = `${month.label}-01`;
  const lastOfMonth = new Date(Date.parse(`${first}T00:00:00Z`));
  lastOfMonth.setUTCMonth(lastOfMonth.getUTCMonth() + 1, 0);
  const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
  const last = lastOfMonth.toISOString().slice(0, 10);
  return [first, yesterday < last ? (yesterday < first ? first : yesterday) : last];
}

function addEntries(totals: ReadonlyMap<SavingsAction, number>, entries: readonly LedgerEntry[]): Map<SavingsAction, number> {
  const sum = new Map(totals);
  for (const entry of entries) sum.set(entry.action, (sum.get(entry.action) ?? 0) + entry.saved);
  return sum;
}

/**
 * The month's and the month before's totals per action, read by the metric's fixed identity
 * (Savings by Job and Action), which GetMetricData answers for as long as CloudWatch keeps the data
 * (15 months at hourly resolution), however long ago the series last reported.
 */
async function recordedTotals(
  metrics: MetricsReader,
  previous: Month,
  month: Month,
): Promise<{ current: Map<SavingsAction, number>; previous: Map<SavingsAction, number> }> {
  const identities: MetricIdentity[] = SAVINGS_ACTION_NAMES.map((action) => ({
    namespace: METRICS_NAMESPACE,
    metricName: 'Savings',
    dimensions: [
      { name: 'Job', value: SAVINGS_ACTIONS[action].job },
      { name: 'Action', value: action },
    ],
  }));
  const results = await metrics.readSeries(
    identities.map((identity) => ({ ...identity, stat: 'Sum' })),
    { start: previous.start, end: month.end, periodSeconds: 3600 },
  );
  const current = new Map<SavingsAction, number>();
  const before = new Map<SavingsAction, number>();
  SAVINGS_ACTION_NAMES.forEach((action, index) => {
    const result = results[index];
    if (result?.status !== 'read') throw new Error(`Savings for ${action} could not be read: ${result?.reason ?? 'no result'}`);
    for (const point of result.points) {
      const at = Date.parse(point.at);
      const into =
        at >= month.start.getTime() && at < month.end.getTime() ? current : at >= previous.start.getTime() && at < previous.end.getTime() ? before : undefined;
      into?.set(action, (into.get(action) ?? 0) + point.value);
    }
  });
  return { current, previous: before };
}

/**
 * The month's figures per resource, for the top actions: the series CloudWatch still lists (those
 * that reported in the last two weeks, ListMetrics), summed over the month.
 */
async function recordedPerResource(metrics: MetricsReader, month: Month): Promise<{ entries: LedgerEntry[]; problem?: string | undefined }> {
  try {
    const listed = (await metrics.listMetrics(METRICS_NAMESPACE, 'Savings')).filter((metric) => metric.dimensions.some((d) => d.name === 'Resource'));
    if (listed.length === 0) return { entries: [] };
    const results = await metrics.readSeries(
      listed.map((metric) => ({ ...metric, stat: 'Sum' })),
      { start: month.start, end: month.end, periodSeconds: 3600 },
    );
    const entries = listed.flatMap((metric, index): LedgerEntry[] => {
      const dims = new Map(metric.dimensions.map((d) => [d.name, d.value]));
      const action = dims.get('Action') as SavingsAction | undefined;
      const result = results[index];
      if (!action || !(action in SAVINGS_ACTIONS) || result?.status !== 'read') return [];
      const saved = result.points.reduce((sum, point) => sum + point.value, 0);
      const { job, basis } = SAVINGS_ACTIONS[action];
      return [{ job, action, region: dims.get('Region') ?? '?', resource: dims.get('Resource') ?? '?', saved, basis, how: HOW[action] }];
    });
    return { entries };
  } catch (error) {
    return { entries: [], problem: describeFailure(error) };
  }
}

const HOW: Readonly<Record<SavingsAction, string>> = {
  'weekend-scale-down': 'instances released x price x hours until the scheduled restore',
  'idle-notebook-stop': 'price x hours stopped',
  'off-hours-stop': 'price x hours stopped',
  'idle-delete': 'cost per day when deleted x days gone',
  'idle-scale-to-zero': 'cost per day when scaled to 0 x days held',
  'after-alert': 'cost per day the alert reported x days gone',
};

/**
 * The bot's latest stop of each notebook, from its state: the stop in `ops-bot:last-action`, the
 * restart in its status and LastModifiedTime. Earlier stops were recorded as the Savings metric when
 * the bot stopped the notebook again, so each interval is counted once.
 */
async function notebookStops(
  deps: SavingsReportDeps,
  months: readonly Month[],
  now: Date,
): Promise<{ entries: Map<string, LedgerEntry[]>; failures: RunFailure[]; priceSource: string }> {
  const entries = new Map<string, LedgerEntry[]>(months.map((month) => [month.label, []]));
  const failures: RunFailure[] = [];
  const sources = new Set<string>();
  await Promise.all(
    deps.config.regions.map(async (region) => {
      const access = deps.accessFor(region);
      try {
        // The stops the bot recorded in its state table (one Query), matched to the notebooks listed now.
        const [recorded, listed] = await Promise.all([deps.state.records(NOTEBOOK_STATE), access.notebooks.list()]);
        const recordedArns = new Set(recorded.map((record) => arnKey(record.arn)));
        const unverified: string[] = [];
        const stopped = listed.filter((notebook) => recordedArns.has(arnKey(notebook.arn)));
        const prices = await pricesFor(
          deps,
          {},
          [...new Set(stopped.map((notebook) => notebook.instanceType))].map((instanceType) => ({ region, instanceType })),
        );
        if (stopped.length > 0) sources.add(prices.source);
        for (const notebook of stopped) {
          const price = prices.notebookPrice(region, notebook.instanceType)?.pricePerHour;
          if (price === undefined) continue;
          const state = await deps.state.read({ arn: notebook.arn, createdAt: notebook.createdAt }, NOTEBOOK_STATE);
          if (state.status !== 'verified') {
            if (state.status === 'rejected') unverified.push(notebook.name);
            continue;
          }
          const lastAction = state.values[TAGS.lastAction];
          const stop = latestStop({ ...notebook, region, lastAction, offHours: false }, now);
          if (!stop) continue;
          const action: SavingsAction = /^stopped: off hours/.test(lastAction ?? '') ? 'off-hours-stop' : 'idle-notebook-stop';
          for (const month of months) {
            const hours = hoursWithin(stop.from, stop.to, month);
            if (hours <= 0) continue;
            const how = `$${price}/h x ${hours.toFixed(1)} h ${stop.stillStopped ? 'stopped (still stopped)' : 'until it was started again'}`;
            entries.get(month.label)?.push({ job: 'idle-notebooks', action, region, resource: notebook.name, saved: hours * price, basis: 'measured', how });
          }
        }
        if (unverified.length > 0)
          failures.push({
            region,
            stage: 'state table',
            reason: `their stop record is not for the notebook as it stands now, so it is not counted: ${unverified.join(', ')}`,
          });
      } catch (error) {
        failures.push({ region, stage: 'ListNotebookInstances / GetResources', reason: describeFailure(error) });
      }
    }),
  );
  return { entries, failures, priceSource: [...sources].join('; ') || NOTEBOOK_PRICE_SOURCE };
}

export { runSavingsReport };
export type { SavingsReportDeps, SavingsReportResult, NotebookStateAccess };
