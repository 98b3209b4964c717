/**
 * The idle-notebooks job.
 * - idle-check (every 15 min): reads each InService notebook's Jupyter and stops the idle ones,
 *   tagging each with what the bot did and why before stopping it. Publishes only when something
 *   was stopped or a stop failed, so an unreadable notebook does not page anyone every 15 minutes.
 * - idle-check also logs idle Canvas sessions out where their user profile or domain opted in
 *   (jobs/studio-resources.ts).
 * - studio-audit (daily): running notebooks, Studio apps and Canvas sessions with their cost,
 *   billing MLflow tracking servers, stopped spaces' volumes, and where native idle shutdown is
 *   off (turned on in the defaults of a domain that opted in).
 * - off-hours-stop / morning-start (optional): stop every InService notebook in the evening and
 *   start in the morning exactly those the bot stopped (its state table records); MLflow tracking
 *   servers tagged ops-bot:off-hours too.
 */
import type { IdleNotebooksConfig } from '../config.ts';
import { describeFailure, noRegionWasRead } from '../errors.ts';
import { changesNothing, finishRun, pricesFor, savingsPoints, startRun, type JobDeps, type JobResult } from './contract.ts';
import { realizedStop } from '../domain/savings.ts';
import type { RunFailure } from '../domain/failures.ts';
import {
  decideNotebook,
  lastActionTag,
  type NotebookActivity,
  type NotebookOutcome,
  type NotebookSnapshot,
  type NotebookVerdict,
} from '../domain/notebooks.ts';
import { mlflowPriceKey, NOTEBOOK_PRICE_SOURCE, type PriceBook } from '../domain/prices.ts';
import {
  auditStudio,
  type IdleCoverage,
  type InteractiveOutcome,
  type StudioApp,
  type StudioAudit,
  type StudioSpace,
  type TrackingServer,
} from '../domain/studio.ts';
import { billsByTheHour } from '../domain/mlflow.ts';
import type { MetricsReader } from '../aws/cloudwatch.ts';
import { canvasCheck, mlflowOffHours, studioTagSearch, turnOnStudioIdleShutdown } from './studio-resources.ts';
import { isSkipped, isTagTrue, TAGS, type Tags } from '../domain/tags.ts';
import { roundCents } from '../domain/units.ts';
import { renderNotebookReport } from '../report/notebooks.ts';
import type { NotebookAccess, NotebookListing } from '../aws/notebook-instances.ts';
import type { StudioAccess } from '../aws/studio.ts';
import { arnKey, type TagReader } from '../aws/tagging.ts';
import { mapSettled } from '../util/concurrency.ts';
import { OutOfTimeError, type Deadline } from '../util/deadline.ts';
import type { NotebookEvent } from '../lambda/events.ts';
import { NOTEBOOK_STATE, type BotState } from '../aws/bot-state.ts';
import { describeFound } from '../domain/state.ts';

const LIST_STAGE = 'ListNotebookInstances';
/** Jupyter reads at once per region: each is a few short HTTP requests. */
const READ_CONCURRENCY = 4;

interface NotebookRegionAccess {
  readonly notebooks: NotebookAccess;
  readonly studio: StudioAccess;
  readonly tags: TagReader;
  /** Canvas's own activity metric (TimeSinceLastActive). */
  readonly metrics: MetricsReader;
}

type ReadActivity = (presignedUrl: string) => Promise<NotebookActivity & { status: 'read' }>;

interface IdleNotebooksDeps extends JobDeps<IdleNotebooksConfig> {
  readonly accessFor: (region: string) => NotebookRegionAccess;
  /** The bot's signed state on notebooks: its last stop (counted by the ledger) and the off-hours mark. */
  readonly state: BotState;
  readonly readActivity: ReadActivity;
}

interface IdleNotebooksResult extends JobResult<'idle-notebooks'> {
  readonly action: NotebookEvent['action'];
  readonly notebooks: readonly NotebookOutcome[];
  /** Canvas sessions, MLflow tracking servers and Studio domains this run judged or changed. */
  readonly interactive: readonly InteractiveOutcome[];
  readonly studio?: StudioAudit | undefined;
  readonly failures: readonly RunFailure[];
}

/** A region's run: the job's dependencies and the notebook prices of what it listed there. */
type RegionDeps = IdleNotebooksDeps & { readonly prices: PriceBook };

/** The $/hour of what the audit shows in a region: Studio apps by instance type, a Canvas session, MLflow servers by size. */
interface AskedPrices {
  readonly apps: ReadonlyMap<string, number | undefined>;
  readonly canvas: number | undefined;
  readonly servers: ReadonlyMap<string, number | undefined>;
}

function costPerDay(prices: PriceBook, region: string, instanceType: string): number | undefined {
  const price = prices.notebookPrice(region, instanceType)?.pricePerHour;
  return price === undefined ? undefined : roundCents(price * 24);
}

async function runIdleNotebooks(event: NotebookEvent, deps: IdleNotebooksDeps): Promise<IdleNotebooksResult> {
  const { config } = deps;
  startRun(config, event.dryRun, { keepsState: true });
  const now = deps.clock();
  // Report-only runs as a dry run inside, and publishes what it would have done.
  const acting = { ...event, dryRun: changesNothing(config, event.dryRun) };
  const regions = await Promise.all(config.regions.map((region) => runRegion(region, acting, deps, now)));
  const notebooks = regions.flatMap((region) => region.outcomes);
  const interactive = regions.flatMap((region) => region.interactive);
  const failures = regions.flatMap((region) => region.failures);
  // What kept the Canvas check from reading is said in any report, and daily by the audit; on its
  // own it pages no one every 15 minutes (a missing permission would otherwise text all day).
  const quietFailures = new Set(regions.flatMap((region) => region.quietFailures));
  const studio =
    event.action === 'studio-audit'
      ? auditStudio(
          regions.flatMap((r) => r.apps),
          regions.flatMap((r) => r.coverage),
          now,
          {
            spaces: regions.flatMap((r) => r.spaces),
            servers: regions.flatMap((r) => r.servers),
            canvas: interactive.filter((outcome) => outcome.kind === 'canvas'),
            appPrice: (region: string, instanceType: string) => regions[config.regions.indexOf(region)]?.asked.apps.get(instanceType),
            canvasPrice: (region: string) => regions[config.regions.indexOf(region)]?.asked.canvas,
            serverPrice: (region: string, size: string | undefined) => regions[config.regions.indexOf(region)]?.asked.servers.get(size ?? ''),
          },
        )
      : undefined;

  const report = renderNotebookReport({
    action: event.action,
    changesNothing: acting.dryRun,
    evaluatedAt: now.toISOString(),
    outcomes: notebooks,
    interactive,
    studio,
    failures,
    priceSource: [...new Set(regions.map((region) => region.priceSource))].join('; ') || NOTEBOOK_PRICE_SOURCE,
  });
  // What was done, or failed, is news; what a report-only check would do is not, every 15 minutes:
  // the daily audit says it once.
  const acted = [...notebooks, ...interactive].some((outcome) => outcome.result === 'done' || outcome.result === 'failed');
  const stopped = notebooks.filter((outcome) => outcome.result === 'done' && event.action !== 'morning-start').length;
  const ended = await finishRun(deps, {
    state: deps.state,
    job: 'idle-notebooks',
    dryRun: event.dryRun,
    report,
    // Quiet runs stay quiet: an unreadable notebook must not page anyone every 15 minutes. A run
    // that could not cover every notebook in time is an operational problem the admins hear of.
    worthSending:
      event.action === 'studio-audit' ||
      acted ||
      failures.some((failure) => !quietFailures.has(failure)) ||
      notebooks.some((outcome) => outcome.outOfTime || outcome.stateRejected),
    metrics: {
      points: [
        ...[...notebooks, ...interactive].flatMap((outcome) =>
          outcome.realized ? savingsPoints(outcome.realized.action, outcome.region, outcome.name, outcome.realized.saved) : [],
        ),
        { name: 'NotebooksStopped', value: stopped, unit: 'Count', dimensions: {} },
        { name: 'NotebooksUnreadable', value: notebooks.filter((outcome) => outcome.verdict === 'unknown').length, unit: 'Count', dimensions: {} },
        { name: 'StateRejected', value: notebooks.filter((outcome) => outcome.stateRejected).length, unit: 'Count', dimensions: {} },
      ],
      at: now,
    },
    outcome: { action: event.action, notebooks: notebooks.length, failures: failures.length },
    reportOnly: config.reportOnly,
    // Only an unlisted region is unchecked: without the skip-tag search or Studio the notebooks are still judged.
    runFailure: noRegionWasRead(
      config.regions,
      failures.filter((failure) => failure.stage === LIST_STAGE),
    ),
  });
  return { ...ended, action: event.action, notebooks, interactive, studio, failures };
}

async function runRegion(region: string, event: NotebookEvent, jobDeps: IdleNotebooksDeps, now: Date) {
  const access = jobDeps.accessFor(region);
  const failures: RunFailure[] = [];
  const empty = {
    outcomes: [] as NotebookOutcome[],
    interactive: [] as InteractiveOutcome[],
    apps: [] as StudioApp[],
    coverage: [] as IdleCoverage[],
    spaces: [] as StudioSpace[],
    servers: [] as TrackingServer[],
    asked: { apps: new Map(), canvas: undefined, servers: new Map() } as AskedPrices,
    failures,
    /** Failures of the Canvas reads in the 15-minute check: reported, not paged. */
    quietFailures: [] as RunFailure[],
    priceSource: undefined as string | undefined,
  };

  let listed: NotebookListing[];
  try {
    listed = await access.notebooks.list(event.action === 'morning-start' ? 'Stopped' : 'InService');
  } catch (error) {
    failures.push({ region, stage: LIST_STAGE, reason: describeFailure(error) });
    return empty;
  }
  // Studio and Canvas apps, for the Canvas check and the audit (listed before pricing: the audit prices its apps too).
  const apps =
    event.action === 'idle-check' || event.action === 'studio-audit'
      ? await access.studio.listRunningApps().catch((error: unknown) => {
          const failure = { region, stage: 'ListApps (Studio and Canvas)', reason: describeFailure(error) };
          failures.push(failure);
          if (event.action === 'idle-check') empty.quietFailures.push(failure);
          return undefined;
        })
      : undefined;
  const appTypes = event.action === 'studio-audit' ? (apps ?? []).flatMap((app) => (app.instanceType ? [app.instanceType] : [])) : [];
  const hasCanvas = (apps ?? []).some((app) => app.appType === 'Canvas');
  // The MLflow servers, for the evening stop, the morning start and the audit: listed before pricing, which prices their sizes.
  const servers =
    event.action === 'studio-audit' || event.action === 'off-hours-stop' || event.action === 'morning-start'
      ? await access.studio.listTrackingServers(jobDeps.config.describeConcurrency, billsByTheHour).catch((error: unknown) => {
          failures.push({ region, stage: 'ListMlflowTrackingServers', reason: describeFailure(error) });
          return undefined;
        })
      : undefined;
  // The morning start books what the evening's stop recorded: only the stop and the audit price a server.
  const serverSizes =
    event.action === 'morning-start'
      ? []
      : [...new Set((servers ?? []).flatMap((server) => (billsByTheHour(server.status) && server.size ? [server.size] : [])))];
  // Notebook instances are priced by their notebook usage type, Studio apps by theirs, never a hosting
  // one; of the overrides, only MLflow's apply here (the others are hosting prices).
  const prices = await pricesFor(jobDeps, jobDeps.config.priceOverrides, [
    ...[...new Set([...listed.map((notebook) => notebook.instanceType), ...appTypes])].map((instanceType) => ({ region, instanceType })),
    ...(hasCanvas ? [{ region, service: 'canvas' as const }] : []),
    // The Price List is asked for MLflow only where an override does not already answer.
    ...(serverSizes.some((size) => jobDeps.config.priceOverrides[mlflowPriceKey(size)] === undefined) ? [{ region, service: 'mlflow' as const }] : []),
  ]);
  const deps: RegionDeps = { ...jobDeps, prices };
  // Each price the report shows, asked now so that the source line names it.
  const asked: AskedPrices = {
    apps: new Map(appTypes.map((instanceType) => [instanceType, prices.studioPrice(region, instanceType)?.pricePerHour])),
    canvas: hasCanvas ? prices.canvasPrice(region)?.pricePerHour : undefined,
    servers: new Map(serverSizes.map((size) => [size, prices.mlflowPrice(region, size)?.pricePerHour])),
  };
  const pricedAnything = listed.length + appTypes.length + serverSizes.length > 0 || hasCanvas;
  // Read when the region is done: the source names what its figures were priced from.
  const priced = () => ({ ...empty, priceSource: pricedAnything ? prices.source : undefined, asked });

  let outcomes: NotebookOutcome[];
  switch (event.action) {
    case 'idle-check':
      outcomes = await idleCheck(region, listed, await skipTaggedNotebooks(region, access, failures), access.notebooks, deps, now, event.dryRun);
      break;
    case 'off-hours-stop':
      outcomes = await offHoursStop(region, listed, access.notebooks, deps, now, event.dryRun);
      break;
    case 'morning-start':
      outcomes = await morningStart(region, listed, access.notebooks, deps, event.dryRun);
      break;
    case 'studio-audit': {
      // A run that changes nothing (report-only) says here, once a day, which notebooks the
      // 15-minute check would stop: those runs stay quiet about it.
      const wouldStop = event.dryRun
        ? (await idleCheck(region, listed, await skipTaggedNotebooks(region, access, failures), access.notebooks, deps, now, true)).filter(
            (outcome) => outcome.result === 'planned',
          )
        : [];
      outcomes = listed.map(
        (notebook) =>
          wouldStop.find((outcome) => outcome.name === notebook.name) ?? {
            region,
            name: notebook.name,
            instanceType: notebook.instanceType,
            verdict: 'running',
            detail: 'InService',
            costPerDay: costPerDay(prices, region, notebook.instanceType),
            result: 'none' as const,
          },
      );
      break;
    }
  }

  const resources = { studio: access.studio, studioTags: studioTagSearch(access.tags), metrics: access.metrics, ownTags: access.notebooks };
  if (event.action === 'off-hours-stop' || event.action === 'morning-start') {
    const mlflow = servers ? await mlflowOffHours(region, event.action, servers, resources, deps, now, event.dryRun) : [];
    return { ...priced(), outcomes, interactive: mlflow };
  }
  // Canvas: the 15-minute check logs idle sessions out; the audit says which it would, and changes nothing.
  if (!apps) return { ...priced(), outcomes };
  const canvas = await canvasCheck(region, apps, resources, deps, now, event.dryRun || event.action === 'studio-audit');
  failures.push(...canvas.failures);
  if (event.action === 'idle-check') empty.quietFailures.push(...canvas.failures);
  if (event.action !== 'studio-audit') return { ...priced(), outcomes, interactive: canvas.outcomes };
  const coverage = await access.studio.readIdleCoverage(deps.config.describeConcurrency).catch((error: unknown) => {
    failures.push({ region, stage: 'Studio (ListDomains / ListUserProfiles / ListSpaces)', reason: describeFailure(error) });
    return undefined;
  });
  for (const failure of coverage?.failures ?? []) failures.push({ region, resource: failure.name, stage: 'Describe', reason: describeFailure(failure.reason) });
  const entries = coverage?.coverage ?? [];
  const domainIds = [...new Set(entries.filter((entry) => entry.level === 'domain').map((entry) => entry.domainId))];
  const idle = await turnOnStudioIdleShutdown(region, domainIds, entries, resources, deps, event.dryRun);
  failures.push(...idle.failures);
  return {
    ...priced(),
    outcomes,
    interactive: [...canvas.outcomes, ...idle.outcomes],
    apps,
    coverage: entries,
    spaces: coverage?.spaces ?? [],
    servers: servers ?? [],
  };
}

/**
 * The notebooks tagged ops-bot:skip: one paged GetResources call per 100 instead of a ListTags per
 * notebook. It is eventually consistent, so a notebook about to be stopped reads its own tags first.
 */
async function skipTaggedNotebooks(region: string, access: NotebookRegionAccess, failures: RunFailure[]): Promise<Map<string, Tags>> {
  try {
    return await access.tags.findTagged('sagemaker:notebook-instance', TAGS.skip);
  } catch (error) {
    failures.push({
      region,
      stage: 'GetResources (ops-bot:skip tags)',
      reason: `${describeFailure(error)}; each notebook's own tags are read before it is stopped`,
    });
    return new Map();
  }
}

/** Jupyter's word on each notebook; any failure becomes "unknown", never "idle". */
async function readSnapshot(
  region: string,
  notebook: NotebookListing,
  tags: Tags,
  access: NotebookAccess,
  readActivity: ReadActivity,
  readJupyter: boolean,
): Promise<NotebookSnapshot> {
  const base = {
    region,
    name: notebook.name,
    arn: notebook.arn,
    status: notebook.status,
    instanceType: notebook.instanceType,
    lastModifiedAt: notebook.lastModifiedAt,
    createdAt: notebook.createdAt,
    tags,
  };
  if (isSkipped(tags)) return base;
  if (!readJupyter) return { ...base, activity: { status: 'unknown', reason: 'idleness not read: reading Jupyter is turned off (notebookReadsJupyter)' } };
  let activity: NotebookActivity;
  try {
    activity = await readActivity(await access.presignedUrl(notebook.name));
  } catch (error) {
    activity = { status: 'unknown', reason: describeFailure(error) };
  }
  return { ...base, activity };
}

function outcomeOf(snapshot: NotebookSnapshot, verdict: NotebookVerdict, prices: PriceBook): NotebookOutcome {
  const detail = 'detail' in verdict ? verdict.detail : verdict.verdict;
  return {
    region: snapshot.region,
    name: snapshot.name,
    instanceType: snapshot.instanceType,
    verdict: verdict.verdict,
    detail,
    costPerDay: costPerDay(prices, snapshot.region, snapshot.instanceType),
    result: 'none',
  };
}

async function idleCheck(
  region: string,
  listed: readonly NotebookListing[],
  skipTagged: ReadonlyMap<string, Tags>,
  access: NotebookAccess,
  deps: RegionDeps,
  now: Date,
  dryRun: boolean,
): Promise<NotebookOutcome[]> {
  const policy = {
    idleMinutes: deps.config.notebookIdleMinutes,
    ignoreConnections: deps.config.notebookIgnoreConnections,
    // With Jupyter reads off nothing is known of any notebook, and none is stopped, however long it runs.
    maxRunningHours: deps.config.notebookReadJupyter ? deps.config.notebookMaxRunningHours : undefined,
  };
  const settled = await mapSettled(
    listed,
    READ_CONCURRENCY,
    async (notebook): Promise<NotebookOutcome> => {
      const snapshot = await readSnapshot(
        region,
        notebook,
        skipTagged.get(arnKey(notebook.arn)) ?? {},
        access,
        deps.readActivity,
        deps.config.notebookReadJupyter,
      );
      const verdict = decideNotebook(snapshot, policy, now);
      const outcome = outcomeOf(snapshot, verdict, deps.prices);
      if (verdict.verdict !== 'stop') return outcome;
      // The notebook's own tags, read just before acting: a skip tag added since GetResources last
      // saw it still wins.
      const ownTags = await access.readTags(snapshot.arn);
      if (isSkipped(ownTags)) return outcomeOf({ ...snapshot, tags: ownTags }, decideNotebook({ ...snapshot, tags: ownTags }, policy, now), deps.prices);
      if (dryRun) return { ...outcome, result: 'planned' };
      try {
        const realized = await previousStop(region, snapshot, ownTags, now, deps);
        // What and why goes into the state table first (and its mirror onto the instance, for
        // anyone who finds it stopped): the ledger counts it.
        await deps.state.write({ arn: snapshot.arn, createdAt: snapshot.createdAt }, NOTEBOOK_STATE, { [TAGS.lastAction]: lastActionTag(verdict, now) });
        await stopJournaled(snapshot, 'stop', 'start it again (console or StartNotebookInstance)', access, deps.state);
        return { ...outcome, result: 'done', realized };
      } catch (error) {
        deps.logger.error('Stopping a notebook failed', { notebook: snapshot.name, region, reason: describeFailure(error) });
        return { ...outcome, result: 'failed', error: describeFailure(error) };
      }
    },
    deps.deadline,
  );
  return settled.map((outcome, index) =>
    outcome.ok
      ? outcome.value
      : {
          region,
          name: listed[index]?.name ?? '?',
          instanceType: listed[index]?.instanceType ?? '?',
          verdict: 'unknown',
          detail: outcome.error instanceof OutOfTimeError ? outcome.error.message : `could not be checked: ${describeFailure(outcome.error)}`,
          result: 'none',
          ...(outcome.error instanceof OutOfTimeError ? { outOfTime: true } : {}),
        },
  );
}

/** A notebook as the journal names it. */
function notebookJournal(notebook: { readonly name: string; readonly arn: string }) {
  return { name: notebook.name, arn: notebook.arn, kind: 'notebook-instance' as const };
}

/** StopNotebookInstance, journaled: what and how to undo it first, then the outcome. */
function stopJournaled(
  notebook: { readonly name: string; readonly arn: string },
  action: string,
  undo: string,
  access: NotebookAccess,
  state: BotState,
): Promise<void> {
  return state.act({ ...notebookJournal(notebook), action, before: 'InService', after: 'Stopped', undo }, () => access.stop(notebook.name));
}

/**
 * The bot's previous stop of a notebook it stops again: its saving is known now, and the new tag
 * replaces its record. Only a stop the bot signed counts.
 */
async function previousStop(
  region: string,
  notebook: { readonly arn: string; readonly instanceType: string; readonly lastModifiedAt: string; readonly createdAt?: string | undefined },
  tags: Tags,
  now: Date,
  deps: Pick<RegionDeps, 'state' | 'config' | 'prices'>,
) {
  const state = await deps.state.verify({ arn: notebook.arn, createdAt: notebook.createdAt }, NOTEBOOK_STATE, tags);
  if (state.status !== 'verified') return undefined;
  return realizedStop(
    { lastAction: state.values[TAGS.lastAction], lastModifiedAt: notebook.lastModifiedAt },
    now,
    deps.config.timezone,
    deps.prices.notebookPrice(region, notebook.instanceType)?.pricePerHour,
  );
}

async function offHoursStop(
  region: string,
  listed: readonly NotebookListing[],
  access: NotebookAccess,
  deps: RegionDeps,
  now: Date,
  dryRun: boolean,
): Promise<NotebookOutcome[]> {
  const settled = await mapSettled(
    listed,
    READ_CONCURRENCY,
    async (notebook): Promise<NotebookOutcome> => {
      const base = { region, name: notebook.name, instanceType: notebook.instanceType, costPerDay: costPerDay(deps.prices, region, notebook.instanceType) };
      const tags = await access.readTags(notebook.arn);
      if (isSkipped(tags)) return { ...base, verdict: 'skipped', detail: 'tagged ops-bot:skip', result: 'none' };
      if (dryRun) return { ...base, verdict: 'stop', detail: 'off hours', result: 'planned' };
      try {
        const realized = await previousStop(region, notebook, tags, now, deps);
        // The morning start brings back exactly what the state table marks: it is written before the stop.
        await deps.state.write({ arn: notebook.arn, createdAt: notebook.createdAt }, NOTEBOOK_STATE, {
          [TAGS.offHoursStopped]: 'true',
          [TAGS.lastAction]: `stopped: off hours at ${now.toISOString().slice(0, 16)}Z`,
        });
        await stopJournaled(notebook, 'stop for off hours', 'the morning start, or start it (console or StartNotebookInstance)', access, deps.state);
        return { ...base, verdict: 'stop', detail: 'off hours', result: 'done', realized };
      } catch (error) {
        deps.logger.error('Off-hours stop failed', { notebook: notebook.name, region, reason: describeFailure(error) });
        return { ...base, verdict: 'stop', detail: 'off hours', result: 'failed', error: describeFailure(error) };
      }
    },
    deps.deadline,
  );
  return settled.map((outcome, index) =>
    outcome.ok
      ? outcome.value
      : {
          region,
          name: listed[index]?.name ?? '?',
          instanceType: listed[index]?.instanceType ?? '?',
          verdict: 'unknown',
          detail: describeFailure(outcome.error),
          result: 'failed',
          error: describeFailure(outcome.error),
        },
  );
}

async function morningStart(
  region: string,
  listed: readonly NotebookListing[],
  access: NotebookAccess,
  deps: Pick<RegionDeps, 'state' | 'deadline' | 'prices'>,
  dryRun: boolean,
): Promise<NotebookOutcome[]> {
  const deadline: Deadline | undefined = deps.deadline;
  const settled = await mapSettled(
    listed,
    READ_CONCURRENCY,
    async (notebook): Promise<NotebookOutcome | undefined> => {
      const tags = await access.readTags(notebook.arn);
      if (isSkipped(tags)) return undefined;
      // Only the bot's own mark, in its state table, starts a notebook: anyone who can tag could otherwise have it start any stopped notebook.
      const subject = { arn: notebook.arn, createdAt: notebook.createdAt };
      const state = await deps.state.verify(subject, NOTEBOOK_STATE, tags);
      if (state.status === 'none') return undefined;
      if (state.status !== 'verified') {
        const why = state.status === 'rejected' ? `${state.reason}; found ${describeFound(state.found)}` : state.status === 'unverifiable' ? state.reason : '';
        return {
          region,
          name: notebook.name,
          instanceType: notebook.instanceType,
          verdict: 'start',
          detail: `not started: the off-hours mark found is not the bot's own (${why}); start it by hand if it should run`,
          result: 'none',
          stateRejected: state.status === 'rejected',
        };
      }
      if (!isTagTrue(state.values, TAGS.offHoursStopped)) return undefined;
      const base = {
        region,
        name: notebook.name,
        instanceType: notebook.instanceType,
        verdict: 'start',
        detail: 'stopped by the bot for off hours',
        costPerDay: costPerDay(deps.prices, region, notebook.instanceType),
      };
      if (dryRun) return { ...base, result: 'planned' };
      try {
        // Started first, the tag cleared after: a failed start keeps the tag and is tried next morning.
        await deps.state.act({ ...notebookJournal(notebook), action: 'start in the morning', before: 'Stopped', after: 'InService' }, () =>
          access.start(notebook.name),
        );
        const lastAction = state.values[TAGS.lastAction];
        if (lastAction !== undefined) await deps.state.write(subject, NOTEBOOK_STATE, { [TAGS.lastAction]: lastAction });
        else await deps.state.clear(subject, NOTEBOOK_STATE);
        return { ...base, result: 'done' };
      } catch (error) {
        return { ...base, result: 'failed', error: describeFailure(error) };
      }
    },
    deadline,
  );
  return settled.flatMap((outcome, index) =>
    outcome.ok
      ? outcome.value
        ? [outcome.value]
        : []
      : [
          {
            region,
            name: listed[index]?.name ?? '?',
            instanceType: listed[index]?.instanceType ?? '?',
            verdict: 'unknown',
            detail: describeFailure(outcome.error),
            result: 'failed' as const,
            error: describeFailure(outcome.error),
          },
        ],
  );
}

export { runIdleNotebooks };
export type { IdleNotebooksDeps, IdleNotebooksResult, NotebookRegionAccess, ReadActivity };
