/**
 * Renders the idle-endpoint plan as the admin reads it: a subject that says the point, an email
 * that says what each endpoint costs and what to do about it, and an SMS that stands alone.
 */
import type { IdleActionDecision, IdleActionOutcome } from '../domain/idle-actions.ts';
import type { IdleEndpoint, IdleEndpointsPlan, Suggestion, UncheckedEndpoint } from '../domain/idle-endpoints.ts';
import { duration, plural, usd, usdRate, usdShort, utcMinute } from './format.ts';
import { fitSms } from './gsm7.ts';
import { fitToMessageLimit, subjectLine, type RenderedReport } from './sns-message.ts';
import type { RightsizingReport } from '../domain/rightsizing.ts';
import { rightsizingLines } from './rightsizing.ts';

const SUGGESTIONS: Readonly<Record<Suggestion, string>> = {
  'scale-inference-components-to-zero':
    'Scale its inference components to 0 copies and its MinInstanceCount to 0 (tag them ops-bot:weekend-scale-to-zero = true to let the bot do it on weekends).',
  'autoscale-async-to-zero':
    'It is an asynchronous endpoint: register autoscaling with MinCapacity 0 so its instances go when the queue is empty (requests wait in the queue while it scales out).',
  'remove-provisioned-concurrency':
    'Remove its serverless provisioned concurrency (or lower it): provisioned concurrency is billed by the hour whether or not it is called.',
  delete: 'Delete it: nothing called it in the whole lookback. Its model and endpoint config stay, so it can be recreated.',
  'move-to-serverless': 'Move it to serverless inference: its traffic is occasional and it runs on CPU instances.',
  'delete-or-adopt-inference-components':
    'Delete it when it is not needed, or host the model as an inference component so it can scale to 0 copies (serverless has no GPUs).',
};

/** `$340.32/day`, `$12.00/day + price unknown for ml.x`, or `price unknown (ml.x)`. */
function costText(endpoint: Pick<IdleEndpoint, 'knownCostPerDay' | 'unpricedInstanceTypes'>, format = usd): string {
  const unknown = endpoint.unpricedInstanceTypes.join(', ');
  if (endpoint.unpricedInstanceTypes.length === 0) return `${format(endpoint.knownCostPerDay)}/day`;
  if (endpoint.knownCostPerDay === 0) return `price unknown (${unknown})`;
  return `${format(endpoint.knownCostPerDay)}/day + price unknown for ${unknown}`;
}

function idleText(endpoint: IdleEndpoint, plan: IdleEndpointsPlan): string {
  if (!endpoint.noInvocationsInLookback && endpoint.lastInvocationAt) {
    return `${duration(endpoint.idleHours)} (last invocation before ${utcMinute(endpoint.lastInvocationAt)})`;
  }
  const lookbackHours = plan.lookbackDays * 24;
  return endpoint.idleHours < lookbackHours
    ? `never invoked since it was created ${duration(endpoint.idleHours)} ago`
    : `no invocations in the last ${plan.lookbackDays} days (the whole lookback)`;
}

/** What the bot did, will do or refuses to do about opted-in endpoints. */
interface IdleActions {
  readonly decisions: readonly IdleActionDecision[];
  readonly outcomes: readonly IdleActionOutcome[];
  /** Following the actions in effect: recreates under way or failed, state that does not verify. */
  readonly notes?: readonly string[] | undefined;
}

const NO_ACTIONS: IdleActions = { decisions: [], outcomes: [] };

/** The line under an opted-in endpoint: its action's date (the daily alert is the warning), result or refusal. */
function actionLine(endpoint: IdleEndpoint, actions: IdleActions): string | undefined {
  const same = (entry: { region: string; name: string }) => entry.region === endpoint.region && entry.name === endpoint.name;
  const outcome = actions.outcomes.find(same);
  if (outcome) return `   Idle action: ${outcome.action}: ${RESULT_TEXT[outcome.result]} (see ACTED ON)`;
  const decision = actions.decisions.find(same);
  if (!decision) return undefined;
  if (decision.kind === 'warn') return `   Idle action: ${decision.action} on ${utcMinute(decision.dueAt)} if it stays idle (tagged ${TAG})`;
  if (decision.kind === 'refuse') return `   Idle action: not taken: ${decision.reason}`;
  return undefined;
}

const TAG = 'ops-bot:idle-action';
const RESULT_TEXT: Readonly<Record<IdleActionOutcome['result'], string>> = {
  done: 'done',
  planned: 'due now (not done: a dry run, or report-only)',
  'already-done': 'already done',
  skipped: 'not taken',
  failed: 'FAILED',
};

function actedOnLines(outcomes: readonly IdleActionOutcome[]): string[] {
  if (outcomes.length === 0) return [];
  const lines = ['ACTED ON (tagged ops-bot:idle-action)', ''];
  for (const outcome of outcomes) {
    lines.push(`  ${outcome.name} (${outcome.region}): ${outcome.action}, ${RESULT_TEXT[outcome.result]}: ${outcome.detail}.`);
    if (outcome.error) lines.push(`    Why: ${outcome.error}`);
    if (outcome.savesPerDay !== undefined && outcome.result !== 'failed') lines.push(`    Saves: ${usd(outcome.savesPerDay)}/day`);
    if (outcome.undo && outcome.result !== 'skipped') lines.push(`    Undo: invoke the idle-endpoints function with ${outcome.undo}`);
  }
  lines.push('');
  return lines;
}

function notesLines(notes: readonly string[]): string[] {
  if (notes.length === 0) return [];
  return ['IDLE ACTIONS IN EFFECT (undo records and holds; state that does not verify is never acted on or counted)', ...notes.map((note) => `  ${note}`), ''];
}

function endpointBlock(endpoint: IdleEndpoint, position: number, plan: IdleEndpointsPlan, actions: IdleActions): string {
  const runsOn = endpoint.variants
    .map((variant) => {
      const price = variant.pricePerHour === undefined ? 'price unknown' : `${usdRate(variant.pricePerHour)}/h each`;
      const role = variant.role === 'shadow' ? 'shadow variant' : 'variant';
      return `${variant.instanceCount} x ${variant.instanceType} (${role} ${variant.variantName}, ${price})`;
    })
    .join('\n                ');
  const lines = [
    `${position}. ${endpoint.name}  (${endpoint.region})`,
    `   Runs on:     ${runsOn}`,
    `   Idle for:    ${idleText(endpoint, plan)}`,
    `   Costs:       ${costText(endpoint)}`,
  ];
  if (endpoint.inferenceComponents.length > 0) lines.push(`   Components:  ${endpoint.inferenceComponents.join(', ')}`);
  lines.push(`   Suggestion:  ${SUGGESTIONS[endpoint.suggestion]}`);
  const action = actionLine(endpoint, actions);
  if (action) lines.push(action);
  return lines.join('\n');
}

/** Failures grouped by region and reason, so one outage reads as one line, not three hundred. */
function uncheckedLines(unchecked: readonly UncheckedEndpoint[]): string[] {
  const groups = new Map<string, { region: string; reason: string; names: string[] }>();
  for (const entry of unchecked) {
    const key = `${entry.region}\u0000${entry.reason}`;
    const group = groups.get(key) ?? { region: entry.region, reason: entry.reason, names: [] };
    if (entry.name) group.names.push(entry.name);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ region, reason, names }) => {
    const shown = names.slice(0, 10).join(', ');
    const more = names.length > 10 ? ` and ${names.length - 10} more` : '';
    const what = names.length === 0 ? 'the whole region' : `${shown}${more}`;
    return `  ${region}: ${what}\n    ${reason}`;
  });
}

function regionsWithIdle(plan: IdleEndpointsPlan): string {
  const regions = [...new Set(plan.idle.map((endpoint) => endpoint.region))];
  return regions.length === 1 ? (regions[0] ?? '') : `${regions.length} regions`;
}

function unpricedCount(plan: IdleEndpointsPlan): number {
  return plan.idle.filter((endpoint) => endpoint.unpricedInstanceTypes.length > 0).length;
}

/** `$412/day`, `$412/day + 2 unpriced`, or, when no price is known at all, `an unknown amount`. */
function totalText(plan: IdleEndpointsPlan, format: (amount: number) => string): string {
  const unpriced = unpricedCount(plan);
  if (unpriced === plan.idle.length) return 'an unknown amount (price unknown)';
  return unpriced > 0 ? `${format(plan.totalKnownCostPerDay)}/day + ${unpriced} unpriced` : `${format(plan.totalKnownCostPerDay)}/day`;
}

/**
 * The headline's money: the known daily and monthly total first, and an endpoint without a price
 * said after it in words, so that nobody reads the month as what the unpriced one costs.
 */
function headlineCost(plan: IdleEndpointsPlan): string {
  const unpriced = unpricedCount(plan);
  if (unpriced === plan.idle.length) return 'an unknown amount (no price known for their instances)';
  const known = `${usd(plan.totalKnownCostPerDay)}/day (${usd(plan.totalKnownCostPerDay * 30)} a month)`;
  return unpriced > 0 ? `${known}, plus ${plural(unpriced, 'endpoint')} whose price is unknown` : known;
}

function renderEmail(plan: IdleEndpointsPlan, actions: IdleActions, shown: number, rightsizing?: RightsizingReport): string {
  const { idle, counts } = plan;
  const headline =
    idle.length === 0
      ? 'No idle SageMaker endpoints.'
      : `${plural(idle.length, 'idle SageMaker endpoint')} ${idle.length === 1 ? 'is' : 'are'} costing about ${headlineCost(plan)}.`;
  const lines: string[] = [
    headline,
    `Idle means no invocations for ${plan.idleHours} h or more. Checked ${utcMinute(plan.evaluatedAt)} in ${plan.regions.join(', ')}.`,
    '',
    ...actedOnLines(actions.outcomes),
    ...notesLines(actions.notes ?? []),
    ...(idle.length > 0 ? ['IDLE ENDPOINTS, MOST EXPENSIVE FIRST', ''] : []),
  ];
  idle.slice(0, shown).forEach((endpoint, index) => lines.push(endpointBlock(endpoint, index + 1, plan, actions), ''));
  if (shown < idle.length) {
    lines.push(`...and ${idle.length - shown} more (the message would exceed SNS's size limit; run a dry run for the full list).`, '');
  }
  lines.push(...rightsizingLines(rightsizing));
  if (plan.unchecked.length > 0) {
    lines.push('COULD NOT BE CHECKED (counted neither idle nor busy)', ...uncheckedLines(plan.unchecked), '');
  }
  const free = plan.idleWithoutCost.map((endpoint) => `${endpoint.name} (${endpoint.why === 'serverless' ? 'serverless' : '0 instances'})`);
  lines.push(
    'NOT ACTIONABLE',
    `  ${counts.busy} busy, ${counts.young} younger than ${plan.idleHours} h, ${counts.skipped} skipped (tagged ops-bot:skip = true).`,
  );
  if (free.length > 0) lines.push(`  Idle but costing nothing: ${free.join(', ')}.`);
  lines.push(
    '',
    'HOW THIS WAS WORKED OUT',
    '  Invocations: CloudWatch AWS/SageMaker Invocations (Sum), every production variant and every inference component,',
    `  hourly over the last ${plan.lookbackDays} days. Serverless variants and variants at 0 instances cost nothing while idle.`,
    '  Cost: on-demand instance price x current instance count x 24 h; storage and data transfer are not included.',
    `  Prices: ${plan.priceSource}.`,
  );
  return lines.join('\n');
}

/** `2 acted on`, `0 acted on, 1 FAILED`, or undefined when nothing was acted on. */
function actionCount(actions: IdleActions): string | undefined {
  const done = actions.outcomes.filter((outcome) => outcome.result === 'done').length;
  const failed = actions.outcomes.filter((outcome) => outcome.result === 'failed').length;
  if (done === 0 && failed === 0) return undefined;
  return `${done} acted on${failed > 0 ? `, ${failed} FAILED` : ''}`;
}

/** ` Under-used: $120/day could be saved.`, or nothing. */
function underUsedText(rightsizing: RightsizingReport | undefined): string {
  return rightsizing && rightsizing.suggestions.length > 0 ? ` Under-used: ${usdShort(rightsizing.totalSavingPerDay)}/day could be saved.` : '';
}

/** `2 endpoints and 1 region`: what could not be checked, endpoints by name and whole regions. */
function uncheckedText(plan: IdleEndpointsPlan): string {
  const endpoints = plan.unchecked.filter((entry) => entry.name !== undefined).length;
  const regions = plan.unchecked.length - endpoints;
  return [...(endpoints > 0 ? [plural(endpoints, 'endpoint')] : []), ...(regions > 0 ? [plural(regions, 'region')] : [])].join(' and ');
}

function renderSms(plan: IdleEndpointsPlan, actions: IdleActions, rightsizing?: RightsizingReport): string {
  const underUsed = underUsedText(rightsizing);
  const unchecked = plan.unchecked.length > 0 ? ` ${uncheckedText(plan)} could not be checked.` : '';
  if (plan.idle.length === 0 && unchecked) {
    return fitSms([
      `SageMaker: no idle endpoints found.${unchecked}${underUsed} Details by email.`,
      `SageMaker: no idle endpoints found.${unchecked} Details by email.`,
    ]);
  }
  if (plan.idle.length === 0) return fitSms([`SageMaker: no idle endpoints.${underUsed} Details by email.`, `SageMaker: no idle endpoints.${underUsed}`]);
  const count = plural(plan.idle.length, 'idle endpoint');
  const top = plan.idle[0];
  const acted = actionCount(actions);
  const head = `SageMaker: ${count} waste ${totalText(plan, usdShort)} (${regionsWithIdle(plan)}).${acted ? ` ${acted}.` : ''}`;
  // The suggested saving only where there is room: the idle waste is the point of the text.
  const candidates = [
    ...(top && underUsed ? [`${head} Top: ${top.name} ${costText(top, usdShort)}.${underUsed}`] : []),
    top ? `${head} Top: ${top.name} ${costText(top, usdShort)}. Details by email.` : head,
    `${head} Details by email.`,
    head,
  ];
  return fitSms(candidates);
}

/** Undefined when nothing is idle, nothing is under-used and everything was checked: such a run sends nothing. */
function renderIdleEndpointsReport(plan: IdleEndpointsPlan, actions: IdleActions = NO_ACTIONS, rightsizing?: RightsizingReport): RenderedReport | undefined {
  const suggestions = rightsizing?.suggestions.length ?? 0;
  // Fewer copies and rarely called variants come without a saving counted: named, never summed.
  const unpriced = (rightsizing?.fewerCopies.length ?? 0) + (rightsizing?.rarelyCalled.length ?? 0);
  // What could not be checked is said even on a day with nothing else: silence would read as "all checked".
  const unchecked = plan.unchecked.length;
  if (plan.idle.length === 0 && (actions.notes ?? []).length === 0 && suggestions === 0 && unpriced === 0 && unchecked === 0) return undefined;
  const acted = actionCount(actions);
  const subject =
    plan.idle.length === 0 && suggestions > 0
      ? subjectLine(
          `SageMaker: no idle endpoints; ${plural(suggestions, 'under-used endpoint variant')} could save ${usdShort(rightsizing?.totalSavingPerDay ?? 0)}/day`,
        )
      : plan.idle.length === 0 && unpriced > 0
        ? subjectLine(`SageMaker: no idle endpoints; ${plural(unpriced, 'rightsizing suggestion')}`)
        : plan.idle.length === 0 && unchecked > 0
          ? subjectLine(`SageMaker: no idle endpoints found; ${uncheckedText(plan)} could not be checked`)
          : subjectLine(
              `SageMaker: ${plural(plan.idle.length, 'idle endpoint')} wasting ${totalText(plan, usdShort)} (${regionsWithIdle(plan)})${acted ? `, ${acted}` : ''}`,
            );
  const sms = renderSms(plan, actions, rightsizing);
  return fitToMessageLimit(plan.idle.length, (shown) => ({ subject, email: renderEmail(plan, actions, shown, rightsizing), sms }));
}

/** The report of an undo asked for by event: what came back, or why not. */
function renderIdleActionUndo(outcome: IdleActionOutcome): RenderedReport {
  const verb = outcome.action === 'recreate' ? 'recreated' : 'restored';
  const state =
    outcome.result === 'failed'
      ? `NOT ${verb}`
      : outcome.result === 'done'
        ? verb
        : outcome.result === 'planned'
          ? `would be ${verb}`
          : RESULT_TEXT[outcome.result];
  const subject = subjectLine(`SageMaker: endpoint ${outcome.name} ${state} (${outcome.region})`);
  const email = [
    `Endpoint ${outcome.name} (${outcome.region}), ${outcome.action} asked for: ${state}.`,
    '',
    `  ${outcome.detail}.`,
    ...(outcome.error ? [`  Why: ${outcome.error}`, '  Nothing was lost: what is needed to try again is still saved.'] : []),
  ].join('\n');
  const sms = fitSms([`SageMaker: ${outcome.name} ${state} (${outcome.region}).`, `SageMaker: endpoint ${state}.`]);
  return { subject, email, sms };
}

export { renderIdleEndpointsReport, renderIdleActionUndo };
export type { IdleActions };
