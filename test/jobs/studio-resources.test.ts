/**
 * Canvas sessions, MLflow tracking servers and Studio spaces through the real idle-notebooks job:
 * the fake account answers as SageMaker, CloudWatch and the Tagging API document, the state table
 * is dynalite.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseIdleNotebooksConfig } from '@ops-bot/shared/config';
import { runIdleNotebooks } from '@ops-bot/shared/jobs/idle-notebooks';
import { createIdleNotebooksClients, liveIdleNotebooksDeps } from '@ops-bot/shared/live/idle-notebooks';
import type { NotebookEvent } from '@ops-bot/shared/lambda/events';
import { canvasSessionProduct, FakeAccount, FakeAwsError, mlflowProduct } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();
const NOW = new Date('2026-11-20T15:00:00Z');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const minutesAgo = (minutes: number, from = NOW) => new Date(from.getTime() - minutes * 60_000);

/** TimeSinceLastActive of one user, as Canvas publishes it: seconds since the user was last active. */
const activity = (domainId: string, userProfileName: string, points: Array<[minutesAgo: number, seconds: number]>) => ({
  namespace: '/aws/sagemaker/Canvas/AppActivity',
  metricName: 'TimeSinceLastActive',
  dimensions: { DomainId: domainId, UserProfileName: userProfileName },
  points: points.map(([ago, seconds]) => ({ at: minutesAgo(ago), sum: seconds })),
});

const canvasApp = (domainId: string, userProfileName: string, createdAt = minutesAgo(600)) => ({
  domainId,
  userProfileName,
  appType: 'Canvas',
  appName: 'default',
  status: 'InService',
  createdAt,
});

/**
 * Domain d-1 opted in (`ops-bot:idle-shutdown = true`): ana idle 150 min, cara back a minute ago
 * after an idle stretch, dan with no datapoints, bob skipped. Domain d-2 not opted in: its own ana
 * (profile names are unique per domain only) idle 300 min.
 */
function canvasAccount(): FakeAccount {
  const account = new FakeAccount(
    [],
    [
      activity('d-1', 'ana', [
        [20, 8_000],
        [4, 9_000],
      ]),
      activity('d-1', 'cara', [
        [20, 9_000],
        [2, 60],
      ]),
      activity('d-1', 'bob', [[3, 50_000]]),
      activity('d-2', 'ana', [[3, 18_000]]),
    ],
  );
  account.clock = () => NOW;
  account.domains.push(
    {
      id: 'd-1',
      tags: { 'ops-bot:idle-shutdown': 'true' },
      profiles: [
        { name: 'ana', tags: {} },
        { name: 'bob', tags: { 'ops-bot:skip': 'true' } },
        { name: 'cara', tags: {} },
        { name: 'dan', tags: {} },
      ],
      spaces: [],
    },
    { id: 'd-2', tags: {}, profiles: [{ name: 'ana', tags: {} }], spaces: [] },
  );
  account.apps.push(canvasApp('d-1', 'ana'), canvasApp('d-1', 'bob'), canvasApp('d-1', 'cara'), canvasApp('d-1', 'dan'), canvasApp('d-2', 'ana'));
  return account;
}

describe('Function: idle-notebooks, Canvas sessions', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  afterEach(() => mocks?.restore());

  const run = (account: FakeAccount, event: NotebookEvent, env: Record<string, string> = {}, at = NOW) => {
    mocks?.restore();
    mocks = mockAccount(account);
    account.clock = () => at;
    const config = parseIdleNotebooksConfig({ AWS_REGION: 'us-east-1', TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot', ...stateTable.env, ...env });
    return runIdleNotebooks(
      event,
      liveIdleNotebooksDeps(config, createIdleNotebooksClients(), silent, () => at),
    );
  };

  it('logs out only the opted-in session idle past the threshold by its newest datapoint, journaling it first', async () => {
    // Prepare
    const account = canvasAccount();

    // Act
    const result = await run(account, { action: 'idle-check', dryRun: false });

    // Assess: one DeleteApp, for d-1/ana; cara came back, dan has no signal, bob is skipped, d-2 did not opt in.
    const deletes = account.calls.filter((call) => call.operation === 'DeleteApp').map((call) => call.input);
    expect(deletes).toEqual([{ DomainId: 'd-1', UserProfileName: 'ana', AppType: 'Canvas', AppName: 'default' }]);
    expect(result.interactive.map((outcome) => [outcome.name, outcome.verdict, outcome.result])).toEqual([
      ['d-1/ana', 'logout', 'done'],
      ['d-1/cara', 'active', 'none'],
      ['d-1/dan', 'unknown', 'none'],
    ]);
    expect(result.interactive.find((outcome) => outcome.name === 'd-1/dan')?.detail).toBe('no TimeSinceLastActive datapoint in the last 30 min');
    expect(result.report?.subject).toBe('SageMaker notebooks: stopped 0 notebooks; logged out 1 Canvas session');
    expect(result.report?.email).toContain('CANVAS SESSIONS LOGGED OUT\n  d-1/ana (us-east-1): inactive for 150 min (threshold 120); $1.90/h; done');
    const items = await stateTable.items();
    expect(items.filter((item) => item.pk?.S === 'state#canvas').map((item) => item.arn?.S)).toEqual([
      'arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-1/ana',
    ]);
    expect(items.filter((item) => item.pk?.S?.startsWith('journal#')).map((item) => [item.pk?.S, item.action?.S, item.outcome?.S])).toEqual([
      ['journal#ana', 'log out of Canvas (DeleteApp)', 'done'],
    ]);
  });

  it('reads the live tags before acting: a skip put on the profile since the tag search wins', async () => {
    // Prepare: the search still sees no skip on ana; her profile's own tags (ListTags) do.
    const account = canvasAccount();
    let searched = false;
    account.failure = (operation, input) => {
      if (operation === 'GetResources') searched = true;
      if (operation === 'ListTags' && searched && String(input.ResourceArn).endsWith('user-profile/d-1/ana')) {
        const profile = account.domains[0]?.profiles.find((candidate) => candidate.name === 'ana');
        if (profile) profile.tags = { 'ops-bot:skip': 'true' };
      }
      return undefined;
    };

    // Act
    const result = await run(account, { action: 'idle-check', dryRun: false });

    // Assess
    expect(account.callCount('DeleteApp')).toBe(0);
    expect(result.interactive.find((outcome) => outcome.name === 'd-1/ana')).toMatchObject({ verdict: 'skipped', result: 'none' });
  });

  it('in report-only mode deletes nothing, writes nothing and stays quiet every 15 minutes; the daily audit says it once', async () => {
    // Prepare
    const account = canvasAccount();

    // Act
    const check = await run(account, { action: 'idle-check', dryRun: false }, { REPORT_ONLY: 'true' });
    const audit = await run(account, { action: 'studio-audit', dryRun: false }, { REPORT_ONLY: 'true' });

    // Assess
    expect(account.mutatingCalls()).toBe(0);
    expect(check.interactive.find((outcome) => outcome.name === 'd-1/ana')).toMatchObject({ result: 'planned' });
    expect(check.published).toBe(false);
    expect(audit.report?.email).toContain('CANVAS SESSIONS RUNNING: 5, about $228.00/day');
    expect(audit.report?.email).toContain('  ana (us-east-1, domain d-1): $1.90/h, up 10 h; would be logged out');
    expect(audit.report?.email).toMatch(/ {2}ana \(us-east-1, domain d-2\): \$1\.90\/h, up 10 h; not logged out by the bot/);
    expect((await stateTable.items()).filter((item) => item.pk?.S !== 'meta')).toEqual([]);
    // One Studio tag search a run: the audit's Canvas check and its idle-shutdown step share it.
    const studioSearches = account.calls.filter(
      (call) => call.operation === 'GetResources' && (call.input.ResourceTypeFilters as string[]).includes('sagemaker:domain'),
    );
    expect(studioSearches).toHaveLength(2);
  });

  it('books the session price for the hours logged out when the user logs in again, once', async () => {
    // Prepare: logged out at 15:00; ana logs in again at 18:30 (a new Canvas app).
    const account = canvasAccount();
    await run(account, { action: 'idle-check', dryRun: false });
    const later = new Date('2026-11-20T18:45:00Z');
    account.apps.push(canvasApp('d-1', 'ana', new Date('2026-11-20T18:30:00Z')));

    // Act: two checks after the return.
    const back = await run(account, { action: 'idle-check', dryRun: false }, {}, later);
    const again = await run(account, { action: 'idle-check', dryRun: false }, {}, new Date('2026-11-20T19:00:00Z'));

    // Assess: 3.5 h x $1.90 = $6.65, booked in the ledger once; the record is gone.
    expect(back.interactive.find((outcome) => outcome.verdict === 'returned')).toMatchObject({
      name: 'd-1/ana',
      realized: { action: 'canvas-logout', saved: 6.65 },
    });
    expect(again.interactive.filter((outcome) => outcome.verdict === 'returned')).toEqual([]);
    const items = await stateTable.items();
    expect(items.filter((item) => item.pk?.S === 'state#canvas')).toEqual([]);
    expect(items.filter((item) => item.pk?.S?.startsWith('ledger#')).map((item) => [item.sk?.S, item.amount?.N])).toEqual([
      ['2026-11-20#us-east-1/d-1/ana', '6.65'],
    ]);
  });

  it('books nothing for a user profile deleted and created again under the logged-out name, and drops the stale record', async () => {
    // Prepare: ana of d-1 is logged out at 15:00; her profile is deleted and a new "ana" created at 17:00, who opens Canvas at 18:30.
    const account = canvasAccount();
    await run(account, { action: 'idle-check', dryRun: false });
    const domain = account.domains[0];
    if (!domain) throw new Error('the account has no domain');
    domain.profiles.splice(0, 1, { name: 'ana', tags: {}, createdAt: new Date('2026-11-20T17:00:00Z') });
    account.apps.push(canvasApp('d-1', 'ana', new Date('2026-11-20T18:30:00Z')));

    // Act
    const back = await run(account, { action: 'idle-check', dryRun: false }, {}, new Date('2026-11-20T18:45:00Z'));

    // Assess
    const returned = back.interactive.find((outcome) => outcome.verdict === 'returned');
    expect(returned?.detail).toMatch(/^not booked: the user profile was created again \(2026-11-20T17:00:00.000Z\)/);
    expect(returned?.realized).toBeUndefined();
    const items = await stateTable.items();
    expect(items.filter((item) => item.pk?.S === 'state#canvas' || item.pk?.S?.startsWith('ledger#'))).toEqual([]);
  });

  it("books at the Price List's session price where it has one, the price read at the logout", async () => {
    // Prepare: the Price List prices a Canvas hour at $2.10 today (the table says $1.90).
    const account = canvasAccount();
    account.priceList.push(canvasSessionProduct('us-east-1', 2.1));
    await run(account, { action: 'idle-check', dryRun: false });
    account.apps.push(canvasApp('d-1', 'ana', new Date('2026-11-20T18:30:00Z')));

    // Act
    const back = await run(account, { action: 'idle-check', dryRun: false }, {}, new Date('2026-11-20T18:45:00Z'));

    // Assess: 3.5 h x $2.10; the report names the Price List.
    expect(back.interactive.find((outcome) => outcome.verdict === 'returned')?.realized).toEqual({ action: 'canvas-logout', saved: 7.35 });
    expect(back.report?.email).toContain('Prices: AWS Price List, 2026-11-20');
  });

  it('does not page every 15 minutes when the Canvas reads are denied; the daily audit says so', async () => {
    // Prepare
    const account = canvasAccount();
    account.failWhen('ListApps', () => new FakeAwsError('AccessDeniedException', 'User is not authorized to perform: sagemaker:ListApps'));

    // Act
    const check = await run(account, { action: 'idle-check', dryRun: false });
    const audit = await run(account, { action: 'studio-audit', dryRun: false });

    // Assess
    expect(check.failures.map((failure) => failure.stage)).toEqual(['ListApps (Studio and Canvas)']);
    expect(check.published).toBe(false);
    expect(audit.published).toBe(true);
    expect(audit.report?.email).toContain('ListApps (Studio and Canvas)');
  });

  it('deletes nothing when the metric cannot be read, and says why', async () => {
    // Prepare
    const account = canvasAccount();
    account.failWhen('GetMetricData', () => new FakeAwsError('ThrottlingException', 'Rate exceeded'));

    // Act
    const result = await run(account, { action: 'idle-check', dryRun: false });

    // Assess
    expect(account.callCount('DeleteApp')).toBe(0);
    expect(result.interactive.find((outcome) => outcome.name === 'd-1/ana')?.detail).toMatch(/^activity unknown: GetMetricData failed: ThrottlingException/);
  });
});

describe('Function: idle-notebooks, MLflow tracking servers off hours', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  afterEach(() => mocks?.restore());
  const evening = new Date('2026-11-20T19:00:00Z');
  const morning = new Date('2026-11-23T08:00:00Z');
  /** The job's deps at an instant of the account's time, with these settings. */
  const clockedDeps = (account: FakeAccount, env: Record<string, string>) => {
    mocks = mockAccount(account);
    const config = parseIdleNotebooksConfig({ AWS_REGION: 'us-east-1', TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot', ...stateTable.env, ...env });
    return (instant: Date) => {
      account.clock = () => instant;
      return liveIdleNotebooksDeps(config, createIdleNotebooksClients(), silent, () => instant);
    };
  };

  it('stops only the opted-in running servers in the evening and starts in the morning only those it stopped', async () => {
    // Prepare
    const account = new FakeAccount();
    const created = new Date('2026-10-01T00:00:00Z');
    account.trackingServers.push(
      { name: 'team-tracking', status: 'Created', size: 'Small', createdAt: created, tags: { 'ops-bot:off-hours': 'true' } },
      { name: 'owner-stopped', status: 'Stopped', size: 'Small', createdAt: created, tags: { 'ops-bot:off-hours': 'true' } },
      { name: 'always-on', status: 'Started', size: 'Medium', createdAt: created, tags: {} },
      { name: 'skipped', status: 'Started', size: 'Large', createdAt: created, tags: { 'ops-bot:off-hours': 'true', 'ops-bot:skip': 'true' } },
    );
    // The table has no MLflow price: the admin gives the Small one.
    const at = clockedDeps(account, { PRICE_OVERRIDES: '{"mlflow.small": 0.6}' });

    // Act
    const stop = await runIdleNotebooks({ action: 'off-hours-stop', dryRun: false }, at(evening));
    const start = await runIdleNotebooks({ action: 'morning-start', dryRun: false }, at(morning));

    // Assess
    expect(
      account.calls
        .filter((call) => call.operation.endsWith('MlflowTrackingServer') && !call.operation.startsWith('Describe'))
        .map((call) => [call.operation, call.input.TrackingServerName]),
    ).toEqual([
      ['StopMlflowTrackingServer', 'team-tracking'],
      ['StartMlflowTrackingServer', 'team-tracking'],
    ]);
    expect(stop.interactive.map((outcome) => [outcome.name, outcome.verdict, outcome.result])).toEqual([
      ['team-tracking', 'stop', 'done'],
      ['owner-stopped', 'stopped', 'none'],
      ['skipped', 'skipped', 'none'],
    ]);
    expect(start.interactive.map((outcome) => [outcome.name, outcome.result])).toEqual([['team-tracking', 'done']]);
    // Booked as a notebook's off-hours stop: Friday 19:00 to Monday 08:00 is 61 h at $0.60.
    expect(start.interactive[0]?.realized).toEqual({ action: 'mlflow-off-hours', saved: 36.6 });
    const ledger = (await stateTable.items()).filter((item) => item.pk?.S?.startsWith('ledger#'));
    expect(ledger.map((item) => [item.sk?.S, item.amount?.N])).toEqual([['2026-11-23#us-east-1/team-tracking', '36.6']]);
    expect(account.trackingServers.map((server) => [server.name, server.status])).toEqual([
      ['team-tracking', 'Started'],
      ['owner-stopped', 'Stopped'],
      ['always-on', 'Started'],
      ['skipped', 'Started'],
    ]);
    expect((await stateTable.items()).filter((item) => item.pk?.S === 'state#mlflow')).toEqual([]);
  });

  it('records the Price List price of the size at the evening stop and books the hours stopped at it in the morning', async () => {
    // Prepare: no override; the Price List prices a Small server.
    const account = new FakeAccount();
    account.trackingServers.push({
      name: 'team-tracking',
      status: 'Created',
      size: 'Small',
      createdAt: new Date('2026-10-01T00:00:00Z'),
      tags: { 'ops-bot:off-hours': 'true' },
    });
    account.priceList.push(mlflowProduct('us-east-1', 'USE1-MLflow:TrackingServer-Small-Hrs', 0.642));
    const at = clockedDeps(account, {});

    // Act
    await runIdleNotebooks({ action: 'off-hours-stop', dryRun: false }, at(evening));
    const start = await runIdleNotebooks({ action: 'morning-start', dryRun: false }, at(morning));

    // Assess: 61 h x $0.642; the morning start needs no price (the stop recorded it) and asks for none.
    expect(start.interactive[0]?.realized).toEqual({ action: 'mlflow-off-hours', saved: 39.16 });
    expect(account.calls.filter((call) => call.operation === 'GetProducts')).toHaveLength(1);
  });
});

describe('Function: idle-notebooks, the daily Studio audit', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  afterEach(() => mocks?.restore());

  it('lists each running app with its effective idle shutdown, billing tracking servers and the volumes of stopped spaces', async () => {
    // Prepare: JupyterLab in a space with its own idle timeout, Code Editor where nothing sets it,
    // a stopped 50 GB private space, a server left by a deleted domain, a stopped server.
    const account = new FakeAccount();
    account.clock = () => NOW;
    account.domains.push({
      id: 'd-1',
      tags: {},
      profiles: [{ name: 'ana', tags: {} }],
      spaces: [
        { name: 'lab', appType: 'JupyterLab', volumeGb: 5, idleMinutes: 60 },
        { name: 'editor', appType: 'CodeEditor', volumeGb: 5, owner: 'ana' },
        { name: 'old-work', appType: 'JupyterLab', volumeGb: 50, owner: 'ana' },
      ],
    });
    account.apps.push(
      {
        domainId: 'd-1',
        spaceName: 'lab',
        appType: 'JupyterLab',
        appName: 'default',
        status: 'InService',
        instanceType: 'ml.t3.medium',
        createdAt: minutesAgo(180),
      },
      {
        domainId: 'd-1',
        spaceName: 'editor',
        image: { arn: 'arn:aws:sagemaker:us-east-1:885854791233:image/sagemaker-distribution-cpu', versionAlias: '1.9.0' },
        appType: 'CodeEditor',
        appName: 'default',
        status: 'InService',
        instanceType: 'ml.t3.xlarge',
        createdAt: minutesAgo(600),
      },
    );
    account.trackingServers.push(
      { name: 'orphaned', status: 'Created', size: 'Small', createdAt: new Date('2026-06-01T00:00:00Z'), tags: {} },
      { name: 'paused', status: 'Stopped', size: 'Small', createdAt: new Date('2026-06-01T00:00:00Z'), tags: {} },
    );
    mocks = mockAccount(account);
    const config = parseIdleNotebooksConfig({ AWS_REGION: 'us-east-1', TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot', ...stateTable.env });

    // Act
    const result = await runIdleNotebooks(
      { action: 'studio-audit', dryRun: false },
      liveIdleNotebooksDeps(config, createIdleNotebooksClients(), silent, () => NOW),
    );

    // Assess
    const email = result.report?.email ?? '';
    expect(email).toContain('JupyterLab default (us-east-1, domain d-1, space lab): ml.t3.medium, $1.20/day, up 3 h; idle shutdown on (space lab)');
    expect(email).toContain(
      'CodeEditor default (us-east-1, domain d-1, space editor): ml.t3.xlarge, $4.80/day, up 10 h; idle shutdown OFF (set nowhere); SageMaker Distribution 1.9.0 cannot shut down when idle (2.0 and later can)',
    );
    expect(email).toContain(
      'MLFLOW TRACKING SERVERS BILLING: 1 (no MLflow price in the Price List or your priceOverrides: "mlflow.small", … give yours)\n  orphaned (us-east-1): Small, Created, since 2026-06-01',
    );
    expect(email).toContain(
      "STOPPED SPACES' VOLUMES (they bill while stopped): 1, about $7.00/month\n  old-work (us-east-1, domain d-1, owner ana): 50 GB, $7.00/month",
    );
    expect(account.mutatingCalls()).toBe(0);
    // The size is described only for the server that bills.
    expect(account.calls.filter((call) => call.operation === 'DescribeMlflowTrackingServer').map((call) => call.input.TrackingServerName)).toEqual([
      'orphaned',
    ]);
  });
});

describe('Function: idle-notebooks, the Studio audit priced from the Price List', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  afterEach(() => mocks?.restore());

  it("prices Canvas and MLflow from the Price List, the admin's override winning, and says what it could not price", async () => {
    // Prepare: a Canvas session; Small priced by the Price List, Medium by both (the override wins), Large by neither.
    const account = new FakeAccount();
    account.clock = () => NOW;
    account.domains.push({ id: 'd-1', tags: {}, profiles: [{ name: 'ana', tags: {} }], spaces: [] });
    account.apps.push(canvasApp('d-1', 'ana'));
    const created = new Date('2026-06-01T00:00:00Z');
    account.trackingServers.push(
      { name: 'small-one', status: 'Created', size: 'Small', createdAt: created, tags: {} },
      { name: 'medium-one', status: 'Started', size: 'Medium', createdAt: created, tags: {} },
      { name: 'large-one', status: 'Created', size: 'Large', createdAt: created, tags: {} },
    );
    account.priceList.push(
      canvasSessionProduct('us-east-1', 2.1),
      mlflowProduct('us-east-1', 'USE1-MLflow:TrackingServer-Small-Hrs', 0.642),
      mlflowProduct('us-east-1', 'USE1-MLflow:TrackingServer-Medium-Hrs', 1.3),
    );
    mocks = mockAccount(account);
    const config = parseIdleNotebooksConfig({
      AWS_REGION: 'us-east-1',
      TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot',
      PRICE_OVERRIDES: '{"mlflow.medium": 1.5}',
      ...stateTable.env,
    });

    // Act
    const result = await runIdleNotebooks(
      { action: 'studio-audit', dryRun: false },
      liveIdleNotebooksDeps(config, createIdleNotebooksClients(), silent, () => NOW),
    );

    // Assess
    const email = result.report?.email ?? '';
    expect(email).toContain('CANVAS SESSIONS RUNNING: 1, about $50.40/day\n  ana (us-east-1, domain d-1): $2.10/h, up 10 h;');
    expect(email).toContain('MLFLOW TRACKING SERVERS BILLING: 3 (no MLflow price in the Price List or your priceOverrides: "mlflow.small", … give yours)');
    expect(email).toContain('  small-one (us-east-1): Small, Created, since 2026-06-01, $0.64/h');
    expect(email).toContain('  medium-one (us-east-1): Medium, Started, since 2026-06-01, $1.50/h');
    expect(email).toContain('  large-one (us-east-1): Large, Created, since 2026-06-01\n');
    expect(email).toContain('Prices: AWS Price List, 2026-11-20; PRICE_OVERRIDES for mlflow.medium.');
    // One question per service for the region: the Canvas session and the MLflow sizes.
    expect(account.calls.filter((call) => call.operation === 'GetProducts')).toHaveLength(2);
    expect(account.mutatingCalls()).toBe(0);
  });
});

describe('Function: idle-notebooks, Studio idle shutdown where a domain opts in', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  afterEach(() => mocks?.restore());

  const studioAccount = () => {
    const account = new FakeAccount();
    account.clock = () => NOW;
    account.domains.push(
      {
        id: 'd-opted',
        tags: { 'ops-bot:idle-shutdown': 'true' },
        userDefault: { jupyterLab: 'DISABLED' },
        spaceDefault: { jupyterLab: 'ENABLED' },
        profiles: [{ name: 'ana', tags: {}, jupyterLab: 'DISABLED' }],
        spaces: [],
      },
      { id: 'd-other', tags: {}, profiles: [], spaces: [] },
      { id: 'd-skipped', tags: { 'ops-bot:idle-shutdown': 'true', 'ops-bot:skip': 'true' }, profiles: [], spaces: [] },
    );
    return account;
  };
  const audit = (account: FakeAccount, env: Record<string, string> = {}) => {
    mocks?.restore();
    mocks = mockAccount(account);
    const config = parseIdleNotebooksConfig({ AWS_REGION: 'us-east-1', TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot', ...stateTable.env, ...env });
    return runIdleNotebooks(
      { action: 'studio-audit', dryRun: false },
      liveIdleNotebooksDeps(config, createIdleNotebooksClients(), silent, () => NOW),
    );
  };

  it('turns it on in the opted-in domain defaults where it is off, records what it replaced first, and names profiles with their own setting', async () => {
    // Prepare
    const account = studioAccount();

    // Act
    const result = await audit(account, { STUDIO_IDLE_MINUTES: '90' });

    // Assess: one UpdateDomain, for d-opted only, the user defaults only (the spaces' default was on).
    expect(account.domainUpdates).toEqual([
      {
        DomainId: 'd-opted',
        DefaultUserSettings: {
          JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: { LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 90 } } },
          CodeEditorAppSettings: { AppLifecycleManagement: { IdleSettings: { LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 90 } } },
        },
      },
    ]);
    expect(result.interactive.find((outcome) => outcome.kind === 'domain')).toMatchObject({
      name: 'd-opted',
      result: 'done',
      detail:
        'idle shutdown after 90 min in JupyterLab (user profiles), Code Editor (user profiles); left as they are (their own setting is off): user profile ana',
    });
    const record = (await stateTable.items()).find((item) => item.pk?.S === 'state#studio');
    expect(JSON.parse(record?.values?.M?.['ops-bot:replaced-idle-settings']?.S ?? '{}')).toEqual({
      userJupyterLab: { LifecycleManagement: 'DISABLED' },
      userCodeEditor: null,
    });
  });

  it('leaves a domain its owner turned off again as the owner set it, and changes nothing in report-only mode', async () => {
    // Prepare: the bot turned it on; the owner turned it off again.
    const account = studioAccount();
    await audit(account);
    Object.assign(account.domains[0] as object, { userDefault: { jupyterLab: 'DISABLED', codeEditor: 'DISABLED' } });
    const reportOnly = studioAccount();

    // Act
    const again = await audit(account);
    // Another account's first audit, report-only: nothing recorded for its domain.
    await stateTable.clear();
    const planned = await audit(reportOnly, { REPORT_ONLY: 'true' });

    // Assess
    expect(account.domainUpdates).toHaveLength(1);
    expect(again.interactive.find((outcome) => outcome.kind === 'domain')).toMatchObject({ verdict: 'owner-off', result: 'none' });
    expect(reportOnly.domainUpdates).toEqual([]);
    expect(planned.interactive.find((outcome) => outcome.kind === 'domain')).toMatchObject({ result: 'planned' });
    expect(planned.report?.email).toContain('STUDIO IDLE SHUTDOWN THAT WOULD BE TURNED ON (opted-in domains)');
  });
});

describe('Function: idle-notebooks, a Canvas user back this very minute', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  afterEach(() => mocks?.restore());

  it('reads the datapoint stamped now, so the user who came back is not logged out by an older idle point', async () => {
    // Prepare: idle two hours a minute ago, active now (the shrunk counterexample of the property test).
    const account = new FakeAccount(
      [],
      [
        activity('d-1', 'ana', [
          [1, 7_200],
          [0, 0],
        ]),
      ],
    );
    account.clock = () => NOW;
    account.domains.push({ id: 'd-1', tags: {}, profiles: [{ name: 'ana', tags: { 'ops-bot:idle-shutdown': 'true' } }], spaces: [] });
    account.apps.push(canvasApp('d-1', 'ana'));
    mocks = mockAccount(account);
    const config = parseIdleNotebooksConfig({ AWS_REGION: 'us-east-1', TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:ops-bot', ...stateTable.env });

    // Act
    const result = await runIdleNotebooks(
      { action: 'idle-check', dryRun: false },
      liveIdleNotebooksDeps(config, createIdleNotebooksClients(), silent, () => NOW),
    );

    // Assess
    expect(account.callCount('DeleteApp')).toBe(0);
    expect(result.interactive).toEqual([expect.objectContaining({ name: 'd-1/ana', verdict: 'active', detail: 'active 0 min ago' })]);
  });
});
