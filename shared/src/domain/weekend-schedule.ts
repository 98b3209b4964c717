/**
 * When a weekend scale-down is undone: the weekly restore, an ad hoc `until`, or (on a holiday) the
 * next working day. Pure: the instants are computed once, here, and travel as instants; the local
 * text is only for schedule names and reports.
 */
import { InvalidEventError } from '../errors.ts';
import {
  formatLocalDateTime,
  localDate,
  nextWeeklyOccurrence,
  nextWorkingDayAt,
  parseLocalDateTime,
  WEEKDAYS,
  zonedParts,
  zonedToInstant,
  type WeeklyTime,
} from './calendar.ts';
import { WEEKEND_FUNCTION_TIMEOUT_MINUTES } from './weekend-scaling.ts';
import { DAY_MS, MINUTE_MS } from './units.ts';

interface RestoreRules {
  readonly timezone: string;
  readonly weekendRestoreAt: WeeklyTime;
  readonly holidays: ReadonlySet<string>;
  readonly maxScaleDownDays: number;
}

/** A restore instant and its local date-time in the configured zone (`2026-12-28T07:00:00`). */
interface RestoreTime {
  readonly instant: Date;
  readonly local: string;
}

/** An ad hoc `until` must leave the scale-down time to finish: the function timeout and a margin. */
const MIN_UNTIL_LEAD_MS = (WEEKEND_FUNCTION_TIMEOUT_MINUTES + 5) * MINUTE_MS;

/**
 * Every rule `until` must meet, in one place: a local date-time, far enough ahead for the
 * scale-down to finish first, within the maximum, and a working day.
 */
function checkUntil(until: string, now: Date, rules: Omit<RestoreRules, 'weekendRestoreAt'>): RestoreTime {
  const parsed = parseLocalDateTime(until);
  if (!parsed) throw new InvalidEventError('until', `must be a local date-time like "2026-12-28T07:00:00" (read in ${rules.timezone}), got "${until}"`);
  const instant = zonedToInstant(parsed, rules.timezone);
  const ahead = instant.getTime() - now.getTime();
  if (ahead <= 0) throw new InvalidEventError('until', `is in the past (${until} ${rules.timezone})`);
  if (ahead < MIN_UNTIL_LEAD_MS) {
    throw new InvalidEventError('until', `is less than ${MIN_UNTIL_LEAD_MS / MINUTE_MS} minutes away: the scale-down must finish before its restore`);
  }
  if (ahead > rules.maxScaleDownDays * DAY_MS) throw new InvalidEventError('until', `is more than ${rules.maxScaleDownDays} days away (MAX_SCALE_DOWN_DAYS)`);
  const local = formatLocalDateTime(parsed);
  const day = local.slice(0, 10);
  if (rules.holidays.has(day)) throw new InvalidEventError('until', `falls on ${day}, a configured holiday: pick a working day`);
  return { instant, local };
}

/** The next weekly restore after `now`. */
function weeklyRestore(now: Date, rules: Pick<RestoreRules, 'timezone' | 'weekendRestoreAt'>): RestoreTime & { readonly how: string } {
  const instant = nextWeeklyOccurrence(now, rules.weekendRestoreAt, rules.timezone);
  return { instant, local: formatLocalDateTime(zonedParts(instant, rules.timezone)), how: `the weekly ${WEEKDAYS[rules.weekendRestoreAt.weekday]} restore` };
}

/** On a holiday the restore moves to the next working day at the weekly restore's time; otherwise undefined. */
function holidayDeferral(now: Date, rules: Omit<RestoreRules, 'maxScaleDownDays'>): { readonly holiday: string; readonly to: RestoreTime } | undefined {
  const today = localDate(now, rules.timezone);
  if (!rules.holidays.has(today)) return undefined;
  const local = nextWorkingDayAt(now, rules.weekendRestoreAt.hour, rules.weekendRestoreAt.minute, rules.timezone, rules.holidays);
  return { holiday: today, to: { instant: zonedToInstant(local, rules.timezone), local: formatLocalDateTime(local) } };
}

/** Schedule names carry the local time they run at, so asking twice makes one schedule. */
function restoreScheduleName(localAt: string): string {
  return `ops-bot-restore-${localAt.replace(/[^0-9]/g, '').slice(0, 12)}`;
}

export { MIN_UNTIL_LEAD_MS, checkUntil, weeklyRestore, holidayDeferral, restoreScheduleName };
export type { RestoreRules, RestoreTime };
