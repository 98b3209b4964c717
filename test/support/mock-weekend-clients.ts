/** Binds a FakeComponentAccount to aws-sdk-client-mock for every client weekend-scaling uses. */
import { mockClient } from 'aws-sdk-client-mock';
import {
  AddTagsCommand,
  DeleteTagsCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeInferenceComponentCommand,
  ListInferenceComponentsCommand,
  ListTagsCommand,
  SageMakerClient,
  UpdateInferenceComponentRuntimeConfigCommand,
} from '@aws-sdk/client-sagemaker';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ConflictException, CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { ComponentOperation, FakeComponentAccount } from './fake-components.ts';

function mockWeekendAccount(account: FakeComponentAccount) {
  const sageMaker = mockClient(SageMakerClient);
  const autoScaling = mockClient(ApplicationAutoScalingClient);
  const tagging = mockClient(ResourceGroupsTaggingAPIClient);
  const scheduler = mockClient(SchedulerClient);
  const sns = mockClient(SNSClient);
  const answer = (operation: ComponentOperation) => async (input: object) => account.handle(operation, input as Record<string, unknown>) as never;

  sageMaker.on(ListInferenceComponentsCommand).callsFake(answer('ListInferenceComponents'));
  sageMaker.on(DescribeInferenceComponentCommand).callsFake(answer('DescribeInferenceComponent'));
  sageMaker.on(ListTagsCommand).callsFake(answer('ListTags'));
  sageMaker.on(AddTagsCommand).callsFake(answer('AddTags'));
  sageMaker.on(DeleteTagsCommand).callsFake(answer('DeleteTags'));
  sageMaker.on(UpdateInferenceComponentRuntimeConfigCommand).callsFake(answer('UpdateInferenceComponentRuntimeConfig'));
  sageMaker.on(DescribeEndpointCommand).callsFake(answer('DescribeEndpoint'));
  sageMaker.on(DescribeEndpointConfigCommand).callsFake(answer('DescribeEndpointConfig'));
  autoScaling.on(DescribeScalableTargetsCommand).callsFake(answer('DescribeScalableTargets'));
  autoScaling.on(RegisterScalableTargetCommand).callsFake(answer('RegisterScalableTarget'));
  tagging.on(GetResourcesCommand).callsFake(answer('GetResources'));
  // The SDK's own ConflictException class, so the code's instanceof check meets the real thing.
  scheduler.on(CreateScheduleCommand).callsFake(async (input) => {
    try {
      return account.handle('CreateSchedule', input as Record<string, unknown>) as never;
    } catch (error) {
      if ((error as Error).name === 'ConflictException') throw new ConflictException({ message: (error as Error).message, Message: (error as Error).message, $metadata: {} });
      throw error;
    }
  });
  sns.on(PublishCommand).callsFake(answer('Publish'));

  return {
    sageMaker,
    autoScaling,
    tagging,
    scheduler,
    sns,
    restore() {
      for (const mock of [sageMaker, autoScaling, tagging, scheduler, sns]) mock.restore();
    },
  };
}

export { mockWeekendAccount };
