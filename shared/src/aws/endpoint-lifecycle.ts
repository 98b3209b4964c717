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

/** Where an endpoint stands: `Creating`, `InService`, `Failed` (with its reason), …; undefined when there is none. */
interface EndpointState {
  readonly arn: string;
  readonly status: string;
  readonly failureReason?: string | undefined;
  /** CreationTime (ISO 8601): the bot's state names the endpoint by ARN and this. */
  readonly createdAt?: string | undefined;
}

interface EndpointConfigFacts {
  readonly name: string;
  /** The ARN carries the name lower-cased. */
  readonly arn: string;
  /** The config's KmsKeyId: CreateEndpoint needs the key policy to grant the caller (SageMaker API Reference, CreateEndpointConfig). */
  readonly kmsKeyId?: string | undefined;
  readonly variantNames: readonly string[];
}

interface EndpointLifecycle extends SageMakerTags {
  /** The endpoint's ARN. */
  arnOf(endpointName: string): Promise<string>;
  /** The endpoint's config: name, ARN, KMS key and variants. */
  configOf(endpointName: string): Promise<EndpointConfigFacts>;
  /** The endpoint's status now, or undefined when it does not exist. */
  stateOf(endpointName: string): Promise<EndpointState | undefined>;
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
      return {
        name: endpoint.EndpointConfigName,
        arn: config.EndpointConfigArn,
        kmsKeyId: config.KmsKeyId,
        variantNames: (config.ProductionVariants ?? []).flatMap((variant) => (variant.VariantName ? [variant.VariantName] : [])),
      };
    },
    async stateOf(endpointName) {
      try {
        const endpoint = await client.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
        return {
          arn: endpoint.EndpointArn ?? '',
          status: endpoint.EndpointStatus ?? 'Unknown',
          failureReason: endpoint.FailureReason,
          createdAt: endpoint.CreationTime?.toISOString(),
        };
      } catch (error) {
        // DescribeEndpoint answers a missing endpoint with a ValidationException "Could not find endpoint" (SageMaker API Reference).
        if (error instanceof Error && error.name === 'ValidationException' && /could not find endpoint/i.test(error.message)) return undefined;
        throw error;
      }
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
export type { EndpointLifecycle, EndpointState, EndpointConfigFacts };
