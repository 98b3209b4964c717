/**
 * When a Canvas user is logged out. A Canvas session bills for its workspace instance while the
 * user is logged in (`REGION-Canvas:Session-Hrs`), and closing the browser does not log out; there
 * is no idle setting. AWS's guidance ("Logging out of Amazon SageMaker Canvas" and its sample) reads
 * Canvas's own activity metric, `TimeSinceLastActive` in `/aws/sagemaker/Canvas/AppActivity`
 * (dimensions `DomainId` and `UserProfileName`; seconds since the user was last active), and deletes
 * the Canvas app past a threshold. Pure.
 *
 * The rules, each on the side of doing less:
 * - `ops-bot:skip` on the app, its user profile or its domain wins;
 * - only where the user profile or its domain is tagged `ops-bot:idle-shutdown = true`;
 * - the newest datapoint decides: a user who came back is active, whatever older points said;
 * - no datapoint in the recent window, or one that is not a duration, is an unknown signal: never
 *   delete then (a metric that stopped is not a user who left).
 */
import { isSkipped, isTagTrue, TAGS, type Tags } from './tags.ts';

interface CanvasApp {
  readonly region: string;
  readonly domainId: string;
  /** Unique within its domain only: always named with the domain. */
  readonly userProfileName: string;
  readonly appName: string;
  readonly createdAt?: string | undefined;
}

/** The ops-bot tags found on the app, its user profile and its domain. */
interface CanvasTags {
  readonly app: Tags;
  readonly profile: Tags;
  readonly domain: Tags;
}

/** The newest `TimeSinceLastActive` datapoint read, or why none could be. */
type CanvasActivity =
  | { readonly status: 'read'; readonly newest?: { readonly at: string; readonly seconds: number } | undefined }
  | { readonly status: 'unknown'; readonly reason: string };

interface CanvasPolicy {
  readonly idleMinutes: number;
  /** How old the newest datapoint may be and still speak for now. */
  readonly recentMinutes: number;
}

type CanvasVerdict =
  | { readonly verdict: 'skipped'; readonly detail: string }
  | { readonly verdict: 'not-opted-in'; readonly detail: string }
  | { readonly verdict: 'unknown'; readonly detail: string }
  | { readonly verdict: 'active'; readonly detail: string; readonly idleMinutes: number }
  | { readonly verdict: 'logout'; readonly detail: string; readonly idleMinutes: number };

/** A year: a longer "time since last active" is not a reading of a running session. */
const MAX_PLAUSIBLE_SECONDS = 366 * 24 * 3600;

function decideCanvas(tags: CanvasTags, activity: CanvasActivity, policy: CanvasPolicy, now: Date): CanvasVerdict {
  const skippedBy = isSkipped(tags.app) ? 'app' : isSkipped(tags.profile) ? 'user profile' : isSkipped(tags.domain) ? 'domain' : undefined;
  if (skippedBy) return { verdict: 'skipped', detail: `its ${skippedBy} is tagged ${TAGS.skip}` };
  if (!isTagTrue(tags.profile, TAGS.idleShutdown) && !isTagTrue(tags.domain, TAGS.idleShutdown))
    return { verdict: 'not-opted-in', detail: `neither its user profile nor its domain is tagged ${TAGS.idleShutdown} = true` };
  if (activity.status === 'unknown') return { verdict: 'unknown', detail: `activity unknown: ${activity.reason}` };
  const newest = activity.newest;
  const age = newest ? (now.getTime() - Date.parse(newest.at)) / 60_000 : Number.NaN;
  if (!newest || !Number.isFinite(age) || age < -5 || age > policy.recentMinutes)
    return { verdict: 'unknown', detail: `no TimeSinceLastActive datapoint in the last ${policy.recentMinutes} min` };
  if (!Number.isFinite(newest.seconds) || newest.seconds < 0 || newest.seconds > MAX_PLAUSIBLE_SECONDS)
    return { verdict: 'unknown', detail: `TimeSinceLastActive ${newest.seconds} is not a duration it can read` };
  const idleMinutes = Math.floor(newest.seconds / 60);
  if (idleMinutes < policy.idleMinutes) return { verdict: 'active', detail: `active ${idleMinutes} min ago`, idleMinutes };
  return { verdict: 'logout', detail: `inactive for ${idleMinutes} min (threshold ${policy.idleMinutes})`, idleMinutes };
}

/** The newest datapoint of a series: the one that decides. */
function newestPoint(points: ReadonlyArray<{ readonly at: string; readonly value: number }>): { at: string; seconds: number } | undefined {
  let newest: { at: string; seconds: number } | undefined;
  for (const point of points) if (!newest || Date.parse(point.at) > Date.parse(newest.at)) newest = { at: point.at, seconds: point.value };
  return newest;
}

export { decideCanvas, newestPoint, MAX_PLAUSIBLE_SECONDS };
export type { CanvasApp, CanvasTags, CanvasActivity, CanvasPolicy, CanvasVerdict };
