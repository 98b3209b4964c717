/**
 * `npm run plan` / `npm run demo`: a dry run of a job from the command line. Always read-only.
 *
 *   npm run plan -- idle-endpoints                           read the account of the current AWS credentials
 *   npm run plan -- idle-endpoints --save-snapshot f.json    ...and save what was read
 *   npm run plan -- idle-endpoints --snapshot f.json         replay a saved snapshot (no AWS needed)
 *   add --json for the handler's full JSON result instead of the texts
 */
import { parseArgs } from 'node:util';
import { parseConfig } from '@ops-bot/shared/config';
import { NO_DEADLINE } from '@ops-bot/shared/util/deadline';
import { createIdleEndpointsClients, liveIdleEndpointsDeps, runIdleEndpoints, type IdleEndpointsResult } from '@ops-bot/shared/jobs/idle-endpoints';
import { loadIdleEndpointsSnapshot, saveSnapshot } from '@ops-bot/shared/snapshot';
import { createStderrLogger } from '@ops-bot/shared/util/logger';

const JOBS = ['idle-endpoints'] as const;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    snapshot: { type: 'string' },
    'save-snapshot': { type: 'string' },
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});

const job = positionals[0] ?? 'idle-endpoints';
if (!(JOBS as readonly string[]).includes(job)) {
  console.error(`Unknown job "${job}". Jobs: ${JOBS.join(', ')}`);
  process.exit(2);
}
if (values.snapshot && values['save-snapshot']) {
  console.error('--snapshot replays a saved account; --save-snapshot saves a live one. Use one of them.');
  process.exit(2);
}

const logger = createStderrLogger(values.verbose);
const replay = values.snapshot ? await loadIdleEndpointsSnapshot(values.snapshot) : undefined;
// A replay decides over the regions it recorded; a live run over REGIONS (or AWS_REGION).
const config = parseConfig(replay ? { ...process.env, REGIONS: replay.regions.join(',') } : process.env);
const live = liveIdleEndpointsDeps(config, createIdleEndpointsClients(), logger, () => new Date());

const result = await runIdleEndpoints(
  { dryRun: true },
  {
    ...live,
    collect: async () => {
      if (replay) return replay;
      const snapshot = await live.collect(NO_DEADLINE);
      if (values['save-snapshot']) {
        await saveSnapshot(values['save-snapshot'], snapshot);
        logger.warn(`Snapshot saved to ${values['save-snapshot']}`);
      }
      return snapshot;
    },
  },
);

console.log(values.json ? JSON.stringify(result, null, 2) : describe(result, values.snapshot));

function describe(outcome: IdleEndpointsResult, source: string | undefined): string {
  const { summary, report } = outcome;
  const lines = [
    `DRY RUN of idle-endpoints on ${source ? `snapshot ${source}` : 'the live account'} (captured ${summary.evaluatedAt}): nothing was changed or sent.`,
    `${summary.inService} InService endpoints in ${summary.regions.join(', ')}: ${summary.idle} idle and costing, ${summary.idleWithoutCost} idle at no cost, ${summary.busy} busy, ${summary.young} young, ${summary.skipped} skipped, ${summary.unchecked} not checked.`,
    '',
  ];
  if (!report) return [...lines, 'Nothing is idle: a real run would send no message.'].join('\n');
  return [
    ...lines,
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
