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
  type DescribeEndpointCommandOutput,
  type ProductionVariant,
  type ProductionVariantSummary,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { EndpointHosting, EndpointListing, HostedVariant, InferenceComponentListing } from '../domain/hosting.ts';

interface EndpointReader {
  listInServiceEndpoints(): Promise<EndpointListing[]>;
  /**
   * Every endpoint that bills its instances: InService, and the statuses in which it still runs
   * them (an update, a system update, a rollback, a failed rollback: DescribeEndpoint's
   * EndpointStatus in the SageMaker API Reference).
   */
  listBillableEndpoints(): Promise<EndpointListing[]>;
  listInferenceComponents(): Promise<InferenceComponentListing[]>;
  /**
   * DescribeEndpoint + DescribeEndpointConfig: what each variant runs on right now. The config
   * (instance types) is read only when `needInstanceTypes` says so for the variants DescribeEndpoint
   * returned: a caller that only needs counts saves a call per endpoint.
   */
  readEndpointCapacity(endpointName: string, needInstanceTypes?: (variants: readonly HostedVariant[]) => boolean): Promise<HostedVariant[]>;
  /** The same, plus the enhanced-metrics publish period when enhanced metrics are on. */
  readEndpointHosting(endpointName: string): Promise<EndpointHosting>;
}

const PAGE_SIZE = 100;
const DEFAULT_METRICS_PERIOD_SECONDS = 60;
/** EndpointStatus values in which instances run and bill (SageMaker API Reference, DescribeEndpoint). */
const BILLABLE_STATUSES: ReadonlySet<string> = new Set(['InService', 'Updating', 'SystemUpdating', 'RollingBack', 'UpdateRollbackFailed']);

/**
 * One read per key for the life of a reader (one run). A failed read is not kept: the next caller
 * tries again.
 */
function readOnce<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const pending = new Map<string, Promise<T>>();
  return (key) => {
    let result = pending.get(key);
    if (!result) {
      result = read(key);
      result.catch(() => pending.delete(key));
      pending.set(key, result);
    }
    return result;
  };
}

function createEndpointReader(client: SageMakerClient): EndpointReader {
  // Endpoints that share a config read it once.
  const describeEndpointConfig = readOnce((name) => client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name })));
  // A caller that first reads counts and then, only if needed, the instance types describes the
  // endpoint once.
  const describeEndpoint = readOnce((name) => client.send(new DescribeEndpointCommand({ EndpointName: name })));

  return {
    listInServiceEndpoints() {
      return listEndpoints({ StatusEquals: 'InService' }, () => true);
    },

    listBillableEndpoints() {
      // ListEndpoints filters on one status at a time: one unfiltered listing is fewer calls than five.
      return listEndpoints({}, (status) => BILLABLE_STATUSES.has(status ?? ''));
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

    async readEndpointCapacity(endpointName, needInstanceTypes = () => true) {
      const counts = hostedVariants(await describeEndpoint(endpointName), new Map());
      return needInstanceTypes(counts) ? (await readHosting(endpointName)).variants : counts;
    },

    readEndpointHosting: readHosting,
  };

  async function listEndpoints(filter: { StatusEquals?: 'InService' }, keep: (status: string | undefined) => boolean): Promise<EndpointListing[]> {
    const endpoints: EndpointListing[] = [];
    for await (const page of paginateListEndpoints({ client, pageSize: PAGE_SIZE }, filter)) {
      for (const summary of page.Endpoints ?? []) {
        if (!summary.EndpointName || !summary.EndpointArn || !summary.CreationTime || !keep(summary.EndpointStatus)) continue;
        endpoints.push({ name: summary.EndpointName, arn: summary.EndpointArn, createdAt: summary.CreationTime.toISOString() });
      }
    }
    return endpoints;
  }

  async function readHosting(endpointName: string): Promise<EndpointHosting> {
    const endpoint = await describeEndpoint(endpointName);
    if (!endpoint.EndpointConfigName) throw new Error(`DescribeEndpoint(${endpointName}) returned no EndpointConfigName`);
    const config = await describeEndpointConfig(endpoint.EndpointConfigName);
    const configured = new Map(
      [...(config.ProductionVariants ?? []), ...(config.ShadowProductionVariants ?? [])].map((variant) => [variant.VariantName, variant]),
    );
    const variants = hostedVariants(endpoint, configured);
    return {
      variants,
      metricsPeriodSeconds: config.MetricsConfig?.MetricPublishFrequencyInSeconds ?? DEFAULT_METRICS_PERIOD_SECONDS,
      asyncInference: config.AsyncInferenceConfig !== undefined,
    };
  }
}

/** Each variant's capacity from DescribeEndpoint, with instance types where the endpoint config was read. */
function hostedVariants(endpoint: DescribeEndpointCommandOutput, configured: ReadonlyMap<string | undefined, ProductionVariant>): HostedVariant[] {
  const toCapacity =
    (role: HostedVariant['role']) =>
    (summary: ProductionVariantSummary): HostedVariant => {
      const variantConfig = configured.get(summary.VariantName);
      const serverless = summary.CurrentServerlessConfig !== undefined || variantConfig?.ServerlessConfig !== undefined;
      const instanceType = variantConfig?.InstanceType;
      const managed = summary.ManagedInstanceScaling;
      const managedMinInstanceCount = managed?.Status === 'ENABLED' ? (managed.MinInstanceCount ?? 0) : undefined;
      const provisionedConcurrency = summary.CurrentServerlessConfig?.ProvisionedConcurrency ?? variantConfig?.ServerlessConfig?.ProvisionedConcurrency;
      return {
        variantName: summary.VariantName ?? 'unnamed variant',
        role,
        instanceType: instanceType || undefined,
        serverless,
        currentInstanceCount: serverless ? 0 : (summary.CurrentInstanceCount ?? summary.DesiredInstanceCount ?? 0),
        ...(serverless && provisionedConcurrency ? { provisionedConcurrency } : {}),
        ...(variantConfig?.ModelName ? { modelName: variantConfig.ModelName } : {}),
        managedMinInstanceCount,
      };
    };
  return [...(endpoint.ProductionVariants ?? []).map(toCapacity('production')), ...(endpoint.ShadowProductionVariants ?? []).map(toCapacity('shadow'))];
}

export { createEndpointReader, BILLABLE_STATUSES };
export type { EndpointReader };
