/**
 * `npm run plan` / `npm run demo`: a dry run of any job from the command line, against the account
 * of your current AWS credentials or a saved snapshot. Always read-only: every job runs with
 * `dryRun: true`, which makes no mutating call and publishes nothing. Its settings are the deployed
 * ones (ops-bot.config.json, or OPS_BOT_CONFIG), with any environment variable winning.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  parseCostReportConfig,
  parseIdleEndpointsConfig,
  parseIdleNotebooksConfig,
  parseSavingsReportConfig,
  parseWeekendScalingConfig,
  type Env,
} from '@ops-bot/shared/config';
import { runSavingsReport } from '@ops-bot/shared/jobs/savings-report';
import { createSavingsReportClients, liveSavingsReportDeps } from '@ops-bot/shared/live/savings-report';
import { NO_DEADLINE } from '@ops-bot/shared/util/deadline';
import { wallClock } from '@ops-bot/shared/util/clock';
import { runIdleEndpoints, type IdleEndpointsResult } from '@ops-bot/shared/jobs/idle-endpoints';
import { runIdleNotebooks, type IdleNotebooksDeps } from '@ops-bot/shared/jobs/idle-notebooks';
import { runWeekendScaling } from '@ops-bot/shared/jobs/weekend-scaling';
import { runCostReport } from '@ops-bot/shared/jobs/cost-report';
import { parseNotebookEvent, savingsReportEventParser, weekendEventParser } from '@ops-bot/shared/lambda/events';
import { createCostReportClients, liveCostReportDeps } from '@ops-bot/shared/live/cost-report';
import { createIdleEndpointsClients, liveIdleEndpointsDeps } from '@ops-bot/shared/live/idle-endpoints';
import { createIdleNotebooksClients, liveIdleNotebooksDeps } from '@ops-bot/shared/live/idle-notebooks';
import { createWeekendScalingClients, liveWeekendScalingDeps } from '@ops-bot/shared/live/weekend-scaling';
import type { RenderedReport } from '@ops-bot/shared/report/sns-message';
import { loadIdleEndpointsSnapshot, saveSnapshot } from '@ops-bot/shared/snapshot';
import { createStderrLogger, type RunLogger } from '@ops-bot/shared/util/logger';
import { JOB_CONFIG } from '@ops-bot/shared/config';
import { DEFAULT_CONFIG_FILE, DeployConfigError, jobEnvironment, readDeployConfig } from '../infra/deploy-config.ts';
import { checkCredentials, userFacingError, credentialHints } from './aws-hints.ts';
import { jupyterThrough, loadRecording, newRecording, record, replay, saveRecording, showProgress, tapAwsCalls, type Recording } from './recording.ts';

// Local runs use Node 20 or later; the SDK warns on every run that versions after January 2027
// will need Node 22. The lockfile pins today's SDK, and Lambda runs nodejs24.x, so here it is noise.
// (Set when clients are made, not at import: this line runs first.)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `Usage: npm run -s plan -- <job> [options]   (a dry run: nothing is changed or sent)
       npm run -s demo -- [job]                    (the same, offline, on a bundled demo account)

Jobs:
  idle-endpoints                 idle real-time endpoints and what they waste
  idle-notebooks [--action A]    A: idle-check (default), studio-audit, off-hours-stop, morning-start
  weekend-scaling [--action A]   A: scale-down (default) or restore; --until 2026-12-28T07:00:00 with scale-down
  cost-report                    per-endpoint and per-model cost of the last full day(s)
  savings-report [--month M]     what the bot saved last month, or in month M (2026-11)

Options:
  --json                 the job's full JSON result instead of the texts
  --save-snapshot FILE   save everything the run read (no credentials), to replay it later or send it
  --snapshot FILE        replay a saved run: no AWS, no credentials; same settings, same clock
  --verbose              log progress to stderr
  --help                 this text

Settings are the deployed ones: ${DEFAULT_CONFIG_FILE} (or the file OPS_BOT_CONFIG names), and any
environment variable of the job (REGIONS, TIMEZONE, ...) wins; the first line on stderr says which.
The account is the one of your AWS credentials and profile (AWS_PROFILE); the region is REGIONS,
else AWS_REGION, else your profile's region. Use "npm run -s" so that npm prints no banner and
--json output is clean JSON.`;

const JOBS = ['idle-endpoints', 'idle-notebooks', 'weekend-scaling', 'cost-report', 'savings-report'] as const;
type Job = (typeof JOBS)[number];

/** The bundled demo accounts, one per job: `npm run demo -- <job>`. */
const DEMO_SNAPSHOTS: Readonly<Record<Job, string>> = {
  'idle-endpoints': 'demo/demo-account.json',
  'idle-notebooks': 'demo/idle-notebooks.json',
  'weekend-scaling': 'demo/weekend-scaling.json',
  'cost-report': 'demo/cost-report.json',
  'savings-report': 'demo/savings-report.json',
};

/** `npm run demo -- idle-notebooks --action studio-audit`: the daily audit on a demo account with Studio, Canvas and MLflow. */
const DEMO_STUDIO_AUDIT = 'demo/studio-audit.json';
/** The actions with a demo account of their own: the audit, and Monday's restore of the weekend demo. */
const DEMO_ACTIONS: Readonly<Record<string, string>> = {
  'idle-notebooks studio-audit': DEMO_STUDIO_AUDIT,
  'weekend-scaling restore': 'demo/weekend-restore.json',
};

/** A wrong command line: said in one line, exit 2. */
class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Something the admin must fix before a run can start (credentials, the config file): its lines, exit 1. */
class NotReadyError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('; '));
    this.name = 'NotReadyError';
  }
}

interface Options {
  readonly job: Job;
  readonly action?: string;
  readonly until?: string;
  readonly month?: string;
  readonly json: boolean;
  readonly snapshot?: string;
  readonly saveSnapshot?: string;
  readonly verbose: boolean;
}

function readOptions(argv: readonly string[]): Options | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      action: { type: 'string' },
      until: { type: 'string' },
      month: { type: 'string' },
      snapshot: { type: 'string' },
      'save-snapshot': { type: 'string' },
      demo: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const job = positionals[0] ?? 'idle-endpoints';
  if (!(JOBS as readonly string[]).includes(job)) throw new UsageError(`unknown job "${job}" (jobs: ${JOBS.join(', ')}; see --help)`);
  // The Studio audit has its own demo account (Studio, Canvas, MLflow); every other action of a job shares one.
  const snapshot = values.demo ? (DEMO_ACTIONS[`${job} ${values.action}`] ?? DEMO_SNAPSHOTS[job as Job]) : values.snapshot;
  if (snapshot && values['save-snapshot']) throw new UsageError('--snapshot replays a saved run; --save-snapshot saves a live one: use one of them');
  if (values.action && job !== 'idle-notebooks' && job !== 'weekend-scaling')
    throw new UsageError(`--action is for idle-notebooks and weekend-scaling, not ${job}`);
  if (values.month && job !== 'savings-report') throw new UsageError(`--month is for savings-report, not ${job}`);
  return {
    job: job as Job,
    action: values.action,
    until: values.until,
    month: values.month,
    json: values.json ?? false,
    snapshot,
    saveSnapshot: values['save-snapshot'],
    verbose: values.verbose ?? false,
  };
}

interface Settings {
  readonly env: Env;
  /** One line: where the settings came from. */
  readonly source: string;
}

/**
 * The deployed settings of `job` (its variables from the config file, as synth sets them), with
 * every variable the environment sets winning; REGIONS or AWS_REGION, else the profile's region.
 */
async function deployedSettings(job: Job): Promise<Settings> {
  const { env, source } = fileSettings(job);
  if (env.REGIONS || env.AWS_REGION) return { env, source };
  const region = await new SageMakerClient({}).config.region().catch(() => undefined);
  if (!region) throw new UsageError('no region: set AWS_REGION or REGIONS, or a region in your AWS profile or the config file');
  return { env: { ...env, AWS_REGION: region }, source: `${source}; region ${region} from your AWS profile` };
}

/** The config file's settings for `job`, under the environment's. */
function fileSettings(job: Job): Settings {
  const file = process.env.OPS_BOT_CONFIG ?? DEFAULT_CONFIG_FILE;
  let fromFile: Record<string, string> = {};
  let source = existsSync(file) ? file : `defaults (no ${file})`;
  if (existsSync(file)) {
    try {
      fromFile = jobEnvironment(readDeployConfig({ contextValue: undefined, file }), job);
    } catch (error) {
      if (error instanceof DeployConfigError) throw new NotReadyError(error.problems.map((problem) => `${file}: ${problem}`));
      throw error;
    }
  }
  const variables: readonly string[] = JOB_CONFIG[job].variables;
  const overridden = variables.filter((variable) => process.env[variable] !== undefined && process.env[variable] !== '');
  if (overridden.length > 0) source += `, with ${overridden.join(', ')} from the environment`;
  return { env: { ...fromFile, ...process.env }, source };
}

/** How this run meets AWS: live, live and recorded, or replayed from a recording. */
interface Session {
  readonly env: Env;
  readonly clock: () => Date;
  readonly recording?: { readonly data: Recording; readonly mode: 'record' | 'replay' } | undefined;
  /** Jupyter itself, when not the live one (the demo generator's notebooks). */
  readonly readActivity?: IdleNotebooksDeps['readActivity'] | undefined;
  /**
   * False: the run prices from the embedded table and never asks the Price List, and its texts say
   * so. The demo accounts are made up, so a Price List answer recorded for them would be invented
   * prices under AWS's name; a recording of a real account replays the list it read.
   */
  readonly readsPriceList?: boolean | undefined;
}

/** The job's deps without the Price List when the session does not read it. */
function priced<D extends { readonly priceList?: unknown }>(deps: D, session: Session): D {
  return session.readsPriceList === false ? { ...deps, priceList: undefined } : deps;
}

async function plan(options: Options, logger: RunLogger, session: Session): Promise<{ result: unknown; report: RenderedReport | null; headline: string }> {
  const { env, clock } = session;
  const on = session.recording?.mode === 'replay' ? `snapshot ${options.snapshot}` : 'the live account';
  if (options.job === 'idle-endpoints') {
    const replay = options.snapshot && !session.recording ? await loadIdleEndpointsSnapshot(options.snapshot) : undefined;
    // A replay decides over the regions it recorded; a live run over REGIONS (or the profile's region).
    const config = parseIdleEndpointsConfig(replay ? { ...env, REGIONS: replay.regions.join(',') } : env);
    const live = priced(liveIdleEndpointsDeps(config, createIdleEndpointsClients(), logger, clock), session);
    const result = await runIdleEndpoints(
      { dryRun: true, action: 'check' },
      {
        ...live,
        // A replayed snapshot has no account behind it: the dry run names what is due and reads nothing,
        // the Price List included (the embedded table prices it, and the report says so).
        actionsFor: replay ? undefined : live.actionsFor,
        priceList: replay ? undefined : live.priceList,
        collect: async () => {
          if (replay) return replay;
          const snapshot = await live.collect(NO_DEADLINE);
          if (options.saveSnapshot) {
            await saveSnapshot(options.saveSnapshot, snapshot);
            logger.warn(`Snapshot saved to ${options.saveSnapshot}`);
          }
          return snapshot;
        },
      },
    );
    return { result, report: result.report, headline: idleEndpointsHeadline(result, options.snapshot) };
  }
  switch (options.job) {
    case 'idle-notebooks': {
      const config = parseIdleNotebooksConfig(env);
      const where = config.regions.join(', ');
      const event = parseNotebookEvent({ dryRun: true, action: options.action });
      const deps = priced(liveIdleNotebooksDeps(config, createIdleNotebooksClients(), logger, clock), session);
      const jupyter = session.readActivity ?? deps.readActivity;
      const readActivity = session.recording ? jupyterThrough(session.recording.data, session.recording.mode, jupyter) : jupyter;
      const result = await runIdleNotebooks(event, { ...deps, readActivity });
      return {
        result,
        report: result.report,
        headline: `DRY RUN of idle-notebooks ${event.action} on ${on} in ${where}: ${result.notebooks.length} notebooks read; nothing was changed or sent.`,
      };
    }
    case 'weekend-scaling': {
      const config = parseWeekendScalingConfig(env);
      const where = config.regions.join(', ');
      const event = weekendEventParser(config, clock)({ dryRun: true, action: options.action ?? 'scale-down', until: options.until });
      const result = await runWeekendScaling(
        event,
        priced(
          liveWeekendScalingDeps(config, createWeekendScalingClients(), logger, () => undefined, clock),
          session,
        ),
      );
      return {
        result,
        report: result.report,
        headline: `DRY RUN of weekend-scaling ${event.action} on ${on} in ${where}: ${result.components.length} components read; nothing was changed or sent.`,
      };
    }
    case 'savings-report': {
      const config = parseSavingsReportConfig(env);
      const event = savingsReportEventParser(config.timezone, clock)({ dryRun: true, month: options.month });
      // The bot's metrics are in the stack's region: AWS_REGION (or the profile's), else the first of REGIONS.
      const result = await runSavingsReport(event, priced(liveSavingsReportDeps(config, createSavingsReportClients(), logger, clock), session));
      return { result, report: result.report, headline: `DRY RUN of savings-report for ${result.ledger.month} on ${on}: nothing was sent.` };
    }
    case 'cost-report': {
      const config = parseCostReportConfig(env);
      const where = config.regions.join(', ');
      const result = await runCostReport({ dryRun: true }, priced(liveCostReportDeps(config, createCostReportClients(), logger, clock), session));
      return { result, report: result.report, headline: `DRY RUN of cost-report for ${result.costs.periodLabel} on ${on} in ${where}: nothing was sent.` };
    }
  }
}

/** Reads the settings and decides how the run meets AWS; a recording replays at its own time and settings. */
async function openSession(options: Options): Promise<{ session: Session; source: string }> {
  const snapshotKind = options.snapshot ? fileKind(options.snapshot) : undefined;
  if (snapshotKind === 'recorded-calls') {
    const data = await loadRecording(options.snapshot as string);
    if (data.job !== options.job) throw new UsageError(`${options.snapshot} is a recording of ${data.job}, not ${options.job}`);
    const capturedAt = new Date(data.capturedAt);
    // A recording that holds no Price List answer (the demo's) prices from the embedded table, and says so.
    const readsPriceList = Object.keys(data.calls).some((call) => call.startsWith('pricing '));
    return {
      session: { env: { ...data.settings }, clock: () => capturedAt, recording: { data, mode: 'replay' }, readsPriceList },
      source: `settings: as recorded on ${data.capturedAt} (${options.snapshot})`,
    };
  }
  if (snapshotKind !== undefined) {
    // The idle-endpoints account snapshot (the demo's): decided at its own capture time, no AWS.
    const settings = fileSettings(options.job);
    return { session: { env: settings.env, clock: wallClock }, source: `settings: ${settings.source}; regions as the snapshot recorded them` };
  }
  const problem = await checkCredentials();
  if (problem) throw new NotReadyError([`plan: ${problem}`]);
  const settings = await deployedSettings(options.job);
  if (!options.saveSnapshot) return { session: { env: settings.env, clock: wallClock }, source: `settings: ${settings.source}` };
  // A recording runs at one instant, so that its replay asks exactly the same questions.
  const capturedAt = wallClock();
  const own = Object.fromEntries(
    [...JOB_CONFIG[options.job].variables, 'AWS_REGION'].flatMap((variable) => (settings.env[variable] ? [[variable, settings.env[variable] as string]] : [])),
  );
  return {
    session: { env: settings.env, clock: () => capturedAt, recording: { data: newRecording(options.job, capturedAt, own), mode: 'record' } },
    source: `settings: ${settings.source}`,
  };
}

function fileKind(path: string): string {
  try {
    return String((JSON.parse(readFileSync(path, 'utf8')) as { kind?: unknown }).kind);
  } catch (error) {
    throw new UsageError(`cannot read snapshot ${path}: ${(error as Error).message}`);
  }
}

function idleEndpointsHeadline(outcome: IdleEndpointsResult, source: string | undefined): string {
  const { summary } = outcome;
  return [
    `DRY RUN of idle-endpoints on ${source ? `snapshot ${source}` : 'the live account'} (captured ${summary.evaluatedAt}): nothing was changed or sent.`,
    `${summary.inService} InService endpoints in ${summary.regions.join(', ')}: ${summary.idle} idle and costing, ${summary.idleWithoutCost} idle at no cost, ${summary.busy} busy, ${summary.young} young, ${summary.skipped} skipped, ${summary.unchecked} not checked.`,
  ].join('\n');
}

function texts(headline: string, report: RenderedReport | null): string {
  if (!report) return `${headline}\n\nNothing worth reporting: a real run would send no message.`;
  return [
    headline,
    '',
    'A real run would publish this to the SNS topic (without the DRY RUN label):',
    '',
    `Subject: ${report.subject}`,
    '',
    '----- email -----',
    report.email,
    '',
    `----- sms (${report.sms.length} characters) -----`,
    report.sms,
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  const options = readOptions(argv);
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const { session, source } = await openSession(options);
  process.stderr.write(`${source}\n`);
  const awsErrors: unknown[] = [];
  // Last installed, first removed: the taps nest.
  const taps = [
    session.recording?.mode === 'replay' ? replay(session.recording.data) : session.recording ? record(session.recording.data) : () => undefined,
    tapAwsCalls(async (_call, live) =>
      live().catch((error: unknown) => {
        awsErrors.push(error);
        throw error;
      }),
    ),
    session.recording?.mode === 'replay' ? () => undefined : showProgress(),
  ];
  try {
    const { result, report, headline } = await plan(options, createStderrLogger(options.verbose), session);
    console.log(options.json ? JSON.stringify(result, null, 2) : texts(headline, report));
  } finally {
    for (const untap of taps.reverse()) untap();
  }
  if (session.recording?.mode === 'record' && options.saveSnapshot) {
    await saveRecording(options.saveSnapshot, session.recording.data);
    process.stderr.write(`Snapshot saved to ${options.saveSnapshot} (no credentials in it): replay with --snapshot ${options.saveSnapshot}\n`);
  }
  // What the report calls "not checked" because of the identity running it: the fix, once each.
  for (const hint of credentialHints(awsErrors.map((error) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)))))
    process.stderr.write(`plan: ${hint}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main(process.argv.slice(2)).catch((error: unknown) => {
    // One clear line, never a stack trace: what went wrong, named by its kind (credential-free).
    if (error instanceof NotReadyError) {
      for (const line of error.lines) console.error(line);
      process.exit(1);
    }
    console.error(`plan: ${userFacingError(error)}`);
    process.exit(error instanceof UsageError || (error instanceof Error && error.name === 'TypeError' && /parseArgs|option/i.test(error.message)) ? 2 : 1);
  });
}

export { plan, openSession, readOptions, DEMO_SNAPSHOTS, DEMO_STUDIO_AUDIT, DEMO_ACTIONS };
export type { Options, Session };
