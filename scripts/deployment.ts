/**
 * Where the deployed bot is, for the scripts that read its state: the stack's region (AWS_REGION,
 * else the config file's first region, else the profile's) and its outputs (one DescribeStacks),
 * which name the state table and the functions.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { existsSync } from 'node:fs';
import { DEFAULT_CONFIG_FILE, readDeployConfig } from '../infra/deploy-config.ts';

const DEFAULT_STACK_NAME = 'SageMakerOpsBot';

/** The config file's `regions` (OPS_BOT_CONFIG, else ops-bot.config.json); none without a file. */
function configRegions(): readonly string[] {
  const file = process.env.OPS_BOT_CONFIG ?? DEFAULT_CONFIG_FILE;
  if (!existsSync(file)) return [];
  return readDeployConfig({ contextValue: undefined, file }).regions ?? [];
}

/** The stack's region: AWS_REGION, else the config's first region, else the profile's; undefined when none says. */
async function stackRegion(): Promise<string | undefined> {
  return process.env.AWS_REGION || configRegions()[0] || (await new SageMakerClient({}).config.region().catch(() => undefined));
}

/** `--stack NAME` from the command line, else the default stack name. */
function stackNameOf(args: readonly string[]): string {
  const at = args.indexOf('--stack');
  if (at < 0) return DEFAULT_STACK_NAME;
  const name = args[at + 1];
  if (!name || name.startsWith('--')) throw new Error('--stack needs the stack name (default SageMakerOpsBot)');
  return name;
}

/** The stack's outputs by key: one DescribeStacks. */
async function stackOutputs(stackName: string, region: string | undefined): Promise<Record<string, string>> {
  const answer = await new CloudFormationClient(region ? { region } : {}).send(new DescribeStacksCommand({ StackName: stackName }));
  return Object.fromEntries(
    (answer.Stacks?.[0]?.Outputs ?? []).flatMap((output) => (output.OutputKey && output.OutputValue ? [[output.OutputKey, output.OutputValue]] : [])),
  );
}

/** The state table's name: STATE_TABLE, else the stack's StateTableName output. */
async function stateTableName(stackName: string, region: string | undefined): Promise<string | undefined> {
  return process.env.STATE_TABLE || (await stackOutputs(stackName, region)).StateTableName;
}

export { configRegions, stackRegion, stackNameOf, stackOutputs, stateTableName, DEFAULT_STACK_NAME };
