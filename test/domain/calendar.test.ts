import { describe, expect, it } from 'vitest';
import {
  formatLocalDateTime,
  localDate,
  nextWeeklyOccurrence,
  nextWorkingDayAt,
  parseLocalDateTime,
  parseWeeklyTime,
  zonedToInstant,
} from '@ops-bot/shared/domain/calendar';

const BERLIN = 'Europe/Berlin';

describe('Function: zonedToInstant', () => {
  it.each([
    { local: '2026-01-09T18:00:00', zone: BERLIN, utc: '2026-01-09T17:00:00.000Z' },
    { local: '2026-07-10T18:00:00', zone: BERLIN, utc: '2026-07-10T16:00:00.000Z' },
    { local: '2026-07-10T18:00:00', zone: 'America/New_York', utc: '2026-07-10T22:00:00.000Z' },
    { local: '2026-11-20T18:00:00', zone: 'UTC', utc: '2026-11-20T18:00:00.000Z' },
    // 02:30 does not exist on 2026-03-29 in Berlin (clocks jump 02:00 → 03:00): it lands after the gap.
    { local: '2026-03-29T02:30:00', zone: BERLIN, utc: '2026-03-29T01:30:00.000Z' },
    // 02:30 happens twice on 2026-10-25 in Berlin: the first (summer time) is taken.
    { local: '2026-10-25T02:30:00', zone: BERLIN, utc: '2026-10-25T00:30:00.000Z' },
  ])('reads $local in $zone as $utc', ({ local, zone, utc }) => {
    expect(zonedToInstant(parseLocalDateTime(local)!, zone).toISOString()).toBe(utc);
  });
});

describe('Function: nextWeeklyOccurrence', () => {
  it('finds Monday 07:00 Berlin across the autumn DST change (a 62-hour weekend)', () => {
    // Prepare: Friday 2026-10-23 18:00 CEST = 16:00Z
    const friday = new Date('2026-10-23T16:00:00Z');

    // Act
    const monday = nextWeeklyOccurrence(friday, parseWeeklyTime('MON 07:00')!, BERLIN);

    // Assess: Monday 2026-10-26 07:00 CET = 06:00Z
    expect(monday.toISOString()).toBe('2026-10-26T06:00:00.000Z');
    expect((monday.getTime() - friday.getTime()) / 3_600_000).toBe(62);
  });

  it('finds the same weekday a week later when the time has just passed', () => {
    const justAfter = new Date('2026-11-23T06:00:01Z'); // Monday 07:00:01 Berlin
    expect(nextWeeklyOccurrence(justAfter, parseWeeklyTime('MON 07:00')!, BERLIN).toISOString()).toBe('2026-11-30T06:00:00.000Z');
  });
});

describe('Function: nextWorkingDayAt', () => {
  it('skips weekends and holidays', () => {
    // Prepare: Monday 2026-12-28 is a holiday, as is Tuesday 29th.
    const holidayMonday = new Date('2026-12-28T06:00:00Z');

    // Act
    const next = nextWorkingDayAt(holidayMonday, 7, 0, BERLIN, new Set(['2026-12-28', '2026-12-29']));

    // Assess
    expect(formatLocalDateTime(next)).toBe('2026-12-30T07:00:00');
  });

  it('goes from Friday to Monday', () => {
    expect(formatLocalDateTime(nextWorkingDayAt(new Date('2026-11-20T12:00:00Z'), 7, 0, 'UTC', new Set()))).toBe('2026-11-23T07:00:00');
  });
});

describe('Function: parseLocalDateTime', () => {
  it.each(['2026-02-30T07:00:00', '2026-12-28 07:00', '2026-12-28T24:00', '2026-12-28T07:00:00Z', 'tomorrow'])('rejects %s', (text) => {
    expect(parseLocalDateTime(text)).toBeUndefined();
  });

  it('accepts minutes-only precision', () => {
    expect(parseLocalDateTime('2026-12-28T07:00')).toEqual({ year: 2026, month: 12, day: 28, hour: 7, minute: 0, second: 0 });
  });
});

describe('Function: localDate', () => {
  it('gives the date in the zone, not in UTC', () => {
    expect(localDate(new Date('2026-11-20T23:30:00Z'), BERLIN)).toBe('2026-11-21');
  });
});
