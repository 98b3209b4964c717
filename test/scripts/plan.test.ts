/** `npm run -s plan`: the operator's dry run from a checkout. Run as a separate process, as a person would. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function plan(args: string[], env: Record<string, string | undefined> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/plan.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, AWS_REGION: undefined, REGIONS: undefined, AWS_PROFILE: 'ops-bot-test-none', AWS_CONFIG_FILE: '/nonexistent', ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('Script: plan', () => {
  it('lists every job in --help', () => {
    // Act
    const { status, stdout } = plan(['--help']);

    // Assess
    expect(status).toBe(0);
    for (const job of ['idle-endpoints', 'idle-notebooks', 'weekend-scaling', 'cost-report', 'savings-report [--month M]']) expect(stdout).toContain(job);
    expect(stdout).toContain('npm run -s');
  });

  it.each([
    { args: ['frobnicate'], message: 'plan: unknown job "frobnicate"' },
    { args: ['cost-report', '--action', 'restore'], message: 'plan: --action is for idle-notebooks and weekend-scaling, not cost-report' },
    {
      args: ['cost-report'],
      env: { AWS_PROFILE: undefined, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'example' },
      message: 'plan: no region: set AWS_REGION or REGIONS, or a region in your AWS profile',
    },
    { args: ['cost-report', '--month', '2026-11'], message: 'plan: --month is for savings-report, not cost-report' },
  ] as Array<{ args: string[]; env?: Record<string, string | undefined>; message: string }>)(
    'says what is wrong in one line, no stack trace: $message',
    ({ args, env, message }) => {
      // Act
      const { status, stderr } = plan(args, env);

      // Assess
      expect(status).toBe(2);
      expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
    },
  );

  it('prints clean JSON with --json (a replayed snapshot, no AWS needed)', () => {
    // Act
    const { status, stdout } = plan(['idle-endpoints', '--snapshot', 'demo/demo-account.json', '--json']);

    // Assess
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ job: 'idle-endpoints', dryRun: true, published: false });
  });

  it('runs the demo offline: no AWS call tried, no credentials hint, prices from the embedded table and said so', () => {
    // Act: no credentials at all in this environment.
    const { status, stdout, stderr } = plan(['--demo']);

    // Assess
    expect(status).toBe(0);
    expect(stdout).toContain('Prices: embedded table of 2026-11 (us-east-1, us-east-2, us-west-2), Price List not read.');
    expect(`${stdout}${stderr}`).not.toMatch(/credential/i);
  });
});
