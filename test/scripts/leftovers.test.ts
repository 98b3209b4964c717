import { afterEach, describe, expect, it, vi } from 'vitest';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { describeLeftovers, findLeftovers } from '../../scripts/leftovers.ts';
import { stackNameOf, stateTableName } from '../../scripts/deployment.ts';

describe('Function: findLeftovers', () => {
  const tagging = mockClient(ResourceGroupsTaggingAPIClient);
  const scheduler = mockClient(SchedulerClient);
  afterEach(() => [tagging, scheduler].forEach((mock) => mock.reset()));

  it('lists every ops-bot:* tag and restore schedule, and flags components waiting for a restore', async () => {
    // Prepare
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        {
          ResourceARN: 'arn:aws:sagemaker:us-east-1:111122223333:inference-component/llm',
          Tags: [
            { Key: 'ops-bot:saved-copy-count', Value: '2' },
            { Key: 'team', Value: 'ml' },
          ],
        },
        { ResourceARN: 'arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/nb', Tags: [{ Key: 'ops-bot:last-action', Value: 'stopped: idle 75 min' }] },
        { ResourceARN: 'arn:aws:sagemaker:us-east-1:111122223333:endpoint/theirs', Tags: [{ Key: 'team', Value: 'ml' }] },
      ],
      PaginationToken: '',
    });
    scheduler.on(ListSchedulesCommand).resolves({ Schedules: [{ Name: 'ops-bot-restore-202612280700', GroupName: 'default', State: 'ENABLED' }] });

    // Act
    const found = await findLeftovers('us-east-1', {
      tagging: new ResourceGroupsTaggingAPIClient({ region: 'us-east-1' }),
      scheduler: new SchedulerClient({ region: 'us-east-1' }),
    });

    // Assess
    expect(found.taggedResources.map((resource) => resource.arn)).toEqual([
      'arn:aws:sagemaker:us-east-1:111122223333:inference-component/llm',
      'arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/nb',
    ]);
    expect(found.taggedResources[0]?.tags).toEqual({ 'ops-bot:saved-copy-count': '2' });
    expect(scheduler).toHaveReceivedCommandWith(ListSchedulesCommand, { NamePrefix: 'ops-bot-restore-' });
    const text = describeLeftovers([found]);
    expect(text).toContain('inference-component/llm  <- scaled down, waiting for a restore');
    expect(text).toContain('schedule default/ops-bot-restore-202612280700 (ENABLED)');
  });
});

describe('Script: npm run leftovers', () => {
  it('answers --help without AWS, credentials or a region', async () => {
    // Act
    const { execFileSync } = await import('node:child_process');
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
    const output = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/leftovers.ts', '--help'], { env, encoding: 'utf8' });

    // Assess
    expect(output).toContain('Usage: npm run -s leftovers');
    expect(output).toContain('--json');
  });
});

describe('Script: npm run leftovers without credentials', () => {
  it('says in one line what to do, and exits 1', async () => {
    // Act
    const { spawnSync } = await import('node:child_process');
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_'))),
      AWS_REGION: 'us-east-1',
      AWS_PROFILE: 'ops-bot-test-none',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    };
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/leftovers.ts'], { env, encoding: 'utf8', timeout: 60_000 });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^leftovers: no AWS credentials found: set AWS_PROFILE/)]);
  });
});

describe('Function: credentialHint', () => {
  it('names the denied action and where the permissions are listed; the expired session; nothing for other errors', async () => {
    const { credentialHint } = await import('../../scripts/aws-hints.ts');
    const denied = Object.assign(new Error('User: arn:aws:iam::111122223333:user/ana is not authorized to perform: sagemaker:ListEndpoints on resource: *'), {
      name: 'AccessDeniedException',
    });
    expect(credentialHint(denied)).toBe(
      "AWS denied sagemaker:ListEndpoints to the identity you run as: grant it sagemaker:ListEndpoints (docs/iam-and-trust.md lists what each job reads; the deployed functions' roles already hold it)",
    );
    expect(credentialHint(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }))).toMatch(
      /^your AWS session has expired: run "aws sso login"/,
    );
    expect(credentialHint(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))).toBeUndefined();
  });

  it('names no network and no region with their fix and the offline ways; never an error class name', async () => {
    const { credentialHint, userFacingError } = await import('../../scripts/aws-hints.ts');
    const offline = Object.assign(new Error('getaddrinfo ENOTFOUND sagemaker.us-east-1.amazonaws.com'), { name: 'Error', code: 'ENOTFOUND' });
    expect(credentialHint(offline)).toBe(
      'AWS could not be reached (no network, or a region or endpoint that does not exist): check your connection and AWS_REGION; "npm run demo" works offline, and --snapshot FILE replays a recording',
    );
    expect(credentialHint(new Error('Region is missing'))).toMatch(/^no AWS region: set AWS_REGION/);
    class UsageError extends Error {
      override name = 'UsageError';
    }
    expect(userFacingError(new UsageError('unknown job "x"'))).toBe('unknown job "x"');
  });
});

describe('Scripts: finding the deployed bot', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  afterEach(() => {
    cloudFormation.reset();
    vi.unstubAllEnvs();
  });

  it('reads the state table from the stack outputs, STATE_TABLE winning, and the stack name from --stack', async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand, { StackName: 'OpsBotProd' }).resolves({
      Stacks: [
        {
          StackName: 'OpsBotProd',
          CreationTime: new Date(0),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'StateTableName', OutputValue: 'OpsBotProd-StateTable-1' }],
        },
      ],
    });
    vi.stubEnv('STATE_TABLE', '');

    // Act
    const fromStack = await stateTableName(stackNameOf(['--undo', '--stack', 'OpsBotProd']), 'eu-west-1');
    vi.stubEnv('STATE_TABLE', 'named-by-hand');
    const fromEnv = await stateTableName('OpsBotProd', 'eu-west-1');

    // Assess
    expect(fromStack).toBe('OpsBotProd-StateTable-1');
    expect(fromEnv).toBe('named-by-hand');
    expect(stackNameOf([])).toBe('SageMakerOpsBot');
    expect(() => stackNameOf(['--stack', '--undo'])).toThrow(/--stack needs the stack name/);
  });
});
