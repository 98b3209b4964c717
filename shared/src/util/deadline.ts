/**
 * A run's deadline. Lambda stops a function at its timeout with no report at all, so every run
 * stops starting new work while there is still time to render and publish what it did, and says
 * what it did not cover ("not checked: out of time"). Made from the Lambda context's
 * getRemainingTimeInMillis() at the start of each invocation.
 */

import { elapsedMs } from './clock.ts';

/** Time kept back for finishing: the work in flight (bounded by the client timeouts) and the publish. */
const FINISH_RESERVE_MS = 30_000;

interface Deadline {
  /** True once new work would risk the report: stop starting things. */
  readonly passed: () => boolean;
  /** Settles `afterMs` after the deadline (never, without one): what work in flight is raced against. */
  readonly whenPassed: (afterMs?: number) => Promise<void>;
  /** Milliseconds until the deadline (Infinity without one). */
  readonly remainingMs: () => number;
}

/** No Lambda timeout (tests, the CLI): never passes. */
const NO_DEADLINE: Deadline = { passed: () => false, whenPassed: () => new Promise<void>(() => undefined), remainingMs: () => Number.POSITIVE_INFINITY };

/**
 * How long after the deadline a whole region's read is given up: its calls in flight were given up
 * at the deadline itself, so this leaves it time to put together what it did read.
 */
const REGION_GRACE_MS = 5_000;

function deadlineFrom(context: { getRemainingTimeInMillis(): number } | undefined, reserveMs = FINISH_RESERVE_MS, now: () => number = elapsedMs): Deadline {
  if (!context || typeof context.getRemainingTimeInMillis !== 'function') return NO_DEADLINE;
  const endsAt = now() + context.getRemainingTimeInMillis() - reserveMs;
  const timers = new Map<number, Promise<void>>();
  return {
    passed: () => now() >= endsAt,
    remainingMs: () => Math.max(0, endsAt - now()),
    whenPassed: (afterMs = 0) => {
      let timer = timers.get(afterMs);
      if (!timer) {
        // unref: a pending deadline never keeps a finished process (the CLI, a test) alive.
        timer = new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, endsAt + afterMs - now())).unref());
        timers.set(afterMs, timer);
      }
      return timer;
    },
  };
}

/**
 * The work, or an OutOfTimeError once the deadline passes, whichever comes first. A call that never
 * answers (a socket held open, retries that outlast the run) is left behind, so the run can still
 * decide on what it has and publish before the Lambda timeout; nothing waits on it.
 */
function withinDeadline<T>(work: Promise<T>, deadline: Deadline, afterMs = 0): Promise<T> {
  return Promise.race([
    work,
    deadline.whenPassed(afterMs).then(() => {
      throw new OutOfTimeError();
    }),
  ]);
}

/**
 * The work, or `fallback` once `ms` have passed, or a quarter of the time left before the deadline,
 * whichever comes first: for optional reads (a suggestion's) that must never hold up the work that
 * matters, which keeps at least three quarters. What is given up is left behind, as with withinDeadline.
 */
function settleWithin<T>(work: Promise<T>, ms: number, deadline: Deadline, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), Math.min(ms, deadline.remainingMs() / 4)).unref();
  });
  return Promise.race([work, waited]).finally(() => clearTimeout(timer));
}

class OutOfTimeError extends Error {
  constructor() {
    super('not checked: out of time (stopped before the Lambda timeout so the report could go out)');
    this.name = 'OutOfTimeError';
  }
}

/** A region whose read did not finish in time: recorded as not read, so nothing is acted on from half of it. */
function regionOutOfTime<T>(region: string, empty: T): (error: unknown) => T & { failures: Array<{ region: string; stage: string; reason: string }> } {
  return (error) => {
    if (!(error instanceof OutOfTimeError)) throw error;
    return { ...empty, failures: [{ region, stage: 'reading the region', reason: error.message }] };
  };
}

export { deadlineFrom, withinDeadline, settleWithin, regionOutOfTime, REGION_GRACE_MS, NO_DEADLINE, FINISH_RESERVE_MS, OutOfTimeError };
export type { Deadline };
