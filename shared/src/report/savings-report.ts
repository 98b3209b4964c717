/**
 * Renders the month's savings ledger: the total and the change against the month before, the split
 * by job, the top actions with their resource, and how each figure was obtained. The SMS is one
 * line; chat gets the same in markdown.
 */
import { atPlanRate, monthBill, shareOfBill, type SageMakerBill } from '../domain/bill.ts';
import { describeRunFailure, type RunFailure } from '../domain/failures.ts';
import { SAVINGS_ACTIONS, type Ledger } from '../domain/savings.ts';
import { roundCents } from '../domain/units.ts';
import { usd, usdShort, utcMinute } from './format.ts';
import { fitSms } from './gsm7.ts';
import { subjectLine, type RenderedReport } from './sns-message.ts';

interface SavingsContext {
  readonly previousMonth: string;
  readonly evaluatedAt: string;
  readonly failures: readonly RunFailure[];
  readonly notebookPrices: string;
  /** The month's SageMaker bill (Cost Explorer), when it was read. */
  readonly bill?: SageMakerBill | undefined;
}

/**
 * What share of the month's SageMaker usage the savings are (both on-demand: like with like), what
 * they come to at the rate a Savings Plan makes the account pay, or why that is not known.
 */
function billText(ledger: Ledger, bill: SageMakerBill | undefined, evaluatedAt: string): string[] {
  if (!bill) return [];
  // A month that has ended has a whole bill (maybe still Estimated); only the current one is "so far".
  const sofar = evaluatedAt.slice(0, 7) <= ledger.month ? ' so far' : '';
  if (bill.status === 'unavailable') return [`The month's SageMaker bill was not checked: ${bill.reason}.`];
  const month = monthBill(bill);
  if (!month) return [`Cost Explorer shows no SageMaker bill for ${ledger.month} yet.`];
  const share = shareOfBill(ledger.total, month);
  const lines = [
    `That is ${share.percent}% of the month's SageMaker usage${sofar} (${usd(share.billed)} at on-demand rates in Cost Explorer${share.estimated ? ', still Estimated' : ''}).`,
  ];
  if (month.plan && ledger.total > 0) {
    lines.push(
      `A Savings Plan covered ${Math.round(month.plan.share * 100)}% of that usage, at ${Math.round(month.plan.rate * 100)}% of on-demand: the savings are ${usd(ledger.total)} at on-demand, about ${usd(atPlanRate(ledger.total, month))} at your Savings Plan rate (and nothing while usage stays under the plan's commitment).`,
    );
  }
  return lines;
}

/** `+$200.00 (+19%)` or `-$5.00 (-2%)` against the month before; undefined when it saved nothing. */
function change(ledger: Ledger, format: (amount: number) => string): string | undefined {
  if (ledger.previousTotal === 0) return undefined;
  const delta = Math.round((ledger.total - ledger.previousTotal) * 100) / 100;
  const sign = delta >= 0 ? '+' : '-';
  return `${sign}${format(Math.abs(delta))} (${sign}${Math.round((Math.abs(delta) / ledger.previousTotal) * 100)}%)`;
}

/** `: +$381.97 (+445%) against 2026-10 ($85.89)`, or `; nothing was saved in 2026-09`. */
function against(ledger: Ledger, previousMonth: string, format: (amount: number) => string): string {
  const delta = change(ledger, format);
  return delta ? `: ${delta} against ${previousMonth} (${format(ledger.previousTotal)})` : `; nothing was saved in ${previousMonth}`;
}

const HOW_OBTAINED = [
  'Weekend scale-downs (estimated, then measured where per-instance metrics exist): instances released x on-demand price x hours until the scheduled restore, recorded at the scale-down, only for endpoints whose instance cost really stopped (every component at 0 and managed instance scaling down to 0 instances); at the restore, an endpoint that publishes per-instance metrics has its figure corrected to the instance-hours that really stopped.',
  "Notebook stops (measured): instance price x hours from the bot's stop (its record in the state table) until the notebook was started again (its status and LastModifiedTime), or until the month's end while it stays stopped.",
  "Idle actions (measured): the endpoint's cost per day when the bot deleted it or scaled it to 0 (its record in the state table), counted each day the action held.",
  'After an alert (measured; the owner acted, not the bot): the cost per day the idle alert reported, counted each day the endpoint stayed deleted or at 0 instances.',
];

function renderEmail(ledger: Ledger, context: SavingsContext): string {
  const lines = [
    `The SageMaker ops bot saved ${usd(ledger.total)} in ${ledger.month}${against(ledger, context.previousMonth, usd)}.`,
    ...billText(ledger, context.bill, context.evaluatedAt),
    `Worked out ${utcMinute(context.evaluatedAt)}.`,
    '',
    'BY JOB',
    ...(ledger.byJob.length > 0 ? ledger.byJob.map(({ job, saved }) => `  ${job.padEnd(18)} ${usd(saved).padStart(12)}`) : ['  nothing saved this month']),
    '',
    'BY ACTION',
    ...ledger.byAction.map(({ action, saved, basis }) => `  ${SAVINGS_ACTIONS[action].what.padEnd(56)} ${usd(saved).padStart(12)}  ${basis}`),
    '',
    'TOP ACTIONS',
    ...(ledger.top.length > 0
      ? ledger.top.map(
          (entry, index) =>
            `  ${String(index + 1).padStart(2)}. ${entry.resource} (${entry.region}): ${SAVINGS_ACTIONS[entry.action].what}: ${usd(entry.saved)}, ${entry.basis} (${entry.how})`,
        )
      : ['  none this month']),
    '',
  ];
  if (context.failures.length > 0) lines.push('COULD NOT BE READ', ...context.failures.map((failure) => `  ${describeRunFailure(failure)}`), '');
  // CloudWatch lists only series that reported in the last two weeks: older actions are in the
  // totals (read by fixed identity) but cannot be named one by one.
  const unnamed = roundCents(ledger.total - ledger.top.reduce((sum, entry) => sum + entry.saved, 0));
  const notes = [
    ...ledger.notes,
    ...(unnamed > 0 && ledger.top.length < 10
      ? [
          `${usd(unnamed)} of the total is not in the top actions: it was saved by actions whose records CloudWatch no longer lists one by one (it lists series that reported in the last two weeks).`,
        ]
      : []),
  ];
  if (notes.length > 0) lines.push('NOTES', ...notes.map((note) => `  ${note}`), '');
  lines.push('HOW EACH FIGURE IS OBTAINED', ...HOW_OBTAINED.map((how) => `  ${how}`), `  Notebook prices: ${context.notebookPrices}.`);
  return lines.join('\n');
}

function renderChat(ledger: Ledger, context: SavingsContext): string {
  return [
    `*Saved ${usd(ledger.total)} in ${ledger.month}*${against(ledger, context.previousMonth, usd)}`,
    '',
    ...ledger.byJob.map(({ job, saved }) => `• ${job}: ${usd(saved)}`),
    '',
    ...ledger.top
      .slice(0, 5)
      .map(
        (entry, index) => `${index + 1}. \`${entry.resource}\` (${entry.region}) ${SAVINGS_ACTIONS[entry.action].what}: ${usd(entry.saved)} _${entry.basis}_`,
      ),
  ].join('\n');
}

function renderSavingsReport(ledger: Ledger, context: SavingsContext): RenderedReport {
  const delta = change(ledger, usdShort);
  const subject = subjectLine(`SageMaker ops bot saved ${usdShort(ledger.total)} in ${ledger.month}${delta ? `, ${delta}` : ''}`);
  const sms = fitSms([
    `SageMaker ops bot saved ${usdShort(ledger.total)} in ${ledger.month}${delta ? `, ${delta} vs ${context.previousMonth}` : ''}.`,
    `SageMaker ops bot saved ${usdShort(ledger.total)} in ${ledger.month}.`,
  ]);
  return { subject, email: renderEmail(ledger, context), sms, chat: renderChat(ledger, context) };
}

export { renderSavingsReport };
export type { SavingsContext };
