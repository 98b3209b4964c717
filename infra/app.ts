/**
 * `cdk synth` / `cdk deploy` entry. Reads the deploy config from the `opsBot` context, builds the
 * stack from dist/ (run `npm run build` first), and runs cdk-nag's AwsSolutions checks on it.
 */
import { App, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseDeployConfig } from './deploy-config.ts';
import { OpsBotStack } from './ops-bot-stack.ts';

/** `env` defaults to the CLI's account and region (set from your credentials on deploy). */
function buildApp(app: App, distDir: string, env: Environment = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }): OpsBotStack {
  const config = parseDeployConfig(app.node.tryGetContext('opsBot'));
  const stack = new OpsBotStack(app, 'SageMakerOpsBot', {
    config,
    distDir,
    description: 'sagemaker-ops-bot: keeps SageMaker spend under control (idle endpoints, notebooks, weekend scaling, cost)',
    env,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = new App();
  buildApp(app, new URL('../dist', import.meta.url).pathname);
  app.synth();
}

export { buildApp };
