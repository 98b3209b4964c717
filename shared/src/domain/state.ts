/**
 * What reading the bot's own state for a resource found (aws/bot-state.ts reads its state table).
 * Only `verified` values are the bot's own record for the resource as it exists now; everything
 * else is reported and never acted on or counted.
 */

type StateRead =
  /** `untidy`: nothing is saved, but mirror tags of an interrupted clear are left to remove. */
  | { readonly status: 'none'; readonly untidy?: boolean }
  | { readonly status: 'verified'; readonly values: Readonly<Record<string, string>> }
  /** Present but not written by the bot for this resource as it stands: never acted on, never counted. */
  | { readonly status: 'rejected'; readonly reason: string; readonly found: Readonly<Record<string, string>>; readonly legacy: boolean }
  /** KMS could not be asked: whatever needs this state waits for a run that can verify it. */
  | { readonly status: 'unverifiable'; readonly reason: string };

/** `key=value, …` of what was found, for a report line an admin checks before adopting it. */
function describeFound(found: Readonly<Record<string, string>>): string {
  return Object.entries(found)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

export { describeFound };
export type { StateRead };
