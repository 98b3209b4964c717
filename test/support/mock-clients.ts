/**
 * Binds a FakeAccount to aws-sdk-client-mock: every command the bot sends is answered by the
 * account, so tests assert on outcomes and on the commands received.
 */
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  ListEndpointsCommand,
  ListInferenceComponentsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { FakeAccount, Operation } from './fake-account.ts';

function mockAccount(account: FakeAccount) {
  const sageMaker = mockClient(SageMakerClient);
  const cloudWatch = mockClient(CloudWatchClient);
  const tagging = mockClient(ResourceGroupsTaggingAPIClient);
  const sns = mockClient(SNSClient);
  const answer = (operation: Operation) => async (input: object) => account.handle(operation, input as Record<string, unknown>) as never;

  sageMaker.on(ListEndpointsCommand).callsFake(answer('ListEndpoints'));
  sageMaker.on(ListInferenceComponentsCommand).callsFake(answer('ListInferenceComponents'));
  sageMaker.on(DescribeEndpointCommand).callsFake(answer('DescribeEndpoint'));
  sageMaker.on(DescribeEndpointConfigCommand).callsFake(answer('DescribeEndpointConfig'));
  cloudWatch.on(ListMetricsCommand).callsFake(answer('ListMetrics'));
  cloudWatch.on(GetMetricDataCommand).callsFake(answer('GetMetricData'));
  tagging.on(GetResourcesCommand).callsFake(answer('GetResources'));
  sns.on(PublishCommand).callsFake(answer('Publish'));

  return {
    sageMaker,
    cloudWatch,
    tagging,
    sns,
    restore() {
      for (const mock of [sageMaker, cloudWatch, tagging, sns]) mock.restore();
    },
  };
}

export { mockAccount };
