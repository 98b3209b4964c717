/**
 * What the resources the bot sees explain of a past period's bill, besides hosting: notebook
 * instances and Studio apps (Canvas included) running now, for the part of the period they can be
 * shown to have run. A notebook's LastModifiedTime is its last start or update, so one InService
 * since before the period ran all of it; one modified after the period ended may have been stopped
 * during it, and explains nothing (never more than the bill can show). An app runs from its
 * CreationTime. Stopped resources explain nothing: what they billed stays "not explained".
 */
import type { Explained } from './bill.ts';
import type { FamilyId } from './bill-families.ts';
import type { PriceBook } from './prices.ts';
import type { StudioApp } from './studio.ts';
import { HOUR_MS } from './units.ts';

interface RunningNotebook {
  readonly region: string;
  readonly status: string;
  readonly instanceType: string;
  readonly lastModifiedAt: string;
}

interface Period {
  readonly start: string;
  readonly end: string;
}

/** Hours of the period since `from`; 0 when `from` is after the period's end or unreadable. */
function hoursRunIn(period: Period, from: string | undefined): number {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  const since = from === undefined ? Number.NaN : Date.parse(from);
  if (!Number.isFinite(since) || since >= end) return 0;
  return (end - Math.max(start, since)) / HOUR_MS;
}

function explainedBy(region: string, family: FamilyId, amount: number, count: number, noun: string): Explained {
  return { region, family, amount, what: `${count} ${noun}${count === 1 ? '' : 's'} running` };
}

function inventoryCost(
  notebooks: readonly RunningNotebook[],
  apps: readonly StudioApp[],
  period: Period,
  prices: Pick<PriceBook, 'notebookPrice' | 'studioPrice' | 'canvasPrice'>,
): Explained[] {
  const totals = new Map<string, { region: string; family: FamilyId; noun: string; amount: number; count: number }>();
  const add = (region: string, family: FamilyId, noun: string, amount: number) => {
    const key = `${region} ${family}`;
    const total = totals.get(key) ?? { region, family, noun, amount: 0, count: 0 };
    total.amount += amount;
    total.count += 1;
    totals.set(key, total);
  };
  for (const notebook of notebooks) {
    if (notebook.status !== 'InService') continue;
    const hours = hoursRunIn(period, notebook.lastModifiedAt);
    const price = prices.notebookPrice(notebook.region, notebook.instanceType)?.pricePerHour;
    if (hours > 0 && price !== undefined) add(notebook.region, 'notebooks', 'notebook instance', hours * price);
  }
  for (const app of apps) {
    const hours = hoursRunIn(period, app.createdAt);
    if (hours <= 0) continue;
    if (app.appType === 'Canvas') {
      const price = prices.canvasPrice(app.region)?.pricePerHour;
      if (price !== undefined) add(app.region, 'canvas', 'Canvas session', hours * price);
      continue;
    }
    const price = app.instanceType ? prices.studioPrice(app.region, app.instanceType)?.pricePerHour : undefined;
    if (price !== undefined) add(app.region, 'studio', 'Studio app', hours * price);
  }
  return [...totals.values()].map((total) => explainedBy(total.region, total.family, total.amount, total.count, total.noun));
}

export { inventoryCost, hoursRunIn };
export type { RunningNotebook };
