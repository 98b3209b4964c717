/**
 * Deleting an endpoint and creating it again from its endpoint config: the idle action's `delete`
 * and its undo. Deleting an endpoint leaves its endpoint config and model (SageMaker API
 * Reference, DeleteEndpoint), which is what makes the undo possible.
 */
import {
  CreateEndpointCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { createSageMakerTags, type SageMakerTags } from './sagemaker-tags.ts';

interface EndpointLifecycle extends SageMakerTags {
  /** The endpoint's ARN. */
  arnOf(endpointName: string): Promise<string>;
  /** The endpoint's config, by name and ARN (the ARN carries the name lower-cased). */
  configOf(endpointName: string): Promise<{ readonly name: string; readonly arn: string }>;
  deleteEndpoint(endpointName: string): Promise<void>;
  createEndpoint(endpointName: string, configName: string, tags: Readonly<Record<string, string>>): Promise<void>;
}

function createEndpointLifecycle(client: SageMakerClient): EndpointLifecycle {
  return {
    ...createSageMakerTags(client),
    async arnOf(endpointName) {
      const endpoint = await client.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
      if (!endpoint.EndpointArn) throw new Error(`DescribeEndpoint(${endpointName}) returned no EndpointArn`);
      return endpoint.EndpointArn;
    },
    async configOf(endpointName) {
      const endpoint = await client.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
      if (!endpoint.EndpointConfigName) throw new Error(`DescribeEndpoint(${endpointName}) returned no EndpointConfigName`);
      const config = await client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }));
      if (!config.EndpointConfigArn) throw new Error(`DescribeEndpointConfig(${endpoint.EndpointConfigName}) returned no EndpointConfigArn`);
      return { name: endpoint.EndpointConfigName, arn: config.EndpointConfigArn };
    },
    async deleteEndpoint(endpointName) {
      await client.send(new DeleteEndpointCommand({ EndpointName: endpointName }));
    },
    async createEndpoint(endpointName, configName, tags) {
      const list = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      await client.send(new CreateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: configName, Tags: list.length > 0 ? list : undefined }));
    },
  };
}

export { createEndpointLifecycle };
export type { EndpointLifecycle };
