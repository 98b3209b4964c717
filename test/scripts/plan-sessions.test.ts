/**
 * `plan` as an admin meets it in the first week: the deployed settings, a demo for every job, a
 * recording of a live run that replays without AWS, one line about credentials, progress only on a
 * terminal. The CLI runs as a separate process where a person would run it; the live side of a
 * recording runs in-process against the fake account.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SageMakerClient, ListNotebookInstancesCommand } from '@aws-sdk/client-sagemaker';
import { FakeAccount, STATE_KEY_ARN, fakeComponent, hostEndpoint, priceListProduct } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { newRecording, record, saveRecording, showProgress } from '../../scripts/recording.ts';
import { plan, type Options } from '../../scripts/plan.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();

const dir = mkdtempSync(join(tmpdir(), 'ops-bot-plan-'));
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const withoutAws = () =>
  Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && key !== 'REGIONS' && key !== 'OPS_BOT_CONFIG'));

function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/plan.ts', ...args], {
    encoding: 'utf8',
    env: { ...withoutAws(), AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Script: npm run demo -- <job>', () => {
  it.each(['idle-endpoints', 'idle-notebooks', 'weekend-scaling', 'cost-report', 'savings-report'])(
    'prints the email and the SMS of %s offline, with no credentials',
    (job) => {
      // Act
      const { status, stdout } = cli(['--demo', job]);

      // Assess
      expect(status).toBe(0);
      expect(stdout).toMatch(new RegExp(`^DRY RUN of ${job}`));
      expect(stdout).toContain('----- email -----');
      expect(stdout).toMatch(/----- sms \(\d+ characters\) -----\n.+/);
    },
  );
});

describe('Script: plan settings', () => {
  it("uses the config file's settings, says so on one line, and lets the environment win", () => {
    // Prepare: idle means 336 h (the whole lookback) in the file.
    const file = join(dir, 'ops-bot.config.json');
    writeFileSync(file, JSON.stringify({ endpointIdleHours: 336 }));

    // Act
    const fromDefaults = cli(['--demo', 'idle-endpoints']);
    const fromFile = cli(['--demo', 'idle-endpoints'], { OPS_BOT_CONFIG: file });
    const fromEnv = cli(['--demo', 'idle-endpoints'], { OPS_BOT_CONFIG: file, ENDPOINT_IDLE_HOURS: '24' });

    // Assess
    const idle = (stdout: string) => Number(/: (\d+) idle and costing/.exec(stdout)?.[1]);
    expect(idle(fromFile.stdout)).toBeLessThan(idle(fromDefaults.stdout));
    expect(idle(fromEnv.stdout)).toBe(idle(fromDefaults.stdout));
    expect(fromDefaults.stderr.split('\n')[0]).toBe('settings: defaults (no ops-bot.config.json); regions as the snapshot recorded them');
    expect(fromFile.stderr.split('\n')[0]).toBe(`settings: ${file}; regions as the snapshot recorded them`);
    expect(fromEnv.stderr.split('\n')[0]).toBe(`settings: ${file}, with ENDPOINT_IDLE_HOURS from the environment; regions as the snapshot recorded them`);
  });

  it('names every config problem and stops before any AWS call', () => {
    // Prepare
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ timezone: 'Mars/Base', regoins: ['us-east-1'] }));

    // Act
    const { status, stderr } = cli(['cost-report'], { OPS_BOT_CONFIG: file, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example' });

    // Assess
    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `${file}: regoins is not a known setting: did you mean "regions"?`,
      `${file}: timezone "Mars/Base" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`,
    ]);
  });

  it('says in one line what to do when there are no credentials', () => {
    // Act
    const { status, stdout, stderr } = cli(['idle-endpoints'], { AWS_PROFILE: 'ops-bot-test-none' });

    // Assess
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^plan: no AWS credentials found: set AWS_PROFILE .*aws sso login/)]);
  });
});

describe('Script: plan --save-snapshot / --snapshot', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  afterEach(() => mocks?.restore());

  /** A live dry run recorded in-process against the fake account, as `--save-snapshot` records one. */
  async function recordLive(job: Options['job'], account: FakeAccount, capturedAt: Date, extra: Partial<Options> = {}) {
    const env = { AWS_REGION: 'us-east-1', REGIONS: 'us-east-1', STATE_KEY_ID: STATE_KEY_ARN, ...stateTable.env, TIMEZONE: 'UTC' };
    account.clock = () => capturedAt;
    mocks = mockAccount(account);
    const recording = newRecording(job, capturedAt, env);
    const untap = record(recording);
    const readActivity = async () => {
      throw Object.assign(new Error('no answer within 5000 ms'), { name: 'JupyterReadError' });
    };
    const live = await plan({ job, json: false, verbose: false, ...extra }, silent, {
      env,
      clock: () => capturedAt,
      recording: { data: recording, mode: 'record' },
      readActivity,
    }).finally(untap);
    const file = join(dir, `${job}-recorded.json`);
    await saveRecording(file, recording);
    return { live, file };
  }

  it('replays a weekend scale-down without AWS to the same report the live run gave', async () => {
    // Prepare
    const account = new FakeAccount(
      [{ ...hostEndpoint('llm-dev', { instanceType: 'ml.g5.12xlarge', instances: 1, managedMin: 0 }), createdAt: new Date('2026-10-01T00:00:00Z') }],
      [],
      [fakeComponent('chat', { endpointName: 'llm-dev', copies: 2 })],
    );
    account.priceList.push(priceListProduct('us-east-1', 'ml.g5.12xlarge', 'Host', 7.5));
    const { live, file } = await recordLive('weekend-scaling', account, new Date('2026-11-20T18:00:00Z'));

    // Act
    const replayed = cli(['weekend-scaling', '--snapshot', file]);

    // Assess: the same email, priced from the recorded Price List answer.
    expect(replayed.status).toBe(0);
    expect(live.report?.email).toContain('prices: AWS Price List, 2026-11-20');
    expect(replayed.stdout).toContain(live.report?.email);
    expect(replayed.stderr.split('\n')[0]).toBe(`settings: as recorded on 2026-11-20T18:00:00.000Z (${file})`);
  });

  it('keeps no credential: a presigned notebook URL is cut to its host', async () => {
    // Prepare
    const account = new FakeAccount();
    account.notebooks.push({ name: 'nb-1', instanceType: 'ml.t3.medium', status: 'InService', lastModifiedAt: new Date('2026-11-20T07:00:00Z'), tags: {} });
    const { file } = await recordLive('idle-notebooks', account, new Date('2026-11-20T10:00:00Z'), { action: 'idle-check' });

    // Act
    const saved = readFileSync(file, 'utf8');
    const replayed = cli(['idle-notebooks', '--snapshot', file]);

    // Assess
    expect(saved).not.toContain('authToken');
    expect(saved).toContain('https://nb-1.notebook.us-east-1.sagemaker.aws/');
    expect(replayed.status).toBe(0);
    expect(replayed.stdout).toContain('nb-1 (us-east-1, ml.t3.medium');
  });

  it('refuses a recording of another job', () => {
    const { status, stderr } = cli(['cost-report', '--snapshot', 'demo/weekend-scaling.json']);
    expect(status).toBe(2);
    expect(stderr.trim()).toBe('plan: demo/weekend-scaling.json is a recording of weekend-scaling, not cost-report');
  });
});

describe('Script: plan progress', () => {
  it('shows what it reads on a terminal, and nothing in a pipe', async () => {
    // Prepare
    const mocks = mockAccount(new FakeAccount());
    const written: string[][] = [[], []];
    const stream = (index: number, isTTY: boolean) => ({ isTTY, write: (text: string) => written[index]?.push(text) }) as unknown as NodeJS.WriteStream;
    const stops = [showProgress(stream(0, true)), showProgress(stream(1, false))];

    // Act
    await new SageMakerClient({ region: 'eu-west-1' }).send(new ListNotebookInstancesCommand({}));
    for (const stop of stops.reverse()) stop();
    mocks.restore();

    // Assess
    expect(written[0]?.join('')).toContain('reading AWS: eu-west-1 1 calls');
    expect(written[1]).toEqual([]);
  });
});
