/**
 * Renders a weekend-scaling run: every component with its before/after copies, what failed and
 * will be retried, which endpoints really stop costing, and the estimated savings.
 */
import { totalSavings, type ComponentOutcome, type EndpointWeekendCost } from '../domain/weekend-scaling.ts';
import { describeRunFailure, type RunFailure } from '../domain/failures.ts';
import { describeFound } from '../domain/state.ts';
import { plural, usd, usdShort, utcMinute } from './format.ts';
import { fitSms } from './gsm7.ts';
import { fitToMessageLimit, subjectLine, type RenderedReport } from './sns-message.ts';

interface WeekendReportInput {
  readonly action: 'scale-down' | 'restore';
  /** A dry or report-only run: nothing was done, and the texts say what would be ("would scale"). */
  readonly changesNothing: boolean;
  readonly evaluatedAt: string;
  readonly timezone: string;
  readonly scopeText: string;
  /** Local date-time of the restore that undoes this scale-down, and how it is triggered. */
  readonly restore?: { readonly at: string; readonly how: string };
  readonly deferred?: { readonly holiday: string; readonly to: string; readonly how: string };
  readonly outcomes: readonly ComponentOutcome[];
  readonly endpoints: readonly EndpointWeekendCost[];
  readonly failures: readonly RunFailure[];
  /** What the admin should know that is not a failure (saved state older than expected). */
  readonly notes?: readonly string[];
  readonly priceSource: string;
}

const ACTED: ReadonlySet<string> = new Set(['scale-down', 'finish-scale-down', 'restore', 'already-restored']);

const RESULT_TEXT: Readonly<Record<string, string>> = {
  'scale-down': 'scaled down; count saved on the component',
  'finish-scale-down': 'finished an earlier scale-down',
  'already-down': 'already scaled down by the bot',
  restore: 'restored to its saved count',
  'already-restored': 'was back already; saved state cleared',
  'restore-later': 'left scaled down for its ad hoc restore',
  'stale-state': 'left as its owner set it',
  'invalid-state': 'not touched: saved state unreadable',
  'unverified-state': 'not touched: its state does not verify',
  deferred: 'not touched: its state could not be verified now',
  'out-of-scope': 'not touched: no longer opted in',
  skipped: 'not touched: tagged ops-bot:skip',
};

/** The event that restores one component by name, from the bot's own state. */
function componentRestoreEvent(outcome: Pick<ComponentOutcome, 'name' | 'region'>): string {
  return JSON.stringify({ action: 'restore', component: outcome.name, region: outcome.region });
}

function outcomeText(outcome: ComponentOutcome): string {
  if (outcome.result === 'failed') return `FAILED at ${outcome.failedStep}: ${outcome.error}`;
  const base = RESULT_TEXT[outcome.disposition] ?? outcome.disposition;
  const prefix = outcome.result === 'planned' && ACTED.has(outcome.disposition) ? 'would be ' : '';
  return `${prefix}${base}${outcome.detail ? ` (${outcome.detail})` : ''}`;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')}`.trimEnd());
}

function renderEmail(input: WeekendReportInput, shown: number): string {
  const verb = input.action === 'scale-down' ? 'scale-down' : 'restore';
  const lines = [
    `Weekend ${verb}${input.changesNothing ? ' (what would be done)' : ''}, ${utcMinute(input.evaluatedAt)} (schedules read in ${input.timezone}).`,
    `Scope: ${input.scopeText}.`,
  ];
  if (input.restore) lines.push(`Restore: ${input.restore.at.replace('T', ' ')} ${input.timezone} (${input.restore.how}).`);
  if (input.deferred) {
    lines.push(
      '',
      `${input.deferred.holiday} is a configured holiday: nothing was restored today.`,
      `The restore moves to ${input.deferred.to.replace('T', ' ')} ${input.timezone} (${input.deferred.how}).`,
    );
    return lines.join('\n');
  }

  const listed = input.outcomes.filter(
    (outcome) =>
      (outcome.disposition !== 'out-of-scope' || outcome.saved !== undefined) && outcome.disposition !== 'nothing-saved' && outcome.disposition !== 'at-zero',
  );
  lines.push('', 'COMPONENTS');
  if (listed.length === 0) lines.push('  nothing to do');
  else {
    const rows = listed
      .slice(0, shown)
      .map((outcome) => [outcome.name, `${outcome.endpointName} (${outcome.region})`, `${outcome.copiesBefore} -> ${outcome.copiesNow}`, outcomeText(outcome)]);
    lines.push(...table([['component', 'endpoint', 'copies', 'result'], ...rows]));
    if (shown < listed.length) lines.push(`  ...and ${listed.length - shown} more (run a dry run for the full list)`);
  }
  const failed = input.outcomes.filter((outcome) => outcome.result === 'failed');
  if (failed.length > 0 || input.failures.length > 0) {
    lines.push('', 'FAILURES (retried within this run first; saved counts are kept, and the WeekendFailures alarm fires)');
    for (const outcome of failed) lines.push(`  ${outcome.name} (${outcome.region}): ${outcome.failedStep} failed: ${outcome.error}`);
    for (const failure of input.failures) lines.push(`  ${describeRunFailure(failure)}`);
    lines.push(`  To retry now, invoke the weekend-scaling function with {"action": "${input.action}"} (docs/undo.md, "Re-running a weekend run by hand").`);
  }
  if (input.endpoints.length > 0) {
    lines.push('', 'ENDPOINTS');
    for (const endpoint of input.endpoints) {
      const instances =
        endpoint.instanceTypes.length > 0 ? `${endpoint.instances} x ${endpoint.instanceTypes.join(', ')}` : plural(endpoint.instances, 'instance');
      const money =
        endpoint.estimatedSavings !== undefined
          ? `, est. ${usd(endpoint.estimatedSavings)} saved until the restore`
          : endpoint.instanceCostStops
            ? ', price unknown'
            : '';
      lines.push(
        `  ${endpoint.name} (${endpoint.region}): ${endpoint.instanceCostStops ? 'instance cost stops' : 'instance cost continues'}: ${instances}${money}`,
      );
      lines.push(`    ${endpoint.why}`);
    }
  }
  const unverified = input.outcomes.filter((outcome) => outcome.unverified !== undefined);
  if (unverified.length > 0) {
    lines.push('', 'STATE THE BOT DOES NOT ACT ON (left as it is; the StateRejected alarm fires)');
    for (const outcome of unverified) {
      lines.push(`  ${outcome.name} (${outcome.region}): ${outcome.unverified?.reason ?? 'not in the state table'}: left as it is`);
      lines.push(`    found: ${describeFound(outcome.unverified?.found ?? {})}`);
      lines.push('    the bot acts only on its own state table; if these are the copies that should run, set them by hand');
    }
  }
  const unscoped = input.outcomes.filter((outcome) => outcome.disposition === 'out-of-scope' && outcome.saved !== undefined);
  for (const outcome of unscoped) {
    if (input.action === 'restore') lines.push('', `${outcome.name} (${outcome.region}): to restore it anyway, invoke with ${componentRestoreEvent(outcome)}`);
  }
  const atZero = input.outcomes.filter((outcome) => outcome.disposition === 'at-zero').map((outcome) => outcome.name);
  const outOfScope = input.outcomes.filter((outcome) => outcome.disposition === 'out-of-scope' && outcome.saved === undefined).length;
  if (atZero.length > 0 || outOfScope > 0) {
    lines.push('', 'LEFT ALONE');
    if (atZero.length > 0) lines.push(`  already at 0 copies with nothing saved: ${atZero.join(', ')}`);
    if (outOfScope > 0) lines.push(`  ${plural(outOfScope, 'component')} not opted in`);
  }
  if ((input.notes ?? []).length > 0) {
    lines.push('', 'NOTES');
    for (const note of input.notes ?? []) lines.push(`  ${note}`);
  }
  if (input.endpoints.length > 0) {
    lines.push('', `Savings: instance count x on-demand price x hours until the restore; prices: ${input.priceSource}.`);
  }
  return lines.join('\n');
}

function renderWeekendReport(input: WeekendReportInput): RenderedReport {
  const changed = input.outcomes.filter((outcome) => ACTED.has(outcome.disposition) && outcome.result !== 'failed').length;
  const failed = input.outcomes.filter((outcome) => outcome.result === 'failed').length + input.failures.length;
  const savings = totalSavings(input.endpoints);
  const stopping = input.endpoints.filter((endpoint) => endpoint.instanceCostStops).length;
  const failedText = failed > 0 ? `, ${failed} failed` : '';

  let subject: string;
  let sms: string;
  if (input.deferred) {
    subject = `SageMaker weekend restore deferred to ${input.deferred.to.slice(0, 16).replace('T', ' ')} (holiday)`;
    sms = `SageMaker: ${input.deferred.holiday} is a holiday; weekend restore moved to ${input.deferred.to.slice(0, 16).replace('T', ' ')} ${input.timezone}.`;
  } else if (input.action === 'scale-down') {
    // Nothing done yet (a dry or report-only run) is never written in the past tense.
    const would = input.changesNothing ? 'would scale ' : '';
    const money = savings > 0 ? (input.changesNothing ? `, saving est. ${usdShort(savings)}` : `, est. ${usdShort(savings)} saved`) : '';
    const stops = `${plural(stopping, 'endpoint')} ${input.changesNothing ? 'would stop' : stopping === 1 ? 'stops' : 'stop'} billing for instances`;
    subject = `SageMaker weekend scale-down: ${would}${plural(changed, 'component')} to 0 copies${money}${failedText}`;
    sms = `SageMaker weekend: ${would}${plural(changed, 'component')} to 0, ${stops}${money}${failedText}.`;
  } else {
    const back = input.changesNothing ? 'would be back' : 'back';
    subject = `SageMaker weekend restore: ${plural(changed, 'component')} ${back} to saved copies${failedText}`;
    sms = `SageMaker weekend restore: ${plural(changed, 'component')} ${back} to their saved copies${failedText}.`;
  }
  const smsText = fitSms([`${sms}${failed > 0 ? ' Re-run the restore by hand: see the email.' : ''}`, sms]);
  return fitToMessageLimit(input.outcomes.length, (shown) => ({ subject: subjectLine(subject), email: renderEmail(input, shown), sms: smsText }));
}

export { renderWeekendReport, componentRestoreEvent };
export type { WeekendReportInput };
