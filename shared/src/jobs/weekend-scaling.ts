/**
 * The weekend-scaling job. Scale-down saves each opted-in component's copy count (and autoscaling
 * bounds) on the component, then sets it to 0; restore puts back exactly what was saved, then
 * clears it. Holidays defer a restore to the next working day; `until` schedules an ad hoc one.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { ENV, requireTopicArn, type Config } from '../config.ts';
import { ConfigError, describeFailure, failIfNoRegionWasRead, InvalidEventError } from '../errors.ts';
import {
  formatLocalDateTime,
  localDate,
  nextWeeklyOccurrence,
  nextWorkingDayAt,
  parseLocalDateTime,
  WEEKDAYS,
  zonedParts,
  zonedToInstant,
} from '../domain/calendar.ts';
import { createPriceBook } from '../domain/prices.ts';
import { TAGS, type Tags } from '../domain/tags.ts';
import {
  assessWeekendSavings,
  planRestore,
  planScaleDown,
  STATE_TAG_KEYS,
  type ComponentPlan,
  type ComponentSnapshot,
  type EndpointWeekendCost,
  type HostingEndpoint,
  type Step,
} from '../domain/weekend-scaling.ts';
import { renderWeekendReport, totalSavings, type ComponentOutcome, type WeekendRunFailure } from '../report/weekend-scaling.ts';
import type { RenderedReport } from '../report/sns-message.ts';
import { createEndpointReader, type EndpointReader, type InferenceComponentListing } from '../aws/sagemaker.ts';
import { createComponentAccess, type ComponentAccess } from '../aws/inference-components.ts';
import { createScalingAccess, type ScalingAccess } from '../aws/autoscaling.ts';
import { arnKey, createTagReader, type TagReader } from '../aws/tagging.ts';
import { createOneTimeScheduler, type OneTimeScheduler } from '../aws/scheduler.ts';
import { createTopicNotifiers, type Notifier } from '../aws/sns.ts';
import { clientPerRegion, regionOfArn } from '../aws/clients.ts';
import { createEmfSink, type MetricsSink } from '../aws/emf.ts';
import { mapSettled } from '../util/concurrency.ts';
import type { RunLogger } from '../util/logger.ts';
import type { WeekendScalingEvent } from '../lambda/events.ts';

const HOUR_MS = 3_600_000;
/** Components acted on at once; each one's steps stay strictly in order. */
const ACT_CONCURRENCY = 4;

interface WeekendRegionAccess {
  readonly endpoints: EndpointReader;
  readonly components: ComponentAccess;
  readonly scaling: ScalingAccess;
  readonly tags: TagReader;
}

interface WeekendScalingDeps {
  readonly config: Config;
  readonly clock: () => Date;
  readonly accessFor: (region: string) => WeekendRegionAccess;
  /** Throws a ConfigError when one-time schedules are not configured. */
  readonly scheduler: () => OneTimeScheduler;
  readonly notifier: (topicArn: string) => Notifier;
  readonly logger: RunLogger;
  readonly metrics: MetricsSink;
}

interface WeekendSnapshot {
  readonly components: ComponentSnapshot[];
  readonly endpoints: HostingEndpoint[];
  readonly failures: WeekendRunFailure[];
}

interface WeekendScalingResult {
  readonly job: 'weekend-scaling';
  readonly action: WeekendScalingEvent['action'];
  readonly dryRun: boolean;
  readonly published: boolean;
  readonly messageId?: string;
  readonly evaluatedAt: string;
  readonly restore?: { readonly at: string; readonly how: string };
  readonly deferred?: { readonly holiday: string; readonly to: string; readonly how: string };
  readonly summary: { readonly changed: number; readonly failed: number; readonly skipped: number; readonly estimatedSavings: number };
  readonly components: readonly ComponentOutcome[];
  readonly endpoints: readonly EndpointWeekendCost[];
  readonly failures: readonly WeekendRunFailure[];
  readonly report: RenderedReport;
}

/** Checks `until` against the clock and config before any AWS call: future, within the maximum, a working day. */
function checkUntil(until: string, now: Date, config: Config): { local: string; instant: Date } {
  const local = parseLocalDateTime(until);
  if (!local) throw new InvalidEventError('until', `must be a local date-time like "2026-12-28T07:00:00" (read in ${config.timezone}), got "${until}"`);
  const instant = zonedToInstant(local, config.timezone);
  if (instant.getTime() <= now.getTime()) throw new InvalidEventError('until', `is in the past (${until} ${config.timezone})`);
  if (instant.getTime() - now.getTime() > config.maxScaleDownDays * 24 * HOUR_MS) {
    throw new InvalidEventError('until', `is more than ${config.maxScaleDownDays} days away (${ENV.maxScaleDownDays})`);
  }
  const day = formatLocalDateTime(local).slice(0, 10);
  if (config.holidays.has(day)) throw new InvalidEventError('until', `falls on ${day}, a configured holiday: pick a working day`);
  return { local: formatLocalDateTime(local), instant };
}

/** Schedule names carry the local time they run at, so asking twice makes one schedule. */
function restoreScheduleName(localAt: string): string {
  return `ops-bot-restore-${localAt.replace(/[^0-9]/g, '').slice(0, 12)}`;
}

async function runWeekendScaling(event: WeekendScalingEvent, deps: WeekendScalingDeps): Promise<WeekendScalingResult> {
  const { config, logger } = deps;
  const now = deps.clock();
  const topicArn = event.dryRun ? undefined : requireTopicArn(config);
  const adHoc = event.until !== undefined ? checkUntil(event.until, now, config) : undefined;
  const scheduler = adHoc && !event.dryRun ? deps.scheduler() : undefined;
  const base = { evaluatedAt: now.toISOString(), timezone: config.timezone, priceSource: createPriceBook(config.priceOverrides).source };
  const scopeText = config.weekendScope === 'all' ? 'every inference component not tagged ops-bot:skip' : `components tagged ${TAGS.weekendScaleToZero} = true`;

  if (event.action === 'restore') {
    const today = localDate(now, config.timezone);
    if (config.holidays.has(today)) {
      const to = formatLocalDateTime(nextWorkingDayAt(now, config.weekendRestoreAt.hour, config.weekendRestoreAt.minute, config.timezone, config.holidays));
      let how = 'a one-time schedule would be created (dry run)';
      if (!event.dryRun) {
        const status = await deps.scheduler().scheduleOnce({
          name: restoreScheduleName(to),
          at: to,
          timezone: config.timezone,
          input: { action: 'restore' },
          description: `Weekend restore deferred from the holiday ${today}`,
        });
        how = status === 'created' ? 'one-time schedule created' : 'one-time schedule already existed';
      }
      const deferred = { holiday: today, to, how };
      logger.info('Restore deferred for a holiday', deferred);
      const report = renderWeekendReport({ ...base, action: 'restore', dryRun: event.dryRun, scopeText, deferred, outcomes: [], endpoints: [], failures: [] });
      const messageId = topicArn ? (await deps.notifier(topicArn).publish(report)).messageId : undefined;
      return finish(event, base.evaluatedAt, report, messageId, topicArn, { deferred, outcomes: [], endpoints: [], failures: [] });
    }
  }

  const snapshot = await collectWeekendSnapshot(config, deps.accessFor, event.action);
  const plans = event.action === 'scale-down' ? planScaleDown(snapshot.components, config.weekendScope) : planRestore(snapshot.components);

  let restore: { at: string; how: string } | undefined;
  if (event.action === 'scale-down') {
    if (adHoc) {
      // The ad hoc restore is what undoes this run: it exists before anything is scaled down.
      let how = 'a one-time schedule would be created (dry run)';
      if (scheduler) {
        const status = await scheduler.scheduleOnce({
          name: restoreScheduleName(adHoc.local),
          at: adHoc.local,
          timezone: config.timezone,
          input: { action: 'restore' },
          description: `Ad hoc restore after a scale-down on ${localDate(now, config.timezone)}`,
        });
        how = status === 'created' ? 'one-time schedule created' : 'one-time schedule already existed';
      }
      restore = { at: adHoc.local, how };
    } else {
      const weekly = config.weekendRestoreAt;
      const next = nextWeeklyOccurrence(now, weekly, config.timezone);
      restore = { at: formatLocalDateTime(zonedParts(next, config.timezone)), how: `the weekly ${WEEKDAYS[weekly.weekday]} restore` };
    }
  }

  const outcomes = event.dryRun ? plans.map(asPlanned) : await carryOut(plans, deps.accessFor, logger);
  let endpoints: EndpointWeekendCost[] = [];
  if (event.action === 'scale-down' && restore) {
    const restoreInstant = zonedToInstant(parseLocalDateTime(restore.at)!, config.timezone);
    const windowHours = Math.max(0, (restoreInstant.getTime() - now.getTime()) / HOUR_MS);
    const actual = outcomes.map((outcome) => ({ ...outcome, copiesAfter: outcome.copiesNow }));
    endpoints = assessWeekendSavings(actual, snapshot.endpoints, createPriceBook(config.priceOverrides), windowHours);
  }

  const report = renderWeekendReport({ ...base, action: event.action, dryRun: event.dryRun, scopeText, ...(restore ? { restore } : {}), outcomes, endpoints, failures: snapshot.failures });
  if (!event.dryRun) {
    const changed = outcomes.filter((outcome) => outcome.steps.length > 0 && outcome.result === 'done').length;
    const failed = outcomes.filter((outcome) => outcome.result === 'failed').length + snapshot.failures.length;
    const prefix = event.action === 'scale-down' ? 'WeekendScaledDown' : 'WeekendRestored';
    deps.metrics.emit(
      [
        { name: prefix, value: changed, unit: 'Count', dimensions: {} },
        { name: 'WeekendFailures', value: failed, unit: 'Count', dimensions: {} },
        ...(event.action === 'scale-down' ? [{ name: 'WeekendEstimatedSavings', value: Math.round(totalSavings(endpoints) * 100) / 100, unit: 'None' as const, dimensions: {} }] : []),
      ],
      now,
    );
  }
  const messageId = topicArn ? (await deps.notifier(topicArn).publish(report)).messageId : undefined;
  logger.info('Weekend scaling run finished', { action: event.action, dryRun: event.dryRun, components: outcomes.length, failures: snapshot.failures.length });

  failIfNoRegionWasRead(config.regions, snapshot.failures.filter((failure) => failure.name === undefined));
  return finish(event, base.evaluatedAt, report, messageId, topicArn, { ...(restore ? { restore } : {}), outcomes, endpoints, failures: snapshot.failures });
}

function finish(
  event: WeekendScalingEvent,
  evaluatedAt: string,
  report: RenderedReport,
  messageId: string | undefined,
  topicArn: string | undefined,
  parts: Pick<WeekendScalingResult, 'restore' | 'deferred'> & { outcomes: readonly ComponentOutcome[]; endpoints: readonly EndpointWeekendCost[]; failures: readonly WeekendRunFailure[] },
): WeekendScalingResult {
  const { outcomes, endpoints, failures } = parts;
  return {
    job: 'weekend-scaling',
    action: event.action,
    dryRun: event.dryRun,
    published: topicArn !== undefined,
    ...(messageId ? { messageId } : {}),
    evaluatedAt,
    ...(parts.restore ? { restore: parts.restore } : {}),
    ...(parts.deferred ? { deferred: parts.deferred } : {}),
    summary: {
      changed: outcomes.filter((outcome) => outcome.steps.length > 0 && outcome.result !== 'failed').length,
      failed: outcomes.filter((outcome) => outcome.result === 'failed').length + failures.length,
      skipped: outcomes.filter((outcome) => outcome.disposition === 'skipped').length,
      estimatedSavings: Math.round(totalSavings(endpoints) * 100) / 100,
    },
    components: outcomes,
    endpoints,
    failures,
    report,
  };
}

function asPlanned(plan: ComponentPlan): ComponentOutcome {
  return { ...plan, result: plan.steps.length > 0 ? 'planned' : 'unchanged', copiesNow: plan.copiesAfter };
}

/** Each component's steps in order; the first failure stops that component only. */
async function carryOut(plans: readonly ComponentPlan[], accessFor: (region: string) => WeekendRegionAccess, logger: RunLogger): Promise<ComponentOutcome[]> {
  const settled = await mapSettled(plans, ACT_CONCURRENCY, async (plan): Promise<ComponentOutcome> => {
    if (plan.steps.length === 0) return { ...plan, result: 'unchanged', copiesNow: plan.copiesBefore };
    const access = accessFor(plan.region);
    let copiesNow = plan.copiesBefore;
    for (const step of plan.steps) {
      try {
        await runStep(access, plan, step);
        if (step.kind === 'set-copy-count') copiesNow = step.copyCount;
      } catch (error) {
        const reason = describeFailure(error);
        logger.error('Weekend scaling step failed', { component: plan.name, region: plan.region, step: step.kind, reason });
        return { ...plan, result: 'failed', copiesNow, failedStep: step.kind, error: reason };
      }
    }
    return { ...plan, result: 'done', copiesNow };
  });
  return settled.map((outcome, index) => {
    if (outcome.ok) return outcome.value;
    const plan = plans[index] as ComponentPlan;
    return { ...plan, result: 'failed', copiesNow: plan.copiesBefore, error: describeFailure(outcome.error) };
  });
}

function runStep(access: WeekendRegionAccess, plan: ComponentPlan, step: Step): Promise<void> {
  switch (step.kind) {
    case 'save-state':
      return access.components.addTags(plan.arn, step.tags);
    case 'set-autoscaling':
      return access.scaling.setBounds(plan.name, { minCapacity: step.minCapacity, maxCapacity: step.maxCapacity });
    case 'set-copy-count':
      return access.components.setCopyCount(plan.name, step.copyCount);
    case 'clear-state':
      return access.components.deleteTags(plan.arn, step.tagKeys);
  }
}

async function collectWeekendSnapshot(config: Config, accessFor: (region: string) => WeekendRegionAccess, action: WeekendScalingEvent['action']): Promise<WeekendSnapshot> {
  const regions = await Promise.all(config.regions.map((region) => collectRegion(region, accessFor(region), config, action)));
  return {
    components: regions.flatMap((region) => region.components),
    endpoints: regions.flatMap((region) => region.endpoints),
    failures: regions.flatMap((region) => region.failures),
  };
}

function isCandidate(tags: Tags | undefined, config: Config): boolean {
  if (config.weekendScope === 'all') return true;
  return tags !== undefined && (tags[TAGS.weekendScaleToZero] !== undefined || STATE_TAG_KEYS.some((key) => tags[key] !== undefined));
}

async function collectRegion(region: string, access: WeekendRegionAccess, config: Config, action: WeekendScalingEvent['action']): Promise<WeekendSnapshot> {
  const regionFailed = (stage: string, error: unknown): WeekendSnapshot => ({ components: [], endpoints: [], failures: [{ region, stage, reason: describeFailure(error) }] });

  let listed: InferenceComponentListing[];
  let tagged: Map<string, Tags>;
  try {
    [listed, tagged] = await Promise.all([access.endpoints.listInferenceComponents(), access.tags.findTagged('sagemaker:inference-component')]);
  } catch (error) {
    return regionFailed('ListInferenceComponents / GetResources', error);
  }
  const candidates = listed.filter((component) => isCandidate(tagged.get(arnKey(component.arn)), config));
  if (candidates.length === 0) return { components: [], endpoints: [], failures: [] };

  // Acting without knowing a component's autoscaling target could lose its bounds: no target list, no action.
  let bounds: Map<string, { minCapacity: number; maxCapacity: number }>;
  try {
    bounds = await access.scaling.readBounds(candidates.map((component) => component.name));
  } catch (error) {
    return regionFailed('DescribeScalableTargets', error);
  }

  const failures: WeekendRunFailure[] = [];
  const read = await mapSettled(candidates, config.describeConcurrency, async (listing): Promise<ComponentSnapshot> => {
    const [copies, tags] = await Promise.all([access.components.readCopies(listing.name), access.components.readTags(listing.arn)]);
    const target = bounds.get(listing.name);
    return {
      region,
      name: listing.name,
      arn: listing.arn,
      endpointName: listing.endpointName,
      variantName: listing.variantName,
      desiredCopyCount: copies.desiredCopyCount,
      tags,
      ...(target ? { autoscaling: target } : {}),
    };
  });
  const components: ComponentSnapshot[] = [];
  read.forEach((outcome, index) => {
    if (outcome.ok) components.push(outcome.value);
    else failures.push({ region, name: candidates[index]?.name, stage: 'DescribeInferenceComponent / ListTags', reason: describeFailure(outcome.error) });
  });

  const endpoints = action === 'scale-down' ? await readHostingEndpoints(region, access, listed, components, config, failures) : [];
  return { components, endpoints, failures };
}

/** For the savings estimate only: every component's copies on the affected endpoints, and their instances. */
async function readHostingEndpoints(
  region: string,
  access: WeekendRegionAccess,
  listed: readonly InferenceComponentListing[],
  components: readonly ComponentSnapshot[],
  config: Config,
  failures: WeekendRunFailure[],
): Promise<HostingEndpoint[]> {
  const known = new Map(components.map((component) => [component.name, component.desiredCopyCount]));
  const endpointNames = [...new Set(components.map((component) => component.endpointName))];
  const settled = await mapSettled(endpointNames, config.describeConcurrency, async (endpointName): Promise<HostingEndpoint> => {
    const neighbours = listed.filter((component) => component.endpointName === endpointName);
    const copies = await Promise.all(
      neighbours.map(async (component) => [component.name, known.get(component.name) ?? (await access.components.readCopies(component.name)).desiredCopyCount] as const),
    );
    return { region, name: endpointName, componentCopies: Object.fromEntries(copies), variants: await access.endpoints.readEndpointCapacity(endpointName) };
  });
  const endpoints: HostingEndpoint[] = [];
  settled.forEach((outcome, index) => {
    if (outcome.ok) endpoints.push(outcome.value);
    else failures.push({ region, name: endpointNames[index], stage: 'savings estimate (DescribeEndpoint)', reason: describeFailure(outcome.error) });
  });
  return endpoints;
}

interface WeekendScalingClients {
  readonly sageMaker: (region: string) => SageMakerClient;
  readonly autoScaling: (region: string) => ApplicationAutoScalingClient;
  readonly tagging: (region: string) => ResourceGroupsTaggingAPIClient;
  readonly scheduler: (region: string) => SchedulerClient;
  readonly notifier: (topicArn: string, displayName: string) => Notifier;
}

function createWeekendScalingClients(): WeekendScalingClients {
  return {
    sageMaker: clientPerRegion((settings) => new SageMakerClient(settings)),
    autoScaling: clientPerRegion((settings) => new ApplicationAutoScalingClient(settings)),
    tagging: clientPerRegion((settings) => new ResourceGroupsTaggingAPIClient(settings)),
    scheduler: clientPerRegion((settings) => new SchedulerClient(settings)),
    notifier: createTopicNotifiers(),
  };
}

/**
 * The live wiring. `functionArn` is the function's own ARN (from the Lambda context): one-time
 * schedules invoke it again, in the function's own region.
 */
function liveWeekendScalingDeps(
  config: Config,
  clients: WeekendScalingClients,
  logger: RunLogger,
  clock: () => Date,
  functionArn: () => string | undefined,
): WeekendScalingDeps {
  return {
    config,
    clock,
    logger,
    accessFor: (region) => ({
      endpoints: createEndpointReader(clients.sageMaker(region)),
      components: createComponentAccess(clients.sageMaker(region)),
      scaling: createScalingAccess(clients.autoScaling(region)),
      tags: createTagReader(clients.tagging(region)),
    }),
    scheduler: () => {
      const target = config.oneTimeSchedules;
      const arn = functionArn();
      if (!target || !arn) throw new ConfigError(ENV.schedulerRoleArn, `and ${ENV.schedulerDeadLetterArn} must be set to schedule a one-time restore`);
      return createOneTimeScheduler(clients.scheduler(regionOfArn(arn)), { ...target, functionArn: arn });
    },
    notifier: (topicArn) => clients.notifier(topicArn, config.topicDisplayName),
    metrics: createEmfSink(),
  };
}

export { runWeekendScaling, collectWeekendSnapshot, createWeekendScalingClients, liveWeekendScalingDeps, checkUntil, restoreScheduleName };
export type { WeekendScalingDeps, WeekendRegionAccess, WeekendScalingResult, WeekendSnapshot, WeekendScalingClients };
