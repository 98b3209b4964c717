/**
 * Wall-clock time in an IANA zone, without a date library: local ↔ instant conversion, the next
 * weekly occurrence, working days and holidays. DST is handled the way EventBridge Scheduler
 * handles it: a local time is converted with the offset in force at that moment.
 */

interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

interface ZonedParts extends LocalDateTime {
  /** 0 = Sunday … 6 = Saturday, as Date#getUTCDay. */
  readonly weekday: number;
}

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
type WeekdayName = (typeof WEEKDAYS)[number];

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(String(parts.weekday).toUpperCase() as WeekdayName),
  };
}

function offsetMsAt(epochMs: number, timeZone: string): number {
  const local = zonedParts(new Date(epochMs), timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant a local wall-clock time names in `timeZone`, resolved as Temporal's "compatible"
 * mode does: a time repeated by DST takes its first (earlier) occurrence; a time skipped by DST
 * moves forward by the length of the gap.
 */
function zonedToInstant(local: LocalDateTime, timeZone: string): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  const DAY_MS = 86_400_000;
  const offsetBefore = offsetMsAt(wall - DAY_MS, timeZone);
  const offsetAfter = offsetMsAt(wall + DAY_MS, timeZone);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter((instant) => offsetMsAt(instant, timeZone) === wall - instant);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  return new Date(wall - offsetBefore);
}

/** `YYYY-MM-DD` of the instant in the zone. */
function localDate(instant: Date, timeZone: string): string {
  const { year, month, day } = zonedParts(instant, timeZone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `YYYY-MM-DDTHH:mm:ss`, the form Scheduler's `at(...)` takes. */
function formatLocalDateTime(local: LocalDateTime): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${local.year}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}`;
}

/** Parses `YYYY-MM-DDTHH:mm[:ss]` (no offset: it is read in the configured zone); undefined if invalid. */
function parseLocalDateTime(text: string): LocalDateTime | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid = check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return valid ? { year, month, day, hour, minute, second } : undefined;
}

function addLocalDays(local: LocalDateTime, days: number): LocalDateTime {
  const shifted = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return { ...local, year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function weekdayOf(local: LocalDateTime): number {
  return new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();
}

function dateKey(local: LocalDateTime): string {
  return formatLocalDateTime(local).slice(0, 10);
}

interface WeeklyTime {
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
}

/** The first instant strictly after `after` at the weekly local time. */
function nextWeeklyOccurrence(after: Date, weekly: WeeklyTime, timeZone: string): Date {
  const today = zonedParts(after, timeZone);
  for (let offset = 0; offset <= 8; offset++) {
    const day = addLocalDays({ ...today, hour: weekly.hour, minute: weekly.minute, second: 0 }, offset);
    if (weekdayOf(day) !== weekly.weekday) continue;
    const instant = zonedToInstant(day, timeZone);
    if (instant.getTime() > after.getTime()) return instant;
  }
  throw new Error('unreachable: a weekday recurs within 8 days');
}

function isWorkingDay(local: LocalDateTime, holidays: ReadonlySet<string>): boolean {
  const weekday = weekdayOf(local);
  return weekday >= 1 && weekday <= 5 && !holidays.has(dateKey(local));
}

/** The local date-time of the next working day (Mon–Fri, not a holiday) after `from`'s local date, at hour:minute. */
function nextWorkingDayAt(from: Date, hour: number, minute: number, timeZone: string, holidays: ReadonlySet<string>): LocalDateTime {
  const today = zonedParts(from, timeZone);
  for (let offset = 1; offset <= 366; offset++) {
    const day = addLocalDays({ ...today, hour, minute, second: 0 }, offset);
    if (isWorkingDay(day, holidays)) return day;
  }
  throw new Error('no working day within a year: check HOLIDAYS');
}

/** Local midnight `daysBack` days before the local day of `instant` (0 = today's midnight). */
function startOfLocalDay(instant: Date, timeZone: string, daysBack = 0): Date {
  const today = zonedParts(instant, timeZone);
  return zonedToInstant(addLocalDays({ ...today, hour: 0, minute: 0, second: 0 }, -daysBack), timeZone);
}

/** `MON 07:00` → weekly time; undefined if malformed. */
function parseWeeklyTime(text: string): WeeklyTime | undefined {
  const match = /^(SUN|MON|TUE|WED|THU|FRI|SAT) ([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim().toUpperCase());
  if (!match) return undefined;
  return { weekday: WEEKDAYS.indexOf(match[1] as WeekdayName), hour: Number(match[2]), minute: Number(match[3]) };
}

function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    // Intl answers an unknown zone with a RangeError and nothing else; callers report the name.
    return false;
  }
}

export {
  WEEKDAYS,
  zonedParts,
  zonedToInstant,
  localDate,
  formatLocalDateTime,
  parseLocalDateTime,
  nextWeeklyOccurrence,
  nextWorkingDayAt,
  isWorkingDay,
  parseWeeklyTime,
  isValidTimeZone,
  dateKey,
  startOfLocalDay,
};
export type { LocalDateTime, ZonedParts, WeeklyTime };
