/**
 * Bounded-concurrency mapping: describes and other per-resource calls run a few at a time so a
 * large account neither crawls nor trips the API's rate limits. Each item's outcome is kept on
 * its own, so one failure never hides the others.
 */

import { NO_DEADLINE, OutOfTimeError, withinDeadline, type Deadline } from './deadline.ts';

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * Items not started before the deadline passes, and items still in flight when it passes (a call that
 * never answers), settle as an OutOfTimeError, each on its own.
 */
async function mapSettled<I, O>(items: readonly I[], limit: number, work: (item: I) => Promise<O>, deadline: Deadline = NO_DEADLINE): Promise<Settled<O>[]> {
  const results: Settled<O>[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      if (deadline.passed()) {
        results[index] = { ok: false, error: new OutOfTimeError() };
        continue;
      }
      try {
        results[index] = { ok: true, value: await withinDeadline(work(items[index] as I), deadline) };
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

export { mapSettled, chunk };
export type { Settled };
