/** Optional reads give way: settleWithin hands back its fallback in time for the work that matters. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deadlineFrom, NO_DEADLINE, settleWithin } from '@ops-bot/shared/util/deadline';

const never = new Promise<string>(() => undefined);

describe('Function: settleWithin', () => {
  // The monotonic clock deadlines measure with is faked too, so time moves only when the test says.
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('answers with the work when it comes first', async () => {
    await expect(settleWithin(Promise.resolve('read'), 1_000, NO_DEADLINE, 'given up')).resolves.toBe('read');
  });

  it('gives up after its own wait without a deadline', async () => {
    // Prepare
    let answer: string | undefined;
    void settleWithin(never, 10_000, NO_DEADLINE, 'given up').then((value) => (answer = value));

    // Act + Assess
    await vi.advanceTimersByTimeAsync(9_999);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer).toBe('given up');
  });

  it('gives up after a quarter of what is left before the deadline, when that is sooner', async () => {
    // Prepare: 4 s before the deadline, a 10 s wait becomes 1 s.
    const deadline = deadlineFrom({ getRemainingTimeInMillis: () => 4_000 }, 0, () => performance.now());
    let answer: string | undefined;
    void settleWithin(never, 10_000, deadline, 'given up').then((value) => (answer = value));

    // Act + Assess
    await vi.advanceTimersByTimeAsync(999);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer).toBe('given up');
  });
});
