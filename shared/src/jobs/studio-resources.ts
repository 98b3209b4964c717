/**
 * The interactive spend besides notebook instances, for the idle-notebooks job:
 * - Canvas (idle-check, every 15 min): a Canvas session inactive for CANVAS_IDLE_MINUTES, by
 *   Canvas's own `TimeSinceLastActive`, is logged out (DeleteApp) where its user profile or domain
 *   opted in; its saving is booked when the user logs in again.
 * - MLflow (off-hours-stop / morning-start): tracking servers tagged `ops-bot:off-hours = true` are
 *   stopped in the evening and started in the morning, only those the bot stopped.
 * Every change goes through the state table first (the record, then the journaled call), the
 * resource's own tags are read just before acting, and a dry or report-only run says what it would do.
 */
import { CANVAS_LOGOUT, MLFLOW_OFF_HOURS, STUDIO_IDLE, type BotState } from '../aws/bot-state.ts';
import { describeDefaults, idleShutdownChanges } from '../domain/studio-idle.ts';
import type { MetricsReader } from '../aws/cloudwatch.ts';
import type { SageMakerTags } from '../aws/sagemaker-tags.ts';
import type { StudioAccess } from '../aws/studio.ts';
import { arnKey, type TagReader } from '../aws/tagging.ts';
import { decideCanvas, newestPoint, type CanvasActivity, type CanvasTags } from '../domain/canvas.ts';
import type { RunFailure } from '../domain/failures.ts';
import { offHoursStopVerdict } from '../domain/mlflow.ts';
import type { PriceBook } from '../domain/prices.ts';
import { recordedSaving } from '../domain/savings.ts';
import type { IdleCoverage, InteractiveOutcome, StudioApp, TrackingServer } from '../domain/studio.ts';
import { isSkipped, isTagTrue, TAGS, type Tags } from '../domain/tags.ts';
import { describeFailure } from '../errors.ts';
import { mapSettled, type Settled } from '../util/concurrency.ts';
import type { Deadline } from '../util/deadline.ts';
import type { RunLogger } from '../util/logger.ts';

const CANVAS_NAMESPACE = '/aws/sagemaker/Canvas/AppActivity';
/** The newest TimeSinceLastActive must be at most this old to speak for now. */
const CANVAS_RECENT_MINUTES = 30;
/** Describes, tag reads and calls at once per region. */
const CONCURRENCY = 4;

interface StudioResourceAccess {
  readonly studio: StudioAccess;
  /** The region's Studio opt-in and skip tags: one search a run, shared by the Canvas check and the audit (see studioTagSearch). */
  readonly studioTags: () => Promise<StudioTags>;
  readonly metrics: MetricsReader;
  /** ListTags on any SageMaker ARN: the live tags read just before acting. */
  readonly ownTags: SageMakerTags;
}

interface StudioResourceDeps {
  readonly state: BotState;
  readonly logger: RunLogger;
  readonly deadline?: Deadline | undefined;
  /** The region's Canvas session and MLflow prices: the Price List, else the table (Canvas) or the admin's override (MLflow). */
  readonly prices: Pick<PriceBook, 'canvasPrice' | 'mlflowPrice'>;
  readonly config: {
    readonly canvasIdleMinutes: number;
    readonly timezone: string;
    readonly describeConcurrency: number;
  };
}

/** `arn:aws:sagemaker:<region>:<account>:` of any ARN of the account, to name the others. */
function arnPrefix(arn: string): string {
  return arn.split(':').slice(0, 5).join(':') + ':';
}

/** The path after the account (`user-profile/d-1/ana`), lower-cased as the tag search keys ARNs. */
function resourcePath(arn: string): string {
  return arnKey(arn).split(':').slice(5).join(':');
}

/** The ops-bot tags of the region's domains, user profiles and apps, by path, and the account's ARN prefix. */
interface StudioTags {
  readonly byPath: ReadonlyMap<string, Tags>;
  readonly prefix?: string | undefined;
}

/**
 * The ops-bot tags of every domain, user profile and app of the region that has any: one tag search,
 * made on first need and shared by every caller of the run (a failure too: each says what it could not do).
 */
function studioTagSearch(tags: TagReader): () => Promise<StudioTags> {
  let search: Promise<StudioTags> | undefined;
  return () => {
    search ??= tags.findTagged(['sagemaker:domain', 'sagemaker:user-profile', 'sagemaker:app']).then((found) => {
      const byPath = new Map<string, Tags>();
      let prefix: string | undefined;
      for (const [arn, tagged] of found) {
        byPath.set(resourcePath(arn), tagged);
        prefix ??= arnPrefix(arn);
      }
      return { byPath, prefix };
    });
    return search;
  };
}

function canvasTagsOf(app: StudioApp & { readonly userProfileName: string }, byPath: ReadonlyMap<string, Tags>): CanvasTags {
  const profile = `user-profile/${app.domainId}/${app.userProfileName}`.toLowerCase();
  return {
    app: byPath.get(`app/${app.domainId}/${app.userProfileName}/canvas/${app.appName}`.toLowerCase()) ?? {},
    profile: byPath.get(profile) ?? {},
    domain: byPath.get(`domain/${app.domainId}`.toLowerCase()) ?? {},
  };
}

/** Each candidate's newest TimeSinceLastActive over the last hour, in one read (as many GetMetricData calls as 500 queries need). */
async function canvasActivity(
  apps: ReadonlyArray<StudioApp & { readonly userProfileName: string }>,
  metrics: MetricsReader,
  now: Date,
): Promise<CanvasActivity[]> {
  if (apps.length === 0) return [];
  try {
    const series = await metrics.readSeries(
      apps.map((app) => ({
        namespace: CANVAS_NAMESPACE,
        metricName: 'TimeSinceLastActive',
        dimensions: [
          { name: 'DomainId', value: app.domainId },
          { name: 'UserProfileName', value: app.userProfileName },
        ],
        // Within a minute, the most active reading: two points of one minute disagreeing is doubt, and doubt logs no one out.
        stat: 'Minimum',
      })),
      // The end a minute past now: a datapoint stamped this very minute (the user just came back) is
      // read too, where an end at now would leave it out and let an older, idle point decide.
      { start: new Date(now.getTime() - 60 * 60_000), end: new Date(now.getTime() + 60_000), periodSeconds: 60 },
    );
    return series.map((result) =>
      result.status === 'read' ? { status: 'read', newest: newestPoint(result.points) } : { status: 'unknown', reason: result.reason },
    );
  } catch (error) {
    const reason = `GetMetricData failed: ${describeFailure(error)}`;
    return apps.map(() => ({ status: 'unknown', reason }));
  }
}

type CanvasApp = StudioApp & { readonly userProfileName: string };

function isCanvas(app: StudioApp): app is CanvasApp {
  return app.appType === 'Canvas' && app.userProfileName !== undefined;
}

/**
 * The 15-minute Canvas check of one region. Reads: the region's apps (ListApps, shared with the
 * audit), one tag search, one metric read for the opted-in sessions, the logout records (one
 * Query); per session to log out, the live tags of its profile and domain.
 */
async function canvasCheck(
  region: string,
  apps: readonly StudioApp[],
  access: StudioResourceAccess,
  deps: StudioResourceDeps,
  now: Date,
  changesNothing: boolean,
): Promise<{ outcomes: InteractiveOutcome[]; failures: RunFailure[] }> {
  const failures: RunFailure[] = [];
  const canvas = apps.filter(isCanvas);
  // A user back after a logout has a Canvas app again: with none running there is nothing to book or check.
  if (canvas.length === 0) return { outcomes: [], failures };
  const returned = await bookReturns(region, canvas, access.studio, deps, now, changesNothing, failures);
  let tagged: StudioTags;
  try {
    tagged = await access.studioTags();
  } catch (error) {
    // Without the opt-in and skip tags nothing may be logged out: say so once, for the region.
    failures.push({ region, stage: 'GetResources (Canvas opt-in and skip tags)', reason: `${describeFailure(error)}; no Canvas session was logged out` });
    return { outcomes: returned, failures };
  }
  const policy = { idleMinutes: deps.config.canvasIdleMinutes, recentMinutes: CANVAS_RECENT_MINUTES };
  // Only the sessions that could be logged out are read: a skipped or not opted-in one needs no metric.
  const optedIn = canvas.filter((app) => {
    const before = decideCanvas(canvasTagsOf(app, tagged.byPath), { status: 'read' }, policy, now).verdict;
    return before !== 'skipped' && before !== 'not-opted-in';
  });
  const activity = await canvasActivity(optedIn, access.metrics, now);
  const settled = await mapSettled(
    optedIn,
    CONCURRENCY,
    async (app): Promise<InteractiveOutcome> => {
      const index = optedIn.indexOf(app);
      const price = deps.prices.canvasPrice(region)?.pricePerHour;
      const base = { kind: 'canvas' as const, region, name: `${app.domainId}/${app.userProfileName}`, costPerHour: price };
      const seen = activity[index] ?? { status: 'unknown', reason: 'not read' };
      const verdict = decideCanvas(canvasTagsOf(app, tagged.byPath), seen, policy, now);
      if (verdict.verdict !== 'logout') return { ...base, verdict: verdict.verdict, detail: verdict.detail, result: 'none' };
      // The live tags of the profile and the domain, read just before acting: a skip or a removed opt-in since the search wins.
      const prefix = tagged.prefix ?? '';
      const profileArn = `${prefix}user-profile/${app.domainId}/${app.userProfileName}`;
      const domainArn = `${prefix}domain/${app.domainId}`;
      const [profileTags, domainTags] = await Promise.all([access.ownTags.readTags(profileArn), access.ownTags.readTags(domainArn)]);
      const live = decideCanvas({ app: canvasTagsOf(app, tagged.byPath).app, profile: profileTags, domain: domainTags }, seen, policy, now);
      if (live.verdict !== 'logout') return { ...base, verdict: live.verdict, detail: live.detail, result: 'none' };
      if (changesNothing) return { ...base, verdict: 'logout', detail: live.detail, result: 'planned' };
      // The record names the profile by ARN and creation time: a profile recreated under the name is not this user.
      const subject = { arn: profileArn, createdAt: await access.studio.profileCreatedAt(app.domainId, app.userProfileName) };
      try {
        await deps.state.write(subject, CANVAS_LOGOUT, {
          [TAGS.loggedOutAt]: now.toISOString(),
          ...(price !== undefined ? { [TAGS.sessionPerHour]: String(price) } : {}),
        });
        try {
          await deps.state.act(
            {
              name: app.userProfileName,
              arn: `${prefix}app/${app.domainId}/${app.userProfileName}/canvas/${app.appName}`,
              kind: 'canvas-app',
              action: 'log out of Canvas (DeleteApp)',
              before: 'InService',
              after: 'Deleted',
              undo: 'the user logs in to Canvas again (a new session starts)',
            },
            () => access.studio.deleteCanvasApp(app),
          );
        } catch (error) {
          // Not logged out: its record would book a saving that never happened. The call's own failure is what the report says.
          await deps.state.clear(subject, CANVAS_LOGOUT).catch((clearError: unknown) =>
            deps.logger.error('The logout record of a session not logged out could not be removed', {
              region,
              profile: profileArn,
              reason: describeFailure(clearError),
            }),
          );
          throw error;
        }
        return { ...base, verdict: 'logout', detail: live.detail, result: 'done' };
      } catch (error) {
        deps.logger.error('Logging out of Canvas failed', {
          region,
          domainId: app.domainId,
          userProfileName: app.userProfileName,
          reason: describeFailure(error),
        });
        return { ...base, verdict: 'logout', detail: live.detail, result: 'failed', error: describeFailure(error) };
      }
    },
    deps.deadline,
  );
  const outcomes = settled.map((outcome, index) =>
    outcome.ok
      ? outcome.value
      : {
          kind: 'canvas' as const,
          region,
          name: `${optedIn[index]?.domainId}/${optedIn[index]?.userProfileName}`,
          verdict: 'unknown',
          detail: `could not be checked: ${describeFailure(outcome.error)}`,
          result: 'none' as const,
        },
  );
  return { outcomes: [...returned, ...outcomes], failures };
}

/**
 * Users the bot logged out who have logged in again (a Canvas app created after the logout): the
 * session price for the hours between is booked, within this month, and the record goes. A profile
 * created after the record's (deleted and recreated under the name) is another user: nothing is
 * booked for it and the stale record goes.
 */
async function bookReturns(
  region: string,
  canvas: readonly CanvasApp[],
  studio: Pick<StudioAccess, 'profileCreatedAt'>,
  deps: StudioResourceDeps,
  now: Date,
  changesNothing: boolean,
  failures: RunFailure[],
): Promise<InteractiveOutcome[]> {
  let records: Awaited<ReturnType<BotState['records']>>;
  try {
    records = await deps.state.records(CANVAS_LOGOUT);
  } catch (error) {
    failures.push({ region, stage: 'state table (Canvas logouts)', reason: describeFailure(error) });
    return [];
  }
  const outcomes: InteractiveOutcome[] = [];
  for (const record of records) {
    if (record.arn.split(':')[3] !== region) continue;
    const [, domainId = '', profile = ''] = /user-profile\/([^/]+)\/(.+)$/.exec(record.arn) ?? [];
    const loggedOutAt = record.values[TAGS.loggedOutAt];
    const back = canvas.find(
      (app) =>
        app.domainId === domainId && app.userProfileName === profile && app.createdAt !== undefined && loggedOutAt !== undefined && app.createdAt > loggedOutAt,
    );
    if (!back || !loggedOutAt || changesNothing) continue;
    const booked = recordedSaving(new Date(loggedOutAt), new Date(back.createdAt as string), record.values[TAGS.sessionPerHour], now, deps.config.timezone);
    try {
      const createdAt = record.createdAt === undefined ? undefined : await studio.profileCreatedAt(domainId, profile);
      const sameProfile = record.createdAt === undefined || createdAt === record.createdAt;
      await deps.state.clear({ arn: record.arn, createdAt: record.createdAt }, CANVAS_LOGOUT);
      if (!sameProfile) {
        outcomes.push({
          kind: 'canvas',
          region,
          name: `${domainId}/${profile}`,
          verdict: 'returned',
          detail: `not booked: the user profile was created again (${createdAt ?? 'creation time unknown'}) after the bot logged its namesake out`,
          result: 'none',
        });
        continue;
      }
      outcomes.push({
        kind: 'canvas',
        region,
        name: `${domainId}/${profile}`,
        verdict: 'returned',
        detail: `logged in again after ${Math.round(booked.hours * 10) / 10} h logged out`,
        result: 'none',
        ...(booked.saved > 0 ? { realized: { action: 'canvas-logout' as const, saved: booked.saved } } : {}),
      });
    } catch (error) {
      failures.push({ region, resource: `${domainId}/${profile}`, stage: 'state table (Canvas logout record)', reason: describeFailure(error) });
    }
  }
  return outcomes;
}

/**
 * The outcomes of a run over named resources: each one's own, none for those it passed over, and
 * for one whose step threw, a failed outcome naming it (the run goes on for the others).
 */
function whatBecameOf(
  settled: ReadonlyArray<Settled<InteractiveOutcome | undefined>>,
  names: readonly string[],
  kind: InteractiveOutcome['kind'],
  region: string,
): InteractiveOutcome[] {
  return settled.flatMap((outcome, index) => {
    if (outcome.ok) return outcome.value ? [outcome.value] : [];
    const reason = describeFailure(outcome.error);
    return [{ kind, region, name: names[index] ?? '?', verdict: 'unknown', detail: reason, result: 'failed' as const, error: reason }];
  });
}

/**
 * Off hours for MLflow: the evening stops opted-in running servers, the morning starts those the
 * bot's own record names. The region's servers are listed by the caller, which prices them first.
 */
async function mlflowOffHours(
  region: string,
  action: 'off-hours-stop' | 'morning-start',
  servers: readonly TrackingServer[],
  access: StudioResourceAccess,
  deps: StudioResourceDeps,
  now: Date,
  changesNothing: boolean,
): Promise<InteractiveOutcome[]> {
  const settled = await mapSettled(
    servers,
    CONCURRENCY,
    async (server): Promise<InteractiveOutcome | undefined> => {
      const base = { kind: 'mlflow' as const, region, name: server.name };
      const subject = { arn: server.arn, createdAt: server.createdAt };
      const tags = await access.ownTags.readTags(server.arn);
      if (action === 'off-hours-stop') {
        const verdict = offHoursStopVerdict(server.status, tags);
        if (verdict.verdict !== 'stop') return verdict.verdict === 'not-opted-in' ? undefined : { ...base, ...verdict, result: 'none' };
        if (changesNothing) return { ...base, ...verdict, result: 'planned' };
        try {
          // The morning start acts on this record only: it is written before the stop.
          // What each hour stopped saves, where the Price List or the admin priced the server's size (the table has no MLflow price).
          const perHour = deps.prices.mlflowPrice(region, server.size)?.pricePerHour;
          await deps.state.write(subject, MLFLOW_OFF_HOURS, {
            [TAGS.offHoursStopped]: 'true',
            [TAGS.stoppedAt]: now.toISOString(),
            ...(perHour !== undefined ? { [TAGS.serverPerHour]: String(perHour) } : {}),
          });
          await deps.state.act(
            {
              name: server.name,
              arn: server.arn,
              kind: 'mlflow-tracking-server',
              action: 'stop for off hours',
              before: server.status,
              after: 'Stopped',
              undo: 'the morning start, or StartMlflowTrackingServer',
            },
            () => access.studio.stopTrackingServer(server.name),
          );
          return { ...base, ...verdict, result: 'done' };
        } catch (error) {
          return { ...base, ...verdict, result: 'failed', error: describeFailure(error) };
        }
      }
      if (server.status !== 'Stopped') return undefined;
      const state = await deps.state.read(subject, MLFLOW_OFF_HOURS);
      if (state.status !== 'verified' || state.values[TAGS.offHoursStopped] !== 'true') {
        // A server its owner stopped stays stopped; a record for an earlier server of the same name is said, not acted on.
        return state.status === 'rejected' ? { ...base, verdict: 'start', detail: `not started: ${state.reason}`, result: 'none' } : undefined;
      }
      if (isSkipped(tags)) return { ...base, verdict: 'skipped', detail: `tagged ${TAGS.skip}`, result: 'none' };
      const detail = 'stopped by the bot for off hours';
      if (changesNothing) return { ...base, verdict: 'start', detail, result: 'planned' };
      try {
        // Started first, the record cleared after: a failed start keeps it and is tried next morning.
        await deps.state.act(
          { name: server.name, arn: server.arn, kind: 'mlflow-tracking-server', action: 'start in the morning', before: 'Stopped', after: 'Created' },
          () => access.studio.startTrackingServer(server.name),
        );
        await deps.state.clear(subject, MLFLOW_OFF_HOURS);
        // Booked as a notebook's off-hours stop: the price recorded at the stop x the hours stopped, within this month.
        const since = state.values[TAGS.stoppedAt];
        const { hours, saved } = since
          ? recordedSaving(new Date(since), now, state.values[TAGS.serverPerHour], now, deps.config.timezone)
          : { hours: 0, saved: 0 };
        const stopped = ` ${Math.round(hours * 10) / 10} h`;
        return {
          ...base,
          verdict: 'start',
          detail: `${detail}${stopped}${saved > 0 ? '' : ' (no MLflow price at the stop, from the Price List or priceOverrides "mlflow.<size>": no saving booked)'}`,
          result: 'done',
          ...(saved > 0 ? { realized: { action: 'mlflow-off-hours' as const, saved } } : {}),
        };
      } catch (error) {
        return { ...base, verdict: 'start', detail, result: 'failed', error: describeFailure(error) };
      }
    },
    deps.deadline,
  );
  return whatBecameOf(
    settled,
    servers.map((server) => server.name),
    'mlflow',
    region,
  );
}

/**
 * The audit's one change: in a domain tagged `ops-bot:idle-shutdown = true` (and not skipped, by its
 * live tags), Studio's own idle shutdown is turned on in its defaults where it is off, what it
 * replaced recorded first. A domain whose owner turned it off again after the bot turned it on is
 * left as the owner set it. Profiles and spaces with their own setting are named, never changed.
 */
async function turnOnStudioIdleShutdown(
  region: string,
  domainIds: readonly string[],
  coverage: readonly IdleCoverage[],
  access: StudioResourceAccess,
  deps: StudioResourceDeps & { readonly config: { readonly studioIdleMinutes: number } },
  changesNothing: boolean,
): Promise<{ outcomes: InteractiveOutcome[]; failures: RunFailure[] }> {
  if (domainIds.length === 0) return { outcomes: [], failures: [] };
  let tagged: StudioTags;
  try {
    tagged = await access.studioTags();
  } catch (error) {
    return {
      outcomes: [],
      failures: [{ region, stage: 'GetResources (Studio opt-in tags)', reason: `${describeFailure(error)}; no idle shutdown was turned on` }],
    };
  }
  const minutes = deps.config.studioIdleMinutes;
  const optedIn = domainIds.filter((id) => {
    const tags = tagged.byPath.get(`domain/${id}`.toLowerCase()) ?? {};
    return isTagTrue(tags, TAGS.idleShutdown) && !isSkipped(tags);
  });
  const settled = await mapSettled(
    optedIn,
    CONCURRENCY,
    async (domainId): Promise<InteractiveOutcome | undefined> => {
      const base = { kind: 'domain' as const, region, name: domainId };
      const arn = `${tagged.prefix ?? ''}domain/${domainId}`;
      const live = await access.ownTags.readTags(arn);
      if (isSkipped(live) || !isTagTrue(live, TAGS.idleShutdown)) return undefined;
      const { changes, replaced } = idleShutdownChanges(await access.studio.readDomainDefaults(domainId), minutes);
      const keys = Object.keys(changes);
      const own = coverage
        .filter((entry) => entry.region === region && entry.domainId === domainId && (entry.level === 'user-profile' || entry.level === 'space'))
        .filter((entry) => entry.jupyterLab === 'DISABLED' || entry.codeEditor === 'DISABLED')
        .map((entry) => `${entry.level === 'space' ? 'space' : 'user profile'} ${entry.name}`);
      const named = own.length > 0 ? `; left as they are (their own setting is off): ${own.join(', ')}` : '';
      if (keys.length === 0)
        return own.length > 0 ? { ...base, verdict: 'on', detail: `idle shutdown is on in its defaults${named}`, result: 'none' } : undefined;
      const subject = { arn, createdAt: undefined };
      const earlier = await deps.state.read(subject, STUDIO_IDLE);
      if (earlier.status === 'verified')
        return {
          ...base,
          verdict: 'owner-off',
          detail: `idle shutdown was turned off again after the bot turned it on: left as its owner set it (${describeDefaults(keys)})`,
          result: 'none',
        };
      const detail = `idle shutdown after ${minutes} min in ${describeDefaults(keys)}${named}`;
      if (changesNothing) return { ...base, verdict: 'on', detail, result: 'planned' };
      try {
        await deps.state.write(subject, STUDIO_IDLE, { [TAGS.replacedIdleSettings]: JSON.stringify(replaced) });
        await deps.state.act(
          {
            name: domainId,
            arn,
            kind: 'studio-domain',
            action: 'turn on idle shutdown (UpdateDomain)',
            before: JSON.stringify(replaced),
            after: `ENABLED, ${minutes} min`,
            undo: 'update-domain with the settings in "before" (the state table keeps them)',
          },
          () => access.studio.updateDomainDefaults(domainId, changes),
        );
        return { ...base, verdict: 'on', detail, result: 'done' };
      } catch (error) {
        return { ...base, verdict: 'on', detail, result: 'failed', error: describeFailure(error) };
      }
    },
    deps.deadline,
  );
  const outcomes = whatBecameOf(settled, optedIn, 'domain', region);
  return { outcomes, failures: [] };
}

export { canvasCheck, mlflowOffHours, turnOnStudioIdleShutdown, studioTagSearch, isCanvas, CANVAS_NAMESPACE };
export type { InteractiveOutcome, StudioResourceAccess, StudioResourceDeps };
