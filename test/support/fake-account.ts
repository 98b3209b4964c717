/**
 * An in-memory SageMaker account that answers the AWS operations the bot uses, as the real
 * services do: paging (ListEndpoints 100, ListMetrics 500, GetMetricData by datapoints), exact
 * dimension matching (a query on EndpointName alone matches nothing), timestamps, error shapes.
 * Bound to aws-sdk-client-mock (mock-clients.ts) and to a loopback HTTP server (fake-aws-server.ts),
 * so handler tests and the bundled Lambda run against the same account. Counts calls by operation.
 */

interface FakeVariant {
  readonly name: string;
  readonly instanceType?: string;
  readonly count: number;
  readonly serverless?: boolean;
  /** Serverless only: billed by the hour while provisioned. */
  readonly provisionedConcurrency?: number;
}

interface FakeEndpoint {
  readonly name: string;
  readonly createdAt: Date;
  readonly variants: readonly FakeVariant[];
  readonly shadowVariants?: readonly FakeVariant[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly components?: readonly string[];
  readonly status?: string;
  /** The endpoint config has AsyncInferenceConfig. */
  readonly async?: boolean;
}

interface FakeSeries {
  /** `AWS/SageMaker` metric name; `Invocations` when absent. */
  readonly metricName?: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly points: ReadonlyArray<{ readonly at: Date; readonly sum: number }>;
  /** GetMetricData answers this one query with a failing StatusCode while the rest are Complete. */
  readonly failWith?: 'InternalError' | 'Forbidden';
}

type Operation =
  | 'ListEndpoints'
  | 'ListInferenceComponents'
  | 'DescribeEndpoint'
  | 'DescribeEndpointConfig'
  | 'GetResources'
  | 'ListMetrics'
  | 'GetMetricData'
  | 'Publish';

class FakeAwsError extends Error {
  readonly status: number;
  constructor(name: string, message: string, status = 400) {
    super(message);
    this.name = name;
    this.status = status;
  }
}

type FailureRule = (input: Record<string, unknown>, callIndex: number) => FakeAwsError | undefined;

const REGION = 'us-east-1';
const ACCOUNT = '111122223333';
const arnOf = (name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${name.toLowerCase()}`;
const toMs = (value: unknown) => (value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : Date.parse(String(value)));

class FakeAccount {
  readonly endpoints: FakeEndpoint[];
  readonly series: FakeSeries[];
  readonly calls = new Map<Operation, number>();
  readonly published: Array<Record<string, unknown>> = [];
  readonly failures = new Map<Operation, FailureRule>();
  /** GetMetricData's page size in datapoints; the real ceiling is 100,800. */
  maxDatapointsPerPage = 100_800;

  constructor(endpoints: FakeEndpoint[], series: FakeSeries[] = []) {
    this.endpoints = endpoints;
    // Asynchronous endpoints do not publish Invocations, InvocationsPerInstance or OverheadLatency
    // (SageMaker Developer Guide, "Alarms and logs for tracking metrics from asynchronous
    // endpoints"): a test that gives one such a series describes an account AWS cannot produce.
    const asyncNames = new Set(endpoints.filter((endpoint) => endpoint.async).map((endpoint) => endpoint.name));
    const impossible = series.find((s) => (s.metricName ?? 'Invocations') === 'Invocations' && asyncNames.has(s.dimensions.EndpointName ?? ''));
    if (impossible) throw new Error(`async endpoint ${impossible.dimensions.EndpointName} cannot have an Invocations series`);
    this.series = series;
  }

  failWhen(operation: Operation, rule: FailureRule): this {
    this.failures.set(operation, rule);
    return this;
  }

  callCount(operation: Operation): number {
    return this.calls.get(operation) ?? 0;
  }

  handle(operation: Operation, input: Record<string, unknown>): unknown {
    const index = this.callCount(operation);
    this.calls.set(operation, index + 1);
    const failure = this.failures.get(operation)?.(input, index);
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

  private ListEndpoints(input: Record<string, unknown>) {
    const matching = this.endpoints.filter((endpoint) => !input.StatusEquals || (endpoint.status ?? 'InService') === input.StatusEquals);
    const { items, next } = this.page(matching, input.NextToken, Math.min(Number(input.MaxResults ?? 10), 100));
    return {
      Endpoints: items.map((endpoint) => ({
        EndpointName: endpoint.name,
        EndpointArn: arnOf(endpoint.name),
        CreationTime: endpoint.createdAt,
        LastModifiedTime: endpoint.createdAt,
        EndpointStatus: endpoint.status ?? 'InService',
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  private ListInferenceComponents(input: Record<string, unknown>) {
    const all = this.endpoints.flatMap((endpoint) =>
      (endpoint.components ?? []).map((name) => ({
        InferenceComponentName: name,
        InferenceComponentArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:inference-component/${name}`,
        EndpointName: endpoint.name,
        EndpointArn: arnOf(endpoint.name),
        VariantName: endpoint.variants[0]?.name ?? 'AllTraffic',
        InferenceComponentStatus: 'InService',
        CreationTime: endpoint.createdAt,
        LastModifiedTime: endpoint.createdAt,
      })),
    );
    const { items, next } = this.page(all, input.NextToken, Math.min(Number(input.MaxResults ?? 10), 100));
    return { InferenceComponents: items, ...(next ? { NextToken: next } : {}) };
  }

  private DescribeEndpoint(input: Record<string, unknown>) {
    const endpoint = this.endpoint(input.EndpointName);
    const summary = (variant: FakeVariant) => ({
      VariantName: variant.name,
      ...(variant.serverless
        ? { CurrentServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5, ...(variant.provisionedConcurrency ? { ProvisionedConcurrency: variant.provisionedConcurrency } : {}) } }
        : { CurrentInstanceCount: variant.count, DesiredInstanceCount: variant.count }),
    });
    return {
      EndpointName: endpoint.name,
      EndpointArn: arnOf(endpoint.name),
      EndpointConfigName: `${endpoint.name}-config`,
      EndpointStatus: endpoint.status ?? 'InService',
      CreationTime: endpoint.createdAt,
      LastModifiedTime: endpoint.createdAt,
      ProductionVariants: endpoint.variants.map(summary),
      ...(endpoint.shadowVariants ? { ShadowProductionVariants: endpoint.shadowVariants.map(summary) } : {}),
    };
  }

  private DescribeEndpointConfig(input: Record<string, unknown>) {
    const endpoint = this.endpoint(String(input.EndpointConfigName).replace(/-config$/, ''));
    const configured = (variant: FakeVariant) => ({
      VariantName: variant.name,
      ModelName: `${endpoint.name}-model`,
      ...(variant.serverless
        ? { ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5, ...(variant.provisionedConcurrency ? { ProvisionedConcurrency: variant.provisionedConcurrency } : {}) } }
        : { InstanceType: variant.instanceType, InitialInstanceCount: variant.count }),
    });
    return {
      EndpointConfigName: input.EndpointConfigName,
      EndpointConfigArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint-config/${String(input.EndpointConfigName)}`,
      CreationTime: endpoint.createdAt,
      ProductionVariants: endpoint.variants.map(configured),
      ...(endpoint.shadowVariants ? { ShadowProductionVariants: endpoint.shadowVariants.map(configured) } : {}),
      ...(endpoint.async ? { AsyncInferenceConfig: { OutputConfig: { S3OutputPath: `s3://bucket/${endpoint.name}/` } } } : {}),
    };
  }

  private GetResources(input: Record<string, unknown>) {
    const filters = (input.TagFilters as Array<{ Key: string; Values?: string[] }> | undefined) ?? [];
    const types = (input.ResourceTypeFilters as string[] | undefined) ?? [];
    const matching = types.length > 0 && !types.includes('sagemaker:endpoint') ? [] : this.endpoints.filter((endpoint) =>
      filters.every((filter) => endpoint.tags?.[filter.Key] !== undefined && (!filter.Values?.length || filter.Values.includes(endpoint.tags[filter.Key] ?? ''))),
    );
    const { items, next } = this.page(matching, input.PaginationToken, Number(input.ResourcesPerPage ?? 50));
    return {
      ResourceTagMappingList: items.map((endpoint) => ({
        ResourceARN: arnOf(endpoint.name),
        Tags: Object.entries(endpoint.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      })),
      PaginationToken: next ?? '',
    };
  }

  private ListMetrics(input: Record<string, unknown>) {
    const twoWeeksAgo = Date.now() - 14 * 24 * 3_600_000;
    const reported = this.series.filter((series) => series.points.some((point) => point.at.getTime() >= twoWeeksAgo) || series.points.length === 0);
    const { items, next } = this.page(
      input.Namespace === 'AWS/SageMaker' ? reported.filter((series) => (series.metricName ?? 'Invocations') === input.MetricName) : [],
      input.NextToken,
      500,
    );
    return {
      Metrics: items.map((series) => ({
        Namespace: 'AWS/SageMaker',
        MetricName: series.metricName ?? 'Invocations',
        Dimensions: Object.entries(series.dimensions).map(([Name, Value]) => ({ Name, Value })),
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  private GetMetricData(input: Record<string, unknown>) {
    const queries = input.MetricDataQueries as Array<{
      Id: string;
      MetricStat: { Metric: { MetricName: string; Dimensions: Array<{ Name: string; Value: string }> }; Period: number };
    }>;
    if (queries.length > 500) throw new FakeAwsError('ValidationError', 'The collection MetricDataQueries must not have a size greater than 500.');
    const start = toMs(input.StartTime);
    const end = toMs(input.EndTime);
    const all = queries.flatMap((query) => {
      const wanted = query.MetricStat.Metric.Dimensions;
      const series = this.series.find(
        (candidate) =>
          (candidate.metricName ?? 'Invocations') === query.MetricStat.Metric.MetricName &&
          Object.keys(candidate.dimensions).length === wanted.length &&
          wanted.every((d) => candidate.dimensions[d.Name] === d.Value),
      );
      if (series?.failWith) return [];
      const periodMs = query.MetricStat.Period * 1000;
      const buckets = new Map<number, number>();
      for (const point of series?.points ?? []) {
        const at = point.at.getTime();
        if (at < start || at >= end) continue;
        const bucket = start + Math.floor((at - start) / periodMs) * periodMs;
        buckets.set(bucket, (buckets.get(bucket) ?? 0) + point.sum);
      }
      return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([at, sum]) => ({ id: query.Id, at, sum }));
    });
    const offset = input.NextToken ? Number(input.NextToken) : 0;
    const slice = all.slice(offset, offset + this.maxDatapointsPerPage);
    const more = offset + this.maxDatapointsPerPage < all.length;
    const remaining = new Set(all.slice(offset + this.maxDatapointsPerPage).map((point) => point.id));
    // Each query has its own StatusCode: one can be InternalError or Forbidden while the others are
    // Complete (CloudWatch API Reference, MetricDataResult). Nothing promises the results come back
    // in query order, so the fake answers in reverse: callers must match results to queries by Id.
    const failed = (query: (typeof queries)[number]) =>
      this.series.find(
        (candidate) =>
          candidate.failWith &&
          (candidate.metricName ?? 'Invocations') === query.MetricStat.Metric.MetricName &&
          Object.keys(candidate.dimensions).length === query.MetricStat.Metric.Dimensions.length &&
          query.MetricStat.Metric.Dimensions.every((d) => candidate.dimensions[d.Name] === d.Value),
      )?.failWith;
    return {
      MetricDataResults: [...queries].reverse().map((query) => {
        const status = failed(query);
        if (status) {
          return { Id: query.Id, Label: query.MetricStat.Metric.MetricName, Timestamps: [], Values: [], StatusCode: status, Messages: [{ Code: status, Value: 'injected by the fake' }] };
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

  /** The topic's display name, which SNS puts in front of every SMS it delivers. */
  topicDisplayName = 'OpsBot';
  /** Each SMS as the phone shows it. */
  readonly deliveredSms: string[] = [];

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

const HOUR_MS = 3_600_000;

/** Invocations for one variant, `sum` per bucket at each of the given ages (hours before `now`). */
function variantSeries(endpointName: string, variantName: string, now: Date, hoursAgo: readonly number[], sum = 5): FakeSeries {
  return {
    dimensions: { EndpointName: endpointName, VariantName: variantName },
    points: hoursAgo.map((age) => ({ at: new Date(now.getTime() - age * HOUR_MS), sum })),
  };
}

function componentSeries(componentName: string, now: Date, hoursAgo: readonly number[], sum = 5): FakeSeries {
  return {
    dimensions: { InferenceComponentName: componentName },
    points: hoursAgo.map((age) => ({ at: new Date(now.getTime() - age * HOUR_MS), sum })),
  };
}

function fakeEndpoint(name: string, overrides: Partial<FakeEndpoint> = {}): FakeEndpoint {
  return {
    name,
    createdAt: new Date(Date.now() - 30 * 24 * HOUR_MS),
    variants: [{ name: 'AllTraffic', instanceType: 'ml.m5.xlarge', count: 1 }],
    ...overrides,
  };
}

export { FakeAccount, FakeAwsError, variantSeries, componentSeries, fakeEndpoint, REGION, ACCOUNT, HOUR_MS };
export type { FakeEndpoint, FakeVariant, FakeSeries, Operation, FailureRule };
