/**
 * SDK clients, one per service and region, created on first use and reused for the life of the
 * Lambda container. Region, endpoint URL and credentials come from the standard SDK environment
 * (AWS_REGION, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, the credential chain).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SNSClient } from '@aws-sdk/client-sns';
import { CLIENT_RETRY_SETTINGS } from './retry.ts';

interface RegionalClients {
  sageMaker(region: string): SageMakerClient;
  cloudWatch(region: string): CloudWatchClient;
  tagging(region: string): ResourceGroupsTaggingAPIClient;
  sns(region: string): SNSClient;
}

function perRegion<C>(create: (region: string) => C): (region: string) => C {
  const clients = new Map<string, C>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = create(region);
      clients.set(region, client);
    }
    return client;
  };
}

function createRegionalClients(): RegionalClients {
  return {
    sageMaker: perRegion((region) => new SageMakerClient({ region, ...CLIENT_RETRY_SETTINGS })),
    cloudWatch: perRegion((region) => new CloudWatchClient({ region, ...CLIENT_RETRY_SETTINGS })),
    tagging: perRegion((region) => new ResourceGroupsTaggingAPIClient({ region, ...CLIENT_RETRY_SETTINGS })),
    sns: perRegion((region) => new SNSClient({ region, ...CLIENT_RETRY_SETTINGS })),
  };
}

/** arn:aws:sns:<region>:<account>:<name> → <region>; the topic is published to in its own region. */
function regionOfArn(arn: string): string {
  const region = arn.split(':')[3];
  if (!region) throw new Error(`cannot read a region from ARN ${arn}`);
  return region;
}

export { createRegionalClients, regionOfArn };
export type { RegionalClients };
