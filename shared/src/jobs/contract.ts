/**
 * The one contract every job follows: the same dependencies, the same result envelope, the same
 * start and end. A job reads collect → decide (pure, in domain/) → act → render → publish, and
 * only the middle differs from job to job.
 */
import { requireStateTable, requireTopicArn, type CommonConfig, type JobName } from '../config.ts';
import { describeFailure, PublishFailedError } from '../errors.ts';
import type { MetricPoint, MetricsSink } from '../aws/metrics.ts';
import type { Notifier } from '../aws/sns.ts';
import type { BotState } from '../aws/bot-state.ts';
import { subjectLine, type RenderedReport } from '../report/sns-message.ts';
import { fitSms } from '../report/gsm7.ts';
import { NO_DEADLINE, type Deadline } from '../util/deadline.ts';
import type { PriceListReader, WantedPrice } from '../aws/price-list.ts';
import { createPriceBook, type PriceBook, type PriceOverrides } from '../domain/prices.ts';
import type { RunLogger } from '../util/logger.ts';
import type { SavingsAction } from '../domain/savings.ts';
import { roundCents } from '../domain/units.ts';

interface JobDeps<C extends CommonConfig> {
  readonly config: C;
  readonly clock: () => Date;
  readonly logger: RunLogger;
  readonly metrics: MetricsSink;
  /** Publishes to the job's topic (and the central one); never called in a dry run. */
  readonly notifier: Notifier;
  /** This invocation's deadline (from the Lambda context); none in tests and the CLI. */
  readonly deadline?: Deadline | undefined;
  /** Today's prices from the AWS Price List; without it (a replay, a test) the embedded table prices. */
  readonly priceList?: PriceListReader | undefined;
}

/**
 * The run's price book: the Price List for exactly what the run prices, overrides on top, the
 * embedded table where the list did not answer. Never fails: an unreadable list is named in the
 * book's source line, and the run goes on with the table.
 */
async function pricesFor(
  deps: Pick<JobDeps<CommonConfig>, 'priceList' | 'deadline'>,
  overrides: PriceOverrides,
  wanted: readonly WantedPrice[],
): Promise<PriceBook> {
  const listed = deps.priceList && wanted.length > 0 ? await deps.priceList.read(wanted, deps.deadline ?? NO_DEADLINE) : undefined;
  return createPriceBook(overrides, listed);
}

interface JobResult<J extends JobName> {
  readonly job: J;
  readonly dryRun: boolean;
  /** True exactly when SNS took the report (it answered with `messageId`). */
  readonly published: boolean;
  readonly messageId?: string | undefined;
  /** The texts this run rendered: what was published, or in a dry run what would have been. Null when there is nothing to say. */
  readonly report: RenderedReport | null;
}

/**
 * What one action saved, for the savings ledger: the `Savings` metric (USD) by `Action` (the
 * month's totals read it by this fixed identity, for as long as CloudWatch keeps it, 15 months) and
 * by `Action`, `Region` and `Resource` (the month's top actions). The sink adds `Job`.
 */
function savingsPoints(action: SavingsAction, region: string, resource: string, saved: number): MetricPoint[] {
  if (!(saved > 0)) return [];
  const value = roundCents(saved);
  return [
    { name: 'Savings', value, unit: 'None', dimensions: { Action: action } },
    { name: 'Savings', value, unit: 'None', dimensions: { Action: action, Region: region, Resource: resource } },
  ];
}

/**
 * Whether this run may change anything: not in a dry run (which also publishes nothing), not in
 * report-only mode (which publishes what it would have done).
 */
function changesNothing(config: CommonConfig, dryRun: boolean): boolean {
  return dryRun || config.reportOnly === true;
}

/** What a report-only run's texts say first, so nobody reads them as done. */
const REPORT_ONLY_LINE = 'REPORT-ONLY MODE: nothing was changed and no saving was booked; this is what the bot would have done (REPORT_ONLY=true).';

/** What a dry run's texts say first: the same words in every job's subject, text and email. */
const DRY_RUN_LINE = 'DRY RUN: nothing was changed, sent or booked; this is what a real run would do.';

function asDryRun(report: RenderedReport): RenderedReport {
  return {
    ...report,
    subject: subjectLine(`DRY RUN ${report.subject}`),
    email: `${DRY_RUN_LINE}\n\n${report.email}`,
    sms: fitSms([`DRY RUN ${report.sms}`, report.sms]),
  };
}

function asReportOnly(report: RenderedReport): RenderedReport {
  return {
    ...report,
    subject: subjectLine(`REPORT-ONLY ${report.subject}`),
    email: `${REPORT_ONLY_LINE}\n\n${report.email}`,
    sms: fitSms([`REPORT-ONLY ${report.sms}`, report.sms]),
  };
}

/** Before any AWS call: a real run must have somewhere to publish, and a job that keeps state a key to sign it with. */
function startRun(config: CommonConfig, dryRun: boolean, options: { readonly keepsState?: boolean } = {}): void {
  if (dryRun) return;
  requireTopicArn(config);
  if (options.keepsState) requireStateTable(config);
}

interface RunEnding<J extends JobName> {
  readonly job: J;
  readonly dryRun: boolean;
  readonly report: RenderedReport | null;
  /** Whether the report is worth a message (a quiet run publishes nothing); default: whenever there is one. */
  readonly worthSending?: boolean;
  /** The run's figures for the dashboard and alarms; a dry run emits none. */
  readonly metrics?: { readonly points: readonly MetricPoint[]; readonly at: Date } | undefined;
  /** The run's outcome, logged before anything is published. */
  readonly outcome: Readonly<Record<string, unknown>>;
  /** The run's own failure, raised after the report is out. */
  readonly runFailure?: Error | undefined;
  /** A report-only run: its texts say so first, and it books no saving. */
  readonly reportOnly?: boolean | undefined;
  /** The run's state: a run that may write ends the one-time import, and the report carries its notes. */
  readonly state?: BotState | undefined;
}

/**
 * The points with each per-resource saving booked in the state table's ledger first: one that was
 * booked already (this resource, this day) is dropped with its share of the action's total, so the
 * dashboard and the savings report count it once. One that cannot be booked is not counted.
 */
async function bookedOnly(points: readonly MetricPoint[], state: BotState, at: Date, notes: string[]): Promise<MetricPoint[]> {
  const kept = [...points];
  const day = at.toISOString().slice(0, 10);
  for (const point of points) {
    const { Action: action, Region: region, Resource: resource } = point.dimensions;
    if (point.name !== 'Savings' || !action || !region || !resource) continue;
    let booked: boolean;
    try {
      booked = await state.bookSaving({ day, action, region, resource, amount: point.value, correction: point.correction });
    } catch (error) {
      booked = false;
      notes.push(`${resource} (${region}): its saving of ${point.value.toFixed(2)} could not be booked (${describeFailure(error)}); not counted`);
    }
    if (booked) continue;
    kept.splice(kept.indexOf(point), 1);
    const total = kept.findIndex(
      (other) => other.name === 'Savings' && other.dimensions.Resource === undefined && other.dimensions.Action === action && other.value === point.value,
    );
    if (total >= 0) kept.splice(total, 1);
  }
  return kept;
}

/** The state's notes (mirrors not written, state found on tags) as the report's last section. */
function withStateNotes(report: RenderedReport | null, notes: readonly string[]): RenderedReport | null {
  if (!report || notes.length === 0) return report;
  return { ...report, email: `${report.email}\n\nSTATE TABLE\n${notes.map((note) => `  ${note}`).join('\n')}` };
}

/**
 * How every job ends: figures out, outcome logged, report published, and only then a failure
 * raised. A Publish that fails (throttled past the SDK's retries, denied) is logged and raised
 * after the run's own error, which it never replaces: a run that could read no region fails with
 * that reason, not with SNS's.
 */
async function finishRun<J extends JobName>(deps: Pick<JobDeps<CommonConfig>, 'logger' | 'metrics' | 'notifier'>, ending: RunEnding<J>): Promise<JobResult<J>> {
  const { logger } = deps;
  const stateNotes: string[] = [];
  const unbooked = ending.reportOnly ? ending.metrics?.points.filter((point) => point.name !== 'Savings') : ending.metrics?.points;
  const points =
    ending.state && ending.metrics && unbooked && !ending.dryRun ? await bookedOnly(unbooked, ending.state, ending.metrics.at, stateNotes) : unbooked;
  if (!ending.dryRun && ending.metrics && points) deps.metrics.emit(points, ending.metrics.at);
  if (ending.state && !ending.dryRun && !ending.reportOnly) {
    try {
      await ending.state.closeLegacyImport();
    } catch (error) {
      logger.error('Ending the one-time import of signed tags failed', { reason: describeFailure(error) });
      stateNotes.push(`the one-time import of the previous version's state could not be finished (${describeFailure(error)}); the next run tries again`);
    }
  }
  stateNotes.push(...(ending.state?.notes() ?? []));
  const rendered = withStateNotes(ending.report, stateNotes);
  // One label for every job, put on here so that no renderer can forget it.
  const report = !rendered ? rendered : ending.dryRun ? asDryRun(rendered) : ending.reportOnly ? asReportOnly(rendered) : rendered;
  logger.info('Run finished', { job: ending.job, dryRun: ending.dryRun, ...ending.outcome });
  let publishFailure: PublishFailedError | undefined;
  let messageId: string | undefined;
  if (!ending.dryRun && report && (ending.worthSending ?? true)) {
    try {
      ({ messageId } = await deps.notifier.publish(report));
      logger.info('Report published', { messageId });
    } catch (error) {
      publishFailure = new PublishFailedError(`Publishing the report failed: ${describeFailure(error)}`, { cause: error });
      logger.error('Publishing the report failed', { reason: describeFailure(error) });
    }
  }
  if (ending.runFailure) throw ending.runFailure;
  if (publishFailure) throw publishFailure;
  return { job: ending.job, dryRun: ending.dryRun, published: messageId !== undefined, messageId, report };
}

export { startRun, finishRun, savingsPoints, changesNothing, pricesFor };
export type { JobDeps, JobResult, RunEnding };
