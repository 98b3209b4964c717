/**
 * Synthesizes the real app into a temporary outdir (removed by `cleanup`), with a stand-in dist/
 * so infra tests do not depend on a build having run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Environment } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.ts';

const JOBS = ['idle-endpoints', 'idle-notebooks', 'weekend-scaling', 'cost-report'];

interface Synthesized {
  readonly template: Template;
  readonly validationViolations: unknown[];
  cleanup(): void;
}

function synthesize(opsBot: Record<string, unknown> = {}, env: Environment = {}): Synthesized {
  const workDir = mkdtempSync(join(tmpdir(), 'ops-bot-cdk-'));
  const distDir = join(workDir, 'dist');
  for (const job of JOBS) {
    mkdirSync(join(distDir, job), { recursive: true });
    writeFileSync(join(distDir, job, 'index.mjs'), 'export const handler = async () => ({});\n');
  }
  const outdir = join(workDir, 'cdk.out');
  const app = new App({ outdir });
  const stack = buildApp(app, distDir, env, opsBot);
  app.synth();
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: Array<{ violations: unknown[] }> };
  return {
    template: Template.fromStack(stack),
    validationViolations: report.pluginReports.flatMap((plugin) => plugin.violations),
    cleanup: () => rmSync(workDir, { recursive: true, force: true }),
  };
}

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, unknown>;
}

/** Every statement a job's Lambda role carries: its inline policies and the policies attached to it. */
function jobStatements(template: Template, jobName: string): Statement[] {
  const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: `Runs the ${jobName} job of the SageMaker ops bot` } });
  const [roleId, role] = Object.entries(roles)[0] ?? [];
  if (!roleId || !role) throw new Error(`no role for ${jobName}`);
  const inline = ((role as { Properties: { Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }> } }).Properties.Policies ?? []).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
  const attached = Object.values(template.findResources('AWS::IAM::Policy'))
    .map((policy) => (policy as { Properties: { Roles: Array<{ Ref: string }>; PolicyDocument: { Statement: Statement[] } } }).Properties)
    .filter((properties) => properties.Roles.some((ref) => ref.Ref === roleId))
    .flatMap((properties) => properties.PolicyDocument.Statement);
  return [...inline, ...attached];
}

function actionsOf(statements: readonly Statement[]): string[] {
  return [...new Set(statements.flatMap((statement) => [statement.Action].flat()))].sort();
}

export { synthesize, jobStatements, actionsOf };
export type { Statement };
export type { Synthesized };
