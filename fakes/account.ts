/**
 * One in-memory AWS account that answers every operation the bot's jobs call, as AWS documents it.
 * Tests, the bench and the loopback server (fakes/server.ts) all run against it:
 * - paging: ListEndpoints and ListInferenceComponents 100, ListMetrics 500, GetMetricData by
 *   datapoints (at most 100,800 per page, CloudWatch API Reference, GetMetricData);
 * - exact dimension matching: a query on EndpointName alone matches nothing;
 * - per-query StatusCode in GetMetricData, results in no promised order (see GetMetricData below);
 * - asynchronous endpoints publish no `Invocations` (see the constructor);
 * - a copy-count change puts a component in `Updating`, and Application Auto Scaling moves an
 *   active resource's capacity into new bounds at registration (see the component operations);
 * - SNS prefixes every SMS with the topic's display name (see Publish).
 * Failures can be injected per operation (`failWhen`) or per call (`failure`).
 */

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { nextGeneration, signedTags } from '@ops-bot/shared/aws/legacy-signed-state';
import type { StateSlot } from '@ops-bot/shared/aws/state-slots';

interface FakeVariant {
  readonly name: string;
  readonly instanceType?: string;
  readonly count: number;
  readonly serverless?: boolean;
  /** Serverless only: billed by the hour while provisioned. */
  readonly provisionedConcurrency?: number;
  /** Managed instance scaling's MinInstanceCount; absent when managed instance scaling is off. */
  readonly managedMin?: number;
}

interface FakeEndpoint {
  readonly name: string;
  readonly createdAt: Date;
  readonly variants: readonly FakeVariant[];
  readonly shadowVariants?: readonly FakeVariant[];
  tags?: Record<string, string>;
  /** Inference components hosted here, by name (each becomes a FakeComponent with 1 copy). */
  readonly components?: readonly string[];
  readonly status?: string;
  /** The endpoint config has AsyncInferenceConfig. */
  readonly async?: boolean;
  /** MetricsConfig.MetricPublishFrequencyInSeconds of the endpoint config; absent means not set. */
  readonly metricsPeriodSeconds?: number;
  /** Set by DescribeEndpoint when the endpoint is Failed. */
  failureReason?: string;
  /** The endpoint config's KmsKeyId. */
  readonly kmsKeyId?: string;
}

interface FakeComponent {
  readonly name: string;
  readonly endpointName: string;
  readonly variantName?: string;
  copies: number;
  tags: Record<string, string>;
  autoscaling?: { min: number; max: number };
  /** Describes left before an `Updating` component is InService again; absent or 0 means InService. */
  updatingFor?: number;
  /** Specification.ComputeResourceRequirements per copy. */
  readonly gpus?: number;
  readonly cores?: number;
  readonly memoryMb?: number;
  /** CreationTime (DescribeInferenceComponent): a component deleted and created again under its name gets a new one. */
  createdAt?: Date;
}

/** A completed (or not) Inference Recommender job and what it recommended. */
interface FakeRecommendationJob {
  readonly name: string;
  readonly modelName: string;
  readonly status: 'COMPLETED' | 'FAILED' | 'IN_PROGRESS';
  readonly createdAt: Date;
  readonly completedAt?: Date;
  readonly recommendations: ReadonlyArray<{
    readonly instanceType?: string;
    readonly count?: number;
    readonly serverlessMemoryMb?: number;
    readonly costPerHour?: number;
    readonly modelLatencyMs?: number;
  }>;
}

interface FakeSeries {
  /** `AWS/SageMaker` when absent. */
  readonly namespace?: string;
  /** `Invocations` when absent. */
  readonly metricName?: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Each point's value is the statistic's value at `at`; a bucket adds the points in it (right for Sum and SampleCount). */
  readonly points: ReadonlyArray<{ readonly at: Date; readonly sum: number }>;
  /** GetMetricData answers this one query with a failing StatusCode while the rest are Complete. */
  readonly failWith?: 'InternalError' | 'Forbidden';
}

interface FakeNotebook {
  readonly name: string;
  readonly instanceType: string;
  status: 'InService' | 'Stopped' | 'Pending' | 'Stopping';
  /** Moves with every status change (SageMaker API Reference, NotebookInstanceSummary). */
  lastModifiedAt: Date;
  tags: Record<string, string>;
  /** CreationTime (NotebookInstanceSummary). */
  readonly createdAt?: Date;
}

const OPERATIONS = [
  'ListNotebookInstances',
  'ListApps',
  'DeleteApp',
  'ListDomains',
  'ListUserProfiles',
  'ListSpaces',
  'DescribeDomain',
  'UpdateDomain',
  'DescribeUserProfile',
  'DescribeSpace',
  'ListMlflowTrackingServers',
  'DescribeMlflowTrackingServer',
  'StopMlflowTrackingServer',
  'StartMlflowTrackingServer',
  'CreatePresignedNotebookInstanceUrl',
  'StopNotebookInstance',
  'StartNotebookInstance',
  'ListEndpoints',
  'ListInferenceComponents',
  'DescribeEndpoint',
  'DescribeEndpointConfig',
  'DeleteEndpoint',
  'CreateEndpoint',
  'DescribeInferenceComponent',
  'ListTags',
  'AddTags',
  'DeleteTags',
  'UpdateInferenceComponentRuntimeConfig',
  'GetResources',
  'ListMetrics',
  'GetMetricData',
  'DescribeScalableTargets',
  'RegisterScalableTarget',
  'DescribeScalingPolicies',
  'DeregisterScalableTarget',
  'PutScalingPolicy',
  'CreateSchedule',
  'Publish',
  'GenerateMac',
  'VerifyMac',
  'GetCostAndUsage',
  'GetProducts',
  'ListInferenceRecommendationsJobs',
  'DescribeInferenceRecommendationsJob',
] as const;
type Operation = (typeof OPERATIONS)[number];

const MUTATING: ReadonlySet<Operation> = new Set([
  'AddTags',
  'DeleteTags',
  'UpdateInferenceComponentRuntimeConfig',
  'RegisterScalableTarget',
  'DeregisterScalableTarget',
  'PutScalingPolicy',
  'CreateSchedule',
  'DeleteEndpoint',
  'CreateEndpoint',
  'StopNotebookInstance',
  'StartNotebookInstance',
  'DeleteApp',
  'UpdateDomain',
  'StopMlflowTrackingServer',
  'StartMlflowTrackingServer',
]);

class FakeAwsError extends Error {
  readonly status: number;
  constructor(name: string, message: string, status = 400) {
    super(message);
    this.name = name;
    this.status = status;
  }
}

/** Decides whether a call fails; `call` is the index of the call among this operation's calls. */
type FailureRule = (input: Record<string, unknown>, call: number) => FakeAwsError | undefined;

const REGION = 'us-east-1';
const ACCOUNT = '111122223333';
/** The state key the fake KMS holds; any other KeyId is a NotFoundException. */
const STATE_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b0b0b0b-1111-2222-3333-444455556666`;
const HOUR_MS = 3_600_000;
/** When builders' resources were created unless a test says otherwise: a fixed day, never the wall clock. */
const CREATED_LONG_AGO = new Date('2026-01-01T00:00:00Z');
/** How many DescribeInferenceComponent calls a change takes to settle. */
const SETTLE_DESCRIBES = 2;
/** Characters a SageMaker tag value may hold (SageMaker API Reference, Tag). */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const endpointArn = (name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${name.toLowerCase()}`;
const configArn = (name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint-config/${name.toLowerCase()}`;

/** An endpoint config: what CreateEndpoint builds an endpoint from. It outlives the endpoints made from it. */
interface FakeConfig {
  readonly name: string;
  readonly variants: readonly FakeVariant[];
  readonly shadowVariants?: readonly FakeVariant[] | undefined;
  readonly async?: boolean | undefined;
  readonly metricsPeriodSeconds?: number | undefined;
  readonly createdAt: Date;
  tags: Record<string, string>;
  readonly kmsKeyId?: string | undefined;
  /** Its model was deleted since: an endpoint created from it ends Failed (see settleEndpoints). */
  modelMissing?: boolean;
}
const COMPONENT_ARN_PREFIX = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:inference-component/`;
const studioArn = (path: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${path.toLowerCase()}`;
const notebookArn = (name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:notebook-instance/${name.toLowerCase()}`;
/** One Cost Explorer group of one day (see GetCostAndUsage below). */
interface FakeBillRow {
  readonly date: string;
  readonly usageType: string;
  readonly amount: number;
  readonly recordType?: string;
  readonly amortized?: number;
  readonly estimated?: boolean;
  /** A day Cost Explorer lists but has not filled yet: the day comes back with no groups. */
  readonly empty?: boolean;
}

/** A Studio domain with its user profiles and spaces, as ListDomains, ListUserProfiles, ListSpaces and their describes give them. */
interface FakeDomain {
  readonly id: string;
  tags: Record<string, string>;
  /** `ENABLED` / `DISABLED` idle shutdown of the defaults (DescribeDomain DefaultUserSettings, DefaultSpaceSettings). */
  readonly userDefault?: { readonly jupyterLab?: string; readonly codeEditor?: string };
  readonly spaceDefault?: { readonly jupyterLab?: string };
  readonly profiles: Array<{
    readonly name: string;
    tags: Record<string, string>;
    readonly jupyterLab?: string;
    readonly codeEditor?: string;
    /** When the profile was created (DescribeUserProfile's CreationTime); 2026-01-01 when a test does not say. */
    readonly createdAt?: Date;
  }>;
  readonly spaces: Array<{
    readonly name: string;
    readonly appType?: string;
    readonly volumeGb?: number;
    readonly owner?: string;
    readonly idleMinutes?: number;
  }>;
}

/** An MLflow tracking server (SageMaker API Reference, ListMlflowTrackingServers and DescribeMlflowTrackingServer). */
interface FakeTrackingServer {
  readonly name: string;
  status: string;
  readonly size: string;
  readonly createdAt: Date;
  tags: Record<string, string>;
}

/** A Studio app as ListApps describes it. */
interface FakeApp {
  readonly domainId: string;
  readonly appType: string;
  readonly appName: string;
  readonly userProfileName?: string;
  readonly spaceName?: string;
  readonly status: string;
  readonly instanceType?: string;
  readonly createdAt: Date;
  /** ResourceSpec's SageMakerImageArn and SageMakerImageVersionAlias. */
  readonly image?: { readonly arn: string; readonly versionAlias?: string };
}

const toMs = (value: unknown) => (value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : Date.parse(String(value)));

class FakeAccount {
  readonly endpoints: FakeEndpoint[];
  readonly configs = new Map<string, FakeConfig>();
  /** Each endpoint's config name (`<endpoint>-config` unless it was created from another). */
  readonly configOf = new Map<string, string>();
  readonly components: FakeComponent[];
  readonly series: FakeSeries[];
  readonly notebooks: FakeNotebook[] = [];
  readonly recommendationJobs: FakeRecommendationJob[] = [];
  readonly calls: Array<{ readonly operation: Operation; readonly input: Record<string, unknown> }> = [];
  readonly schedules = new Map<string, Record<string, unknown>>();
  readonly published: Array<Record<string, unknown>> = [];
  /** Each SMS as the phone shows it. */
  readonly deliveredSms: string[] = [];
  /** Components whose copy count Application Auto Scaling moved by itself at RegisterScalableTarget. */
  readonly movedAtRegistration: string[] = [];
  /** The topic's display name, which SNS puts in front of every SMS it delivers. */
  topicDisplayName = 'OpsBot';
  /**
   * The account's "now": ListMetrics lists what reported in the two weeks before it, and what the
   * account stamps (a stop, a creation) carries it. A test pins it with the clock it gives the run;
   * there is no wall-clock default, so a test that forgets fails at once instead of on a later date.
   */
  clock: () => Date = () => {
    throw new Error('FakeAccount.clock is not set: pin it to the clock the test gives the run (account.clock = () => NOW)');
  };
  /** GetMetricData's page size in datapoints; the real ceiling is 100,800. */
  maxDatapointsPerPage = 100_800;
  /**
   * The SageMaker bill by UTC day, usage type and charge type, as Cost Explorer holds it. `amount`
   * is UnblendedCost; `amortized` is AmortizedCost (default: the amount for usage, 0 for a
   * negation). `recordType` defaults to `Usage`.
   */
  readonly bill: FakeBillRow[] = [];
  /** Studio apps (every domain), as ListApps answers them. */
  readonly apps: FakeApp[] = [];
  readonly domains: FakeDomain[] = [];
  /** Every UpdateDomain input, as sent. */
  readonly domainUpdates: Array<Record<string, unknown>> = [];
  readonly trackingServers: FakeTrackingServer[] = [];
  /** Groups per GetCostAndUsage page: small, so callers must follow NextPageToken across days and groups. */
  billGroupsPerPage = 2;
  /** The AWS Price List's SageMaker products (see `priceListProduct`), every region's, as GetProducts holds them. */
  readonly priceList: Array<Record<string, unknown>> = [];
  /** Products per GetProducts page: small, so callers must follow NextToken (the real ceiling is MaxResults, at most 100). */
  priceListPageSize = 4;
  /** Application Auto Scaling targets of endpoint variants, by ResourceId (`endpoint/<name>/variant/<variant>`), with their policies. */
  readonly variantTargets = new Map<string, { min: number; max: number; policies: Array<Record<string, unknown>> }>();
  /** Per call, across operations; receives the call's index in `calls`. */
  failure: (operation: Operation, input: Record<string, unknown>, index: number) => FakeAwsError | Error | undefined = () => undefined;
  private readonly rules = new Map<Operation, FailureRule>();
  /** The HMAC key material behind STATE_KEY_ARN: never leaves the fake, as it never leaves KMS. */
  private readonly macSecret = randomBytes(32);

  constructor(endpoints: FakeEndpoint[] = [], series: FakeSeries[] = [], components: FakeComponent[] = []) {
    this.endpoints = [];
    for (const endpoint of endpoints) this.addEndpoint(endpoint);
    const named = new Set(components.map((component) => component.name));
    this.components = [
      ...components,
      ...endpoints.flatMap((endpoint) =>
        (endpoint.components ?? [])
          .filter((name) => !named.has(name))
          .map((name) => ({ name, endpointName: endpoint.name, variantName: endpoint.variants[0]?.name, copies: 1, tags: {} })),
      ),
    ];
    // Asynchronous endpoints do not publish Invocations, InvocationsPerInstance or OverheadLatency
    // (SageMaker Developer Guide, "Alarms and logs for tracking metrics from asynchronous
    // endpoints"): a test that gives one such a series describes an account AWS cannot produce.
    const asyncNames = new Set(endpoints.filter((endpoint) => endpoint.async).map((endpoint) => endpoint.name));
    const impossible = series.find((s) => (s.metricName ?? 'Invocations') === 'Invocations' && asyncNames.has(s.dimensions.EndpointName ?? ''));
    if (impossible) throw new Error(`async endpoint ${impossible.dimensions.EndpointName} cannot have an Invocations series`);
    this.series = series;
  }

  /** An endpoint, with its endpoint config `<name>-config`. */
  addEndpoint(endpoint: FakeEndpoint): void {
    const name = `${endpoint.name}-config`;
    this.endpoints.push(endpoint);
    this.configOf.set(endpoint.name, name);
    this.configs.set(name, {
      name,
      variants: endpoint.variants,
      shadowVariants: endpoint.shadowVariants,
      async: endpoint.async,
      metricsPeriodSeconds: endpoint.metricsPeriodSeconds,
      createdAt: endpoint.createdAt,
      tags: {},
      kmsKeyId: endpoint.kmsKeyId,
    });
  }

  /**
   * What SageMaker does after accepting a CreateEndpoint: the endpoint leaves `Creating` for
   * `InService`, or for `Failed` with a FailureReason when it cannot be built, e.g. its model is gone
   * (SageMaker API Reference, CreateEndpoint and DescribeEndpoint). Tests call this to let time pass.
   */
  settleEndpoints(): void {
    for (const endpoint of this.endpoints) {
      if (endpoint.status !== 'Creating') continue;
      const config = this.configs.get(this.configOf.get(endpoint.name) ?? '');
      if (config?.modelMissing) {
        Object.assign(endpoint, { status: 'Failed', failureReason: `Could not find model "${config.name}-model".` });
      } else Object.assign(endpoint, { status: 'InService' });
    }
  }

  failWhen(operation: Operation, rule: FailureRule): this {
    this.rules.set(operation, rule);
    return this;
  }

  callCount(operation: Operation): number {
    return this.calls.filter((call) => call.operation === operation).length;
  }

  /** Calls by operation, for the operations called at least once. */
  callCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { operation } of this.calls) counts[operation] = (counts[operation] ?? 0) + 1;
    return counts;
  }

  mutatingCalls(): number {
    return this.calls.filter((call) => MUTATING.has(call.operation)).length;
  }

  handle(operation: Operation, input: Record<string, unknown>): unknown {
    if (!OPERATIONS.includes(operation)) throw new FakeAwsError('UnknownOperationException', `The fake does not answer ${String(operation)}`);
    const index = this.calls.length;
    const ofOperation = this.callCount(operation);
    this.calls.push({ operation, input });
    const failure = this.failure(operation, input, index) ?? this.rules.get(operation)?.(input, ofOperation);
    if (failure) throw failure;
    return this[operation](input);
  }

  private page<T>(items: readonly T[], token: unknown, size: number): { items: T[]; next?: string } {
    const start = token ? Number(token) : 0;
    const end = start + size;
    return { items: items.slice(start, end), ...(end < items.length ? { next: String(end) } : {}) };
  }

  private endpoint(name: unknown): FakeEndpoint {
    const found = this.endpoints.find((endpoint) => endpoint.name === name);
    if (!found) throw new FakeAwsError('ValidationException', `Could not find endpoint "${String(name)}".`);
    return found;
  }

  private component(nameOrArn: unknown): FakeComponent {
    const text = String(nameOrArn);
    const name = text.startsWith(COMPONENT_ARN_PREFIX) ? text.slice(COMPONENT_ARN_PREFIX.length) : text;
    const found = this.components.find((component) => component.name === name);
    if (!found) throw new FakeAwsError('ValidationException', `Could not find inference component "${name}".`);
    return found;
  }

  /** The resource an ARN names: a component or an endpoint, whose tags ListTags/AddTags/DeleteTags read and write. */
  private tagged(arn: unknown): { tags: Record<string, string> } {
    const text = String(arn);
    const studio = this.studioResources().find((resource) => resource.arn === text.toLowerCase());
    if (studio) return studio.holder;
    if (text.startsWith(COMPONENT_ARN_PREFIX)) return this.component(text);
    const config = [...this.configs.values()].find((candidate) => configArn(candidate.name) === text.toLowerCase());
    if (config) return config;
    const notebook = this.notebooks.find((candidate) => notebookArn(candidate.name) === text.toLowerCase());
    if (notebook) return notebook;
    const endpoint = this.endpoints.find((candidate) => endpointArn(candidate.name) === text.toLowerCase());
    if (!endpoint) throw new FakeAwsError('ValidationException', `Could not find resource "${text}".`);
    endpoint.tags ??= {};
    return endpoint as { tags: Record<string, string> };
  }

  // ---- SageMaker: endpoints

  private ListEndpoints(input: Record<string, unknown>) {
    const matching = this.endpoints.filter((endpoint) => !input.StatusEquals || (endpoint.status ?? 'InService') === input.StatusEquals);
    const { items, next } = this.page(matching, input.NextToken, Math.min(Number(input.MaxResults ?? 10), 100));
    return {
      Endpoints: items.map((endpoint) => ({
        EndpointName: endpoint.name,
        EndpointArn: endpointArn(endpoint.name),
        CreationTime: endpoint.createdAt,
        LastModifiedTime: endpoint.createdAt,
        EndpointStatus: endpoint.status ?? 'InService',
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  private DescribeEndpoint(input: Record<string, unknown>) {
    const endpoint = this.endpoint(input.EndpointName);
    const summary = (variant: FakeVariant) => ({
      VariantName: variant.name,
      ...(variant.serverless
        ? {
            CurrentServerlessConfig: {
              MemorySizeInMB: 2048,
              MaxConcurrency: 5,
              ...(variant.provisionedConcurrency ? { ProvisionedConcurrency: variant.provisionedConcurrency } : {}),
            },
          }
        : { CurrentInstanceCount: variant.count, DesiredInstanceCount: variant.count }),
      ...(variant.managedMin !== undefined
        ? { ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: variant.managedMin, MaxInstanceCount: Math.max(4, variant.count) } }
        : {}),
    });
    return {
      EndpointName: endpoint.name,
      EndpointArn: endpointArn(endpoint.name),
      EndpointConfigName: this.configOf.get(endpoint.name),
      EndpointStatus: endpoint.status ?? 'InService',
      ...(endpoint.failureReason ? { FailureReason: endpoint.failureReason } : {}),
      CreationTime: endpoint.createdAt,
      LastModifiedTime: endpoint.createdAt,
      ProductionVariants: endpoint.variants.map(summary),
      ...(endpoint.shadowVariants ? { ShadowProductionVariants: endpoint.shadowVariants.map(summary) } : {}),
    };
  }

  private DescribeEndpointConfig(input: Record<string, unknown>) {
    const config = this.configs.get(String(input.EndpointConfigName));
    if (!config) throw new FakeAwsError('ValidationException', `Could not find endpoint configuration "${String(input.EndpointConfigName)}".`);
    const configured = (variant: FakeVariant) => ({
      VariantName: variant.name,
      ModelName: `${config.name}-model`,
      ...(variant.serverless
        ? {
            ServerlessConfig: {
              MemorySizeInMB: 2048,
              MaxConcurrency: 5,
              ...(variant.provisionedConcurrency ? { ProvisionedConcurrency: variant.provisionedConcurrency } : {}),
            },
          }
        : { InstanceType: variant.instanceType, InitialInstanceCount: variant.count }),
    });
    return {
      EndpointConfigName: config.name,
      EndpointConfigArn: configArn(config.name),
      CreationTime: config.createdAt,
      ...(config.kmsKeyId ? { KmsKeyId: config.kmsKeyId } : {}),
      ProductionVariants: config.variants.map(configured),
      ...(config.shadowVariants ? { ShadowProductionVariants: config.shadowVariants.map(configured) } : {}),
      ...(config.async ? { AsyncInferenceConfig: { OutputConfig: { S3OutputPath: `s3://bucket/${config.name}/` } } } : {}),
      ...(config.metricsPeriodSeconds ? { MetricsConfig: { EnableEnhancedMetrics: true, MetricPublishFrequencyInSeconds: config.metricsPeriodSeconds } } : {}),
    };
  }

  /** Deleting an endpoint leaves its endpoint config and model (SageMaker API Reference, DeleteEndpoint). */
  private DeleteEndpoint(input: Record<string, unknown>) {
    const endpoint = this.endpoint(input.EndpointName);
    // "If you delete an endpoint, Application Auto Scaling checks to see whether any of the models on
    // that endpoint are targets for auto scaling. If any are and you have permission to deregister the
    // model, Application Auto Scaling deregisters those models as scalable targets without notifying
    // you" (SageMaker Developer Guide, "Delete endpoints configured for auto scaling"): their policies go too.
    for (const id of [...this.variantTargets.keys()]) if (id.startsWith(`endpoint/${endpoint.name}/variant/`)) this.variantTargets.delete(id);
    this.endpoints.splice(this.endpoints.indexOf(endpoint), 1);
    this.configOf.delete(endpoint.name);
    return {};
  }

  /**
   * A new endpoint from an existing config, with the given tags; it starts `Creating` (SageMaker API
   * Reference, CreateEndpoint). A name already in use, or an unknown config, is a ValidationException.
   */
  private CreateEndpoint(input: Record<string, unknown>) {
    const name = String(input.EndpointName);
    if (this.endpoints.some((endpoint) => endpoint.name === name))
      throw new FakeAwsError('ValidationException', `Cannot create already existing endpoint "${endpointArn(name)}".`);
    const config = this.configs.get(String(input.EndpointConfigName));
    if (!config) throw new FakeAwsError('ValidationException', `Could not find endpoint configuration "${String(input.EndpointConfigName)}".`);
    const tags = Object.fromEntries(((input.Tags as Array<{ Key: string; Value: string }> | undefined) ?? []).map((tag) => [tag.Key, tag.Value]));
    refuseAwsPrefix(Object.keys(tags));
    this.endpoints.push({
      name,
      createdAt: this.clock(),
      variants: config.variants,
      shadowVariants: config.shadowVariants,
      async: config.async,
      tags,
      status: 'Creating',
    });
    this.configOf.set(name, config.name);
    return { EndpointArn: endpointArn(name) };
  }

  // ---- SageMaker: notebook instances

  private notebook(name: unknown): FakeNotebook {
    const found = this.notebooks.find((notebook) => notebook.name === name);
    if (!found) throw new FakeAwsError('ValidationException', `RecordNotFound: notebook instance ${String(name)}`);
    return found;
  }

  /**
   * ListApps (SageMaker API Reference): every domain's apps when no DomainIdEquals is given;
   * AppDetails carry DomainId, UserProfileName or SpaceName, AppType, AppName, Status, CreationTime
   * and ResourceSpec; MaxResults defaults to 10 (the harsher reading: the docs give no default).
   */
  private ListApps(input: Record<string, unknown>) {
    const matching = this.apps.filter((app) => !input.DomainIdEquals || app.domainId === input.DomainIdEquals);
    const { items, next } = this.page(matching, input.NextToken, Math.min(Number(input.MaxResults ?? 10), 100));
    return {
      Apps: items.map((app) => ({
        DomainId: app.domainId,
        ...(app.spaceName ? { SpaceName: app.spaceName } : { UserProfileName: app.userProfileName ?? 'default-user' }),
        AppType: app.appType,
        AppName: app.appName,
        Status: app.status,
        CreationTime: app.createdAt,
        ...(app.instanceType || app.image
          ? {
              ResourceSpec: {
                ...(app.instanceType ? { InstanceType: app.instanceType } : {}),
                ...(app.image
                  ? { SageMakerImageArn: app.image.arn, ...(app.image.versionAlias ? { SageMakerImageVersionAlias: app.image.versionAlias } : {}) }
                  : {}),
              },
            }
          : {}),
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  /** Domains, user profiles and tracking servers, by their ARNs (lower-cased, as SageMaker writes names into ARNs). */
  private studioResources(): Array<{ arn: string; type: string; holder: { tags: Record<string, string> } }> {
    return [
      ...this.domains.map((domain) => ({ arn: studioArn(`domain/${domain.id}`), type: 'sagemaker:domain', holder: domain })),
      ...this.domains.flatMap((domain) =>
        domain.profiles.map((profile) => ({ arn: studioArn(`user-profile/${domain.id}/${profile.name}`), type: 'sagemaker:user-profile', holder: profile })),
      ),
      ...this.trackingServers.map((server) => ({
        arn: studioArn(`mlflow-tracking-server/${server.name}`),
        type: 'sagemaker:mlflow-tracking-server',
        holder: server,
      })),
    ];
  }

  /**
   * DeleteApp (SageMaker API Reference): names the app by DomainId, UserProfileName (or SpaceName),
   * AppType and AppName; an app that is not there, or not InService, is ResourceNotFound.
   */
  private DeleteApp(input: Record<string, unknown>) {
    const app = this.apps.find(
      (candidate) =>
        candidate.domainId === input.DomainId &&
        candidate.userProfileName === input.UserProfileName &&
        candidate.appType === input.AppType &&
        candidate.appName === input.AppName &&
        candidate.status === 'InService',
    );
    if (!app) throw new FakeAwsError('ResourceNotFound', `App ${String(input.AppName)} does not exist`);
    (app as { status: string }).status = 'Deleted';
    return {};
  }

  /** ListDomains, ListUserProfiles and ListSpaces: MaxResults defaults to 10 (the docs give none: the harsher reading). */
  private ListDomains(input: Record<string, unknown>) {
    const { items, next } = this.page(this.domains, input.NextToken, Math.min(Number(input.MaxResults ?? 10), 100));
    return {
      Domains: items.map((domain) => ({ DomainId: domain.id, DomainArn: studioArn(`domain/${domain.id}`), Status: 'InService' })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  private domainOf(id: unknown): FakeDomain {
    const domain = this.domains.find((candidate) => candidate.id === id);
    if (!domain) throw new FakeAwsError('ResourceNotFound', `Domain ${String(id)} does not exist`);
    return domain;
  }

  private ListUserProfiles(input: Record<string, unknown>) {
    const profiles = this.domainOf(input.DomainIdEquals).profiles;
    const { items, next } = this.page(profiles, input.NextToken, Math.min(Number(input.MaxResults ?? 10), 100));
    return {
      UserProfiles: items.map((profile) => ({ DomainId: input.DomainIdEquals, UserProfileName: profile.name, Status: 'InService' })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  /** ListSpaces: the summary carries the app type, the volume size and a private space's owner (SpaceDetails). */
  private ListSpaces(input: Record<string, unknown>) {
    const spaces = this.domainOf(input.DomainIdEquals).spaces;
    const { items, next } = this.page(spaces, input.NextToken, Math.min(Number(input.MaxResults ?? 10), 100));
    return {
      Spaces: items.map((space) => ({
        DomainId: input.DomainIdEquals,
        SpaceName: space.name,
        Status: 'InService',
        SpaceSettingsSummary: {
          ...(space.appType ? { AppType: space.appType } : {}),
          ...(space.volumeGb !== undefined ? { SpaceStorageSettings: { EbsStorageSettings: { EbsVolumeSizeInGb: space.volumeGb } } } : {}),
        },
        ...(space.owner ? { OwnershipSettingsSummary: { OwnerUserProfileName: space.owner } } : {}),
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  /** DescribeDomain (SageMaker API Reference): DefaultUserSettings for user profiles, DefaultSpaceSettings for spaces (JupyterLab only). */
  private DescribeDomain(input: Record<string, unknown>) {
    const domain = this.domainOf(input.DomainId);
    return {
      DomainId: domain.id,
      DefaultUserSettings: {
        JupyterLabAppSettings: idleSettings(domain.userDefault?.jupyterLab),
        CodeEditorAppSettings: idleSettings(domain.userDefault?.codeEditor),
      },
      DefaultSpaceSettings: { JupyterLabAppSettings: idleSettings(domain.spaceDefault?.jupyterLab) },
    };
  }

  /**
   * UpdateDomain (SageMaker API Reference): the harsher reading of a partial update: each app
   * settings structure sent replaces the one held, whole; an IdleTimeoutInMinutes outside 60 to
   * 525,600 is a ValidationException.
   */
  private UpdateDomain(input: Record<string, unknown>) {
    const domain = this.domainOf(input.DomainId) as FakeDomain & { userDefault?: Record<string, string>; spaceDefault?: Record<string, string> };
    type Sent = { AppLifecycleManagement?: { IdleSettings?: { LifecycleManagement?: string; IdleTimeoutInMinutes?: number } } };
    const idleOf = (settings: Sent | undefined) => {
      const idle = settings?.AppLifecycleManagement?.IdleSettings;
      const minutes = idle?.IdleTimeoutInMinutes;
      if (minutes !== undefined && (minutes < 60 || minutes > 525_600))
        throw new FakeAwsError('ValidationException', 'IdleTimeoutInMinutes must be between 60 and 525600');
      return idle?.LifecycleManagement;
    };
    const user = input.DefaultUserSettings as { JupyterLabAppSettings?: Sent; CodeEditorAppSettings?: Sent } | undefined;
    const space = input.DefaultSpaceSettings as { JupyterLabAppSettings?: Sent } | undefined;
    const next = { ...(domain.userDefault ?? {}) } as Record<string, string | undefined>;
    if (user?.JupyterLabAppSettings) next.jupyterLab = idleOf(user.JupyterLabAppSettings);
    if (user?.CodeEditorAppSettings) next.codeEditor = idleOf(user.CodeEditorAppSettings);
    Object.assign(domain, { userDefault: next });
    if (space?.JupyterLabAppSettings) Object.assign(domain, { spaceDefault: { jupyterLab: idleOf(space.JupyterLabAppSettings) } });
    this.domainUpdates.push(input);
    return { DomainArn: studioArn(`domain/${domain.id}`) };
  }

  /**
   * DescribeUserProfile (SageMaker API Reference): the profile's DomainId, UserProfileName, Status,
   * CreationTime, and its own UserSettings, empty where it sets nothing.
   */
  private DescribeUserProfile(input: Record<string, unknown>) {
    const profile = this.domainOf(input.DomainId).profiles.find((candidate) => candidate.name === input.UserProfileName);
    if (!profile) throw new FakeAwsError('ResourceNotFound', `User profile ${String(input.UserProfileName)} does not exist`);
    return {
      DomainId: input.DomainId,
      UserProfileName: profile.name,
      Status: 'InService',
      CreationTime: profile.createdAt ?? new Date('2026-01-01T00:00:00Z'),
      UserSettings: { JupyterLabAppSettings: idleSettings(profile.jupyterLab), CodeEditorAppSettings: idleSettings(profile.codeEditor) },
    };
  }

  /** DescribeSpace: a space carries only an idle timeout (SpaceSettings … IdleSettings.IdleTimeoutInMinutes). */
  private DescribeSpace(input: Record<string, unknown>) {
    const space = this.domainOf(input.DomainId).spaces.find((candidate) => candidate.name === input.SpaceName);
    if (!space) throw new FakeAwsError('ResourceNotFound', `Space ${String(input.SpaceName)} does not exist`);
    return {
      SpaceSettings: space.idleMinutes
        ? { JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: { IdleTimeoutInMinutes: space.idleMinutes } } } }
        : {},
    };
  }

  /** ListMlflowTrackingServers: the summaries carry name, ARN, status and creation time, not the size. */
  private ListMlflowTrackingServers(input: Record<string, unknown>) {
    const { items, next } = this.page(this.trackingServers, input.NextToken, Math.min(Number(input.MaxResults ?? 10), 100));
    return {
      TrackingServerSummaries: items.map((server) => ({
        TrackingServerName: server.name,
        TrackingServerArn: studioArn(`mlflow-tracking-server/${server.name}`),
        TrackingServerStatus: server.status,
        CreationTime: server.createdAt,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  private trackingServer(name: unknown): FakeTrackingServer {
    const server = this.trackingServers.find((candidate) => candidate.name === name);
    if (!server) throw new FakeAwsError('ResourceNotFound', `Tracking server ${String(name)} does not exist`);
    return server;
  }

  /** DescribeMlflowTrackingServer (SageMaker API Reference): the size a list summary does not carry. */
  private DescribeMlflowTrackingServer(input: Record<string, unknown>) {
    const server = this.trackingServer(input.TrackingServerName);
    return { TrackingServerName: server.name, TrackingServerStatus: server.status, TrackingServerSize: server.size, CreationTime: server.createdAt };
  }

  /**
   * StopMlflowTrackingServer and StartMlflowTrackingServer (SageMaker API Reference): stop only a
   * running server, start only a stopped one; the docs name no error for other statuses, so the
   * harsher reading refuses them (ValidationException). The status settles at once here.
   */
  private StopMlflowTrackingServer(input: Record<string, unknown>) {
    const server = this.trackingServer(input.TrackingServerName);
    if (!['Created', 'Started', 'Updated', 'MaintenanceComplete'].includes(server.status))
      throw new FakeAwsError('ValidationException', `Cannot stop a server in ${server.status}`);
    server.status = 'Stopped';
    return { TrackingServerArn: studioArn(`mlflow-tracking-server/${server.name}`) };
  }

  private StartMlflowTrackingServer(input: Record<string, unknown>) {
    const server = this.trackingServer(input.TrackingServerName);
    if (server.status !== 'Stopped') throw new FakeAwsError('ValidationException', `Cannot start a server in ${server.status}`);
    server.status = 'Started';
    return { TrackingServerArn: studioArn(`mlflow-tracking-server/${server.name}`) };
  }

  private ListNotebookInstances(input: Record<string, unknown>) {
    const matching = this.notebooks.filter((notebook) => !input.StatusEquals || notebook.status === input.StatusEquals);
    const { items, next } = this.page(matching, input.NextToken, Math.min(Number(input.MaxResults ?? 10), 100));
    return {
      NotebookInstances: items.map((notebook) => ({
        NotebookInstanceName: notebook.name,
        NotebookInstanceArn: notebookArn(notebook.name),
        NotebookInstanceStatus: notebook.status,
        InstanceType: notebook.instanceType,
        // NotebookInstanceSummary.CreationTime (SageMaker API Reference, ListNotebookInstances).
        CreationTime: notebook.createdAt ?? CREATED_LONG_AGO,
        LastModifiedTime: notebook.lastModifiedAt,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  private CreatePresignedNotebookInstanceUrl(input: Record<string, unknown>) {
    const notebook = this.notebook(input.NotebookInstanceName);
    return { AuthorizedUrl: `https://${notebook.name}.notebook.${REGION}.sagemaker.aws?authToken=fake-${notebook.name}` };
  }

  /**
   * Only an InService notebook can be stopped, and only a Stopped (or Failed) one started; either moves
   * LastModifiedTime (SageMaker API Reference, StopNotebookInstance, StartNotebookInstance,
   * NotebookInstanceSummary). The fake takes the stop as immediate: the harsher reading for a
   * ledger, which then counts from the stop call.
   */
  private StopNotebookInstance(input: Record<string, unknown>) {
    const notebook = this.notebook(input.NotebookInstanceName);
    if (notebook.status !== 'InService') throw new FakeAwsError('ValidationException', `Status (${notebook.status}) not in ([InService]).`);
    Object.assign(notebook, { status: 'Stopped', lastModifiedAt: this.clock() });
    return {};
  }

  private StartNotebookInstance(input: Record<string, unknown>) {
    const notebook = this.notebook(input.NotebookInstanceName);
    if (notebook.status !== 'Stopped') throw new FakeAwsError('ValidationException', `Status (${notebook.status}) not in ([Stopped, Failed]).`);
    Object.assign(notebook, { status: 'InService', lastModifiedAt: this.clock() });
    return {};
  }

  // ---- SageMaker: inference components

  private isUpdating(component: FakeComponent): boolean {
    return (component.updatingFor ?? 0) > 0;
  }

  /**
   * Application Auto Scaling keeps the desired count within the registered bounds; a move is an
   * update too. A MinCapacity above the copy count pushes a manual 0 back up.
   */
  private enforceBounds(component: FakeComponent): void {
    if (!component.autoscaling) return;
    const bounded = Math.min(Math.max(component.copies, component.autoscaling.min), component.autoscaling.max);
    if (bounded !== component.copies) {
      component.copies = bounded;
      component.updatingFor = SETTLE_DESCRIBES;
    }
  }

  private ListInferenceComponents(input: Record<string, unknown>) {
    const { items, next } = this.page(this.components, input.NextToken, Math.min(Number(input.MaxResults ?? 10), 100));
    return {
      InferenceComponents: items.map((component) => ({
        InferenceComponentName: component.name,
        InferenceComponentArn: `${COMPONENT_ARN_PREFIX}${component.name}`,
        EndpointName: component.endpointName,
        EndpointArn: endpointArn(component.endpointName),
        VariantName: component.variantName ?? 'AllTraffic',
        InferenceComponentStatus: this.isUpdating(component) ? 'Updating' : 'InService',
        CreationTime: CREATED_LONG_AGO,
        LastModifiedTime: new Date('2026-01-01T00:00:00Z'),
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  /**
   * SageMaker API Reference, ListInferenceRecommendationsJobs: filters StatusEquals and
   * ModelNameEquals, SortBy Name | CreationTime | Status with SortOrder, MaxResults 1–100. The
   * default page size is not documented: the fake takes 10, the harsher reading.
   */
  private ListInferenceRecommendationsJobs(input: Record<string, unknown>) {
    const size = Number(input.MaxResults ?? 10);
    if (!Number.isInteger(size) || size < 1 || size > 100) throw new FakeAwsError('ValidationException', 'MaxResults must be between 1 and 100');
    const matching = this.recommendationJobs.filter(
      (job) => (!input.StatusEquals || job.status === input.StatusEquals) && (!input.ModelNameEquals || job.modelName === input.ModelNameEquals),
    );
    const key = (job: FakeRecommendationJob) => (input.SortBy === 'Name' ? job.name : input.SortBy === 'Status' ? job.status : job.createdAt.toISOString());
    const sorted = [...matching].sort((a, b) => key(a).localeCompare(key(b)) * (input.SortOrder === 'Descending' ? -1 : 1));
    const { items, next } = this.page(sorted, input.NextToken, size);
    return {
      InferenceRecommendationsJobs: items.map((job) => ({
        JobName: job.name,
        JobDescription: '',
        JobType: 'Default',
        JobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:inference-recommendations-job/${job.name.toLowerCase()}`,
        Status: job.status,
        CreationTime: job.createdAt,
        LastModifiedTime: job.completedAt ?? job.createdAt,
        ...(job.completedAt ? { CompletionTime: job.completedAt } : {}),
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/recommender`,
        ModelName: job.modelName,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  /**
   * SageMaker API Reference, DescribeInferenceRecommendationsJob: InferenceRecommendations with
   * EndpointConfiguration (InstanceType, InitialInstanceCount or ServerlessConfig) and Metrics
   * (CostPerHour in dollars, ModelLatency in milliseconds); an unknown name is ResourceNotFound.
   */
  private DescribeInferenceRecommendationsJob(input: Record<string, unknown>) {
    const job = this.recommendationJobs.find((candidate) => candidate.name === input.JobName);
    if (!job) throw new FakeAwsError('ResourceNotFound', `Inference recommendations job ${String(input.JobName)} does not exist.`);
    return {
      JobName: job.name,
      JobType: 'Default',
      JobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:inference-recommendations-job/${job.name.toLowerCase()}`,
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/recommender`,
      Status: job.status,
      CreationTime: job.createdAt,
      LastModifiedTime: job.completedAt ?? job.createdAt,
      ...(job.completedAt ? { CompletionTime: job.completedAt } : {}),
      InputConfig: { ModelName: job.modelName },
      InferenceRecommendations: job.recommendations.map((entry, index) => ({
        RecommendationId: `${job.name}/${index}`,
        EndpointConfiguration: {
          EndpointName: `${job.name}-${index}`,
          VariantName: `${job.name}-${index}`,
          ...(entry.instanceType ? { InstanceType: entry.instanceType, InitialInstanceCount: entry.count ?? 1 } : {}),
          ...(entry.serverlessMemoryMb ? { ServerlessConfig: { MemorySizeInMB: entry.serverlessMemoryMb, MaxConcurrency: 1 } } : {}),
        },
        Metrics: {
          ...(entry.costPerHour !== undefined ? { CostPerHour: entry.costPerHour } : {}),
          ...(entry.modelLatencyMs !== undefined ? { ModelLatency: entry.modelLatencyMs } : {}),
        },
        ModelConfiguration: {},
      })),
    };
  }

  /**
   * A copy-count change puts the component in `Updating` for a while (SageMaker API Reference,
   * InferenceComponentStatus); here the settle time is a number of DescribeInferenceComponent calls.
   */
  private DescribeInferenceComponent(input: Record<string, unknown>) {
    const component = this.component(input.InferenceComponentName);
    const status = this.isUpdating(component) ? 'Updating' : 'InService';
    if (component.updatingFor) component.updatingFor -= 1;
    return {
      InferenceComponentName: component.name,
      InferenceComponentArn: `${COMPONENT_ARN_PREFIX}${component.name}`,
      EndpointName: component.endpointName,
      VariantName: component.variantName ?? 'AllTraffic',
      InferenceComponentStatus: status,
      Specification: {
        ComputeResourceRequirements: {
          MinMemoryRequiredInMb: component.memoryMb ?? 1024,
          NumberOfAcceleratorDevicesRequired: component.gpus,
          NumberOfCpuCoresRequired: component.cores,
        },
      },
      RuntimeConfig: { DesiredCopyCount: component.copies, CurrentCopyCount: component.copies },
      // CreationTime (SageMaker API Reference, DescribeInferenceComponent): set when the component is
      // created, so one deleted and created again under its name answers a new one.
      CreationTime: component.createdAt ?? CREATED_LONG_AGO,
    };
  }

  /**
   * While `Updating`, the change is refused. The docs are silent on this; the fake takes the
   * harsher reading (a ValidationException, which the SDK does not retry).
   */
  private UpdateInferenceComponentRuntimeConfig(input: Record<string, unknown>) {
    const component = this.component(input.InferenceComponentName);
    if (this.isUpdating(component)) {
      throw new FakeAwsError(
        'ValidationException',
        `Inference component "${component.name}" is in Updating status and cannot be updated until it is InService.`,
      );
    }
    const copies = Number((input.DesiredRuntimeConfig as { CopyCount: number }).CopyCount);
    if (copies !== component.copies) component.updatingFor = SETTLE_DESCRIBES;
    component.copies = copies;
    this.enforceBounds(component);
    return { InferenceComponentArn: `${COMPONENT_ARN_PREFIX}${component.name}` };
  }

  // ---- SageMaker: tags (SageMaker API Reference, AddTags: at most 50 tags per resource)

  private ListTags(input: Record<string, unknown>) {
    return { Tags: Object.entries(this.tagged(input.ResourceArn).tags).map(([Key, Value]) => ({ Key, Value })) };
  }

  private AddTags(input: Record<string, unknown>) {
    const resource = this.tagged(input.ResourceArn);
    const tags = input.Tags as Array<{ Key: string; Value: string }>;
    refuseAwsPrefix(tags.map((tag) => tag.Key));
    for (const tag of tags) {
      if (!TAG_VALUE.test(tag.Value) || tag.Key.length > 128 || tag.Value.length > 256) throw new FakeAwsError('ValidationException', `Invalid tag ${tag.Key}`);
    }
    const merged = { ...resource.tags, ...Object.fromEntries(tags.map((tag) => [tag.Key, tag.Value])) };
    // AWS-generated tags (aws:…) do not count toward the 50 (Tagging AWS resources, tag restrictions).
    if (Object.keys(merged).filter((key) => !key.startsWith('aws:')).length > 50) throw new FakeAwsError('ValidationException', 'Too many tags');
    resource.tags = merged;
    return { Tags: tags };
  }

  private DeleteTags(input: Record<string, unknown>) {
    const resource = this.tagged(input.ResourceArn);
    for (const key of input.TagKeys as string[]) delete resource.tags[key];
    return {};
  }

  // ---- Resource Groups Tagging API

  /** Resources of the requested types that carry every filtered tag (any tag when there is no filter). */
  private GetResources(input: Record<string, unknown>) {
    const filters = (input.TagFilters as Array<{ Key: string; Values?: string[] }> | undefined) ?? [];
    const types = (input.ResourceTypeFilters as string[] | undefined) ?? [];
    const wants = (type: string) => types.length === 0 || types.includes(type);
    const resources = [
      ...(wants('sagemaker:endpoint') ? this.endpoints.map((endpoint) => ({ arn: endpointArn(endpoint.name), tags: endpoint.tags ?? {} })) : []),
      ...(wants('sagemaker:inference-component')
        ? this.components.map((component) => ({ arn: `${COMPONENT_ARN_PREFIX}${component.name}`, tags: component.tags }))
        : []),
      ...(wants('sagemaker:notebook-instance') ? this.notebooks.map((notebook) => ({ arn: notebookArn(notebook.name), tags: notebook.tags })) : []),
      ...(wants('sagemaker:endpoint-config') ? [...this.configs.values()].map((config) => ({ arn: configArn(config.name), tags: config.tags })) : []),
      ...this.studioResources()
        .filter((resource) => wants(resource.type))
        .map((resource) => ({ arn: resource.arn, tags: resource.holder.tags })),
    ];
    const matching = resources.filter(
      ({ tags }) =>
        Object.keys(tags).length > 0 &&
        filters.every((filter) => tags[filter.Key] !== undefined && (!filter.Values?.length || filter.Values.includes(tags[filter.Key] ?? ''))),
    );
    const { items, next } = this.page(matching, input.PaginationToken, Number(input.ResourcesPerPage ?? 50));
    return {
      ResourceTagMappingList: items.map(({ arn, tags }) => ({ ResourceARN: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) })),
      PaginationToken: next ?? '',
    };
  }

  // ---- CloudWatch

  private findSeries(namespace: unknown, metricName: unknown, dimensions: ReadonlyArray<{ Name: string; Value: string }>): FakeSeries | undefined {
    return this.series.find(
      (candidate) =>
        (candidate.namespace ?? 'AWS/SageMaker') === namespace &&
        (candidate.metricName ?? 'Invocations') === metricName &&
        Object.keys(candidate.dimensions).length === dimensions.length &&
        dimensions.every((d) => candidate.dimensions[d.Name] === d.Value),
    );
  }

  /**
   * Only series that reported in the last two weeks are listed, and MetricName is an optional filter:
   * without it, every metric of the namespace (CloudWatch API Reference, ListMetrics).
   */
  private ListMetrics(input: Record<string, unknown>) {
    const twoWeeksAgo = this.clock().getTime() - 14 * 24 * HOUR_MS;
    const reported = this.series.filter(
      (series) =>
        (series.namespace ?? 'AWS/SageMaker') === input.Namespace &&
        (input.MetricName === undefined || (series.metricName ?? 'Invocations') === input.MetricName) &&
        (series.points.length === 0 || series.points.some((point) => point.at.getTime() >= twoWeeksAgo)),
    );
    const { items, next } = this.page(reported, input.NextToken, 500);
    return {
      Metrics: items.map((series) => ({
        Namespace: series.namespace ?? 'AWS/SageMaker',
        MetricName: series.metricName ?? 'Invocations',
        Dimensions: Object.entries(series.dimensions).map(([Name, Value]) => ({ Name, Value })),
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  private GetMetricData(input: Record<string, unknown>) {
    const queries = input.MetricDataQueries as Array<{
      Id: string;
      MetricStat: { Metric: { Namespace: string; MetricName: string; Dimensions: Array<{ Name: string; Value: string }> }; Period: number; Stat: string };
    }>;
    if (queries.length > 500) throw new FakeAwsError('ValidationError', 'The collection MetricDataQueries must not have a size greater than 500.');
    const start = toMs(input.StartTime);
    const end = toMs(input.EndTime);
    const seriesOf = (query: (typeof queries)[number]) =>
      this.findSeries(query.MetricStat.Metric.Namespace, query.MetricStat.Metric.MetricName, query.MetricStat.Metric.Dimensions);
    // Buckets of the query's Period counted from StartTime: the harsher of the two readings of
    // CloudWatch's alignment (code that only works when buckets fall on local midnights fails here).
    const all = queries.flatMap((query) => {
      const series = seriesOf(query);
      if (series?.failWith) return [];
      const periodMs = query.MetricStat.Period * 1000;
      const buckets = new Map<number, number[]>();
      for (const point of series?.points ?? []) {
        const at = point.at.getTime();
        if (at < start || at >= end) continue;
        const bucket = start + Math.floor((at - start) / periodMs) * periodMs;
        buckets.set(bucket, [...(buckets.get(bucket) ?? []), point.sum]);
      }
      return [...buckets.entries()]
        .sort((a, b) => a[0] - b[0])
        .flatMap(([at, values]) => {
          const value = statistic(query.MetricStat.Stat, values);
          return value === undefined ? [] : [{ id: query.Id, at, sum: value }];
        });
    });
    const offset = input.NextToken ? Number(input.NextToken) : 0;
    const slice = all.slice(offset, offset + this.maxDatapointsPerPage);
    const more = offset + this.maxDatapointsPerPage < all.length;
    const remaining = new Set(all.slice(offset + this.maxDatapointsPerPage).map((point) => point.id));
    // Each query has its own StatusCode: one can be InternalError or Forbidden while the others are
    // Complete (CloudWatch API Reference, MetricDataResult). Nothing promises the results come back
    // in query order, so the fake answers in reverse: callers must match results to queries by Id.
    return {
      MetricDataResults: [...queries].reverse().map((query) => {
        const status = seriesOf(query)?.failWith;
        if (status) {
          return {
            Id: query.Id,
            Label: query.MetricStat.Metric.MetricName,
            Timestamps: [],
            Values: [],
            StatusCode: status,
            Messages: [{ Code: status, Value: 'injected by the fake' }],
          };
        }
        const points = slice.filter((point) => point.id === query.Id);
        return {
          Id: query.Id,
          Label: query.MetricStat.Metric.MetricName,
          Timestamps: points.map((point) => new Date(point.at)),
          Values: points.map((point) => point.sum),
          StatusCode: remaining.has(query.Id) ? 'PartialData' : 'Complete',
        };
      }),
      Messages: [],
      ...(more ? { NextToken: String(offset + this.maxDatapointsPerPage) } : {}),
    };
  }

  // ---- Application Auto Scaling

  private DescribeScalableTargets(input: Record<string, unknown>) {
    const ids = new Set(input.ResourceIds as string[]);
    if (ids.size > 50) throw new FakeAwsError('ValidationException', 'At most 50 ResourceIds');
    if (input.ScalableDimension === 'sagemaker:variant:DesiredInstanceCount') {
      return {
        ScalableTargets: [...this.variantTargets.entries()]
          .filter(([id]) => ids.has(id))
          .map(([id, target]) => ({
            ServiceNamespace: 'sagemaker',
            ResourceId: id,
            ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
            MinCapacity: target.min,
            MaxCapacity: target.max,
            RoleARN: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/sagemaker`,
            CreationTime: CREATED_LONG_AGO,
          })),
      };
    }
    return {
      ScalableTargets: this.components
        .filter((component) => component.autoscaling && ids.has(`inference-component/${component.name}`))
        .map((component) => ({
          ServiceNamespace: 'sagemaker',
          ResourceId: `inference-component/${component.name}`,
          ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
          MinCapacity: component.autoscaling?.min,
          MaxCapacity: component.autoscaling?.max,
          RoleARN: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/sagemaker`,
          CreationTime: CREATED_LONG_AGO,
        })),
    };
  }

  /**
   * On an existing target, RegisterScalableTarget moves an active resource's current capacity into
   * the new [Min, Max] at once, and leaves a resource that is not active as it is (Application Auto
   * Scaling API Reference, RegisterScalableTarget).
   */
  private RegisterScalableTarget(input: Record<string, unknown>) {
    if (String(input.ResourceId).startsWith('endpoint/')) return this.registerVariant(input);
    const component = this.component(String(input.ResourceId).replace('inference-component/', ''));
    const current = component.autoscaling ?? { min: 0, max: 0 };
    component.autoscaling = { min: Number(input.MinCapacity ?? current.min), max: Number(input.MaxCapacity ?? current.max) };
    if (!this.isUpdating(component)) {
      const before = component.copies;
      this.enforceBounds(component);
      if (component.copies !== before) this.movedAtRegistration.push(component.name);
    }
    return {};
  }

  /**
   * A variant's target: the endpoint must exist (Application Auto Scaling API Reference,
   * RegisterScalableTarget: ValidationException for a resource that does not); the docs do not say
   * whether a Creating endpoint is accepted: the fake takes the harsher reading and wants it InService.
   */
  private registerVariant(input: Record<string, unknown>) {
    const id = String(input.ResourceId);
    const endpointName = id.split('/')[1];
    const endpoint = this.endpoints.find((candidate) => candidate.name === endpointName);
    if (!endpoint || (endpoint.status ?? 'InService') !== 'InService')
      throw new FakeAwsError('ValidationException', `Endpoint ${endpointName} is not InService`);
    const current = this.variantTargets.get(id);
    this.variantTargets.set(id, {
      min: Number(input.MinCapacity ?? current?.min),
      max: Number(input.MaxCapacity ?? current?.max),
      policies: current?.policies ?? [],
    });
    return {};
  }

  /** Deregistering a target deletes its scaling policies (Application Auto Scaling API Reference, DeregisterScalableTarget). */
  private DeregisterScalableTarget(input: Record<string, unknown>) {
    const id = String(input.ResourceId);
    if (!this.variantTargets.delete(id)) throw new FakeAwsError('ObjectNotFoundException', `No scalable target registered for ${id}`);
    return {};
  }

  /** The target's policies with their configurations as put (Application Auto Scaling API Reference, DescribeScalingPolicies). */
  private DescribeScalingPolicies(input: Record<string, unknown>) {
    const target = this.variantTargets.get(String(input.ResourceId));
    return {
      ScalingPolicies: (target?.policies ?? []).map((policy) => ({
        ...policy,
        ServiceNamespace: 'sagemaker',
        ResourceId: input.ResourceId,
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        PolicyARN: `arn:aws:autoscaling:${REGION}:${ACCOUNT}:scalingPolicy:1:resource/sagemaker/${String(input.ResourceId)}:policyName/${String(policy.PolicyName)}`,
        CreationTime: CREATED_LONG_AGO,
      })),
    };
  }

  /** A policy needs a registered target (Application Auto Scaling API Reference, PutScalingPolicy: ObjectNotFoundException). */
  private PutScalingPolicy(input: Record<string, unknown>) {
    const target = this.variantTargets.get(String(input.ResourceId));
    if (!target) throw new FakeAwsError('ObjectNotFoundException', `No scalable target registered for ${String(input.ResourceId)}`);
    const { PolicyName, PolicyType, TargetTrackingScalingPolicyConfiguration, StepScalingPolicyConfiguration } = input;
    target.policies = [
      ...target.policies.filter((policy) => policy.PolicyName !== PolicyName),
      {
        PolicyName,
        PolicyType,
        ...(TargetTrackingScalingPolicyConfiguration ? { TargetTrackingScalingPolicyConfiguration } : {}),
        ...(StepScalingPolicyConfiguration ? { StepScalingPolicyConfiguration } : {}),
      },
    ];
    return { PolicyARN: `policy/${String(PolicyName)}` };
  }

  // ---- EventBridge Scheduler

  /** A schedule name is unique in its group: a second CreateSchedule is a ConflictException (Scheduler API Reference). */
  private CreateSchedule(input: Record<string, unknown>) {
    const name = String(input.Name);
    if (this.schedules.has(name)) throw new FakeAwsError('ConflictException', `Schedule ${name} already exists.`, 409);
    this.schedules.set(name, input);
    return { ScheduleArn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/${name}` };
  }

  /**
   * Tags carrying `values` signed as the bot signs them (aws/bot-state.ts), for a test that starts
   * from state the bot wrote earlier. Only the fake can: it holds the key, as only KMS does.
   */
  signedState(arn: string, slot: StateSlot, values: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    const mac = (digest: Uint8Array) => createHmac('sha256', this.macSecret).update(digest).digest();
    return signedTags(arn, slot, values, nextGeneration(undefined, this.clock().getTime()), mac);
  }

  // ---- KMS (HMAC keys)

  /**
   * KMS API Reference, GenerateMac/VerifyMac: the key must exist (NotFoundException), be an HMAC key
   * used with its own algorithm (InvalidKeyUsageException), and the message is 1 to 4,096 bytes
   * (ValidationException). VerifyMac answers a MAC that does not match with KMSInvalidMacException
   * rather than MacValid false.
   */
  private macOf(input: Record<string, unknown>): Buffer {
    if (input.KeyId !== STATE_KEY_ARN) throw new FakeAwsError('NotFoundException', `Key '${String(input.KeyId)}' does not exist`);
    if (input.MacAlgorithm !== 'HMAC_SHA_256') throw new FakeAwsError('InvalidKeyUsageException', `${String(input.MacAlgorithm)} is not valid for this key`);
    // Blobs arrive as bytes through the SDK mock, and as base64 over the wire (the loopback server).
    const message = typeof input.Message === 'string' ? Buffer.from(input.Message, 'base64') : (input.Message as Uint8Array);
    if (!(message instanceof Uint8Array) || message.length < 1 || message.length > 4096)
      throw new FakeAwsError('ValidationException', 'Message must be 1 to 4096 bytes');
    return createHmac('sha256', this.macSecret).update(message).digest();
  }

  private GenerateMac(input: Record<string, unknown>) {
    return { KeyId: STATE_KEY_ARN, MacAlgorithm: 'HMAC_SHA_256', Mac: new Uint8Array(this.macOf(input)) };
  }

  private VerifyMac(input: Record<string, unknown>) {
    const expected = this.macOf(input);
    const given = typeof input.Mac === 'string' ? Buffer.from(input.Mac, 'base64') : Buffer.from(input.Mac as Uint8Array);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new FakeAwsError('KMSInvalidMacException', 'The MAC is not valid');
    return { KeyId: STATE_KEY_ARN, MacAlgorithm: 'HMAC_SHA_256', MacValid: true };
  }

  // ---- Cost Explorer

  /**
   * GetCostAndUsage, DAILY (Cost Explorer API Reference): End is exclusive (DateInterval); at most
   * two GroupBy keys, each group's Keys in GroupBy's order (USAGE_TYPE, RECORD_TYPE here); only the
   * Metrics asked for come back, amounts as strings (MetricValue); recent days carry `Estimated`;
   * a day Cost Explorer has not filled yet comes back with no groups; results are paged with
   * NextPageToken, and a day's groups may be split across pages. UnblendedCost shows Savings Plan
   * covered usage at the on-demand rate with a negation line of the same amount, AmortizedCost at
   * what the plan cost for it (AWS Cost Management User Guide, "Understanding your Savings Plans in
   * Cost Explorer").
   */
  private GetCostAndUsage(input: Record<string, unknown>) {
    const period = input.TimePeriod as { Start: string; End: string };
    if (!(period.Start < period.End)) throw new FakeAwsError('ValidationException', 'Start date must be before end date');
    const groupBy = ((input.GroupBy as Array<{ Key: string }> | undefined) ?? []).map((group) => group.Key);
    if (groupBy.length > 2) throw new FakeAwsError('ValidationException', 'GroupBy supports at most two keys');
    const metrics = (input.Metrics as string[] | undefined) ?? [];
    if (metrics.length === 0) throw new FakeAwsError('ValidationException', 'Metrics is required');
    const keyOf = (row: FakeBillRow) => groupBy.map((key) => (key === 'RECORD_TYPE' ? (row.recordType ?? 'Usage') : row.usageType));
    const rows = this.bill.filter((row) => row.date >= period.Start && row.date < period.End).sort((a, b) => a.date.localeCompare(b.date));
    const offset = input.NextPageToken ? Number(input.NextPageToken) : 0;
    const page = rows.slice(offset, offset + this.billGroupsPerPage);
    const days = [...new Set(page.map((row) => row.date))];
    const value = (row: FakeBillRow, metric: string) => {
      const recordType = row.recordType ?? 'Usage';
      const amount = metric === 'AmortizedCost' ? (row.amortized ?? (recordType === 'SavingsPlanNegation' ? 0 : row.amount)) : row.amount;
      return { Amount: amount.toFixed(10), Unit: 'USD' };
    };
    return {
      ResultsByTime: days.map((date) => ({
        TimePeriod: { Start: date, End: new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) },
        Total: {},
        Groups: page
          .filter((row) => row.date === date && !row.empty)
          .map((row) => ({ Keys: keyOf(row), Metrics: Object.fromEntries(metrics.map((metric) => [metric, value(row, metric)])) })),
        Estimated: page.some((row) => row.date === date && row.estimated === true),
      })),
      DimensionValueAttributes: [],
      ...(offset + this.billGroupsPerPage < rows.length ? { NextPageToken: String(offset + this.billGroupsPerPage) } : {}),
    };
  }

  // ---- AWS Price List

  /**
   * GetProducts (AWS Price List Query API Reference): ServiceCode plus Filters that must all match
   * (TERM_MATCH and EQUALS: the field's value is the given one; CONTAINS: a substring; the field is
   * `productFamily` or an attribute name); MaxResults at most 100; each PriceList element is a JSON
   * document in a string; NextToken while more remain. An unknown filter type is refused, as the API
   * refuses values outside its FilterType enum.
   */
  private GetProducts(input: Record<string, unknown>) {
    if (input.ServiceCode !== 'AmazonSageMaker') return { FormatVersion: 'aws_v1', PriceList: [] };
    const maxResults = input.MaxResults === undefined ? 100 : Number(input.MaxResults);
    if (!(maxResults >= 1 && maxResults <= 100)) throw new FakeAwsError('InvalidParameterException', 'MaxResults must be between 1 and 100');
    const filters = (input.Filters ?? []) as Array<{ Type: string; Field: string; Value: string }>;
    const matches = (product: Record<string, unknown>) =>
      filters.every((filter) => {
        const body = product.product as { productFamily?: string; attributes: Record<string, string> };
        const value = filter.Field === 'productFamily' ? body.productFamily : body.attributes[filter.Field];
        if (filter.Type === 'TERM_MATCH' || filter.Type === 'EQUALS') return value === filter.Value;
        if (filter.Type === 'CONTAINS') return value !== undefined && value.includes(filter.Value);
        throw new FakeAwsError('InvalidParameterException', `Filter type ${filter.Type} is not supported by this fake`);
      });
    const { items, next } = this.page(this.priceList.filter(matches), input.NextToken, Math.min(maxResults, this.priceListPageSize));
    return { FormatVersion: 'aws_v1', PriceList: items.map((product) => JSON.stringify(product)), ...(next ? { NextToken: next } : {}) };
  }

  // ---- SNS

  private Publish(input: Record<string, unknown>) {
    this.published.push(input);
    if (input.MessageStructure === 'json') {
      const message = JSON.parse(String(input.Message)) as Record<string, string>;
      // "MYTOPIC> Hello World!": SNS prefixes the upper-cased display name and "> " to SMS sent
      // through a topic (Amazon SNS Developer Guide, "Publishing SMS messages to an Amazon SNS topic").
      const text = message.sms ?? message.default ?? '';
      this.deliveredSms.push(this.topicDisplayName ? `${this.topicDisplayName.toUpperCase()}> ${text}` : text);
    }
    return { MessageId: `message-${this.published.length}` };
  }
}

/**
 * The `aws:` prefix is reserved for AWS's own tags (CloudFormation puts `aws:cloudformation:*` on
 * what it creates, and ListTags returns them): a request that sets one is refused ("Tagging AWS
 * resources", tag naming limits: the aws: prefix is reserved for AWS use).
 */
/**
 * A statistic of the datapoints in one period (Amazon CloudWatch User Guide, "CloudWatch statistics
 * definitions"): Sum and SampleCount add, Maximum and Minimum the extremes, Average the mean, pNN the
 * NN-th percentile. Each fake point stands for one published value, so a percentile is taken over
 * them (nearest rank); CloudWatch answers no datapoint for a statistic it cannot give.
 */
/** App settings carrying only an idle-shutdown state, as DescribeDomain and DescribeUserProfile nest it (AppLifecycleManagement.IdleSettings). */
function idleSettings(idle?: string) {
  return idle ? { AppLifecycleManagement: { IdleSettings: { LifecycleManagement: idle } } } : {};
}

function statistic(stat: string, values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  if (stat === 'Sum' || stat === 'SampleCount') return values.reduce((sum, value) => sum + value, 0);
  if (stat === 'Maximum') return Math.max(...values);
  if (stat === 'Minimum') return Math.min(...values);
  if (stat === 'Average') return values.reduce((sum, value) => sum + value, 0) / values.length;
  const percentile = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  if (percentile) {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.max(0, Math.ceil((Number(percentile[1]) / 100) * sorted.length) - 1)];
  }
  throw new FakeAwsError('InvalidParameterValue', `The fake does not answer the statistic ${stat}`);
}

/** Region codes as SageMaker usage types spell them (`USE1-Host:ml.g5.xlarge`). */
const USAGE_PREFIX: Readonly<Record<string, string>> = {
  'us-east-1': 'USE1',
  'us-east-2': 'USE2',
  'us-west-2': 'USW2',
  'eu-central-1': 'EUC1',
  'eu-west-1': 'EU',
};

/**
 * One SageMaker product as the Price List publishes it (AWS Price List Query API, GetProducts, and the
 * offer file's shape): productFamily "ML Instance", attributes as strings (regionCode, instanceName,
 * usagetype per use: `-Host:` hosting, `-Notebk:` notebooks, `-AsyncInf:`, `-Train:` …), one OnDemand
 * offer with one hourly price dimension whose USD amount is a string.
 */
function priceListProduct(
  region: string,
  instanceName: string,
  use: 'Host' | 'Notebk' | 'AsyncInf' | 'Train' | 'Processing' | 'Studio:JupyterLab' | 'Studio:CodeEditor',
  usd: number,
  hardware: { vCpu?: string; memory?: string; gpu?: string; gpuMemory?: string } = {},
): Record<string, unknown> {
  const sku = `${region}-${use}-${instanceName}`.toUpperCase().replace(/[^A-Z0-9]/g, '');
  // A Studio app's usage type names its app type before the instance: `USE1-Studio:JupyterLab-ml.t3.medium`.
  const usagetype = use.startsWith('Studio:')
    ? `${USAGE_PREFIX[region] ?? region.toUpperCase()}-${use}-${instanceName}`
    : `${USAGE_PREFIX[region] ?? region.toUpperCase()}-${use}:${instanceName}`;
  return hourlyProduct(
    sku,
    'ML Instance',
    { servicecode: 'AmazonSageMaker', regionCode: region, instanceName, usagetype, operation: 'RunInstance', ...hardware },
    usd,
    `${instanceName} ${use}`,
  );
}

/**
 * A Canvas session hour as the Price List would hold it: the usage type the Developer Guide's
 * "Canvas pricing" names (`REGION-Canvas:Session-Hrs`), by the hour. Its product family is not
 * documented; the reader does not rely on one.
 */
function canvasSessionProduct(region: string, usd: number): Record<string, unknown> {
  const usagetype = `${USAGE_PREFIX[region] ?? region.toUpperCase()}-Canvas:Session-Hrs`;
  const sku = `${region}-CANVAS-SESSION`.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return hourlyProduct(sku, 'Canvas', { servicecode: 'AmazonSageMaker', regionCode: region, usagetype }, usd, 'Canvas session hour');
}

/**
 * An MLflow tracking server product. AWS documents no MLflow usage type, so a test names the usage
 * type (and any further attributes) itself, to show what the reader accepts and refuses.
 */
function mlflowProduct(region: string, usagetype: string, usd: number, attributes: Record<string, string> = {}): Record<string, unknown> {
  const sku = `${region}-${usagetype}`.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return hourlyProduct(sku, 'MLflow', { servicecode: 'AmazonSageMaker', regionCode: region, usagetype, ...attributes }, usd, usagetype);
}

/** The offer file's shape: one OnDemand offer with one hourly price dimension, its USD amount a string. */
function hourlyProduct(sku: string, productFamily: string, attributes: Record<string, string>, usd: number, description: string): Record<string, unknown> {
  return {
    product: { productFamily, attributes, sku },
    serviceCode: 'AmazonSageMaker',
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          priceDimensions: { [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: { unit: 'Hrs', pricePerUnit: { USD: usd.toFixed(10) }, description } },
          sku,
          effectiveDate: '2026-11-01T00:00:00Z',
        },
      },
    },
    version: '20261101000000',
    publicationDate: '2026-11-01T00:00:00Z',
  };
}

function refuseAwsPrefix(keys: readonly string[]): void {
  const reserved = keys.find((key) => key.toLowerCase().startsWith('aws:'));
  if (reserved) throw new FakeAwsError('ValidationException', `Tag keys cannot start with the reserved prefix "aws:": ${reserved}`);
}

/** Invocations for one variant, `sum` per bucket at each of the given ages (hours before `now`). */
function variantSeries(endpointName: string, variantName: string, now: Date, hoursAgo: readonly number[], sum = 5): FakeSeries {
  return {
    dimensions: { EndpointName: endpointName, VariantName: variantName },
    points: hoursAgo.map((age) => ({ at: new Date(now.getTime() - age * HOUR_MS), sum })),
  };
}

/**
 * A variant's instance metric (`/aws/sagemaker/Endpoints`: CPUUtilization 0–100 × vCPUs,
 * MemoryUtilization, GPUUtilization, GPUMemoryUtilization) as SageMaker publishes it (SageMaker
 * Developer Guide, "Amazon SageMaker AI metrics in Amazon CloudWatch", endpoint instance metrics, and
 * "Enhanced metrics" for the InstanceId dimension): one series per instance with InstanceId and the
 * variant's series, the average across its instances. `values[i](hour)` is instance i's value in each hour of
 * the 14 days before `now`; `perInstance: false` publishes the variant's average only.
 */
function instanceMetric(
  endpointName: string,
  variantName: string,
  metricName: string,
  now: Date,
  values: ReadonlyArray<(hour: number) => number>,
  perInstance = true,
): FakeSeries[] {
  const hours = Array.from({ length: 14 * 24 }, (_, hour) => hour);
  const at = (hour: number) => new Date(now.getTime() - (14 * 24 - hour) * HOUR_MS);
  const variant = { EndpointName: endpointName, VariantName: variantName };
  const average = (hour: number) => values.reduce((sum, value) => sum + value(hour), 0) / values.length;
  return [
    { namespace: '/aws/sagemaker/Endpoints', metricName, dimensions: variant, points: hours.map((hour) => ({ at: at(hour), sum: average(hour) })) },
    ...(perInstance
      ? values.map((value, index) => ({
          namespace: '/aws/sagemaker/Endpoints',
          metricName,
          dimensions: { ...variant, InstanceId: `i-${endpointName}-${index}` },
          points: hours.map((hour) => ({ at: at(hour), sum: value(hour) })),
        }))
      : []),
  ];
}

/**
 * ModelLatency or OverheadLatency (`AWS/SageMaker`, EndpointName + VariantName), in microseconds
 * (SageMaker Developer Guide, "Amazon SageMaker AI metrics in Amazon CloudWatch", endpoint invocation
 * metrics: "Units: Microseconds"), hourly over 14 days.
 */
function latencySeries(endpointName: string, variantName: string, metricName: 'ModelLatency' | 'OverheadLatency', now: Date, microseconds: number): FakeSeries {
  return {
    namespace: 'AWS/SageMaker',
    metricName,
    dimensions: { EndpointName: endpointName, VariantName: variantName },
    points: Array.from({ length: 14 * 24 }, (_, hour) => ({ at: new Date(now.getTime() - (14 * 24 - hour) * HOUR_MS), sum: microseconds })),
  };
}

/**
 * An inference component's per-copy utilisation (`/aws/sagemaker/InferenceComponents`,
 * CPUUtilizationNormalized, MemoryUtilizationNormalized, GPUUtilizationNormalized,
 * GPUMemoryUtilizationNormalized; dimension InferenceComponentName) as SageMaker publishes it
 * (SageMaker Developer Guide, "Amazon SageMaker AI metrics in Amazon CloudWatch", inference
 * component metrics: "reported by each copy", 0–100 over the copy's reservation). Every copy reports
 * into the one series; the docs do not say how, so each hour's value here is the hottest copy's.
 */
function componentMetric(componentName: string, metricName: string, now: Date, value: (hour: number) => number): FakeSeries {
  return {
    namespace: '/aws/sagemaker/InferenceComponents',
    metricName,
    dimensions: { InferenceComponentName: componentName },
    points: Array.from({ length: 14 * 24 }, (_, hour) => ({ at: new Date(now.getTime() - (14 * 24 - hour) * HOUR_MS), sum: value(hour) })),
  };
}

function componentSeries(componentName: string, now: Date, hoursAgo: readonly number[], sum = 5): FakeSeries {
  return { dimensions: { InferenceComponentName: componentName }, points: hoursAgo.map((age) => ({ at: new Date(now.getTime() - age * HOUR_MS), sum })) };
}

function fakeEndpoint(name: string, overrides: Partial<FakeEndpoint> = {}): FakeEndpoint {
  return {
    name,
    createdAt: CREATED_LONG_AGO,
    variants: [{ name: 'AllTraffic', instanceType: 'ml.m5.xlarge', count: 1 }],
    ...overrides,
  };
}

/** An endpoint that only hosts components: one variant of `instances` instances, optionally with managed instance scaling. */
function hostEndpoint(name: string, host: { instanceType: string; instances: number; managedMin?: number }): FakeEndpoint {
  return fakeEndpoint(name, { variants: [{ name: 'AllTraffic', instanceType: host.instanceType, count: host.instances, managedMin: host.managedMin }] });
}

function fakeComponent(name: string, overrides: Partial<FakeComponent> = {}): FakeComponent {
  return { name, endpointName: 'ep-1', copies: 2, tags: { 'ops-bot:weekend-scale-to-zero': 'true' }, ...overrides };
}

/**
 * What an admin could see of the components: everything but the fake's settle counters, and but the
 * MAC and generation the bot leaves behind a cleared state (a signed tombstone, so that no older set
 * verifies again); the saved values themselves are compared.
 */
function observable(components: readonly FakeComponent[]): Array<Omit<FakeComponent, 'updatingFor'>> {
  const bookkeeping = (key: string) => key === 'ops-bot:state-mac' || key.startsWith('ops-bot:gen:');
  return components.map(({ updatingFor: _settling, ...visible }) => {
    const copy = structuredClone(visible);
    copy.tags = Object.fromEntries(Object.entries(copy.tags).filter(([key]) => !bookkeeping(key)));
    return copy;
  });
}

export {
  priceListProduct,
  canvasSessionProduct,
  mlflowProduct,
  instanceMetric,
  componentMetric,
  latencySeries,
  FakeAccount,
  FakeAwsError,
  variantSeries,
  componentSeries,
  fakeEndpoint,
  hostEndpoint,
  fakeComponent,
  observable,
  MUTATING,
  OPERATIONS,
  STATE_KEY_ARN,
  SETTLE_DESCRIBES,
  REGION,
  ACCOUNT,
  HOUR_MS,
};
export type {
  FakeEndpoint,
  FakeVariant,
  FakeComponent,
  FakeRecommendationJob,
  FakeConfig,
  FakeNotebook,
  FakeSeries,
  FakeBillRow,
  FakeApp,
  Operation,
  FailureRule,
};
