/**
 * What SageMaker hosts, in the bot's words: endpoints, their variants and capacity, and the
 * inference components on them. The AWS adapters return these; every job reasons in them.
 */

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

interface VariantCapacity {
  readonly variantName: string;
  readonly role: 'production' | 'shadow';
  /** Undefined for serverless variants, which have no instance type. */
  readonly instanceType?: string | undefined;
  readonly serverless: boolean;
  readonly currentInstanceCount: number;
  /** Serverless only: provisioned concurrency is billed by the hour while provisioned. */
  readonly provisionedConcurrency?: number | undefined;
  /** The variant's model (endpoint config); absent on components' endpoints, whose models are the components'. */
  readonly modelName?: string | undefined;
}

/** A variant's capacity, and the floor its managed instance scaling keeps (absent when not enabled). */
type HostedVariant = VariantCapacity & { readonly managedMinInstanceCount?: number | undefined };

interface EndpointHosting {
  readonly variants: HostedVariant[];
  /**
   * Seconds between utilization datapoints: MetricsConfig.MetricPublishFrequencyInSeconds, which
   * applies whether or not enhanced metrics are on (SageMaker API Reference, MetricsConfig);
   * SageMaker's default is 60. Per-GPU and per-instance series follow EnableDetailedObservability
   * (default true for new configs), so the period is given for every endpoint and the job
   * measures whenever the series exist.
   */
  readonly metricsPeriodSeconds: number;
  /** The endpoint config has AsyncInferenceConfig. */
  readonly asyncInference: boolean;
}

interface ComponentCopies {
  readonly desiredCopyCount: number;
  readonly currentCopyCount: number;
  /** InferenceComponentStatus: `InService`, `Creating`, `Updating`, `Failed`, `Deleting`. */
  readonly status?: string | undefined;
  /** Per copy, from Specification.ComputeResourceRequirements. */
  readonly acceleratorsPerCopy?: number | undefined;
  readonly cpuCoresPerCopy?: number | undefined;
  readonly memoryMbPerCopy?: number | undefined;
  /** CreationTime (ISO 8601): a component created again under its old name is another resource. */
  readonly createdAt?: string | undefined;
}

/** Anything of an endpoint (its components, its metric series) by the endpoint's name, in order. */
function groupByEndpoint<T extends { readonly endpointName: string }>(items: readonly T[]): Map<string, T[]> {
  const byEndpoint = new Map<string, T[]>();
  for (const item of items) {
    const list = byEndpoint.get(item.endpointName) ?? [];
    list.push(item);
    byEndpoint.set(item.endpointName, list);
  }
  return byEndpoint;
}

export { groupByEndpoint };
export type { EndpointListing, InferenceComponentListing, VariantCapacity, HostedVariant, EndpointHosting, ComponentCopies };
