/**
 * A run's deadline. Lambda stops a function at its timeout with no report at all, so every run
 * stops starting new work while there is still time to render and publish what it did, and says
 * what it did not cover ("not checked: out of time"). Made from the Lambda context's
 * getRemainingTimeInMillis() at the start of each invocation.
 */

/** Time kept back for finishing: the work in flight (bounded by the client timeouts) and the publish. */
const FINISH_RESERVE_MS = 30_000;

interface Deadline {
  /** True once new work would risk the report: stop starting things. */
  readonly passed: () => boolean;
}

/** No Lambda timeout (tests, the CLI): never passes. */
const NO_DEADLINE: Deadline = { passed: () => false };

function deadlineFrom(context: { getRemainingTimeInMillis(): number } | undefined, reserveMs = FINISH_RESERVE_MS, now: () => number = Date.now): Deadline {
  if (!context || typeof context.getRemainingTimeInMillis !== 'function') return NO_DEADLINE;
  const endsAt = now() + context.getRemainingTimeInMillis() - reserveMs;
  return { passed: () => now() >= endsAt };
}

class OutOfTimeError extends Error {
  constructor() {
    super('not checked: out of time (stopped before the Lambda timeout so the report could go out)');
    this.name = 'OutOfTimeError';
  }
}

export { deadlineFrom, NO_DEADLINE, FINISH_RESERVE_MS, OutOfTimeError };
export type { Deadline };
