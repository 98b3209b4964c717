/**
 * MLflow tracking servers: which bill, and which the off-hours schedule may stop or start. A server
 * bills by the hour in every status but stopped, failed to create or start, or being deleted
 * (SageMaker API Reference, TrackingServerStatus). A server that failed to stop still runs: it
 * bills, the harsher reading. Pure.
 */
import { isSkipped, isTagTrue, TAGS, type Tags } from './tags.ts';

const NOT_BILLING: ReadonlySet<string> = new Set(['Stopped', 'CreateFailed', 'StartFailed', 'Deleting']);
/** Statuses a stop can be asked in: running and not in the middle of something else. */
const STOPPABLE: ReadonlySet<string> = new Set(['Created', 'Started', 'Updated', 'MaintenanceComplete']);

function billsByTheHour(status: string): boolean {
  return !NOT_BILLING.has(status);
}

type OffHoursVerdict =
  | { readonly verdict: 'skipped' | 'not-opted-in' | 'stopped' | 'busy'; readonly detail: string }
  | { readonly verdict: 'stop' | 'start'; readonly detail: string };

/** In the evening: stop a running server its owner tagged `ops-bot:off-hours = true`, never one tagged skip. */
function offHoursStopVerdict(status: string, tags: Tags): OffHoursVerdict {
  if (isSkipped(tags)) return { verdict: 'skipped', detail: `tagged ${TAGS.skip}` };
  if (!isTagTrue(tags, TAGS.offHours)) return { verdict: 'not-opted-in', detail: `not tagged ${TAGS.offHours} = true` };
  if (status === 'Stopped') return { verdict: 'stopped', detail: 'already stopped' };
  if (!STOPPABLE.has(status)) return { verdict: 'busy', detail: `${status}: left alone until it settles` };
  return { verdict: 'stop', detail: 'off hours' };
}

export { billsByTheHour, offHoursStopVerdict };
export type { OffHoursVerdict };
