/**
 * Synthesizes the real app into a temporary outdir (removed by `cleanup`), with a stand-in dist/
 * so infra tests do not depend on a build having run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.ts';

const JOBS = ['idle-endpoints'];

interface Synthesized {
  readonly template: Template;
  readonly validationViolations: unknown[];
  cleanup(): void;
}

function synthesize(opsBot: Record<string, unknown> = {}): Synthesized {
  const workDir = mkdtempSync(join(tmpdir(), 'ops-bot-cdk-'));
  const distDir = join(workDir, 'dist');
  for (const job of JOBS) {
    mkdirSync(join(distDir, job), { recursive: true });
    writeFileSync(join(distDir, job, 'index.mjs'), 'export const handler = async () => ({});\n');
  }
  const outdir = join(workDir, 'cdk.out');
  const app = new App({ outdir, context: { opsBot } });
  const stack = buildApp(app, distDir);
  app.synth();
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: Array<{ violations: unknown[] }> };
  return {
    template: Template.fromStack(stack),
    validationViolations: report.pluginReports.flatMap((plugin) => plugin.violations),
    cleanup: () => rmSync(workDir, { recursive: true, force: true }),
  };
}

export { synthesize };
export type { Synthesized };
