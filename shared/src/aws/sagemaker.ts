/**
 * SageMaker reads for the endpoint jobs. Listing is paginated to the end (the reference script
 * stopped at 100); describes are made only for the endpoints a job asks about, and each endpoint
 * config is read once per run however many endpoints share it.
 */
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  paginateListEndpoints,
  paginateListInferenceComponents,
  type DescribeEndpointConfigCommandOutput,
  type ProductionVariantSummary,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { VariantCapacity } from '../domain/idle-endpoints.ts';

/** A variant's capacity, and the floor its managed instance scaling keeps (absent when not enabled). */
type HostedVariant = VariantCapacity & { readonly managedMinInstanceCount?: number };

interface EndpointListing {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: string;
}

interface InferenceComponentListing {
  readonly name: string;
  readonly arn: string;
  readonly endpointName: string;
  readonly variantName: string;
}

interface EndpointReader {
  listInServiceEndpoints(): Promise<EndpointListing[]>;
  listInferenceComponents(): Promise<InferenceComponentListing[]>;
  /** DescribeEndpoint + DescribeEndpointConfig: what each variant runs on right now. */
  readEndpointCapacity(endpointName: string): Promise<HostedVariant[]>;
  /** The same, plus the enhanced-metrics publish period when enhanced metrics are on. */
  readEndpointHosting(endpointName: string): Promise<EndpointHosting>;
}

interface EndpointHosting {
  readonly variants: HostedVariant[];
  /** Seconds between enhanced-metric datapoints (MetricsConfig; SageMaker's default is 60). */
  readonly enhancedMetricsPeriodSeconds?: number;
}

const PAGE_SIZE = 100;

function createEndpointReader(client: SageMakerClient): EndpointReader {
  const endpointConfigs = new Map<string, Promise<DescribeEndpointConfigCommandOutput>>();
  const describeEndpointConfig = (name: string) => {
    let pending = endpointConfigs.get(name);
    if (!pending) {
      pending = client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }));
      // A failed read is not cached: the next endpoint that shares the config tries again.
      pending.catch(() => endpointConfigs.delete(name));
      endpointConfigs.set(name, pending);
    }
    return pending;
  };

  return {
    async listInServiceEndpoints() {
      const endpoints: EndpointListing[] = [];
      for await (const page of paginateListEndpoints({ client, pageSize: PAGE_SIZE }, { StatusEquals: 'InService' })) {
        for (const summary of page.Endpoints ?? []) {
          if (!summary.EndpointName || !summary.EndpointArn || !summary.CreationTime) continue;
          endpoints.push({ name: summary.EndpointName, arn: summary.EndpointArn, createdAt: summary.CreationTime.toISOString() });
        }
      }
      return endpoints;
    },

    async listInferenceComponents() {
      const components: InferenceComponentListing[] = [];
      for await (const page of paginateListInferenceComponents({ client, pageSize: PAGE_SIZE }, {})) {
        for (const summary of page.InferenceComponents ?? []) {
          if (!summary.InferenceComponentName || !summary.InferenceComponentArn || !summary.EndpointName || !summary.VariantName) continue;
          components.push({
            name: summary.InferenceComponentName,
            arn: summary.InferenceComponentArn,
            endpointName: summary.EndpointName,
            variantName: summary.VariantName,
          });
        }
      }
      return components;
    },

    async readEndpointCapacity(endpointName) {
      return (await this.readEndpointHosting(endpointName)).variants;
    },

    async readEndpointHosting(endpointName) {
      const endpoint = await client.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
      if (!endpoint.EndpointConfigName) throw new Error(`DescribeEndpoint(${endpointName}) returned no EndpointConfigName`);
      const config = await describeEndpointConfig(endpoint.EndpointConfigName);
      const configured = new Map(
        [...(config.ProductionVariants ?? []), ...(config.ShadowProductionVariants ?? [])].map((variant) => [variant.VariantName, variant]),
      );
      const toCapacity = (role: VariantCapacity['role']) => (summary: ProductionVariantSummary): HostedVariant => {
        const variantConfig = configured.get(summary.VariantName);
        const serverless = summary.CurrentServerlessConfig !== undefined || variantConfig?.ServerlessConfig !== undefined;
        const instanceType = variantConfig?.InstanceType;
        const managed = summary.ManagedInstanceScaling;
        const managedMinInstanceCount = managed?.Status === 'ENABLED' ? (managed.MinInstanceCount ?? 0) : undefined;
        return {
          variantName: summary.VariantName ?? 'unnamed variant',
          role,
          ...(instanceType ? { instanceType } : {}),
          serverless,
          currentInstanceCount: serverless ? 0 : (summary.CurrentInstanceCount ?? summary.DesiredInstanceCount ?? 0),
          ...(managedMinInstanceCount !== undefined ? { managedMinInstanceCount } : {}),
        };
      };
      const variants = [
        ...(endpoint.ProductionVariants ?? []).map(toCapacity('production')),
        ...(endpoint.ShadowProductionVariants ?? []).map(toCapacity('shadow')),
      ];
      const metrics = config.MetricsConfig;
      return {
        variants,
        ...(metrics?.EnableEnhancedMetrics ? { enhancedMetricsPeriodSeconds: metrics.MetricPublishFrequencyInSeconds ?? 60 } : {}),
      };
    },
  };
}

export { createEndpointReader };
export type { EndpointReader, EndpointListing, InferenceComponentListing, HostedVariant, EndpointHosting };
