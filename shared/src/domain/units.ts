/** Units every job counts in. Money is USD, rounded to cents only where a figure is shown or emitted. */
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}

export { MINUTE_MS, HOUR_MS, DAY_MS, roundCents };
