/**
 * `npm run -s history -- <resource name>`: what the bot did to a resource and how to undo it,
 * from its state table's journal (live, read-only). Also what the bot still holds for it (saved
 * copy counts, a recreate record, a notebook's marks). Finds the table as the other scripts do:
 * STATE_TABLE, else the stack's StateTableName output, in the stack's region.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readHistory, type JournaledAction } from '@ops-bot/shared/aws/bot-state';
import { createStateTable } from '@ops-bot/shared/aws/state-table';
import { checkCredentials, userFacingError } from './aws-hints.ts';
import { stackNameOf, stackRegion, stateTableName } from './deployment.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HELP = `Usage: npm run -s history -- <resource name> [--json] [--stack NAME]

Prints, read-only, what the bot did to every resource of that name (inference components,
endpoints, notebook instances), oldest first, each with its outcome and how to undo it, and what
the bot still holds for it. Reads the bot's state table: STATE_TABLE, else the stack's
StateTableName output, in the stack's region (AWS_REGION, else the config file's first region,
else your profile's).

  --stack NAME   the stack to read outputs from (default SageMakerOpsBot)
  --json         print the history as JSON
  --help         print this help`;

/** SageMaker names: letters, digits and hyphens (SageMaker API Reference, EndpointName and the like). */
const RESOURCE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

function describeHistory(name: string, history: Awaited<ReturnType<typeof readHistory>>): string {
  const lines: string[] = [];
  if (history.actions.length === 0) lines.push(`The bot's journal holds nothing for ${name}.`);
  else lines.push(`What the bot did to ${name}, oldest first:`);
  for (const action of history.actions) lines.push(...actionLines(action));
  if (history.holds.length > 0) {
    lines.push('', 'What the bot still holds for it:');
    for (const hold of history.holds) {
      lines.push(`  ${hold.arn} (${hold.slot})`);
      for (const [key, value] of Object.entries(hold.values)) lines.push(`    ${key} = ${value}`);
    }
  }
  return lines.join('\n');
}

function actionLines(action: JournaledAction): string[] {
  const change = action.before !== undefined || action.after !== undefined ? ` (${action.before ?? '?'} -> ${action.after ?? '?'})` : '';
  const lines = [
    `  ${action.at.slice(0, 16).replace('T', ' ')} UTC  ${action.kind} ${action.arn}: ${action.action}${change}: ${action.outcome} [run ${action.runId}]`,
  ];
  if (action.outcome === 'started') lines.push('    no outcome was written: the run was cut off, or the call did not answer; check the resource itself');
  if (action.undo) lines.push(`    undo: ${action.undo}`);
  return lines;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(HELP);
    return;
  }
  const name = args.find((arg) => !arg.startsWith('--'));
  if (!name || !RESOURCE_NAME.test(name)) {
    console.error(`history: give the resource's name (letters, digits and hyphens), got ${name === undefined ? 'none' : JSON.stringify(name)}; see --help`);
    process.exitCode = 1;
    return;
  }
  const problem = await checkCredentials();
  if (problem) {
    console.error(`history: ${problem}`);
    process.exitCode = 1;
    return;
  }
  // The deployed bot's table: STATE_TABLE, else the stack's output, in the stack's region.
  const stackName = stackNameOf(args);
  const region = await stackRegion();
  const tableName = await stateTableName(stackName, region);
  if (!tableName) {
    console.error(`history: stack ${stackName} has no StateTableName output: set STATE_TABLE, or --stack NAME`);
    process.exitCode = 1;
    return;
  }
  const history = await readHistory(createStateTable(new DynamoDBClient(region ? { region } : {}), tableName), name);
  console.log(args.includes('--json') ? JSON.stringify(history, null, 2) : describeHistory(name, history));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    // One line: the fix when it is the identity's (credentials, an expired session, a denied action).
    console.error(`history: ${userFacingError(error)}`);
    process.exit(1);
  });
}

export { describeHistory, HELP };
