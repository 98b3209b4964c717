/**
 * The one place that reads the wall clock. Everything else takes its time as a parameter (a run's
 * clock, a test's pinned `now`), so a suite that passes today passes on any later day too; the lint
 * rule `no-restricted-syntax` in eslint.config.mjs keeps `Date.now` and `new Date()` out of every
 * other file.
 */

/** The wall clock: the clock of a live run. */
const wallClock = (): Date => new Date();

/** Milliseconds on the wall clock, for the few stamps that must be comparable across runs. */
const wallClockMs = (): number => Date.now();

/**
 * Milliseconds on a monotonic clock: what deadlines and waits measure elapsed time with. It never
 * jumps with the wall clock, and a test that pins the date (fake `Date`) does not stop it.
 */
const elapsedMs = (): number => performance.now();

export { wallClock, wallClockMs, elapsedMs };
