/**
 * The savings ledger: what the bot's actions saved in a month, from facts it already records. Every
 * figure says how it was obtained:
 * - `measured`: from the resource's own state or the bot's own records of when a cost stopped and
 *   started again (a notebook's stop and restart, an endpoint deleted and recreated);
 * - `estimated`: from a price and a planned duration (a weekend scale-down, until its restore).
 * Pure: readings in, the month's ledger out.
 */
import { localDate, zonedParts, zonedToInstant } from './calendar.ts';
import { HOUR_MS, roundCents } from './units.ts';

/** What the bot did that saved money, as the `Action` dimension of the `Savings` metric names it. */
const SAVINGS_ACTIONS = {
  // Estimated at the scale-down; the restore corrects it to what the per-instance metrics measured, where they exist.
  'weekend-scale-down': { job: 'weekend-scaling', what: 'scaled to 0 for the weekend', basis: 'estimated' },
  'idle-notebook-stop': { job: 'idle-notebooks', what: 'stopped while idle', basis: 'measured' },
  'off-hours-stop': { job: 'idle-notebooks', what: 'stopped for off hours', basis: 'measured' },
  'idle-delete': { job: 'idle-endpoints', what: 'deleted after staying idle (ops-bot:idle-action)', basis: 'measured' },
  'idle-scale-to-zero': { job: 'idle-endpoints', what: 'scaled to 0 after staying idle (ops-bot:idle-action)', basis: 'measured' },
  'after-alert': { job: 'idle-endpoints', what: 'deleted or scaled to 0 by its owner after an idle alert', basis: 'measured' },
  // Booked when the user logs in again: the session price for the hours between.
  'canvas-logout': { job: 'idle-notebooks', what: 'Canvas session logged out while idle', basis: 'measured' },
  // Booked at the morning start: the server's price for the hours it was stopped.
  'mlflow-off-hours': { job: 'idle-notebooks', what: 'MLflow tracking server stopped for off hours', basis: 'measured' },
} as const;
type SavingsAction = keyof typeof SAVINGS_ACTIONS;
const SAVINGS_ACTION_NAMES = Object.keys(SAVINGS_ACTIONS) as SavingsAction[];

/** A calendar month in the configured zone: [start, end). */
interface Month {
  /** `2026-11` */
  readonly label: string;
  readonly start: Date;
  readonly end: Date;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function parseMonth(label: string, timezone: string): Month | undefined {
  const match = MONTH.exec(label);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return {
    label,
    start: zonedToInstant({ year, month, day: 1, hour: 0, minute: 0, second: 0 }, timezone),
    end: zonedToInstant({ ...next, day: 1, hour: 0, minute: 0, second: 0 }, timezone),
  };
}

/** The month before the one `now` falls in, in the zone: what the report on the 1st covers. */
function lastMonth(now: Date, timezone: string): Month {
  const { year, month } = zonedParts(now, timezone);
  const previous = month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
  return parseMonth(`${previous.year}-${String(previous.month).padStart(2, '0')}`, timezone) as Month;
}

function monthBefore(month: Month, timezone: string): Month {
  return lastMonth(new Date(month.start.getTime() + HOUR_MS), timezone);
}

/** The month `now` falls in. */
function monthOf(now: Date, timezone: string): Month {
  return parseMonth(localDate(now, timezone).slice(0, 7), timezone) as Month;
}

/** Hours of [from, to) inside [window.start, window.end). */
function hoursWithin(from: Date, to: Date, window: { readonly start: Date; readonly end: Date }): number {
  const start = Math.max(from.getTime(), window.start.getTime());
  const end = Math.min(to.getTime(), window.end.getTime());
  return Math.max(0, end - start) / HOUR_MS;
}

/** The instant a `last-action` tag records (`stopped: idle 75 min at 2026-11-20T09:00Z`). */
function stoppedAt(lastAction: string | undefined): Date | undefined {
  const match = /^stopped: .* at (\d{4}-\d\d-\d\dT\d\d:\d\dZ)$/.exec(lastAction ?? '');
  return match ? new Date(match[1] as string) : undefined;
}

interface NotebookState {
  readonly region: string;
  readonly name: string;
  readonly instanceType: string;
  /** NotebookInstanceStatus now. */
  readonly status: string;
  readonly lastModifiedAt: string;
  readonly lastAction?: string | undefined;
  /** True when the last stop was the off-hours one. */
  readonly offHours: boolean;
}

/**
 * The bot's latest stop of a notebook, as its state shows it: from the stop in `last-action` until
 * it was started again (a notebook in service that changed after the stop: its LastModifiedTime),
 * or until `until` while it is still stopped. Undefined when the bot's last stop is not the state
 * it is in (it was started and stopped by someone else since).
 */
function latestStop(notebook: NotebookState, until: Date): { readonly from: Date; readonly to: Date; readonly stillStopped: boolean } | undefined {
  const from = stoppedAt(notebook.lastAction);
  if (!from) return undefined;
  const modified = new Date(notebook.lastModifiedAt);
  if (notebook.status === 'Stopped') {
    // Stopped since the bot's stop: stopping takes minutes, so LastModifiedTime trails the stop a
    // little; a later change means someone started and stopped it again.
    return modified.getTime() <= from.getTime() + 15 * 60_000 ? { from, to: until, stillStopped: true } : undefined;
  }
  return modified.getTime() > from.getTime() ? { from, to: modified, stillStopped: false } : undefined;
}

/**
 * The bot's previous stop of a notebook it is about to stop again: from that stop until the
 * notebook was started again (its LastModifiedTime, as it is in service now), counted only within
 * the current month. Earlier months' reports already counted their part from the state they saw.
 */
/**
 * What a stop the bot recorded saved, booked now: the hours from `from` to `to` that fall in this
 * month so far, at the $/hour recorded at the stop (a tag-shaped string). A price that is not a
 * positive number books nothing.
 */
function recordedSaving(
  from: Date,
  to: Date,
  recordedPerHour: string | undefined,
  now: Date,
  timezone: string,
): { readonly hours: number; readonly saved: number } {
  const hours = hoursWithin(from, to, { start: monthOf(now, timezone).start, end: now });
  const perHour = Number(recordedPerHour);
  return { hours, saved: Number.isFinite(perHour) && perHour > 0 ? roundCents(hours * perHour) : 0 };
}

function realizedStop(
  notebook: { readonly lastAction?: string | undefined; readonly lastModifiedAt: string },
  now: Date,
  timezone: string,
  pricePerHour: number | undefined,
): { readonly action: SavingsAction; readonly saved: number } | undefined {
  const stop = latestStop({ ...notebook, region: '', name: '', instanceType: '', status: 'InService', offHours: false }, now);
  if (!stop || pricePerHour === undefined) return undefined;
  const saved = hoursWithin(stop.from, stop.to, { start: monthOf(now, timezone).start, end: now }) * pricePerHour;
  return saved > 0 ? { action: /^stopped: off hours/.test(notebook.lastAction ?? '') ? 'off-hours-stop' : 'idle-notebook-stop', saved } : undefined;
}

/** An endpoint the idle alert reported (or last found gone), and what it cost per day then. */
interface RememberedAlert {
  readonly region: string;
  readonly name: string;
  readonly perDay: number;
}

/**
 * Endpoints reported idle that are gone since (deleted, out of service, or at 0 instances) by their
 * owner's hand: their reported cost per day counts, marked "after an alert". An endpoint back in
 * service with instances, one still idle and costing, one in a region that could not be read, and
 * one the bot itself acted on (`actedOn`, names lower-cased) never count.
 */
function goneAfterAlert(input: {
  readonly remembered: readonly RememberedAlert[];
  readonly inService: ReadonlyArray<{ readonly region: string; readonly name: string }>;
  readonly stillIdle: ReadonlyArray<{ readonly region: string; readonly name: string }>;
  readonly atZeroInstances: ReadonlyArray<{ readonly region: string; readonly name: string }>;
  readonly unreadRegions: ReadonlySet<string>;
  readonly actedOn: ReadonlySet<string>;
}): RememberedAlert[] {
  const key = (entry: { region: string; name: string }) => `${entry.region}/${entry.name.toLowerCase()}`;
  const running = new Set(input.inService.map(key));
  const idle = new Set(input.stillIdle.map(key));
  const zero = new Set(input.atZeroInstances.map(key));
  const seen = new Set<string>();
  return input.remembered.filter((alert) => {
    const id = key(alert);
    if (seen.has(id)) return false;
    seen.add(id);
    if (input.unreadRegions.has(alert.region) || idle.has(id) || input.actedOn.has(id) || !(alert.perDay > 0)) return false;
    return !running.has(id) || zero.has(id);
  });
}

/**
 * What a weekend really saved on one endpoint, measured from its per-instance series (one series
 * per instance, SampleCount per hour): the instances that ran in the hour before the scale-down,
 * over the whole window, less the instance-hours that still ran in it (a scale-in takes a while; a
 * scale-out may start before the restore). Undefined when the series show no instance before.
 */
function measuredWeekendSaving(input: {
  readonly perInstance: ReadonlyArray<ReadonlyArray<{ readonly at: string; readonly value: number }>>;
  readonly scaledDownAt: Date;
  readonly restoredAt: Date;
  readonly publishSeconds: number;
  readonly pricePerHour: number;
}): { readonly saved: number; readonly instancesBefore: number; readonly ranInstanceHours: number } | undefined {
  const before = input.scaledDownAt.getTime() - HOUR_MS;
  const instancesBefore = input.perInstance.filter((points) =>
    points.some((point) => Date.parse(point.at) >= before && Date.parse(point.at) < input.scaledDownAt.getTime() && point.value > 0),
  ).length;
  if (instancesBefore === 0) return undefined;
  const windowStart = Math.floor(input.scaledDownAt.getTime() / HOUR_MS) * HOUR_MS;
  const samples = input.perInstance.flat().filter((point) => Date.parse(point.at) >= windowStart && Date.parse(point.at) < input.restoredAt.getTime());
  const ranInstanceHours = samples.reduce((sum, point) => sum + (point.value * input.publishSeconds) / 3600, 0);
  const windowHours = (input.restoredAt.getTime() - input.scaledDownAt.getTime()) / HOUR_MS;
  return { saved: Math.max(0, instancesBefore * windowHours - ranInstanceHours) * input.pricePerHour, instancesBefore, ranInstanceHours };
}

/** One line of the ledger: a resource, what was done, what it saved in the month, and how that was obtained. */
interface LedgerEntry {
  readonly job: string;
  readonly action: SavingsAction;
  readonly region: string;
  readonly resource: string;
  readonly saved: number;
  readonly basis: 'measured' | 'estimated';
  readonly how: string;
}

interface Ledger {
  readonly month: string;
  readonly total: number;
  readonly previousTotal: number;
  readonly byJob: ReadonlyArray<{ readonly job: string; readonly saved: number }>;
  readonly byAction: ReadonlyArray<{ readonly action: SavingsAction; readonly saved: number; readonly basis: 'measured' | 'estimated' }>;
  /** Largest first, at most ten. */
  readonly top: readonly LedgerEntry[];
  readonly notes: readonly string[];
}

/**
 * The month's ledger. `recorded` are the sums of the `Savings` metric per action (every action
 * records what it saved when it is known), `entries` the per-resource lines (metrics and state),
 * `previous` last month's recorded sums.
 */
function buildLedger(input: {
  readonly month: Month;
  readonly recorded: ReadonlyMap<SavingsAction, number>;
  readonly fromState: readonly LedgerEntry[];
  readonly perResource: readonly LedgerEntry[];
  readonly previous: ReadonlyMap<SavingsAction, number>;
  readonly notes: readonly string[];
}): Ledger {
  const byAction = new Map<SavingsAction, number>();
  for (const [action, saved] of input.recorded) byAction.set(action, (byAction.get(action) ?? 0) + saved);
  for (const entry of input.fromState) byAction.set(entry.action, (byAction.get(entry.action) ?? 0) + entry.saved);
  const actions = [...byAction.entries()]
    .filter(([, saved]) => saved > 0)
    .map(([action, saved]) => ({ action, saved: roundCents(saved), basis: SAVINGS_ACTIONS[action].basis }))
    .sort((a, b) => b.saved - a.saved);
  const jobs = new Map<string, number>();
  for (const { action, saved } of actions) jobs.set(SAVINGS_ACTIONS[action].job, (jobs.get(SAVINGS_ACTIONS[action].job) ?? 0) + saved);
  const total = roundCents(actions.reduce((sum, entry) => sum + entry.saved, 0));
  const previousTotal = roundCents([...input.previous.values()].reduce((sum, saved) => sum + saved, 0));
  const top = mergeByResource([...input.perResource, ...input.fromState])
    .filter((entry) => entry.saved > 0)
    .sort((a, b) => b.saved - a.saved)
    .slice(0, 10);
  return {
    month: input.month.label,
    total,
    previousTotal,
    byJob: [...jobs.entries()].map(([job, saved]) => ({ job, saved: roundCents(saved) })).sort((a, b) => b.saved - a.saved),
    byAction: actions,
    top,
    notes: input.notes,
  };
}

/** One line per resource and action: a notebook stopped four times is one line with the four added. */
function mergeByResource(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const merged = new Map<string, LedgerEntry>();
  for (const entry of entries) {
    const key = `${entry.action}/${entry.region}/${entry.resource}`;
    const known = merged.get(key);
    merged.set(key, known ? { ...known, saved: roundCents(known.saved + entry.saved) } : { ...entry, saved: roundCents(entry.saved) });
  }
  return [...merged.values()];
}

export {
  SAVINGS_ACTIONS,
  SAVINGS_ACTION_NAMES,
  parseMonth,
  lastMonth,
  monthBefore,
  monthOf,
  hoursWithin,
  recordedSaving,
  stoppedAt,
  latestStop,
  realizedStop,
  goneAfterAlert,
  measuredWeekendSaving,
  buildLedger,
};
export type { SavingsAction, Month, NotebookState, LedgerEntry, Ledger, RememberedAlert };
