/**
 * The idle-endpoints job: collect (read every region in bulk) → decide (pure) → report → publish
 * unless dry run → return the summary. The snapshot between collect and decide can be saved and
 * replayed, which is how `npm run demo` and `npm run plan` work.
 */
import type { Config } from '../config.ts';
import { LOOKBACK_DAYS, requireTopicArn } from '../config.ts';
import { describeFailure, noRegionWasRead } from '../errors.ts';
import { finishRun } from './finish-run.ts';
import {
  findIdleEndpoints,
  selectEndpointsToDescribe,
  type EndpointSnapshot,
  type IdleEndpoint,
  type IdleEndpointsPlan,
  type IdleEndpointsSnapshot,
  type InvocationSeries,
  type RegionFailure,
  type Traffic,
  type TrafficSource,
  type UnreadSeries,
} from '../domain/idle-endpoints.ts';
import { createPriceBook } from '../domain/prices.ts';
import { TAGS, type Tags } from '../domain/tags.ts';
import { renderIdleEndpointsReport } from '../report/idle-endpoints.ts';
import type { RenderedReport } from '../report/sns-message.ts';
import { createEndpointReader, type EndpointReader, type InferenceComponentListing } from '../aws/sagemaker.ts';
import { createMetricsReader, type MetricIdentity, type MetricSeriesRequest, type MetricsReader } from '../aws/cloudwatch.ts';
import { arnKey, createTagReader, type TagReader } from '../aws/tagging.ts';
import { createTopicNotifiers, reportNotifier, type Notifier } from '../aws/sns.ts';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { clientPerRegion, type ClientOverrides } from '../aws/clients.ts';
import { createEmfSink, type MetricsSink } from '../aws/emf.ts';
import { mapSettled } from '../util/concurrency.ts';
import type { RunLogger } from '../util/logger.ts';
import { NO_DEADLINE, type Deadline } from '../util/deadline.ts';
import type { DryRunEvent } from '../lambda/events.ts';

const PERIOD_SECONDS = 3600;
const HOUR_MS = 3_600_000;

/** What the job reads in one region. */
interface RegionReaders {
  readonly endpoints: EndpointReader;
  readonly metrics: MetricsReader;
  readonly tags: TagReader;
}

interface CollectOptions {
  readonly regions: readonly string[];
  readonly readersFor: (region: string) => RegionReaders;
  readonly now: Date;
  readonly idleHours: number;
  readonly describeConcurrency: number;
  readonly deadline?: Deadline;
}

interface IdleEndpointsDeps {
  readonly config: Config;
  readonly collect: (deadline: Deadline) => Promise<IdleEndpointsSnapshot>;
  /** This invocation's deadline (from the Lambda context); none in tests and the CLI. */
  readonly deadline?: Deadline;
  /** Created only when a report is to be published (never in a dry run). */
  readonly notifier: (topicArn: string) => Notifier;
  readonly logger: RunLogger;
  readonly metrics: MetricsSink;
}

interface IdleEndpointsResult {
  readonly job: 'idle-endpoints';
  readonly dryRun: boolean;
  readonly published: boolean;
  readonly messageId?: string;
  readonly summary: {
    readonly evaluatedAt: string;
    readonly regions: readonly string[];
    readonly inService: number;
    readonly idle: number;
    readonly idleWithoutCost: number;
    readonly busy: number;
    readonly young: number;
    readonly skipped: number;
    readonly unchecked: number;
    readonly totalKnownCostPerDay: number;
  };
  /** The exact texts that were (or, in a dry run, would have been) published; null when nothing is idle. */
  readonly report: RenderedReport | null;
  readonly idleEndpoints: readonly IdleEndpoint[];
  readonly unchecked: IdleEndpointsPlan['unchecked'];
}

async function runIdleEndpoints(event: DryRunEvent, deps: IdleEndpointsDeps): Promise<IdleEndpointsResult> {
  const { config, logger } = deps;
  const topicArn = event.dryRun ? undefined : requireTopicArn(config);

  const snapshot = await deps.collect(deps.deadline ?? NO_DEADLINE);
  const plan = findIdleEndpoints(snapshot, { idleHours: config.endpointIdleHours, prices: createPriceBook(config.priceOverrides) });
  const report = renderIdleEndpointsReport(plan) ?? null;

  for (const entry of plan.unchecked) logger.warn('Endpoint not checked', { ...entry });
  logger.info('Idle endpoints decided', { idle: plan.idle.length, unchecked: plan.unchecked.length, dryRun: event.dryRun });

  if (!event.dryRun) {
    deps.metrics.emit(
      [
        { name: 'IdleEndpoints', value: plan.idle.length, unit: 'Count', dimensions: {} },
        { name: 'IdleEndpointsCostPerDay', value: plan.totalKnownCostPerDay, unit: 'None', dimensions: {} },
      ],
      new Date(snapshot.capturedAt),
    );
  }

  const { messageId } = await finishRun({
    logger,
    outcome: { job: 'idle-endpoints', dryRun: event.dryRun, idle: plan.idle.length, unchecked: plan.unchecked.length, totalKnownCostPerDay: plan.totalKnownCostPerDay },
    ...(report && topicArn ? { publish: { notifier: deps.notifier(topicArn), report } } : {}),
    runFailure: noRegionWasRead(snapshot.regions, snapshot.regionFailures),
  });

  return {
    job: 'idle-endpoints',
    dryRun: event.dryRun,
    published: report !== null && topicArn !== undefined,
    ...(messageId ? { messageId } : {}),
    summary: {
      evaluatedAt: plan.evaluatedAt,
      regions: plan.regions,
      inService: plan.counts.inService,
      idle: plan.idle.length,
      idleWithoutCost: plan.idleWithoutCost.length,
      busy: plan.counts.busy,
      young: plan.counts.young,
      skipped: plan.counts.skipped,
      unchecked: plan.unchecked.length,
      totalKnownCostPerDay: plan.totalKnownCostPerDay,
    },
    report,
    idleEndpoints: plan.idle,
    unchecked: plan.unchecked,
  };
}

/** Reads every region at once; a region that fails is recorded and the others go on. */
async function collectIdleEndpointsSnapshot(options: CollectOptions): Promise<IdleEndpointsSnapshot> {
  const perRegion = await Promise.all(options.regions.map((region) => collectRegion(region, options.readersFor(region), options)));
  return {
    kind: 'idle-endpoints',
    version: 1,
    capturedAt: options.now.toISOString(),
    regions: options.regions,
    lookbackDays: LOOKBACK_DAYS,
    periodSeconds: PERIOD_SECONDS,
    endpoints: perRegion.flatMap((result) => result.endpoints),
    regionFailures: perRegion.flatMap((result) => result.failures),
  };
}

async function collectRegion(
  region: string,
  readers: RegionReaders,
  options: CollectOptions,
): Promise<{ endpoints: EndpointSnapshot[]; failures: RegionFailure[] }> {
  const failed = (stage: string, error: unknown, unchecked?: number) => ({
    endpoints: [],
    failures: [{ region, stage, reason: `${describeFailure(error)}${unchecked ? ` (${unchecked} InService endpoints not checked)` : ''}` }],
  });

  let listed;
  try {
    listed = await readers.endpoints.listInServiceEndpoints();
  } catch (error) {
    return failed('ListEndpoints', error);
  }
  if (listed.length === 0) return { endpoints: [], failures: [] };

  // Without any one of these the verdicts would be guesses (a skipped endpoint reported, component
  // or async traffic missed), so a failure here leaves the region unchecked rather than half-checked.
  const [components, skipTags, ...trafficMetrics] = await Promise.allSettled([
    readers.endpoints.listInferenceComponents(),
    readers.tags.findTagged('sagemaker:endpoint', TAGS.skip),
    ...TRAFFIC_METRICS.map(({ metricName }) => readers.metrics.listMetrics('AWS/SageMaker', metricName)),
  ]);
  if (components.status === 'rejected') return failed('ListInferenceComponents', components.reason, listed.length);
  if (skipTags.status === 'rejected') return failed('GetResources (ops-bot:skip tags)', skipTags.reason, listed.length);
  const metrics: MetricIdentity[] = [];
  for (const [index, outcome] of trafficMetrics.entries()) {
    if (outcome.status === 'rejected') return failed(`ListMetrics (${TRAFFIC_METRICS[index]?.metricName})`, outcome.reason, listed.length);
    metrics.push(...outcome.value);
  }

  const componentsByEndpoint = groupComponents(components.value);
  const seriesByEndpoint = matchTrafficSeries(metrics, componentsByEndpoint);
  const traffic = await readTraffic(readers.metrics, listed.map((endpoint) => seriesByEndpoint.get(endpoint.name) ?? []), options.now);

  const endpoints: EndpointSnapshot[] = listed.map((endpoint, index) => ({
    region,
    name: endpoint.name,
    arn: endpoint.arn,
    createdAt: endpoint.createdAt,
    tags: skipTags.value.get(arnKey(endpoint.arn)) ?? ({} as Tags),
    inferenceComponents: (componentsByEndpoint.get(endpoint.name) ?? []).map((component) => component.name),
    traffic: traffic[index] ?? { status: 'unavailable', reason: 'no metric result' },
  }));

  const toDescribe = new Set(selectEndpointsToDescribe(endpoints, options.idleHours, PERIOD_SECONDS, options.now).map((e) => e.name));
  const described = await mapSettled([...toDescribe], options.describeConcurrency, (name) => readers.endpoints.readEndpointHosting(name), options.deadline);
  const details = new Map([...toDescribe].map((name, index) => [name, described[index]]));

  return {
    endpoints: endpoints.map((endpoint) => {
      const outcome = details.get(endpoint.name);
      if (!outcome) return endpoint;
      return {
        ...endpoint,
        details: outcome.ok
          ? { status: 'read', variants: outcome.value.variants, ...(outcome.value.asyncInference ? { asyncInference: true } : {}) }
          : { status: 'unavailable', reason: `DescribeEndpoint failed: ${describeFailure(outcome.error)}` },
      };
    }),
    failures: [],
  };
}

function groupComponents(components: readonly InferenceComponentListing[]): Map<string, InferenceComponentListing[]> {
  const byEndpoint = new Map<string, InferenceComponentListing[]>();
  for (const component of components) {
    const list = byEndpoint.get(component.endpointName) ?? [];
    list.push(component);
    byEndpoint.set(component.endpointName, list);
  }
  return byEndpoint;
}

interface SeriesToRead {
  readonly source: TrafficSource;
  readonly metric: MetricIdentity;
  readonly stat: string;
}

/**
 * What counts as traffic, all in `AWS/SageMaker`. Real-time endpoints and inference components
 * publish `Invocations`. Asynchronous endpoints do not: they publish `InvocationsProcessed`
 * (EndpointName, VariantName) and the queue depth `ApproximateBacklogSize` (EndpointName), per the
 * SageMaker Developer Guide page "Alarms and logs for tracking metrics from asynchronous
 * endpoints". A request waiting in the queue is use, so any backlog counts as traffic.
 */
const TRAFFIC_METRICS: ReadonlyArray<{ readonly metricName: string; readonly stat: string }> = [
  { metricName: 'Invocations', stat: 'Sum' },
  { metricName: 'InvocationsProcessed', stat: 'Sum' },
  { metricName: 'ApproximateBacklogSize', stat: 'Maximum' },
];
const STAT_OF = new Map(TRAFFIC_METRICS.map(({ metricName, stat }) => [metricName, stat]));

/**
 * Each endpoint's traffic series: every series whose dimensions name the endpoint (per variant,
 * and the finer per-instance or per-container series enhanced metrics add; a query on the
 * endpoint name alone matches nothing, so the series come from ListMetrics) or one of the
 * inference components it hosts. Any traffic on any of them is use.
 */
function matchTrafficSeries(
  metrics: readonly MetricIdentity[],
  componentsByEndpoint: ReadonlyMap<string, readonly InferenceComponentListing[]>,
): Map<string, SeriesToRead[]> {
  const endpointOfComponent = new Map<string, string>();
  for (const [endpointName, components] of componentsByEndpoint) {
    for (const component of components) endpointOfComponent.set(component.name, endpointName);
  }
  const byEndpoint = new Map<string, SeriesToRead[]>();
  const add = (endpointName: string, series: SeriesToRead) => {
    const list = byEndpoint.get(endpointName) ?? [];
    list.push(series);
    byEndpoint.set(endpointName, list);
  };
  for (const metric of metrics) {
    const stat = STAT_OF.get(metric.metricName) ?? 'Sum';
    const named = metric.metricName === 'Invocations' ? {} : { metric: metric.metricName };
    const dimensions = new Map(metric.dimensions.map((dimension) => [dimension.name, dimension.value]));
    const endpointName = dimensions.get('EndpointName');
    const variantName = dimensions.get('VariantName');
    const componentName = dimensions.get('InferenceComponentName');
    const owner = componentName ? endpointOfComponent.get(componentName) : undefined;
    if (componentName && owner) {
      add(owner, { source: { kind: 'inference-component', inferenceComponentName: componentName, ...named }, metric, stat });
    } else if (endpointName && variantName) {
      add(endpointName, { source: { kind: 'variant', variantName, ...named }, metric, stat });
    } else if (endpointName) {
      add(endpointName, { source: { kind: 'endpoint', metric: metric.metricName }, metric, stat });
    }
  }
  return byEndpoint;
}

/**
 * One bulk read for the whole region; the results come back per request (the adapter matches
 * GetMetricData's answers to queries by Id) and are handed back per endpoint. A series that
 * failed is listed as unread, never borrowed from a neighbour.
 */
async function readTraffic(metrics: MetricsReader, seriesPerEndpoint: readonly SeriesToRead[][], now: Date): Promise<Traffic[]> {
  const requests: MetricSeriesRequest[] = seriesPerEndpoint.flat().map(({ metric, stat }) => ({ ...metric, stat }));
  const start = new Date(Math.floor((now.getTime() - LOOKBACK_DAYS * 24 * HOUR_MS) / HOUR_MS) * HOUR_MS);
  const results = requests.length > 0 ? await metrics.readSeries(requests, { start, end: now, periodSeconds: PERIOD_SECONDS }) : [];
  let offset = 0;
  return seriesPerEndpoint.map((seriesList): Traffic => {
    const mine = results.slice(offset, offset + seriesList.length);
    offset += seriesList.length;
    const series: InvocationSeries[] = [];
    const unread: UnreadSeries[] = [];
    seriesList.forEach(({ source }, index) => {
      const result = mine[index];
      if (!result || result.status === 'unavailable') unread.push({ source, reason: result?.reason ?? 'no metric result' });
      else series.push({ source, points: result.points.map((point) => ({ at: point.at, sum: point.value })) });
    });
    return unread.length > 0 ? { status: 'read', series, unread } : { status: 'read', series };
  });
}

interface IdleEndpointsClients {
  readonly sageMaker: (region: string) => SageMakerClient;
  readonly cloudWatch: (region: string) => CloudWatchClient;
  readonly tagging: (region: string) => ResourceGroupsTaggingAPIClient;
  readonly notifier: (topicArn: string, displayName: string) => Notifier;
}

/** Call once per container (module scope): the clients live as long as it does. */
function createIdleEndpointsClients(overrides: ClientOverrides = {}): IdleEndpointsClients {
  return {
    sageMaker: clientPerRegion((settings) => new SageMakerClient(settings), overrides),
    cloudWatch: clientPerRegion((settings) => new CloudWatchClient(settings), overrides),
    tagging: clientPerRegion((settings) => new ResourceGroupsTaggingAPIClient(settings), overrides),
    notifier: createTopicNotifiers(),
  };
}

/** The live wiring used by the Lambda handler and by `npm run plan` against real credentials. */
function liveRegionReaders(clients: IdleEndpointsClients): (region: string) => RegionReaders {
  return (region) => ({
    endpoints: createEndpointReader(clients.sageMaker(region)),
    metrics: createMetricsReader(clients.cloudWatch(region)),
    tags: createTagReader(clients.tagging(region)),
  });
}

function liveIdleEndpointsDeps(config: Config, clients: IdleEndpointsClients, logger: RunLogger, clock: () => Date): IdleEndpointsDeps {
  return {
    config,
    logger,
    collect: (deadline) =>
      collectIdleEndpointsSnapshot({
        deadline,
        regions: config.regions,
        readersFor: liveRegionReaders(clients),
        now: clock(),
        idleHours: config.endpointIdleHours,
        describeConcurrency: config.describeConcurrency,
      }),
    notifier: reportNotifier(clients.notifier, config),
    metrics: createEmfSink(),
  };
}

export { runIdleEndpoints, collectIdleEndpointsSnapshot, matchTrafficSeries, TRAFFIC_METRICS, createIdleEndpointsClients, liveRegionReaders, liveIdleEndpointsDeps, PERIOD_SECONDS };
export type { RegionReaders, CollectOptions, IdleEndpointsDeps, IdleEndpointsResult, IdleEndpointsClients };
