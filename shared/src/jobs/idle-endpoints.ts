/**
 * The idle-endpoints job: collect (read every region in bulk) → decide (domain/idle-endpoints.ts,
 * pure) → render → publish unless dry run. The snapshot between collect and decide can be saved
 * and replayed, which is how `npm run demo` and `npm run plan` work.
 */
import { LOOKBACK_DAYS, type IdleEndpointsConfig } from '../config.ts';
import { ConfigError, describeFailure, noRegionWasRead } from '../errors.ts';
import { changesNothing, finishRun, pricesFor, savingsPoints, startRun, type JobDeps, type JobResult } from './contract.ts';
import {
  findIdleEndpoints,
  hostedInstanceTypes,
  selectEndpointsToDescribe,
  variantUsages,
  type ComponentSnapshot,
  type EndpointSnapshot,
  type IdleEndpoint,
  type IdleEndpointsPlan,
  type IdleEndpointsSnapshot,
} from '../domain/idle-endpoints.ts';
import { groupByEndpoint, type EndpointHosting, type InferenceComponentListing } from '../domain/hosting.ts';
import { judgeRightsizing, type RightsizingReport } from '../domain/rightsizing.ts';
import type { PriceBook } from '../domain/prices.ts';
import {
  COMPONENTS_NAMESPACE,
  matchUsageSeries,
  usagePerEndpoint,
  usageRequests,
  USAGE_METRICS,
  type EndpointUsage,
  type UsageSeries,
} from '../domain/usage.ts';
import { TAGS, type Tags } from '../domain/tags.ts';
import { matchTrafficSeries, TRAFFIC_METRICS, TRAFFIC_PERIOD_SECONDS, trafficPerEndpoint, trafficRequests, trafficWindow } from '../domain/traffic.ts';
import type { MetricIdentity } from '../domain/metric-series.ts';
import { renderIdleActionUndo, renderIdleEndpointsReport } from '../report/idle-endpoints.ts';
import { decideIdleActions, type IdleActionDecision, type IdleActionOutcome } from '../domain/idle-actions.ts';
import { actOnIdleEndpoints, actionsInEffect, recreateEndpoint, restoreEndpoint, type ActionAccess } from './idle-actions.ts';
import { goneAfterAlert, type RememberedAlert } from '../domain/savings.ts';
import { regionWideFailures, type RunFailure } from '../domain/failures.ts';
import { DAY_MS } from '../domain/units.ts';
import { METRICS_NAMESPACE, type MetricPoint } from '../aws/metrics.ts';
import type { EndpointReader } from '../aws/sagemaker.ts';
import type { ComponentAccess } from '../aws/inference-components.ts';
import type { RecommendationReader } from '../aws/inference-recommender.ts';
import { readRecommendationJob, type RecommendationJob } from '../domain/inference-recommender.ts';
import type { MetricsReader } from '../aws/cloudwatch.ts';
import { arnKey, type TagReader } from '../aws/tagging.ts';
import { mapSettled, type Settled } from '../util/concurrency.ts';
import { NO_DEADLINE, REGION_GRACE_MS, regionOutOfTime, settleWithin, withinDeadline, type Deadline } from '../util/deadline.ts';
import type { IdleEndpointsEvent } from '../lambda/events.ts';
import { COMPONENT_STATE, ENDPOINT_STATE, type BotState, type StateSubject } from '../aws/bot-state.ts';

/** What the job reads in one region. */
interface RegionReaders {
  readonly endpoints: EndpointReader;
  readonly metrics: MetricsReader;
  readonly tags: TagReader;
  /** Copies and reservations of the components on busy endpoints (rightsizing); absent: those endpoints' instances go unjudged. */
  readonly components?: Pick<ComponentAccess, 'readCopies'> | undefined;
  /** Completed Inference Recommender jobs (rightsizing cites them); absent: none are cited. */
  readonly recommendations?: RecommendationReader | undefined;
}

/**
 * How long rightsizing's own reads may run past the idle check's (the utilisation lists after the
 * traffic lists; the recommender jobs after the describes) before they are given up for the day.
 */
const OPTIONAL_READ_WAIT_MS = 10_000;

/** Jobs described a region and run: each is one call, and a citation is a courtesy, not a judgement. */
const MAX_RECOMMENDATION_JOBS = 10;

/** Endpoints and the components on them: `ops-bot:skip` and the rightsizing opt-out hold for both. */
const HOSTING_RESOURCE_TYPES = ['sagemaker:endpoint', 'sagemaker:inference-component'] as const;

interface CollectOptions {
  /** Verifies the bot's restore marks on endpoints (the idle clock restarts there); absent: none are trusted. */
  readonly state?: BotState | undefined;
  readonly regions: readonly string[];
  readonly readersFor: (region: string) => RegionReaders;
  readonly now: Date;
  readonly idleHours: number;
  readonly describeConcurrency: number;
  readonly deadline?: Deadline | undefined;
}

interface IdleEndpointsDeps extends JobDeps<IdleEndpointsConfig> {
  /** Reads the account (live), or hands back a saved snapshot (demo, replay). */
  readonly collect: (deadline: Deadline) => Promise<IdleEndpointsSnapshot>;
  /** Acts on opted-in endpoints (live); absent on a replayed snapshot, where a dry run only names what is due. */
  readonly actionsFor?: ((region: string) => ActionAccess) | undefined;
  /** The bot's state table (live); absent on a replayed snapshot. */
  readonly state?: BotState | undefined;
  /** The bot's own metrics (in the function's region): what earlier runs reported, for the savings ledger. */
  readonly ownMetrics?: MetricsReader | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

interface IdleEndpointsResult extends JobResult<'idle-endpoints'> {
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
  readonly idleEndpoints: readonly IdleEndpoint[];
  readonly unchecked: IdleEndpointsPlan['unchecked'];
  /** Opted-in endpoints: what was done (or is due, or refused) about each. */
  readonly idleActions: { readonly outcomes: readonly IdleActionOutcome[]; readonly decisions: readonly IdleActionDecision[] };
}

/** The undo of one idle action, asked for by event. */
interface IdleActionUndoResult extends JobResult<'idle-endpoints'> {
  readonly outcome: IdleActionOutcome;
}

function runIdleEndpoints(event: IdleEndpointsEvent & { action: 'check' }, deps: IdleEndpointsDeps): Promise<IdleEndpointsResult>;
function runIdleEndpoints(event: IdleEndpointsEvent, deps: IdleEndpointsDeps): Promise<IdleEndpointsResult | IdleActionUndoResult>;
async function runIdleEndpoints(event: IdleEndpointsEvent, deps: IdleEndpointsDeps): Promise<IdleEndpointsResult | IdleActionUndoResult> {
  const { config, logger } = deps;
  startRun(config, event.dryRun, { keepsState: true });
  if (event.action !== 'check') return undoIdleAction(event, deps);

  const snapshot = await deps.collect(deps.deadline ?? NO_DEADLINE);
  const prices = await pricesFor(deps, config.priceOverrides, hostedInstanceTypes(snapshot));
  const plan = findIdleEndpoints(snapshot, { idleHours: config.endpointIdleHours, prices });
  const rightsizing = underUsed(snapshot, config.endpointIdleHours, prices);
  // The source line names every price the report used, rightsizing's included.
  const priced = { ...plan, priceSource: prices.source };
  const now = new Date(snapshot.capturedAt);
  const tagsByEndpoint = new Map(snapshot.endpoints.map((endpoint) => [`${endpoint.region}/${endpoint.name}`, endpoint.tags]));
  const decisions = decideIdleActions(plan.idle, (region, name) => tagsByEndpoint.get(`${region}/${name}`) ?? {}, {
    actionDays: config.endpointIdleActionDays,
    now,
  });
  const noChange = changesNothing(config, event.dryRun);
  const outcomes = await actOnIdleEndpoints(decisions, deps, now, noChange);
  const ledger = await ledgerPoints(plan, snapshot, deps, now, noChange);
  const report = renderIdleEndpointsReport(priced, { decisions, outcomes, notes: ledger.notes }, rightsizing) ?? null;
  for (const entry of plan.unchecked) logger.warn('Endpoint not checked', { ...entry });

  const ended = await finishRun(deps, {
    state: deps.state,
    job: 'idle-endpoints',
    dryRun: event.dryRun,
    report,
    metrics: {
      // IdleActionFailures >= 1 raises the stack's alarm, as weekend failures do.
      points: [
        { name: 'IdleEndpoints', value: plan.idle.length, unit: 'Count', dimensions: {} },
        { name: 'IdleEndpointsCostPerDay', value: plan.totalKnownCostPerDay, unit: 'None', dimensions: {} },
        { name: 'IdleActionsTaken', value: outcomes.filter((outcome) => outcome.result === 'done').length, unit: 'Count', dimensions: {} },
        { name: 'IdleActionFailures', value: outcomes.filter((outcome) => outcome.result === 'failed').length, unit: 'Count', dimensions: {} },
        { name: 'StateRejected', value: ledger.rejected, unit: 'Count', dimensions: {} },
        { name: 'RightsizingSuggestedSavingsPerDay', value: rightsizing.totalSavingPerDay, unit: 'None', dimensions: {} },
        ...ledger.points,
      ],
      at: new Date(snapshot.capturedAt),
    },
    outcome: {
      idle: plan.idle.length,
      unchecked: plan.unchecked.length,
      totalKnownCostPerDay: plan.totalKnownCostPerDay,
      actions: outcomes.map(({ name, action, result }) => ({ name, action, result })),
    },
    runFailure: noRegionWasRead(snapshot.regions, snapshot.regionFailures),
    reportOnly: config.reportOnly,
  });
  return {
    ...ended,
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
    idleEndpoints: plan.idle,
    unchecked: plan.unchecked,
    idleActions: { outcomes, decisions },
  };
}

/** How far back an alert is remembered: CloudWatch lists series that reported in the last two weeks (ListMetrics). */
const ALERT_MEMORY_DAYS = 14;

/** The ledger's records, and what following the idle actions in effect found to tell the admin. */
interface Ledger {
  readonly points: MetricPoint[];
  readonly notes: string[];
  rejected: number;
}

/** The day's rightsizing suggestions: judged on the snapshot, priced by the run's own price book. Never acted on. */
function underUsed(snapshot: IdleEndpointsSnapshot, idleHours: number, prices: PriceBook): RightsizingReport {
  const { usages, components, unjudged, notUnderUsed } = variantUsages(snapshot, idleHours);
  const report = judgeRightsizing(
    usages,
    { prices, sizesOf: (region, family) => prices.familySizes(region, family), lookbackDays: snapshot.lookbackDays },
    unjudged,
    components,
  );
  return { ...report, rightSized: report.rightSized + notUnderUsed, recommenderUnread: snapshot.recommendationFailures };
}

/**
 * The savings ledger's daily records: what each idle endpoint costs (the memory of the alert), one
 * day's saving of every idle action still in effect (verified state only), and of every alerted
 * endpoint its owner has since deleted or scaled to zero (kept in memory by GoneAfterAlert while it
 * stays gone). Following the actions also finishes recreates that reached InService. A read that
 * fails is logged and costs the ledger that day's records, never the run. A dry run follows and
 * reports, and records nothing.
 */
async function ledgerPoints(plan: IdleEndpointsPlan, snapshot: IdleEndpointsSnapshot, deps: IdleEndpointsDeps, now: Date, dryRun: boolean): Promise<Ledger> {
  const { actionsFor, state } = deps;
  const ledger: Ledger = { points: [], notes: [], rejected: 0 };
  if (!actionsFor || !state) return ledger;
  const points = ledger.points;
  points.push(
    ...plan.idle
      .filter((endpoint) => endpoint.knownCostPerDay > 0)
      .map((endpoint): MetricPoint => ({
        name: 'IdleEndpointCost',
        value: endpoint.knownCostPerDay,
        unit: 'None',
        dimensions: { Region: endpoint.region, EndpointName: endpoint.name },
      })),
  );
  const unreadRegions = new Set(regionWideFailures(snapshot.regionFailures).map((failure) => failure.region));
  try {
    const readRegions = snapshot.regions.filter((region) => !unreadRegions.has(region));
    const followed = await Promise.all(
      readRegions.map(async (region) => ({ region, found: await actionsInEffect(region, actionsFor(region), state, now, dryRun) })),
    );
    for (const { found } of followed) {
      ledger.notes.push(...found.notes);
      ledger.rejected += found.rejected;
    }
    const inEffect = followed.flatMap(({ region, found }) => found.saving.map((entry) => ({ ...entry, region })));
    // Each is booked once per day; a deleted endpoint only while DescribeEndpoint finds none (read now,
    // after this run's own deletes: a delete that failed saves nothing).
    points.push(...inEffect.flatMap((entry) => savingsPoints(entry.action, entry.region, entry.resource, entry.perDay)));
    // What owners did after an alert is only recorded, never shown: a dry run does not read it.
    if (deps.ownMetrics && !dryRun) {
      const gone = goneAfterAlert({
        remembered: await rememberedAlerts(deps.ownMetrics, now),
        inService: snapshot.endpoints,
        stillIdle: plan.idle,
        atZeroInstances: plan.idleWithoutCost.filter((endpoint) => endpoint.why === 'no-instances'),
        unreadRegions,
        actedOn: new Set(inEffect.map((entry) => `${entry.region}/${entry.resource.toLowerCase()}`)),
      });
      // Not listed as InService is not gone: an endpoint Creating, Updating or Failed still exists. At 0
      // instances because the bot itself holds its components at 0 (the weekend job, an idle hold) is
      // the bot's saving, booked by that job, never the owner's.
      const listed = new Map(snapshot.endpoints.map((endpoint) => [`${endpoint.region}/${endpoint.name.toLowerCase()}`, endpoint]));
      const reallyGone = await Promise.all(
        gone.map(async (alert) => {
          const endpoint = listed.get(`${alert.region}/${alert.name.toLowerCase()}`);
          if (!endpoint) return !(await actionsFor(alert.region).lifecycle.stateOf(alert.name));
          return !(await heldByTheBot(endpoint, actionsFor(alert.region), state));
        }),
      );
      for (const alert of gone.filter((_, index) => reallyGone[index])) {
        points.push({ name: 'GoneAfterAlert', value: alert.perDay, unit: 'None', dimensions: { Region: alert.region, EndpointName: alert.name } });
        points.push(...savingsPoints('after-alert', alert.region, alert.name, alert.perDay));
      }
    }
  } catch (error) {
    deps.logger.error('Savings records could not be read; the ledger misses this day', { reason: describeFailure(error) });
    ledger.notes.push(`the idle actions in effect could not be followed today: ${describeFailure(error)}`);
  }
  return dryRun ? { ...ledger, points: [] } : ledger;
}

/** The latest reported cost per day of every endpoint alerted (or found gone) in the memory window. */
async function rememberedAlerts(metrics: MetricsReader, now: Date): Promise<RememberedAlert[]> {
  const listed = (await Promise.all(['IdleEndpointCost', 'GoneAfterAlert'].map((name) => metrics.listMetrics(METRICS_NAMESPACE, name)))).flat();
  const ours = listed.filter((metric) => metric.dimensions.some((d) => d.name === 'Job' && d.value === 'idle-endpoints'));
  if (ours.length === 0) return [];
  const results = await metrics.readSeries(
    ours.map((metric) => ({ ...metric, stat: 'Maximum' })),
    { start: new Date(now.getTime() - (ALERT_MEMORY_DAYS + 1) * DAY_MS), end: now, periodSeconds: 86_400 },
  );
  return ours.flatMap((metric, index) => {
    const result = results[index];
    const last = result?.status === 'read' ? result.points.at(-1) : undefined;
    const dims = new Map(metric.dimensions.map((d) => [d.name, d.value]));
    const region = dims.get('Region');
    const name = dims.get('EndpointName');
    return last && region && name ? [{ region, name, perDay: last.value }] : [];
  });
}

/** `{"action": "restore" | "recreate", "endpoint": …}`: one endpoint back as it was, and a report saying so. */
async function undoIdleAction(event: Extract<IdleEndpointsEvent, { endpoint: string }>, deps: IdleEndpointsDeps): Promise<IdleActionUndoResult> {
  if (!deps.actionsFor || !deps.state) throw new ConfigError('actions', 'an undo needs the live account (a replayed snapshot cannot act)');
  const actionDeps = { ...deps, actionsFor: deps.actionsFor, state: deps.state };
  const now = deps.clock();
  const noChange = changesNothing(deps.config, event.dryRun);
  const outcome =
    event.action === 'restore'
      ? await restoreEndpoint(event.region, event.endpoint, actionDeps, now, noChange)
      : await recreateEndpoint(event.region, event.endpoint, actionDeps, noChange, now);
  const ended = await finishRun(deps, {
    state: deps.state,
    job: 'idle-endpoints',
    dryRun: event.dryRun,
    report: renderIdleActionUndo(outcome),
    metrics: {
      points: [
        { name: 'IdleActionFailures', value: outcome.result === 'failed' ? 1 : 0, unit: 'Count', dimensions: {} },
        { name: 'StateRejected', value: outcome.stateRejected ?? 0, unit: 'Count', dimensions: {} },
      ],
      at: now,
    },
    outcome: { action: event.action, endpoint: event.endpoint, region: event.region, result: outcome.result },
    reportOnly: deps.config.reportOnly,
  });
  return { ...ended, outcome };
}

/** Reads every region at once; a region that fails is recorded and the others go on. */
async function collectIdleEndpointsSnapshot(options: CollectOptions): Promise<IdleEndpointsSnapshot> {
  const deadline = options.deadline ?? NO_DEADLINE;
  const perRegion = await Promise.all(
    options.regions.map((region) =>
      withinDeadline(collectRegion(region, options.readersFor(region), options), deadline, REGION_GRACE_MS).catch(
        regionOutOfTime<Omit<RegionRead, 'failures'>>(region, { endpoints: [] }),
      ),
    ),
  );
  return {
    kind: 'idle-endpoints',
    version: 1,
    capturedAt: options.now.toISOString(),
    regions: options.regions,
    lookbackDays: LOOKBACK_DAYS,
    periodSeconds: TRAFFIC_PERIOD_SECONDS,
    endpoints: perRegion.flatMap((result) => result.endpoints),
    regionFailures: perRegion.flatMap((result) => result.failures),
    recommendations: perRegion.flatMap((result) => result.recommendations ?? []),
    recommendationFailures: perRegion.flatMap((result) => result.recommendationFailures ?? []),
  };
}

/** What one region's read gives the snapshot. */
interface RegionRead {
  readonly endpoints: EndpointSnapshot[];
  readonly failures: RunFailure[];
  readonly recommendations?: Array<RecommendationJob & { region: string }> | undefined;
  readonly recommendationFailures?: RunFailure[] | undefined;
}

async function collectRegion(region: string, readers: RegionReaders, options: CollectOptions): Promise<RegionRead> {
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
  const componentsListed = readers.endpoints.listInferenceComponents();
  // Rightsizing's lists run alongside; they are a suggestion's, so they never hold up the idle check (below).
  const usageRead = readUsageInputs(readers, componentsListed);
  const [components, skipTags, actionTags, ...trafficMetrics] = await Promise.allSettled([
    componentsListed,
    readers.tags.findTagged(HOSTING_RESOURCE_TYPES, TAGS.skip),
    readers.tags.findTagged('sagemaker:endpoint', TAGS.idleAction),
    ...TRAFFIC_METRICS.map(({ metricName }) => readers.metrics.listMetrics('AWS/SageMaker', metricName)),
  ]);
  if (components.status === 'rejected') return failed('ListInferenceComponents', components.reason, listed.length);
  if (skipTags.status === 'rejected') return failed('GetResources (ops-bot:skip tags)', skipTags.reason, listed.length);
  if (actionTags.status === 'rejected') return failed('GetResources (ops-bot:idle-action tags)', actionTags.reason, listed.length);
  const metrics: MetricIdentity[] = [];
  for (const [index, outcome] of trafficMetrics.entries()) {
    if (outcome.status === 'rejected') return failed(`ListMetrics (${TRAFFIC_METRICS[index]?.metricName})`, outcome.reason, listed.length);
    metrics.push(...outcome.value);
  }
  // Rightsizing is a suggestion: what it cannot read, or read in time, leaves its endpoints unjudged, never the idle check undone.
  const usageInputs = await settleWithin(usageRead, OPTIONAL_READ_WAIT_MS, options.deadline ?? NO_DEADLINE, {
    status: 'unavailable',
    reason: 'utilisation could not be listed: no answer in time',
  });

  // One bulk read for the whole region, invocations and peaks together; the adapter matches
  // GetMetricData's answers to queries by Id.
  const hosted = groupByEndpoint(components.value);
  const seriesByEndpoint = matchTrafficSeries(metrics, components.value);
  const seriesPerEndpoint = listed.map((endpoint) => seriesByEndpoint.get(endpoint.name) ?? []);
  const usageSeries = usageInputs.status === 'read' ? usageInputs.seriesByEndpoint : new Map<string, UsageSeries[]>();
  const usagePerSeries = listed.map((endpoint) => usageSeries.get(endpoint.name) ?? []);
  const trafficQueries = trafficRequests(seriesPerEndpoint);
  const requests = [...trafficQueries, ...usageRequests(usagePerSeries, LOOKBACK_DAYS)];
  const results = requests.length > 0 ? await readers.metrics.readSeries(requests, trafficWindow(options.now, LOOKBACK_DAYS)) : [];
  const traffic = trafficPerEndpoint(seriesPerEndpoint, results.slice(0, trafficQueries.length));
  const usage: EndpointUsage[] =
    usageInputs.status === 'read'
      ? usagePerEndpoint(usagePerSeries, results.slice(trafficQueries.length))
      : listed.map(() => ({ status: 'unavailable', reason: usageInputs.reason }));

  const endpoints: EndpointSnapshot[] = await Promise.all(
    listed.map(async (endpoint, index) => {
      const key = arnKey(endpoint.arn);
      const ownerTags = usageInputs.status === 'read' ? { ...usageInputs.sloTags.get(key), ...usageInputs.optOutTags.get(key) } : {};
      const tags = { ...ownerTags, ...actionTags.value.get(key), ...skipTags.value.get(key) } as Tags;
      return {
        region,
        name: endpoint.name,
        arn: endpoint.arn,
        createdAt: endpoint.createdAt,
        tags,
        inferenceComponents: (hosted.get(endpoint.name) ?? []).map((component) => component.name),
        traffic: traffic[index] ?? { status: 'unavailable', reason: 'no metric result' },
        idleClockFrom: await restoredAt({ arn: endpoint.arn, createdAt: endpoint.createdAt }, tags, options.state),
        usage: usage[index],
      };
    }),
  );

  const selected = selectEndpointsToDescribe(endpoints, options.idleHours, TRAFFIC_PERIOD_SECONDS, options.now, LOOKBACK_DAYS);
  const toDescribe = [...selected.idle, ...selected.busy].map((endpoint) => endpoint.name);
  const described = await mapSettled(toDescribe, options.describeConcurrency, (name) => readers.endpoints.readEndpointHosting(name), options.deadline);
  const details = new Map(toDescribe.map((name, index) => [name, described[index]]));
  // Rightsizing reads more only of the busy endpoints it described: their components, and their models' recommender jobs.
  const busyDescribed = selected.busy;
  const ownerTagsOf = (arn: string): Tags => {
    const optOut = usageInputs.status === 'read' ? usageInputs.optOutTags.get(arnKey(arn)) : undefined;
    return { ...optOut, ...skipTags.value.get(arnKey(arn)) };
  };
  const componentsRead = await readComponents(busyDescribed, hosted, ownerTagsOf, readers, options);
  const recommendations = await settleWithin(
    readRecommendations(region, modelsOf(busyDescribed, details), readers),
    OPTIONAL_READ_WAIT_MS,
    options.deadline ?? NO_DEADLINE,
    {
      recommendationFailures: [{ region, stage: 'Inference Recommender jobs', reason: 'no answer in time' }],
    },
  );

  return {
    ...recommendations,
    endpoints: endpoints.map((endpoint) => {
      const outcome = details.get(endpoint.name);
      if (!outcome) return endpoint;
      return {
        ...endpoint,
        components: componentsRead.get(endpoint.name),
        details: outcome.ok
          ? { status: 'read', variants: outcome.value.variants, asyncInference: outcome.value.asyncInference || undefined }
          : { status: 'unavailable', reason: `DescribeEndpoint failed: ${describeFailure(outcome.error)}` },
      };
    }),
    failures: [],
  };
}

/**
 * The copies and reservation of every component on the busy endpoints described for rightsizing,
 * with its own skip and opt-out tags: what a fewer-copies suggestion is judged on, and what any
 * instance suggestion must still place. A component that cannot be read is recorded, and leaves its
 * variant's instances unjudged.
 */
async function readComponents(
  busyDescribed: readonly EndpointSnapshot[],
  hosted: ReadonlyMap<string, InferenceComponentListing[]>,
  ownerTagsOf: (arn: string) => Tags,
  readers: RegionReaders,
  options: CollectOptions,
): Promise<Map<string, ComponentSnapshot[]>> {
  const reader = readers.components;
  const listings = busyDescribed.flatMap((endpoint) => hosted.get(endpoint.name) ?? []);
  if (!reader || listings.length === 0) return new Map();
  const read = await mapSettled(listings, options.describeConcurrency, (component) => reader.readCopies(component.name), options.deadline);
  const byEndpoint = new Map<string, ComponentSnapshot[]>();
  listings.forEach((component, index) => {
    const outcome = read[index];
    const base = { name: component.name, variantName: component.variantName, tags: ownerTagsOf(component.arn) };
    const entry: ComponentSnapshot = outcome?.ok
      ? { ...base, status: 'read', copies: outcome.value }
      : { ...base, status: 'unavailable', reason: `DescribeInferenceComponent failed: ${outcome ? describeFailure(outcome.error) : 'not read'}` };
    byEndpoint.set(component.endpointName, [...(byEndpoint.get(component.endpointName) ?? []), entry]);
  });
  return byEndpoint;
}

/** The models of the busy endpoints' production variants: the ones a citation could go beside. */
function modelsOf(busyDescribed: readonly EndpointSnapshot[], details: ReadonlyMap<string, Settled<EndpointHosting> | undefined>): string[] {
  const models = busyDescribed.flatMap((endpoint) => {
    const outcome = details.get(endpoint.name);
    return outcome?.ok ? outcome.value.variants.flatMap((variant) => (variant.role === 'production' && variant.modelName ? [variant.modelName] : [])) : [];
  });
  return [...new Set(models)];
}

/** The newest completed Inference Recommender job of each model, checked; a failure is recorded once for the region and costs only the citations. */
async function readRecommendations(
  region: string,
  models: readonly string[],
  readers: RegionReaders,
): Promise<{ recommendations?: Array<RecommendationJob & { region: string }>; recommendationFailures?: RunFailure[] }> {
  if (!readers.recommendations || models.length === 0) return {};
  try {
    const jobs = await readers.recommendations.latestJobs(models, MAX_RECOMMENDATION_JOBS);
    return { recommendations: jobs.flatMap((raw) => readRecommendationJob(raw) ?? []).map((job) => ({ ...job, region })) };
  } catch (error) {
    return { recommendationFailures: [{ region, stage: 'Inference Recommender jobs', reason: describeFailure(error) }] };
  }
}

type UsageInputs =
  | {
      readonly status: 'read';
      readonly seriesByEndpoint: Map<string, UsageSeries[]>;
      readonly optOutTags: Map<string, Tags>;
      readonly sloTags: Map<string, Tags>;
    }
  | { readonly status: 'unavailable'; readonly reason: string };

/** The usage series CloudWatch lists, and the owners' rightsizing tags: one ListMetrics per metric (one for all component metrics), one tag search per key. */
async function readUsageInputs(readers: RegionReaders, componentsListed: Promise<readonly InferenceComponentListing[]>): Promise<UsageInputs> {
  try {
    const components = await componentsListed;
    const [optOutTags, sloTags, ...lists] = await Promise.all([
      readers.tags.findTagged(HOSTING_RESOURCE_TYPES, TAGS.rightsizing),
      readers.tags.findTagged('sagemaker:endpoint', TAGS.latencySloMs),
      ...USAGE_METRICS.filter(({ namespace }) => namespace !== COMPONENTS_NAMESPACE).map(({ namespace, metricName }) =>
        readers.metrics.listMetrics(namespace, metricName),
      ),
      // Components' per-copy series: one listing of their namespace, and none in a region without components.
      ...(components.length > 0 ? [readers.metrics.listMetrics(COMPONENTS_NAMESPACE)] : []),
    ]);
    return { status: 'read', seriesByEndpoint: matchUsageSeries(lists.flat(), components), optOutTags, sloTags };
  } catch (error) {
    return { status: 'unavailable', reason: `utilisation could not be listed: ${describeFailure(error)}` };
  }
}

/** Whether any component on the endpoint carries the bot's own verified saved state: it is at 0 because the bot put it there. */
async function heldByTheBot(endpoint: EndpointSnapshot, access: ActionAccess, state: BotState): Promise<boolean> {
  const arnOf = (component: string) => endpoint.arn.replace(/:endpoint\/[^/]+$/, `:inference-component/${component}`);
  for (const component of endpoint.inferenceComponents) {
    const tags = await access.components.readTags(arnOf(component));
    const { createdAt } = await access.components.readCopies(component);
    if ((await state.verify({ arn: arnOf(component), createdAt }, COMPONENT_STATE, tags)).status === 'verified') return true;
  }
  return false;
}

/**
 * When the bot restored an opted-in endpoint's components (its mark in the state table, for this
 * endpoint as created): the idle clock starts there. Only endpoints that opted into an idle action
 * are looked up, all in the one Query of the run.
 */
async function restoredAt(subject: StateSubject, tags: Tags, state: BotState | undefined): Promise<string | undefined> {
  if (!state || tags[TAGS.idleAction] === undefined) return undefined;
  const read = await state.verify(subject, ENDPOINT_STATE, tags);
  return read.status === 'verified' ? read.values[TAGS.restoredAt] : undefined;
}

export { runIdleEndpoints, collectIdleEndpointsSnapshot };
export type { RegionReaders, CollectOptions, IdleEndpointsDeps, IdleEndpointsResult, IdleActionUndoResult };
