/**
 * The idle-notebooks handler end to end: SageMaker mocked, every notebook's Jupyter REAL
 * (loopback servers), the clock moved ahead so that idle kernels are idle past the threshold.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AddTagsCommand,
  CreatePresignedNotebookInstanceUrlCommand,
  DeleteTagsCommand,
  DescribeDomainCommand,
  DescribeSpaceCommand,
  DescribeUserProfileCommand,
  ListAppsCommand,
  ListDomainsCommand,
  ListMlflowTrackingServersCommand,
  ListNotebookInstancesCommand,
  ListSpacesCommand,
  ListTagsCommand,
  ListUserProfilesCommand,
  SageMakerClient,
  StartNotebookInstanceCommand,
  StopNotebookInstanceCommand,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { IdleNotebooksResult } from '@ops-bot/shared/jobs/idle-notebooks';
import { GenerateMacCommand, KMSClient, VerifyMacCommand } from '@aws-sdk/client-kms';
import { NOTEBOOK_STATE } from '@ops-bot/shared/aws/bot-state';
import { FakeAccount, STATE_KEY_ARN } from '../../fakes/account.ts';
import { jupyterUnavailable, startJupyterServer, type JupyterServer } from '../support/jupyter-server.ts';
import { pinWallClock, releaseWallClock } from '../support/clock.ts';
import { lambdaContext, loadHandler, type LambdaHandler } from '../support/lambda.ts';
import { useStateTable } from '../support/state-table.ts';

const stateTable = useStateTable();

const JUPYTER_MISSING = jupyterUnavailable();
// Said once, so a skipped suite is never mistaken for a passing one.
if (JUPYTER_MISSING) console.warn(`Skipping the real-Jupyter suites: ${JUPYTER_MISSING}`);

const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:ops-bot';
// One stub per client class for the whole file: a second mockClient() of a class replaces the first.
const sageMaker = mockClient(SageMakerClient);
const sns = mockClient(SNSClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
// KMS as the fake account answers it (GenerateMac, VerifyMac under the state key).
const keyHolder = new FakeAccount();
// Its MACs carry a generation stamped by its clock; any fixed instant serves.
keyHolder.clock = () => new Date('2026-11-20T09:00:00Z');
const kms = mockClient(KMSClient);
kms.on(GenerateMacCommand).callsFake(async (input) => keyHolder.handle('GenerateMac', input as Record<string, unknown>) as never);
kms.on(VerifyMacCommand).callsFake(async (input) => keyHolder.handle('VerifyMac', input as Record<string, unknown>) as never);
type Handler = LambdaHandler<IdleNotebooksResult>;

/** No Studio app and no tracking server: what an account without Studio answers (a test that needs them says so). */
function noStudioResources(): void {
  sageMaker.on(ListAppsCommand).resolves({ Apps: [] });
  sageMaker.on(ListMlflowTrackingServersCommand).resolves({ TrackingServerSummaries: [] });
}
const arnOf = (name: string) => `arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/${name}`;

// Logs on (INFO): one test reads them to prove no credential gets into them.
const loadIdleNotebooks = (env: Record<string, string> = {}): Promise<Handler> =>
  loadHandler('idle-notebooks', {
    AWS_REGION: 'us-east-1',
    TOPIC_ARN,
    STATE_KEY_ID: STATE_KEY_ARN,
    ...stateTable.env,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    NOTEBOOK_JUPYTER_TIMEOUT_SECONDS: '2',
    ...env,
  });

describe.skipIf(JUPYTER_MISSING)('Integration: idle-notebooks handler on real Jupyter servers', () => {
  let busyServer: JupyterServer;
  let idleServer: JupyterServer;
  let output = '';

  beforeAll(async () => {
    [busyServer, idleServer] = await Promise.all([startJupyterServer(), startJupyterServer()]);
    const busyKernel = await busyServer.startKernel();
    await busyServer.execute(busyKernel, 'import time\ntime.sleep(600)', 'busy');
    const idleKernel = await idleServer.startKernel();
    await idleServer.execute(idleKernel, 'print("finished")', 'idle');
  }, 90_000);
  afterAll(async () => Promise.all([busyServer?.stop(), idleServer?.stop()]));

  beforeEach(async () => {
    output = '';
    // The servers' own clock: their activity stamps are in it, so the run's instants are taken from it.
    const serverNow = (await idleServer.now()).getTime();
    const capture = (chunk: unknown) => {
      output += String(chunk);
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void capture(args.join(' ')));
    const notebooks = ['busy-nb', 'idle-nb', 'lost-nb', 'skip-nb'];
    noStudioResources();
    sageMaker.on(ListNotebookInstancesCommand).resolves({
      NotebookInstances: notebooks.map((name) => ({
        NotebookInstanceName: name,
        NotebookInstanceArn: arnOf(name),
        NotebookInstanceStatus: 'InService',
        InstanceType: 'ml.t3.xlarge',
        LastModifiedTime: new Date(serverNow - 8 * 3_600_000),
      })),
    });
    sageMaker.on(ListTagsCommand).callsFake(async (input) => ({
      Tags:
        input.ResourceArn === arnOf('skip-nb')
          ? [
              { Key: 'ops-bot:skip', Value: 'true' },
              { Key: 'team', Value: 'ml' },
            ]
          : [{ Key: 'team', Value: 'ml' }],
    }));
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [{ ResourceARN: arnOf('skip-nb'), Tags: [{ Key: 'ops-bot:skip', Value: 'true' }] }],
      PaginationToken: '',
    });
    sageMaker.on(CreatePresignedNotebookInstanceUrlCommand).callsFake(async (input) => ({
      AuthorizedUrl: { 'busy-nb': busyServer.presignedUrl, 'idle-nb': idleServer.presignedUrl, 'lost-nb': 'http://127.0.0.1:9/auth?authToken=LOST-SECRET' }[
        input.NotebookInstanceName as string
      ],
    }));
    sageMaker.on(AddTagsCommand).resolves({});
    sageMaker.on(StopNotebookInstanceCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    // Two hours after the servers' now: the idle kernel has been idle for two hours by then.
    pinWallClock(new Date(serverNow + 2 * 3_600_000));
  });
  afterEach(() => {
    releaseWallClock();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    sageMaker.reset();
    sns.reset();
    tagging.reset();
  });

  it('stops the idle notebook, never the busy one, and leaves the unreadable one running', async () => {
    // Act
    const result = await (await loadIdleNotebooks())({}, lambdaContext('idle-notebooks'));

    // Assess
    const verdicts = Object.fromEntries(result.notebooks.map((nb) => [nb.name, nb.verdict]));
    expect(verdicts).toEqual({ 'busy-nb': 'busy', 'idle-nb': 'stop', 'lost-nb': 'unknown', 'skip-nb': 'skipped' });
    expect(sageMaker).toHaveReceivedCommandTimes(StopNotebookInstanceCommand, 1);
    expect(sageMaker).toHaveReceivedCommandWith(StopNotebookInstanceCommand, { NotebookInstanceName: 'idle-nb' });
    expect(sageMaker).not.toHaveReceivedCommandWith(CreatePresignedNotebookInstanceUrlCommand, { NotebookInstanceName: 'skip-nb' });
    // Skip tags come from one GetResources call; ListTags is read only for the notebook about to be stopped.
    expect(tagging).toHaveReceivedCommandWith(GetResourcesCommand, {
      ResourceTypeFilters: ['sagemaker:notebook-instance'],
      TagFilters: [{ Key: 'ops-bot:skip' }],
    });
    expect(sageMaker).toHaveReceivedCommandTimes(ListTagsCommand, 1);
    expect(sageMaker).toHaveReceivedCommandWith(ListTagsCommand, { ResourceArn: arnOf('idle-nb') });
    expect(result.notebooks.find((nb) => nb.name === 'lost-nb')?.detail).toMatch(
      /activity unknown: JupyterReadError: opening the presigned URL: could not connect/,
    );
    expect(result.report?.subject).toBe('SageMaker notebooks: stopped 1 notebook saving $4.80/day, 1 unreadable');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('tags the instance with what it did and why before stopping it', async () => {
    // Act
    await (
      await loadIdleNotebooks()
    )({}, lambdaContext('idle-notebooks'));

    // Assess
    const calls = sageMaker.calls().map((call) => call.args[0].constructor.name);
    expect(calls.indexOf('AddTagsCommand')).toBeLessThan(calls.indexOf('StopNotebookInstanceCommand'));
    const tag = (sageMaker.commandCalls(AddTagsCommand)[0]?.args[0].input.Tags ?? [])[0];
    expect(tag?.Key).toBe('ops-bot:last-action');
    expect(tag?.Value).toMatch(/^stopped: idle 1\d\d min at \d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
  });

  it('does not stop a notebook whose state cannot be written to the state table, and goes on with the run', async () => {
    // Act: the function names a table DynamoDB does not have (ResourceNotFoundException).
    const result = await (await loadIdleNotebooks({ STATE_TABLE: 'ops-bot-state-gone' }))({}, lambdaContext('idle-notebooks'));

    // Assess
    expect(sageMaker).not.toHaveReceivedCommand(StopNotebookInstanceCommand);
    expect(result.notebooks.find((nb) => nb.name === 'idle-nb')).toMatchObject({
      result: 'failed',
      error: expect.stringMatching(/^ResourceNotFoundException/),
    });
    expect(result.notebooks.find((nb) => nb.name === 'busy-nb')?.verdict).toBe('busy');
    expect(result.report?.subject).toContain('1 failed');
  });

  it('stops an idle notebook whose mirror tags cannot be written (a full tag set), and the report says so', async () => {
    // Prepare: SageMaker refuses the 51st tag (SageMaker API Reference, AddTags: at most 50 tags).
    sageMaker.on(AddTagsCommand).rejects(Object.assign(new Error('Too many tags'), { name: 'ValidationException' }));

    // Act
    const result = await (await loadIdleNotebooks())({}, lambdaContext('idle-notebooks'));

    // Assess: the state is in the table, the notebook stopped, and the mirror's failure is reported.
    expect(sageMaker).toHaveReceivedCommandWith(StopNotebookInstanceCommand, { NotebookInstanceName: 'idle-nb' });
    expect(result.notebooks.find((nb) => nb.name === 'idle-nb')?.result).toBe('done');
    expect(result.report?.email).toMatch(
      /notebook-instance\/idle-nb: its state is in the state table, but the mirror tags could not be written \(ValidationException: Too many tags\)/,
    );
    const records = (await stateTable.items()).filter((item) => item.pk?.S === 'state#notebook');
    expect(records.map((item) => item.values?.M?.['ops-bot:last-action']?.S)).toEqual([expect.stringMatching(/^stopped: idle /)]);
  });

  it('in a dry run reads everything and changes nothing', async () => {
    // Act
    const result = await (await loadIdleNotebooks())({ dryRun: true }, lambdaContext('idle-notebooks'));

    // Assess
    expect(sageMaker).not.toHaveReceivedCommand(AddTagsCommand);
    expect(sageMaker).not.toHaveReceivedCommand(StopNotebookInstanceCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(result.notebooks.find((nb) => nb.name === 'idle-nb')?.result).toBe('planned');
    // Nothing was done: never the past tense.
    expect(result.report?.subject).toMatch(/^DRY RUN SageMaker notebooks: would stop 1 notebook/);
  });

  it('with Jupyter reads turned off opens no notebook, stops none, and reports each running one with its cost and idleness not read', async () => {
    // Act
    const result = await (await loadIdleNotebooks({ NOTEBOOK_READ_JUPYTER: 'false', NOTEBOOK_MAX_RUNNING_HOURS: '1' }))({}, lambdaContext('idle-notebooks'));

    // Assess
    expect(sageMaker).not.toHaveReceivedCommand(CreatePresignedNotebookInstanceUrlCommand);
    expect(sageMaker).not.toHaveReceivedCommand(StopNotebookInstanceCommand);
    expect(result.notebooks.filter((nb) => nb.verdict === 'unknown').map((nb) => nb.name)).toEqual(['busy-nb', 'idle-nb', 'lost-nb']);
    expect(result.notebooks.find((nb) => nb.name === 'idle-nb')).toMatchObject({ detail: expect.stringContaining('idleness not read'), costPerDay: 4.8 });
  });

  it('in report-only mode the 15-minute check publishes nothing about an idle notebook; the daily audit says once that it would stop it', async () => {
    // Prepare
    sageMaker.on(ListAppsCommand).resolves({ Apps: [] });
    sageMaker.on(ListDomainsCommand).resolves({ Domains: [] });

    // Act: four 15-minute checks, then the daily audit.
    for (let check = 0; check < 4; check++) await (await loadIdleNotebooks({ REPORT_ONLY: 'true' }))({}, lambdaContext('idle-notebooks'));
    const published = sns.commandCalls(PublishCommand).length;
    const audit = await (await loadIdleNotebooks({ REPORT_ONLY: 'true' }))({ action: 'studio-audit' }, lambdaContext('idle-notebooks'));

    // Assess
    expect(published).toBe(0);
    expect(sageMaker).not.toHaveReceivedCommand(StopNotebookInstanceCommand);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(audit.report?.subject).toMatch(/^REPORT-ONLY SageMaker notebooks: 1 would be stopped; 4 notebooks, 0 Studio apps running/);
    expect(audit.report?.email).toContain('WOULD STOP (the 15-minute check stops these once the job acts; it does not repeat this list)');
    expect(audit.report?.email).toMatch(/ {2}idle-nb \(us-east-1, ml\.t3\.xlarge\): idle \d+ min/);
    expect((await stateTable.items()).filter((item) => item.pk?.S !== 'meta')).toEqual([]);
  });

  it('keeps presigned URLs, tokens and cookies out of logs, reports and the result', async () => {
    // Act
    const result = await (await loadIdleNotebooks())({ dryRun: true }, lambdaContext('idle-notebooks'));

    // Assess
    const everything = `${output}\n${JSON.stringify(result)}`;
    expect(output.length).toBeGreaterThan(0);
    for (const secret of [busyServer.token, idleServer.token, 'LOST-SECRET', 'username-127-0-0-1', '_xsrf']) expect(everything).not.toContain(secret);
  });
});

describe('Function: idle-notebooks off hours and Studio audit', () => {
  // No real server here: the run's clock is the test's.
  const AUDIT_NOW = new Date('2026-11-20T20:00:00Z');
  beforeEach(() => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    noStudioResources();
    pinWallClock(AUDIT_NOW);
  });
  afterEach(() => {
    releaseWallClock();
    vi.unstubAllEnvs();
    sageMaker.reset();
    sns.reset();
  });
  const handler = (): Promise<Handler> =>
    loadHandler('idle-notebooks', { AWS_REGION: 'us-east-1', TOPIC_ARN, STATE_KEY_ID: STATE_KEY_ARN, ...stateTable.env, POWERTOOLS_LOG_LEVEL: 'SILENT' });

  it('stops every InService notebook not skipped in the evening, marking each before stopping it', async () => {
    // Prepare
    sageMaker.on(ListNotebookInstancesCommand).resolves({
      NotebookInstances: ['a', 'b'].map((name) => ({
        NotebookInstanceName: name,
        NotebookInstanceArn: arnOf(name),
        NotebookInstanceStatus: 'InService',
        InstanceType: 'ml.t3.medium',
      })),
    });
    sageMaker.on(ListTagsCommand).callsFake(async (input) => ({ Tags: input.ResourceArn === arnOf('b') ? [{ Key: 'ops-bot:skip', Value: 'true' }] : [] }));

    // Act
    const result = await (await handler())({ action: 'off-hours-stop' }, lambdaContext('idle-notebooks'));

    // Assess
    expect(sageMaker).toHaveReceivedCommandWith(AddTagsCommand, {
      ResourceArn: arnOf('a'),
      Tags: expect.arrayContaining([{ Key: 'ops-bot:off-hours-stopped', Value: 'true' }]),
    });
    expect(sageMaker).toHaveReceivedCommandTimes(StopNotebookInstanceCommand, 1);
    expect(sageMaker).toHaveReceivedCommandWith(StopNotebookInstanceCommand, { NotebookInstanceName: 'a' });
    expect(result.notebooks.map((nb) => [nb.name, nb.verdict])).toEqual([
      ['a', 'stop'],
      ['b', 'skipped'],
    ]);
  });

  it("imports the previous version's signed off-hours mark once and starts that notebook, then clears the mark; a mark it did not sign starts nothing", async () => {
    // Prepare: 'mine' carries the previous version's signed mark, 'forged' the same tag written by someone else.
    const signed = await keyHolder.signedState(arnOf('mine'), NOTEBOOK_STATE, { 'ops-bot:off-hours-stopped': 'true' });
    const tagsOf: Record<string, Record<string, string>> = { [arnOf('mine')]: signed, [arnOf('forged')]: { 'ops-bot:off-hours-stopped': 'true' } };
    sageMaker.on(ListNotebookInstancesCommand).resolves({
      NotebookInstances: ['mine', 'someone-elses', 'forged'].map((name) => ({
        NotebookInstanceName: name,
        NotebookInstanceArn: arnOf(name),
        NotebookInstanceStatus: 'Stopped',
        InstanceType: 'ml.t3.medium',
      })),
    });
    sageMaker
      .on(ListTagsCommand)
      .callsFake(async (input) => ({ Tags: Object.entries(tagsOf[input.ResourceArn ?? ''] ?? {}).map(([Key, Value]) => ({ Key, Value })) }));

    // Act
    const result = await (await handler())({ action: 'morning-start' }, lambdaContext('idle-notebooks'));

    // Assess
    expect(sageMaker).toHaveReceivedCommandTimes(StartNotebookInstanceCommand, 1);
    expect(sageMaker).toHaveReceivedCommandWith(StartNotebookInstanceCommand, { NotebookInstanceName: 'mine' });
    // The mark goes from the tags, the old MAC and generation with it; the import is over, so the table
    // alone holds state from now on.
    expect(sageMaker).toHaveReceivedCommandWith(DeleteTagsCommand, {
      ResourceArn: arnOf('mine'),
      TagKeys: expect.arrayContaining(['ops-bot:off-hours-stopped', 'ops-bot:state-mac', expect.stringMatching(/^ops-bot:gen:[0-9a-z]{12}$/)]),
    });
    expect(result.report?.subject).toBe('SageMaker notebooks: started 1 notebook');
    expect(result.notebooks.find((nb) => nb.name === 'forged')).toMatchObject({ result: 'none', stateRejected: true });
    expect(result.report?.email).toContain("the off-hours mark found is not the bot's own");
    const items = await stateTable.items();
    expect(items.filter((item) => item.pk?.S !== 'journal#mine').map((item) => item.sk?.S)).toEqual(['legacy-import#notebook']);
    // The start is journaled: what was about to be done, then that it was.
    expect(items.filter((item) => item.pk?.S === 'journal#mine').map((item) => [item.action?.S, item.outcome?.S])).toEqual([['start in the morning', 'done']]);

    // Act again: the same signed set put back on the notebook after the import imports nothing.
    sageMaker.resetHistory();
    const replayed = await (await handler())({ action: 'morning-start' }, lambdaContext('idle-notebooks'));
    expect(sageMaker).not.toHaveReceivedCommand(StartNotebookInstanceCommand);
    expect(replayed.notebooks.find((nb) => nb.name === 'mine')).toMatchObject({ result: 'none', stateRejected: true });
  });

  it('audits running Studio apps with their cost and where idle shutdown is off', async () => {
    // Prepare
    sageMaker.on(ListNotebookInstancesCommand).resolves({ NotebookInstances: [] });
    sageMaker.on(ListAppsCommand).resolves({
      Apps: [
        {
          DomainId: 'd-1',
          SpaceName: 'team-space',
          AppType: 'JupyterLab',
          AppName: 'default',
          Status: 'InService',
          ResourceSpec: { InstanceType: 'ml.g5.xlarge' },
          CreationTime: new Date(AUDIT_NOW.getTime() - 30 * 3_600_000),
        },
        {
          DomainId: 'd-1',
          UserProfileName: 'alice',
          AppType: 'CodeEditor',
          AppName: 'default',
          Status: 'InService',
          ResourceSpec: { InstanceType: 'ml.t3.medium' },
        },
        { DomainId: 'd-1', UserProfileName: 'alice', AppType: 'JupyterServer', AppName: 'default', Status: 'InService' },
        { DomainId: 'd-1', UserProfileName: 'bob', AppType: 'JupyterLab', AppName: 'old', Status: 'Deleted' },
      ],
    });
    sageMaker.on(ListDomainsCommand).resolves({ Domains: [{ DomainId: 'd-1' }] });
    sageMaker.on(DescribeDomainCommand).resolves({
      DefaultUserSettings: {
        JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: { LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 120 } } },
      },
    });
    sageMaker.on(ListUserProfilesCommand).resolves({
      UserProfiles: [
        { DomainId: 'd-1', UserProfileName: 'alice' },
        { DomainId: 'd-1', UserProfileName: 'bob' },
      ],
    });
    sageMaker
      .on(DescribeUserProfileCommand)
      .callsFake(async (input) =>
        input.UserProfileName === 'bob'
          ? { UserSettings: { JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: { LifecycleManagement: 'DISABLED' } } } } }
          : { UserSettings: { CodeEditorAppSettings: { AppLifecycleManagement: { IdleSettings: { LifecycleManagement: 'ENABLED' } } } } },
      );
    sageMaker.on(ListSpacesCommand).resolves({
      Spaces: [
        { DomainId: 'd-1', SpaceName: 'team-space' },
        { DomainId: 'd-1', SpaceName: 'lab-only', SpaceSettingsSummary: { AppType: 'JupyterLab' } },
        { DomainId: 'd-1', SpaceName: 'editor-only', SpaceSettingsSummary: { AppType: 'CodeEditor' } },
      ],
    });
    sageMaker.on(DescribeSpaceCommand).resolves({ SpaceSettings: {} });

    // Act
    const result = await (await handler())({ action: 'studio-audit' }, lambdaContext('idle-notebooks'));

    // Assess
    expect(result.studio?.apps.map((app) => [app.appType, app.owner, app.costPerDay])).toEqual([
      ['JupyterLab', 'space team-space', 33.79],
      ['CodeEditor', 'user alice', 1.2],
    ]);
    // The domain turns JupyterLab idle shutdown on for user profiles only (DefaultUserSettings);
    // spaces inherit DefaultSpaceSettings, which sets nothing here.
    expect(result.studio?.gaps.map((gap) => [gap.level, gap.name, gap.missing])).toEqual([
      ['domain', 'd-1', ['Code Editor']],
      ['domain-spaces', 'd-1', ['JupyterLab']],
      ['user-profile', 'bob', ['JupyterLab', 'Code Editor']],
      // A space runs one app type: only its own setting can be missing; one whose type is not listed may run either.
      ['space', 'team-space', ['JupyterLab', 'Code Editor']],
      ['space', 'lab-only', ['JupyterLab']],
      ['space', 'editor-only', ['Code Editor']],
    ]);
    expect(result.report?.email).toContain('NATIVE IDLE SHUTDOWN OFF (the bot is the only guard): 6');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it.each([
    { event: { action: 'stop-everything' }, message: /"action" must be one of "idle-check"/ },
    { event: { dryRun: 'true' }, message: /"dryRun" must be true or false/ },
    { event: { notebook: 'x' }, message: /"notebook" is not a known field/ },
  ])('rejects $event before any AWS call', async ({ event, message }) => {
    // Act & Assess
    await expect((await handler())(event, lambdaContext('idle-notebooks'))).rejects.toThrow(message);
    expect(sageMaker.calls()).toHaveLength(0);
  });
});
