/**
 * The savings-report job (monthly, on the 1st): what the bot saved last month, from facts it
 * already records. collect (the state table's ledger, where the jobs book each saving once, and the
 * notebooks' own state for what only becomes known later) → decide (domain/savings.ts) → render → publish.
 */
import type { SavingsReportConfig } from '../config.ts';
import { describeFailure, noRegionWasRead } from '../errors.ts';
import { regionWideFailures, type RunFailure } from '../domain/failures.ts';
import { NOTEBOOK_PRICE_SOURCE } from '../domain/prices.ts';
import {
  buildLedger,
  hoursWithin,
  latestStop,
  monthBefore,
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
import type { NotebookAccess } from '../aws/notebook-instances.ts';
import { arnKey } from '../aws/tagging.ts';
import type { SavingsReportEvent } from '../lambda/events.ts';
import { finishRun, pricesFor, startRun, type JobDeps, type JobResult } from './contract.ts';

interface NotebookStateAccess {
  readonly notebooks: NotebookAccess;
}

interface SavingsReportDeps extends JobDeps<SavingsReportConfig> {
  readonly accessFor: (region: string) => NotebookStateAccess;
  /** The ledger, and the notebooks' stops: only what the bot itself recorded is counted. */
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

  const [recorded, notebooks, bill] = await Promise.all([
    bookedInLedger(deps.state, previous, month),
    notebookStops(deps, [previous, month], now),
    deps.bill?.readBill(...monthDates(month, now)),
  ]);
  const failures = notebooks.failures;
  const notes = [...(failures.length > 0 ? ["Some regions' notebooks could not be read: their stops are missing from the figures (see below)."] : [])];
  const ledger = buildLedger({
    month,
    recorded: recorded.current,
    fromState: notebooks.entries.get(month.label) ?? [],
    perResource: recorded.perResource,
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
 * The month's and the month before's savings, as the state table's ledger booked them (each saving
 * once per resource and day): totals per action, and the month's figures per resource for the top
 * actions. The `Savings` metric carries the same figures for the dashboard.
 */
async function bookedInLedger(
  state: BotState,
  previous: Month,
  month: Month,
): Promise<{ current: Map<SavingsAction, number>; previous: Map<SavingsAction, number>; perResource: LedgerEntry[] }> {
  const booked = await state.readLedger(previous.start, month.end);
  const current = new Map<SavingsAction, number>();
  const before = new Map<SavingsAction, number>();
  const byResource = new Map<string, LedgerEntry>();
  for (const saving of booked) {
    if (!(saving.action in SAVINGS_ACTIONS)) continue;
    const action = saving.action as SavingsAction;
    const inMonth = Date.parse(saving.bookedAt) >= month.start.getTime();
    const totals = inMonth ? current : before;
    totals.set(action, (totals.get(action) ?? 0) + saving.amount);
    if (!inMonth) continue;
    const key = `${action}|${saving.region}|${saving.resource}`;
    const { job, basis } = SAVINGS_ACTIONS[action];
    const known = byResource.get(key);
    byResource.set(key, {
      job,
      action,
      region: saving.region,
      resource: saving.resource,
      saved: (known?.saved ?? 0) + saving.amount,
      basis,
      how: HOW[action],
    });
  }
  return { current, previous: before, perResource: [...byResource.values()] };
}

const HOW: Readonly<Record<SavingsAction, string>> = {
  'weekend-scale-down': 'instances released x price x hours at zero',
  'idle-notebook-stop': 'price x hours stopped',
  'off-hours-stop': 'price x hours stopped',
  'idle-delete': 'cost per day when deleted x days gone',
  'idle-scale-to-zero': 'cost per day when scaled to 0 x days held',
  'after-alert': 'cost per day the alert reported x days gone',
  'canvas-logout': 'session price x hours logged out, booked when the user logged in again',
  'mlflow-off-hours': 'server price x hours stopped',
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
