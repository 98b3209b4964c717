/** Every script of package.json that a person runs answers --help, without AWS, credentials or a build. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
/** The ones that run our own TypeScript (build, test, lint, synth are the tools' own). */
const ours = Object.entries(scripts).filter(([, command]) => command.startsWith('tsx '));

describe('Scripts: --help', () => {
  it('covers plan, demo, check-config, leftovers, history, samples and bench', () => {
    expect(ours.map(([name]) => name).sort()).toEqual(['bench', 'check-config', 'demo', 'history', 'leftovers', 'plan', 'samples']);
  });

  it.each(ours)('npm run %s -- --help prints its usage and exits 0', (_name, command) => {
    // Act
    const [, file, ...args] = command.split(' ');
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
    const result = spawnSync(process.execPath, ['--import', 'tsx', file as string, ...args, '--help'], { encoding: 'utf8', env, timeout: 60_000 });

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run/);
  });
});
