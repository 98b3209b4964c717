/**
 * `npm run -s leftovers`: everything the bot left in the account, for an uninstall or an audit.
 * Read-only by default. Lists, per region, every SageMaker resource carrying an `ops-bot:*` tag and
 * every one-time `ops-bot-restore-*` schedule, and from the state table what the bot still holds
 * (components at 0, endpoints held or deleted, notebooks stopped for off hours), each with the event
 * that undoes it. `--undo` invokes the deployed functions with those events, one at a time, through
 * the bot's own code (its journal, its conditional writes, its skip rules), then lists again.
 */
import { paginateGetResources, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { paginateListSchedules, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { parseCommonConfig } from '@ops-bot/shared/config';
import { TAG_PREFIX, TAGS } from '@ops-bot/shared/domain/tags';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readHoldings, type Holding } from '@ops-bot/shared/aws/bot-state';
import { createStateTable } from '@ops-bot/shared/aws/state-table';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { checkCredentials, userFacingError } from './aws-hints.ts';
import { configRegions, stackNameOf, stackOutputs, stackRegion } from './deployment.ts';

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

/** Invokes one deployed job with an event; what it answered, in one line. */
type Invoke = (
  job: NonNullable<Holding['undoBy']>['job'],
  event: Readonly<Record<string, string>>,
) => Promise<{ readonly ok: boolean; readonly detail: string }>;

/**
 * Undoes the holdings one invocation at a time (the same event once, however many holdings it
 * covers), going on after a failure; one line per invocation. A holding with no invocation of its
 * own (components held by their endpoint's idle action) is undone by that endpoint's restore.
 */
async function undoHoldings(holdings: readonly Holding[], invoke: Invoke): Promise<string[]> {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const holding of holdings) {
    if (!holding.undoBy) continue;
    const call = `${holding.undoBy.job} ${JSON.stringify(holding.undoBy.event)}`;
    if (seen.has(call)) continue;
    seen.add(call);
    let outcome: { ok: boolean; detail: string };
    try {
      outcome = await invoke(holding.undoBy.job, holding.undoBy.event);
    } catch (error) {
      outcome = { ok: false, detail: userFacingError(error) };
    }
    lines.push(`${outcome.ok ? 'done' : 'FAILED'}: ${call}${outcome.detail ? ` (${outcome.detail})` : ''}`);
  }
  return lines;
}

const FUNCTION_OUTPUTS = {
  'idle-endpoints': 'IdleEndpointsFunctionName',
  'weekend-scaling': 'WeekendScalingFunctionName',
  'idle-notebooks': 'IdleNotebooksFunctionName',
} as const;

/** Invokes the stack's functions (RequestResponse): a function error or a failed run is a failure, named by its message. */
function lambdaInvoke(outputs: Readonly<Record<string, string>>, region: string | undefined): Invoke {
  const lambda = new LambdaClient(region ? { region } : {});
  return async (job, event) => {
    const functionName = outputs[FUNCTION_OUTPUTS[job]];
    if (!functionName) return { ok: false, detail: `the stack has no ${FUNCTION_OUTPUTS[job]} output` };
    const answer = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(event)) }));
    const body = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
    if (answer.FunctionError) {
      const message = (JSON.parse(body || '{}') as { errorMessage?: string }).errorMessage ?? answer.FunctionError;
      return { ok: false, detail: message.split('\n')[0] ?? '' };
    }
    const subject = (JSON.parse(body || '{}') as { report?: { subject?: string } | null }).report?.subject;
    return { ok: true, detail: subject ?? '' };
  };
}

const HELP = `Usage: npm run -s leftovers [-- --json] [-- --undo] [-- --stack NAME]

Lists, read-only, every SageMaker resource carrying an ops-bot:* tag and every one-time
ops-bot-restore-* schedule, in REGIONS (else the config file's regions, else the profile's region).
From the state table (STATE_TABLE, else the stack's StateTableName output) it also lists what
the bot still holds (components at 0, endpoints held or deleted, notebooks stopped for off hours),
each with the event that undoes it. A report-only deployment holds nothing.

  --undo         invoke the stack's functions with those events (lambda:InvokeFunction), one
                 at a time, then list again: run it before cdk destroy
  --stack NAME   the stack to read outputs from (default SageMakerOpsBot)
  --json         print the findings as JSON
  --help         print this help`;

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
  const fromFile = configRegions();
  const settings: Record<string, string | undefined> = {
    ...(fromFile.length > 0 ? { REGIONS: fromFile.join(',') } : {}),
    ...Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== undefined && value !== '')),
  };
  const env = settings.REGIONS || settings.AWS_REGION ? settings : { ...settings, AWS_REGION: await new SageMakerClient({}).config.region() };
  const { regions } = parseCommonConfig(env);
  const found = await Promise.all(
    regions.map((region) => findLeftovers(region, { tagging: new ResourceGroupsTaggingAPIClient({ region }), scheduler: new SchedulerClient({ region }) })),
  );
  // What the bot holds in its state table: STATE_TABLE, else the stack's StateTableName output.
  const undo = process.argv.includes('--undo');
  const stackName = stackNameOf(process.argv);
  const region = await stackRegion();
  let outputs: Record<string, string> = {};
  let unread: string | undefined;
  if (!process.env.STATE_TABLE || undo) {
    try {
      outputs = await stackOutputs(stackName, region);
    } catch (error) {
      // Listing tags needs no stack; undoing does.
      if (undo) throw error;
      unread = `stack ${stackName} not read (${userFacingError(error)})`;
    }
  }
  const tableName = process.env.STATE_TABLE || outputs.StateTableName;
  const table = tableName ? createStateTable(new DynamoDBClient(region ? { region } : {}), tableName) : undefined;
  const holdings = table ? await readHoldings(table) : undefined;
  if (process.argv.includes('--json')) console.log(JSON.stringify({ regions: found, holdings, unread }, null, 2));
  else {
    if (!holdings) console.log(`state table: not read: ${unread ?? `stack ${stackName} has no StateTableName output`}; set STATE_TABLE or --stack NAME`);
    console.log(describeLeftovers(found, holdings));
  }
  if (!undo || !table || !holdings || holdings.length === 0) return;
  console.log('');
  for (const line of await undoHoldings(holdings, lambdaInvoke(outputs, region))) console.log(line);
  const left = await readHoldings(table);
  console.log(
    left.length === 0
      ? 'the state table holds nothing now: cdk destroy leaves nothing behind'
      : `${left.length} still held: see above, and npm run -s history -- NAME`,
  );
  if (left.length > 0) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    // One line: the fix when it is the identity's (credentials, an expired session, a denied action).
    console.error(`leftovers: ${userFacingError(error)}`);
    process.exit(1);
  });
}

export { findLeftovers, describeLeftovers, undoHoldings, RESTORE_SCHEDULE_PREFIX, HELP };
export type { Leftovers };
