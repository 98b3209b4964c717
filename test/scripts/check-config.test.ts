/** `npm run -s check-config`: the deploy config checked as synth checks it. Run as a separate process, as an admin would. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'ops-bot-check-config-'));

function checkConfig(config: unknown) {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  // No AWS at all: no credentials, no region.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-config.ts', file], { encoding: 'utf8', env, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, file };
}

describe('Script: check-config', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints exactly one line per mistake, naming each key as written, and exits 1', () => {
    // Act
    const { status, stdout, stderr, file } = checkConfig({
      timezone: 'Europe/Berln',
      emails: ['ml-admins@example.com', 'nobody'],
      schedules: { weekendScaleDown: { weekDay: 'FRI', hour: 25, minute: 0 } },
    });

    // Assess
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      `${file}: timezone "Europe/Berln" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`,
      `${file}: emails[1] "nobody" is not an email address`,
      `${file}: schedules.weekendScaleDown.hour must be a whole number from 0 to 23, got 25`,
    ]);
  });

  it('says in one line what a good config sets up', () => {
    // Act
    const { status, stdout, file } = checkConfig({ timezone: 'Europe/Berlin', emails: ['ml-admins@example.com'], reportOnly: ['weekend-scaling'] });

    // Assess
    expect(status).toBe(0);
    expect(stdout.trim()).toBe(`${file}: OK (timezone Europe/Berlin; regions the stack's own; 1 email and 0 SMS subscribers; report-only: weekend-scaling)`);
  });

  it('answers --help', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-config.ts', '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: npm run -s check-config');
  });
});
