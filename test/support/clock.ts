/**
 * Handler tests run the function as Lambda does, and the handler reads the wall clock (its
 * live wiring's `wallClock`). These pin that clock to the test's instant by faking `Date` alone:
 * timers and the monotonic clock the deadlines measure with keep running.
 */
import { vi } from 'vitest';

function pinWallClock(now: Date): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now);
}

function releaseWallClock(): void {
  vi.useRealTimers();
}

export { pinWallClock, releaseWallClock };
