/**
 * `npm run plan` / `npm run demo`: a dry run of any job from the command line, against the account
 * of your current AWS credentials or a saved snapshot. Always read-only: every job runs with
 * `dryRun: true`, which makes no mutating call and publishes nothing.
 */
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
import { describeFailure } from '@ops-bot/shared/errors';
import { NO_DEADLINE } from '@ops-bot/shared/util/deadline';
import { runIdleEndpoints, type IdleEndpointsResult } from '@ops-bot/shared/jobs/idle-endpoints';
import { runIdleNotebooks } from '@ops-bot/shared/jobs/idle-notebooks';
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

// Local runs use Node 20 or later; the SDK warns on every run that versions after January 2027
// will need Node 22. The lockfile pins today's SDK, and Lambda runs nodejs24.x, so here it is noise.
// (Set when clients are made, not at import: this line runs first.)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `Usage: npm run -s plan -- <job> [options]   (a dry run: nothing is changed or sent)

Jobs:
  idle-endpoints                 idle real-time endpoints and what they waste
  idle-notebooks [--action A]    A: idle-check (default), studio-audit, off-hours-stop, morning-start
  weekend-scaling [--action A]   A: scale-down (default) or restore; --until 2026-12-28T07:00:00 with scale-down
  cost-report                    per-endpoint and per-model cost of the last full day(s)
  savings-report [--month M]     what the bot saved last month, or in month M (2026-11)

Options:
  --json                 the job's full JSON result instead of the texts
  --snapshot FILE        idle-endpoints only: replay a saved account (no AWS needed)
  --save-snapshot FILE   idle-endpoints only: save what was read, to replay it later
  --verbose              log progress to stderr
  --help                 this text

The account is the one of your AWS credentials and profile (AWS_PROFILE); the region is REGIONS,
else AWS_REGION, else your profile's region. Use "npm run -s" so that npm prints no banner and
--json output is clean JSON.`;

const JOBS = ['idle-endpoints', 'idle-notebooks', 'weekend-scaling', 'cost-report', 'savings-report'] as const;
type Job = (typeof JOBS)[number];

/** A wrong command line: said in one line, exit 2. */
class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
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
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const job = positionals[0] ?? 'idle-endpoints';
  if (!(JOBS as readonly string[]).includes(job)) throw new UsageError(`unknown job "${job}" (jobs: ${JOBS.join(', ')}; see --help)`);
  if ((values.snapshot || values['save-snapshot']) && job !== 'idle-endpoints')
    throw new UsageError('--snapshot and --save-snapshot are for idle-endpoints only');
  if (values.snapshot && values['save-snapshot']) throw new UsageError('--snapshot replays a saved account; --save-snapshot saves a live one: use one of them');
  if (values.action && job !== 'idle-notebooks' && job !== 'weekend-scaling')
    throw new UsageError(`--action is for idle-notebooks and weekend-scaling, not ${job}`);
  if (values.month && job !== 'savings-report') throw new UsageError(`--month is for savings-report, not ${job}`);
  return {
    job: job as Job,
    action: values.action,
    until: values.until,
    month: values.month,
    json: values.json ?? false,
    snapshot: values.snapshot,
    saveSnapshot: values['save-snapshot'],
    verbose: values.verbose ?? false,
  };
}

/** REGIONS or AWS_REGION when set; otherwise the region of the AWS profile, as the SDK resolves it. */
async function environmentWithRegion(): Promise<Env> {
  if (process.env.REGIONS || process.env.AWS_REGION) return process.env;
  const region = await new SageMakerClient({}).config.region().catch(() => undefined);
  if (!region) throw new UsageError('no region: set AWS_REGION or REGIONS, or a region in your AWS profile');
  return { ...process.env, AWS_REGION: region };
}

async function plan(options: Options, logger: RunLogger): Promise<{ result: unknown; report: RenderedReport | null; headline: string }> {
  const clock = () => new Date();
  if (options.job === 'idle-endpoints') {
    const replay = options.snapshot ? await loadIdleEndpointsSnapshot(options.snapshot) : undefined;
    // A replay decides over the regions it recorded; a live run over REGIONS (or the profile's region).
    const config = parseIdleEndpointsConfig(replay ? { ...process.env, REGIONS: replay.regions.join(',') } : await environmentWithRegion());
    const live = liveIdleEndpointsDeps(config, createIdleEndpointsClients(), logger, clock);
    const result = await runIdleEndpoints(
      { dryRun: true, action: 'check' },
      {
        ...live,
        // A replayed snapshot has no account behind it: the dry run names what is due and reads nothing.
        actionsFor: replay ? undefined : live.actionsFor,
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
  const env = await environmentWithRegion();
  switch (options.job) {
    case 'idle-notebooks': {
      const config = parseIdleNotebooksConfig(env);
      const where = config.regions.join(', ');
      const event = parseNotebookEvent({ dryRun: true, action: options.action });
      const result = await runIdleNotebooks(event, liveIdleNotebooksDeps(config, createIdleNotebooksClients(), logger, clock));
      return {
        result,
        report: result.report,
        headline: `DRY RUN of idle-notebooks ${event.action} in ${where}: ${result.notebooks.length} notebooks read; nothing was changed or sent.`,
      };
    }
    case 'weekend-scaling': {
      const config = parseWeekendScalingConfig(env);
      const where = config.regions.join(', ');
      const event = weekendEventParser(config, clock)({ dryRun: true, action: options.action ?? 'scale-down', until: options.until });
      const result = await runWeekendScaling(
        event,
        liveWeekendScalingDeps(config, createWeekendScalingClients(), logger, () => undefined, clock),
      );
      return {
        result,
        report: result.report,
        headline: `DRY RUN of weekend-scaling ${event.action} in ${where}: ${result.components.length} components read; nothing was changed or sent.`,
      };
    }
    case 'savings-report': {
      const config = parseSavingsReportConfig(env);
      const event = savingsReportEventParser(config.timezone, clock)({ dryRun: true, month: options.month });
      // The bot's metrics are in the stack's region: AWS_REGION (or the profile's), else the first of REGIONS.
      const result = await runSavingsReport(
        event,
        liveSavingsReportDeps(config, createSavingsReportClients(), logger, env.AWS_REGION ?? config.regions[0] ?? 'us-east-1', clock),
      );
      return { result, report: result.report, headline: `DRY RUN of savings-report for ${result.ledger.month}: nothing was sent.` };
    }
    case 'cost-report': {
      const config = parseCostReportConfig(env);
      const where = config.regions.join(', ');
      const result = await runCostReport({ dryRun: true }, liveCostReportDeps(config, createCostReportClients(), logger, clock));
      return { result, report: result.report, headline: `DRY RUN of cost-report for ${result.costs.periodLabel} in ${where}: nothing was sent.` };
    }
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
    'A real run would publish this to the SNS topic:',
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

try {
  const options = readOptions(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
  } else {
    const { result, report, headline } = await plan(options, createStderrLogger(options.verbose));
    console.log(options.json ? JSON.stringify(result, null, 2) : texts(headline, report));
  }
} catch (error) {
  // One clear line, never a stack trace: what went wrong, named by its kind (credential-free).
  console.error(`plan: ${describeFailure(error)}`);
  process.exit(error instanceof UsageError || (error instanceof Error && error.name === 'TypeError' && /parseArgs|option/i.test(error.message)) ? 2 : 1);
}
