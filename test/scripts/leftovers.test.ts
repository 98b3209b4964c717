import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { describeLeftovers, findLeftovers } from '../../scripts/leftovers.ts';

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
