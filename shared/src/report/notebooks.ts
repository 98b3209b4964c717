/**
 * Renders the notebook runs: what was stopped (with idle time, instance type and the cost per
 * day it saves), what could not be read and why, and the daily Studio audit.
 */
import type { IdleCoverage, StudioAudit } from '../domain/studio.ts';
import type { NotebookOutcome } from '../domain/notebooks.ts';
import { describeRunFailure, type RunFailure } from '../domain/failures.ts';
import { plural, usd, usdShort } from './format.ts';
import { fitSms } from './gsm7.ts';
import { fitToMessageLimit, subjectLine, type RenderedReport } from './sns-message.ts';

const LEVEL_TEXT: Readonly<Record<IdleCoverage['level'], string>> = {
  domain: 'domain default for user profiles',
  'domain-spaces': 'domain default for spaces',
  'user-profile': 'user profile',
  space: 'space',
};

interface NotebookReportInput {
  readonly action: string;
  /** A dry or report-only run: what it lists would be done, and its texts say so ("would stop"). */
  readonly changesNothing?: boolean | undefined;
  readonly evaluatedAt: string;
  readonly outcomes: readonly NotebookOutcome[];
  readonly studio?: StudioAudit;
  readonly failures: readonly RunFailure[];
  readonly priceSource: string;
}

const ACTION_TITLES: Readonly<Record<string, string>> = {
  'idle-check': 'idle notebook check',
  'studio-audit': 'notebook and Studio audit',
  'off-hours-stop': 'off-hours stop',
  'morning-start': 'morning start',
};

function cost(amount: number | undefined): string {
  return amount === undefined ? 'price unknown' : `${usd(amount)}/day`;
}

function renderEmail(input: NotebookReportInput, shown: number): string {
  const acted = input.outcomes.filter((outcome) => outcome.result !== 'none');
  const unknown = input.outcomes.filter((outcome) => outcome.verdict === 'unknown');
  const lines = [`SageMaker ${ACTION_TITLES[input.action] ?? input.action}, ${input.evaluatedAt.slice(0, 16).replace('T', ' ')} UTC.`, ''];
  if (acted.length > 0) {
    const would = acted.every((outcome) => outcome.result === 'planned');
    const starting = input.action === 'morning-start';
    lines.push(
      starting
        ? `${would ? 'WOULD START' : 'STARTED'} (stopped by the bot last evening)`
        : would
          ? input.action === 'studio-audit'
            ? 'WOULD STOP (the 15-minute check stops these once the job acts; it does not repeat this list)'
            : 'WOULD STOP'
          : 'STOPPED',
    );
    for (const outcome of acted.slice(0, shown)) {
      const state = outcome.result === 'failed' ? `FAILED: ${outcome.error}` : outcome.result === 'planned' ? 'would be done' : 'done';
      lines.push(`  ${outcome.name} (${outcome.region}, ${outcome.instanceType}): ${outcome.detail}; ${cost(outcome.costPerDay)}; ${state}`);
    }
    if (shown < acted.length) lines.push(`  ...and ${acted.length - shown} more`);
    lines.push('');
  }
  const rejected = input.outcomes.filter((outcome) => outcome.stateRejected);
  if (rejected.length > 0) {
    lines.push('STATE THAT DOES NOT VERIFY (left as it is; the StateRejected alarm fires)');
    for (const outcome of rejected) lines.push(`  state on ${outcome.name} (${outcome.region}): ${outcome.detail}`);
    lines.push('');
  }
  if (unknown.length > 0) {
    lines.push('ACTIVITY UNKNOWN (left running)');
    for (const outcome of unknown) lines.push(`  ${outcome.name} (${outcome.region}, ${outcome.instanceType}, ${cost(outcome.costPerDay)}): ${outcome.detail}`);
    lines.push('');
  }
  const studio = input.studio;
  if (studio) {
    lines.push(
      `STUDIO APPS RUNNING: ${studio.apps.length}, about ${usd(studio.totalCostPerDay)}/day${studio.unpricedApps > 0 ? ` + ${studio.unpricedApps} unpriced` : ''}`,
    );
    for (const app of studio.apps) {
      lines.push(
        `  ${app.appType} ${app.appName} (${app.region}, domain ${app.domainId}, ${app.owner}): ${app.instanceType ?? 'default instance'}, ${cost(app.costPerDay)}${app.runningHours !== undefined ? `, up ${app.runningHours} h` : ''}`,
      );
    }
    lines.push('', `NATIVE IDLE SHUTDOWN OFF (the bot is the only guard): ${studio.gaps.length}`);
    for (const gap of studio.gaps)
      lines.push(`  ${LEVEL_TEXT[gap.level]} ${gap.name} (${gap.region}, domain ${gap.domainId}): off for ${gap.missing.join(' and ')}`);
    lines.push('');
  }
  if (input.failures.length > 0) {
    lines.push('FAILURES');
    for (const failure of input.failures) lines.push(`  ${describeRunFailure(failure)}`);
    lines.push('');
  }
  lines.push(
    "How idle is decided: from the notebook's own Jupyter (kernels, terminals, sessions), read without counting as activity.",
    'A kernel that is not idle, or activity within the threshold, keeps a notebook running; so does any doubt.',
    `Prices: ${input.priceSource}.`,
  );
  return lines.join('\n');
}

function renderNotebookReport(input: NotebookReportInput): RenderedReport {
  const acted = input.outcomes.filter((outcome) => outcome.result === 'done' || outcome.result === 'planned');
  const failed = input.outcomes.filter((outcome) => outcome.result === 'failed').length + input.failures.length;
  const unknown = input.outcomes.filter((outcome) => outcome.verdict === 'unknown').length;
  const saved = acted.reduce((total, outcome) => total + (outcome.costPerDay ?? 0), 0);
  const tail = `${failed > 0 ? `, ${failed} failed` : ''}${unknown > 0 ? `, ${unknown} unreadable` : ''}`;
  let headline: string;
  // Nothing done yet (a dry or report-only run) is never written in the past tense.
  const would = input.changesNothing === true || (acted.length > 0 && acted.every((outcome) => outcome.result === 'planned'));
  if (input.action === 'studio-audit') {
    const apps = input.studio?.apps.length ?? 0;
    // First, so that the 100-character subject never cuts it off.
    const wouldStop = acted.length > 0 ? `${acted.length} would be stopped; ` : '';
    headline = `${wouldStop}${plural(input.outcomes.length, 'notebook')} and ${plural(apps, 'Studio app')} running (${usdShort(saved + (input.studio?.totalCostPerDay ?? 0))}/day), idle shutdown off in ${input.studio?.gaps.length ?? 0} places`;
  } else if (input.action === 'morning-start') {
    headline = `${would ? 'would start' : 'started'} ${plural(acted.length, 'notebook')}${tail}`;
  } else {
    headline = `${would ? 'would stop' : 'stopped'} ${plural(acted.length, 'notebook')}${saved > 0 ? ` saving ${usdShort(saved)}/day` : ''}${tail}`;
  }
  const subject = subjectLine(`SageMaker notebooks: ${headline}`);
  const sms = fitSms([`SageMaker notebooks: ${headline}. Details by email.`, `SageMaker notebooks: ${headline}.`]);
  return fitToMessageLimit(input.outcomes.length, (shown) => ({ subject, email: renderEmail(input, shown), sms }));
}

export { renderNotebookReport };
export type { NotebookReportInput };
