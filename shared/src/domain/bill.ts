/**
 * The cost report held against the bill: its attributed hosting total beside what Cost Explorer
 * billed for SageMaker hosting (usage types `<REGION>-Host:ml.<type>`) over the same days, the
 * difference, and the billed instance types the report attributed nothing to (an endpoint deleted
 * that day, say). Pure: the bill is read by aws/cost-explorer.ts.
 */
import type { CostReport } from './cost.ts';
import { roundCents } from './units.ts';

/** What Cost Explorer billed for SageMaker hosting over the report's days. */
type HostingBill =
  | {
      readonly status: 'read';
      /** Dates billed, `YYYY-MM-DD` (Cost Explorer's days are UTC). */
      readonly start: string;
      readonly endInclusive: string;
      /** SageMaker hosting (`…-Host:ml.*` usage types). */
      readonly total: number;
      /** Everything SageMaker billed over the days (hosting, notebooks, training, storage, …). */
      readonly serviceTotal: number;
      readonly byInstanceType: ReadonlyMap<string, number>;
      /** Cost Explorer marks recent days Estimated: they can still change. */
      readonly estimated: boolean;
    }
  | { readonly status: 'unavailable'; readonly reason: string };

interface BillCheck {
  readonly bill: HostingBill;
  /** The report's hosting total: instance cost of the billed (non-serverless) hosts. */
  readonly attributed: number;
  readonly difference?: number | undefined;
  readonly percent?: number | undefined;
  /** Billed instance types the report attributed nothing to, with the amount. */
  readonly unattributed: ReadonlyArray<{ readonly instanceType: string; readonly amount: number }>;
}

/** Hosting usage types: `USE1-Host:ml.m5.xlarge` (and `Host:ml.…` should a region carry no prefix). */
function hostedInstanceType(usageType: string): string | undefined {
  const match = /(?:^|-)Host:(ml\.[a-z0-9.-]+)$/.exec(usageType);
  return match?.[1];
}

function checkAgainstBill(report: CostReport, bill: HostingBill): BillCheck {
  const attributedByType = new Map<string, number>();
  for (const host of report.hosts) {
    if (host.cost === undefined || !host.instanceType) continue;
    attributedByType.set(host.instanceType, (attributedByType.get(host.instanceType) ?? 0) + host.cost);
  }
  const attributed = roundCents([...attributedByType.values()].reduce((total, cost) => total + cost, 0));
  if (bill.status !== 'read') return { bill, attributed, unattributed: [] };
  const difference = roundCents(attributed - bill.total);
  const percent = bill.total > 0 ? Math.round((difference / bill.total) * 1000) / 10 : undefined;
  const unattributed = [...bill.byInstanceType.entries()]
    .filter(([instanceType, amount]) => amount >= 0.01 && !attributedByType.has(instanceType))
    .map(([instanceType, amount]) => ({ instanceType, amount: roundCents(amount) }))
    .sort((a, b) => b.amount - a.amount);
  return { bill, attributed, difference, percent, unattributed };
}

/** `N% of the month's SageMaker bill`: what the bot saved against what SageMaker was billed over the same days. */
function shareOfBill(saved: number, bill: HostingBill): { readonly percent: number; readonly billed: number; readonly estimated: boolean } | undefined {
  if (bill.status !== 'read' || !(bill.serviceTotal > 0)) return undefined;
  return { percent: Math.round((saved / bill.serviceTotal) * 1000) / 10, billed: roundCents(bill.serviceTotal), estimated: bill.estimated };
}

export { checkAgainstBill, hostedInstanceType, shareOfBill };
export type { BillCheck, HostingBill };
