/**
 * `cdk synth` / `cdk deploy` entry. Reads the deploy config from ops-bot.config.json (or the file
 * OPS_BOT_CONFIG names), builds the stack from dist/ (run `npm run build` first), and runs
 * cdk-nag's AwsSolutions checks on it.
 */
import { Annotations, App, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_CONFIG_FILE, defaultsLine, exitOnConfigProblems, parseDeployConfig, readDeployConfig, type DeployConfig } from './deploy-config.ts';
import { OpsBotStack } from './ops-bot-stack.ts';
import { chatReminder } from './chat.ts';
import { jobPermissionLines, type CfnTemplate } from './job-permissions.ts';

/**
 * `env` defaults to the CLI's account and region (set from your credentials on deploy). Tests pass
 * `rawConfig` directly; a deploy reads the config file.
 */
function buildApp(
  app: App,
  distDir: string,
  env: Environment = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  rawConfig?: unknown,
): OpsBotStack {
  const config: DeployConfig =
    rawConfig !== undefined
      ? parseDeployConfig(rawConfig)
      : readDeployConfig({ contextValue: app.node.tryGetContext('opsBot'), ...(process.env.OPS_BOT_CONFIG ? { file: process.env.OPS_BOT_CONFIG } : {}) });
  const stack = new OpsBotStack(app, 'SageMakerOpsBot', {
    config,
    distDir,
    description: 'sagemaker-ops-bot: keeps SageMaker spend under control (idle endpoints, notebooks, weekend scaling, cost)',
    env,
  });
  if (config.emails.length === 0 && config.smsNumbers.length === 0) {
    Annotations.of(stack).addWarningV2(
      'ops-bot:no-subscriber',
      'The report topic has no subscriber: reports and alarms will reach nobody. Add "emails" or "smsNumbers" to ops-bot.config.json.',
    );
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = new App();
  const stack = exitOnConfigProblems(() => buildApp(app, new URL('../dist', import.meta.url).pathname));
  // What is about to be deployed, on stderr (the template goes to stdout): the defaults, and what each job's role may change.
  const config = readDeployConfig({ contextValue: undefined, ...(process.env.OPS_BOT_CONFIG ? { file: process.env.OPS_BOT_CONFIG } : {}) });
  if (config.source === 'defaults') console.error(defaultsLine(process.env.OPS_BOT_CONFIG ?? DEFAULT_CONFIG_FILE));
  const reminder = chatReminder(app);
  if (reminder) console.error(reminder);
  const assembly = app.synth();
  for (const line of jobPermissionLines(assembly.getStackArtifact(stack.artifactId).template as CfnTemplate)) console.error(line);
}

export { buildApp };
