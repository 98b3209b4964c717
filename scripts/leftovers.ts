/**
 * `npm run -s leftovers`: everything the bot left in the account, for an uninstall or an audit.
 * Read-only. Lists, per region, every SageMaker resource carrying an `ops-bot:*` tag (saved copy
 * counts, last actions, off-hours marks) and every one-time `ops-bot-restore-*` schedule.
 * Components still carrying `ops-bot:saved-copy-count` are at 0 copies waiting for a restore: run
 * the restore before removing the stack (README, "Uninstall").
 */
import { paginateGetResources, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { paginateListSchedules, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { parseCommonConfig } from '@ops-bot/shared/config';
import { TAG_PREFIX, TAGS } from '@ops-bot/shared/domain/tags';
import { existsSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readHoldings, type Holding } from '@ops-bot/shared/aws/bot-state';
import { createStateTable } from '@ops-bot/shared/aws/state-table';
import { DEFAULT_CONFIG_FILE, readDeployConfig } from '../infra/deploy-config.ts';
import { checkCredentials, userFacingError } from './aws-hints.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Leftovers {
  readonly region: string;
  readonly taggedResources: ReadonlyArray<{ readonly arn: string; readonly tags: Readonly<Record<string, string>> }>;
  readonly restoreSchedules: ReadonlyArray<{ readonly name: string; readonly group: string; readonly state: string }>;
}

const RESTORE_SCHEDULE_PREFIX = 'ops-bot-restore-';

async function findLeftovers(region: string, clients: { tagging: ResourceGroupsTaggingAPIClient; scheduler: SchedulerClient }): Promise<Leftovers> {
  const taggedResources: Array<{ arn: string; tags: Record<string, string> }> = [];
  // GetResources filters on whole keys only: read every tagged SageMaker resource, keep ours.
  for await (const page of paginateGetResources({ client: clients.tagging }, { ResourceTypeFilters: ['sagemaker'], ResourcesPerPage: 100 })) {
    for (const resource of page.ResourceTagMappingList ?? []) {
      const ours = Object.fromEntries((resource.Tags ?? []).filter((tag) => tag.Key?.startsWith(TAG_PREFIX)).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
      if (resource.ResourceARN && Object.keys(ours).length > 0) taggedResources.push({ arn: resource.ResourceARN, tags: ours });
    }
  }
  const restoreSchedules: Array<{ name: string; group: string; state: string }> = [];
  for await (const page of paginateListSchedules({ client: clients.scheduler }, { NamePrefix: RESTORE_SCHEDULE_PREFIX })) {
    for (const schedule of page.Schedules ?? [])
      restoreSchedules.push({ name: schedule.Name ?? '', group: schedule.GroupName ?? 'default', state: schedule.State ?? '' });
  }
  return { region, taggedResources, restoreSchedules };
}

function describeLeftovers(all: readonly Leftovers[], holdings?: readonly Holding[]): string {
  const lines: string[] = [];
  if (holdings !== undefined) {
    lines.push(
      holdings.length === 0
        ? 'state table: the bot holds nothing (a report-only deployment never does): nothing to undo before cdk destroy'
        : `state table: ${holdings.length} ${holdings.length === 1 ? 'thing' : 'things'} to undo before cdk destroy (invoke each function with its event):`,
    );
    for (const holding of holdings) lines.push(`  ${holding.arn}: ${holding.what}`, `    undo: ${holding.undo}`);
  }
  for (const { region, taggedResources, restoreSchedules } of all) {
    lines.push(`${region}: ${taggedResources.length} resources with ops-bot:* tags, ${restoreSchedules.length} one-time restore schedules`);
    for (const resource of taggedResources) {
      const waiting = resource.tags[TAGS.savedCopyCount] !== undefined ? '  <- scaled down, waiting for a restore' : '';
      lines.push(`  ${resource.arn}${waiting}`);
      for (const [key, value] of Object.entries(resource.tags)) lines.push(`    ${key} = ${value}`);
    }
    for (const schedule of restoreSchedules) lines.push(`  schedule ${schedule.group}/${schedule.name} (${schedule.state})`);
  }
  return lines.join('\n');
}

/** The config file's `regions` (OPS_BOT_CONFIG, else ops-bot.config.json), as REGIONS; nothing without a file. */
function fileRegions(): Record<string, string> {
  const file = process.env.OPS_BOT_CONFIG ?? DEFAULT_CONFIG_FILE;
  if (!existsSync(file)) return {};
  const regions = readDeployConfig({ contextValue: undefined, file }).regions;
  return regions && regions.length > 0 ? { REGIONS: regions.join(',') } : {};
}

const HELP = `Usage: npm run -s leftovers [-- --json]

Lists, read-only, every SageMaker resource carrying an ops-bot:* tag and every one-time
ops-bot-restore-* schedule, in REGIONS (else the config file's regions, else the profile's region).
With STATE_TABLE (the stack's StateTableName output) it also lists what the bot still holds
(components at 0, endpoints held or deleted, notebooks stopped for off hours), each with the event
that undoes it: run those before cdk destroy.

  --json   print the findings as JSON
  --help   print this help`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  const problem = await checkCredentials();
  if (problem) {
    console.error(`leftovers: ${problem}`);
    process.exitCode = 1;
    return;
  }
  // The deployed settings, as plan reads them: the config file's regions under the environment's.
  const settings = { ...fileRegions(), ...Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== undefined && value !== '')) };
  const env = settings.REGIONS || settings.AWS_REGION ? settings : { ...settings, AWS_REGION: await new SageMakerClient({}).config.region() };
  const { regions } = parseCommonConfig(env);
  const found = await Promise.all(
    regions.map((region) => findLeftovers(region, { tagging: new ResourceGroupsTaggingAPIClient({ region }), scheduler: new SchedulerClient({ region }) })),
  );
  // What the bot holds in its state table (STATE_TABLE: the stack's StateTableName output), when it is given.
  const holdings = process.env.STATE_TABLE ? await readHoldings(createStateTable(new DynamoDBClient({}), process.env.STATE_TABLE)) : undefined;
  console.log(process.argv.includes('--json') ? JSON.stringify({ regions: found, holdings }, null, 2) : describeLeftovers(found, holdings));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    // One line: the fix when it is the identity's (credentials, an expired session, a denied action).
    console.error(`leftovers: ${userFacingError(error)}`);
    process.exit(1);
  });
}

export { findLeftovers, describeLeftovers, RESTORE_SCHEDULE_PREFIX, HELP };
export type { Leftovers };
