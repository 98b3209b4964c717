/**
 * Binds a FakeAccount to aws-sdk-client-mock: every command the bot sends, through any of its
 * clients, is answered by the account, so tests and the bench assert on outcomes and calls.
 */
import { mockClient } from 'aws-sdk-client-mock';
import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreatePresignedNotebookInstanceUrlCommand,
  ListNotebookInstancesCommand,
  ListAppsCommand,
  DeleteAppCommand,
  ListDomainsCommand,
  ListUserProfilesCommand,
  ListSpacesCommand,
  DescribeDomainCommand,
  UpdateDomainCommand,
  DescribeUserProfileCommand,
  DescribeSpaceCommand,
  ListMlflowTrackingServersCommand,
  DescribeMlflowTrackingServerCommand,
  StopMlflowTrackingServerCommand,
  StartMlflowTrackingServerCommand,
  StartNotebookInstanceCommand,
  StopNotebookInstanceCommand,
  DeleteEndpointCommand,
  DeleteTagsCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeInferenceComponentCommand,
  DescribeInferenceRecommendationsJobCommand,
  ListInferenceRecommendationsJobsCommand,
  ListEndpointsCommand,
  ListInferenceComponentsCommand,
  ListTagsCommand,
  SageMakerClient,
  UpdateInferenceComponentRuntimeConfigCommand,
} from '@aws-sdk/client-sagemaker';
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ConflictException, CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GenerateMacCommand, KMSClient, VerifyMacCommand } from '@aws-sdk/client-kms';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import type { FakeAccount, Operation } from './account.ts';

function mockAccount(account: FakeAccount) {
  const sageMaker = mockClient(SageMakerClient);
  const cloudWatch = mockClient(CloudWatchClient);
  const autoScaling = mockClient(ApplicationAutoScalingClient);
  const tagging = mockClient(ResourceGroupsTaggingAPIClient);
  const scheduler = mockClient(SchedulerClient);
  const sns = mockClient(SNSClient);
  const kms = mockClient(KMSClient);
  const costExplorer = mockClient(CostExplorerClient);
  const pricing = mockClient(PricingClient);
  const answer = (operation: Operation) => async (input: object) => account.handle(operation, input as Record<string, unknown>) as never;

  sageMaker.on(ListEndpointsCommand).callsFake(answer('ListEndpoints'));
  sageMaker.on(ListInferenceComponentsCommand).callsFake(answer('ListInferenceComponents'));
  sageMaker.on(DescribeEndpointCommand).callsFake(answer('DescribeEndpoint'));
  sageMaker.on(DescribeEndpointConfigCommand).callsFake(answer('DescribeEndpointConfig'));
  sageMaker.on(DeleteEndpointCommand).callsFake(answer('DeleteEndpoint'));
  sageMaker.on(ListNotebookInstancesCommand).callsFake(answer('ListNotebookInstances'));
  sageMaker.on(ListAppsCommand).callsFake(answer('ListApps'));
  sageMaker.on(DeleteAppCommand).callsFake(answer('DeleteApp'));
  sageMaker.on(ListDomainsCommand).callsFake(answer('ListDomains'));
  sageMaker.on(ListUserProfilesCommand).callsFake(answer('ListUserProfiles'));
  sageMaker.on(ListSpacesCommand).callsFake(answer('ListSpaces'));
  sageMaker.on(DescribeDomainCommand).callsFake(answer('DescribeDomain'));
  sageMaker.on(UpdateDomainCommand).callsFake(answer('UpdateDomain'));
  sageMaker.on(DescribeUserProfileCommand).callsFake(answer('DescribeUserProfile'));
  sageMaker.on(DescribeSpaceCommand).callsFake(answer('DescribeSpace'));
  sageMaker.on(ListMlflowTrackingServersCommand).callsFake(answer('ListMlflowTrackingServers'));
  sageMaker.on(DescribeMlflowTrackingServerCommand).callsFake(answer('DescribeMlflowTrackingServer'));
  sageMaker.on(StopMlflowTrackingServerCommand).callsFake(answer('StopMlflowTrackingServer'));
  sageMaker.on(StartMlflowTrackingServerCommand).callsFake(answer('StartMlflowTrackingServer'));
  sageMaker.on(CreatePresignedNotebookInstanceUrlCommand).callsFake(answer('CreatePresignedNotebookInstanceUrl'));
  sageMaker.on(StopNotebookInstanceCommand).callsFake(answer('StopNotebookInstance'));
  sageMaker.on(StartNotebookInstanceCommand).callsFake(answer('StartNotebookInstance'));
  sageMaker.on(CreateEndpointCommand).callsFake(answer('CreateEndpoint'));
  sageMaker.on(DescribeInferenceComponentCommand).callsFake(answer('DescribeInferenceComponent'));
  sageMaker.on(ListTagsCommand).callsFake(answer('ListTags'));
  sageMaker.on(AddTagsCommand).callsFake(answer('AddTags'));
  sageMaker.on(DeleteTagsCommand).callsFake(answer('DeleteTags'));
  sageMaker.on(UpdateInferenceComponentRuntimeConfigCommand).callsFake(answer('UpdateInferenceComponentRuntimeConfig'));
  sageMaker.on(ListInferenceRecommendationsJobsCommand).callsFake(answer('ListInferenceRecommendationsJobs'));
  sageMaker.on(DescribeInferenceRecommendationsJobCommand).callsFake(answer('DescribeInferenceRecommendationsJob'));
  cloudWatch.on(ListMetricsCommand).callsFake(answer('ListMetrics'));
  cloudWatch.on(GetMetricDataCommand).callsFake(answer('GetMetricData'));
  autoScaling.on(DescribeScalableTargetsCommand).callsFake(answer('DescribeScalableTargets'));
  autoScaling.on(RegisterScalableTargetCommand).callsFake(answer('RegisterScalableTarget'));
  autoScaling.on(DescribeScalingPoliciesCommand).callsFake(answer('DescribeScalingPolicies'));
  autoScaling.on(DeregisterScalableTargetCommand).callsFake(answer('DeregisterScalableTarget'));
  autoScaling.on(PutScalingPolicyCommand).callsFake(answer('PutScalingPolicy'));
  tagging.on(GetResourcesCommand).callsFake(answer('GetResources'));
  // The SDK's own ConflictException class, so the code's instanceof check meets the real thing.
  scheduler.on(CreateScheduleCommand).callsFake(async (input) => {
    try {
      return account.handle('CreateSchedule', input as Record<string, unknown>) as never;
    } catch (error) {
      if ((error as Error).name === 'ConflictException')
        throw new ConflictException({ message: (error as Error).message, Message: (error as Error).message, $metadata: {} });
      throw error;
    }
  });
  sns.on(PublishCommand).callsFake(answer('Publish'));
  kms.on(GenerateMacCommand).callsFake(answer('GenerateMac'));
  kms.on(VerifyMacCommand).callsFake(answer('VerifyMac'));
  costExplorer.on(GetCostAndUsageCommand).callsFake(answer('GetCostAndUsage'));
  // The Price List Query API has endpoints in us-east-1, eu-central-1 and ap-south-1 only (AWS Price
  // List Query API, "Endpoints"): a client in any other region reaches no host at all.
  pricing.on(GetProductsCommand).callsFake(async (input, getClient) => {
    const region = await getClient().config.region();
    if (!['us-east-1', 'eu-central-1', 'ap-south-1'].includes(region)) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND api.pricing.${region}.amazonaws.com`), { name: 'Error', code: 'ENOTFOUND' });
    }
    return account.handle('GetProducts', input as Record<string, unknown>) as never;
  });

  const mocks = [sageMaker, cloudWatch, autoScaling, tagging, scheduler, sns, kms, costExplorer, pricing];
  return {
    sageMaker,
    cloudWatch,
    autoScaling,
    tagging,
    scheduler,
    sns,
    kms,
    costExplorer,
    pricing,
    restore() {
      for (const mock of mocks) mock.restore();
    },
  };
}

export { mockAccount };
