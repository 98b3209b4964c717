/**
 * Synthesizes the real app into a temporary outdir (removed by `cleanup`), with a stand-in dist/
 * so infra tests do not depend on a build having run.
 */
import { JOB_NAMES } from '@ops-bot/shared/config';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Environment } from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.ts';
import { buildStackSetApp } from '../../infra/stackset-app.ts';

const JOBS = JOB_NAMES;

/** cdk.json's context (the feature flags): tests synthesize with exactly what `cdk synth` uses. */
function cdkContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> }).context;
}

interface Synthesized {
  readonly app: App;
  readonly template: Template;
  readonly annotations: Annotations;
  readonly validationViolations: unknown[];
  cleanup(): void;
}

/** A dist/ with a stand-in bundle per job, in `workDir`: infra tests never depend on a build. */
function standInDist(workDir: string): string {
  const distDir = join(workDir, 'dist');
  for (const job of JOBS) {
    mkdirSync(join(distDir, job), { recursive: true });
    writeFileSync(join(distDir, job, 'index.mjs'), 'export const handler = async () => ({});\n');
  }
  return distDir;
}

function synthesize(opsBot: Record<string, unknown> = {}, env: Environment = {}): Synthesized {
  const workDir = mkdtempSync(join(tmpdir(), 'ops-bot-cdk-'));
  const distDir = standInDist(workDir);
  const outdir = join(workDir, 'cdk.out');
  const app = new App({ outdir, context: cdkContext() });
  const stack = buildApp(app, distDir, env, opsBot);
  app.synth();
  return {
    app,
    template: Template.fromStack(stack),
    annotations: Annotations.fromStack(stack),
    validationViolations: nagViolations(outdir),
    cleanup: () => rmSync(workDir, { recursive: true, force: true }),
  };
}

type TemplateResources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The StackSets app synthesized: the administrator's parent stack and the member template every account gets. */
function synthesizeStackSets(
  config: Record<string, unknown>,
  env: Environment = {},
): { parent: Template; member: TemplateResources; violations: unknown[]; cleanup(): void } {
  const workDir = mkdtempSync(join(tmpdir(), 'ops-bot-stackset-'));
  const outdir = join(workDir, 'cdk.out');
  const app = new App({ outdir, context: cdkContext() });
  const built = buildStackSetApp(app, standInDist(workDir), env, config);
  const assembly = app.synth();
  const memberFile = readFileSync(join(outdir, `${built.member.artifactId}.stackset.template.json`), 'utf8');
  return {
    parent: Template.fromJSON(assembly.getStackByName(built.parent.stackName).template as Record<string, unknown>),
    member: (JSON.parse(memberFile) as { Resources: TemplateResources }).Resources,
    violations: nagViolations(outdir),
    cleanup: () => rmSync(workDir, { recursive: true, force: true }),
  };
}

/**
 * cdk-nag's findings in the validation report. With CDK's recommended flags the report also
 * carries construct annotations (warnings meant for the operator, such as "no subscriber"): those
 * are not nag findings and are asserted where they matter.
 */
function nagViolations(outdir: string): unknown[] {
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: Array<{ pluginName?: string; violations: unknown[] }>;
  };
  return report.pluginReports.filter((plugin) => plugin.pluginName !== 'Construct Annotations').flatMap((plugin) => plugin.violations);
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

export { synthesize, synthesizeStackSets, jobStatements, actionsOf, cdkContext, nagViolations };
export type { Statement };
export type { Synthesized };
