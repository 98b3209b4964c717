/**
 * Renders the notebook runs: what was stopped (with idle time, instance type and the cost per
 * day it saves), what could not be read and why, and the daily Studio audit.
 */
import type { IdleCoverage, InteractiveOutcome, StudioAudit } from '../domain/studio.ts';
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
  /** Canvas sessions and MLflow tracking servers the run judged or changed. */
  readonly interactive?: readonly InteractiveOutcome[] | undefined;
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
  lines.push(...interactiveLines(input));
  const studio = input.studio;
  if (studio) {
    lines.push(
      `STUDIO APPS RUNNING: ${studio.apps.length}, about ${usd(studio.totalCostPerDay)}/day${studio.unpricedApps > 0 ? ` + ${studio.unpricedApps} unpriced` : ''}`,
    );
    for (const app of studio.apps) {
      lines.push(
        `  ${app.appType} ${app.appName} (${app.region}, domain ${app.domainId}, ${app.owner}): ${app.instanceType ?? 'default instance'}, ${cost(app.costPerDay)}${app.runningHours !== undefined ? `, up ${app.runningHours} h` : ''}${app.idleShutdown ? `; idle shutdown ${app.idleShutdown.on ? 'on' : 'OFF'} (${app.idleShutdown.from})` : ''}${app.imageFinding ? `; ${app.imageFinding}` : ''}`,
      );
    }
    lines.push(...auditLines(studio));
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

const INTERACTIVE_TITLES: Readonly<Record<string, { done: string; would: string }>> = {
  'canvas logout': { done: 'CANVAS SESSIONS LOGGED OUT', would: 'CANVAS SESSIONS THAT WOULD BE LOGGED OUT' },
  'mlflow stop': { done: 'MLFLOW TRACKING SERVERS STOPPED FOR OFF HOURS', would: 'MLFLOW TRACKING SERVERS THAT WOULD BE STOPPED' },
  'mlflow start': { done: 'MLFLOW TRACKING SERVERS STARTED', would: 'MLFLOW TRACKING SERVERS THAT WOULD BE STARTED' },
  'domain on': { done: 'STUDIO IDLE SHUTDOWN TURNED ON (opted-in domains)', would: 'STUDIO IDLE SHUTDOWN THAT WOULD BE TURNED ON (opted-in domains)' },
};

/** What the run did, or would do, to Canvas sessions and MLflow servers; returns and unknown signals too. */
function interactiveLines(input: NotebookReportInput): string[] {
  const lines: string[] = [];
  const outcomes = input.interactive ?? [];
  for (const [key, titles] of Object.entries(INTERACTIVE_TITLES)) {
    const [kind, verdict] = key.split(' ') as ['canvas' | 'mlflow' | 'domain', string];
    // The audit names each Canvas session in its own list, with what the check would do.
    if (key === 'canvas logout' && input.action === 'studio-audit') continue;
    const listed = outcomes.filter((outcome) => outcome.kind === kind && outcome.verdict === verdict && outcome.result !== 'none');
    if (listed.length === 0) continue;
    lines.push(listed.every((outcome) => outcome.result === 'planned') ? titles.would : titles.done);
    for (const outcome of listed) {
      const state = outcome.result === 'failed' ? `FAILED: ${outcome.error}` : outcome.result === 'planned' ? 'would be done' : 'done';
      const price = outcome.costPerHour !== undefined ? `; ${usd(outcome.costPerHour)}/h` : '';
      lines.push(`  ${outcome.name} (${outcome.region}): ${outcome.detail}${price}; ${state}`);
    }
    lines.push('');
  }
  const returned = outcomes.filter((outcome) => outcome.verdict === 'returned');
  if (returned.length > 0) {
    lines.push('CANVAS USERS BACK AFTER A LOGOUT (the saving is booked now)');
    for (const outcome of returned)
      lines.push(`  ${outcome.name} (${outcome.region}): ${outcome.detail}${outcome.realized ? `; ${usd(outcome.realized.saved)} saved` : ''}`);
    lines.push('');
  }
  const named = outcomes.filter((outcome) => outcome.kind === 'domain' && outcome.result === 'none');
  if (named.length > 0) {
    lines.push('STUDIO DOMAINS OPTED IN, LEFT AS THEY ARE');
    for (const outcome of named) lines.push(`  ${outcome.name} (${outcome.region}): ${outcome.detail}`);
    lines.push('');
  }
  const unknown = outcomes.filter((outcome) => outcome.kind === 'canvas' && outcome.verdict === 'unknown');
  if (unknown.length > 0 && input.action !== 'studio-audit') {
    lines.push('CANVAS ACTIVITY UNKNOWN (left logged in)');
    for (const outcome of unknown) lines.push(`  ${outcome.name} (${outcome.region}): ${outcome.detail}`);
    lines.push('');
  }
  return lines;
}

/** The audit's Canvas, MLflow and stopped-space sections. */
function auditLines(studio: StudioAudit): string[] {
  const lines = ['', `CANVAS SESSIONS RUNNING: ${studio.canvas.length}, about ${usd(studio.canvasCostPerDay)}/day`];
  for (const app of studio.canvas) {
    const price = app.costPerHour !== undefined ? `${usd(app.costPerHour)}/h` : 'price unknown';
    const verdict = app.verdict === 'logout' ? 'would be logged out' : app.detail;
    lines.push(
      `  ${app.userProfileName} (${app.region}, domain ${app.domainId}): ${price}${app.runningHours !== undefined ? `, up ${app.runningHours} h` : ''}; ${verdict}`,
    );
  }
  const unpriced = studio.servers.some((server) => server.costPerHour === undefined);
  lines.push(
    '',
    `MLFLOW TRACKING SERVERS BILLING: ${studio.servers.length}${unpriced ? ' (no MLflow price in the Price List or your priceOverrides: "mlflow.small", … give yours)' : ''}`,
  );
  for (const server of studio.servers)
    lines.push(
      `  ${server.name} (${server.region}): ${server.size ?? 'size unknown'}, ${server.status}${server.createdAt ? `, since ${server.createdAt.slice(0, 10)}` : ''}${server.costPerHour !== undefined ? `, ${usd(server.costPerHour)}/h` : ''}`,
    );
  lines.push('', `STOPPED SPACES' VOLUMES (they bill while stopped): ${studio.stoppedSpaces.length}, about ${usd(studio.volumesCostPerMonth)}/month`);
  for (const space of studio.stoppedSpaces)
    lines.push(
      `  ${space.name} (${space.region}, domain ${space.domainId}${space.ownerProfile ? `, owner ${space.ownerProfile}` : ''}): ${space.volumeGb !== undefined ? `${space.volumeGb} GB` : 'size unknown'}${space.costPerMonth !== undefined ? `, ${usd(space.costPerMonth)}/month` : ''}`,
    );
  return lines;
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
  const interactive = (input.interactive ?? []).filter((outcome) => outcome.result === 'done' || outcome.result === 'planned');
  const loggedOut = interactive.filter((outcome) => outcome.kind === 'canvas').length;
  const servers = interactive.filter((outcome) => outcome.kind === 'mlflow').length;
  const domains = interactive.filter((outcome) => outcome.kind === 'domain').length;
  const others = `${loggedOut > 0 && input.action !== 'studio-audit' ? `; ${would ? 'would log out' : 'logged out'} ${plural(loggedOut, 'Canvas session')}` : ''}${servers > 0 ? `; ${plural(servers, 'MLflow server')}` : ''}${domains > 0 ? `; idle shutdown ${would ? 'would be ' : ''}turned on in ${plural(domains, 'domain')}` : ''}`;
  if (input.action === 'studio-audit') {
    const studio = input.studio;
    const apps = studio?.apps.length ?? 0;
    const sessions = studio?.canvas.length ?? 0;
    const wouldLogOut = studio?.canvas.filter((app) => app.verdict === 'logout').length ?? 0;
    // What would be done first, so that the 100-character subject never cuts it off.
    const wouldDo = [...(acted.length > 0 ? [`${acted.length} would be stopped`] : []), ...(wouldLogOut > 0 ? [`${wouldLogOut} would be logged out`] : [])];
    const perDay = usdShort(saved + (studio?.totalCostPerDay ?? 0) + (studio?.canvasCostPerDay ?? 0));
    headline = `${wouldDo.length > 0 ? `${wouldDo.join(', ')}; ` : ''}${plural(input.outcomes.length, 'notebook')}, ${plural(apps, 'Studio app')}${sessions > 0 ? `, ${plural(sessions, 'Canvas session')}` : ''} running (${perDay}/day), idle shutdown off in ${studio?.gaps.length ?? 0} places`;
  } else if (input.action === 'morning-start') {
    headline = `${would ? 'would start' : 'started'} ${plural(acted.length, 'notebook')}${tail}`;
  } else {
    headline = `${would ? 'would stop' : 'stopped'} ${plural(acted.length, 'notebook')}${saved > 0 ? ` saving ${usdShort(saved)}/day` : ''}${tail}`;
  }
  const subject = subjectLine(`SageMaker notebooks: ${headline}${others}`);
  const sms = fitSms([`SageMaker notebooks: ${headline}${others}. Details by email.`, `SageMaker notebooks: ${headline}.`]);
  return fitToMessageLimit(input.outcomes.length, (shown) => ({ subject, email: renderEmail(input, shown), sms }));
}

export { renderNotebookReport };
export type { NotebookReportInput };
