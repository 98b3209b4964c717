/**
 * The SageMaker bill, read right. Cost Explorer gives each day's cost by usage type and charge type
 * (RECORD_TYPE) in two views: UnblendedCost, where usage a Savings Plan covers is at the on-demand
 * rate and a `SavingsPlanNegation` line of the same amount takes it away again, and AmortizedCost,
 * where covered usage is at what the plan cost for it (AWS Cost Management User Guide, "Understanding
 * your Savings Plans in Cost Explorer"; Cost Explorer API Reference, GetCostAndUsage, GetDimensionValues
 * RECORD_TYPE). The bot's own figures are on-demand, so they are held against the on-demand
 * equivalent (usage plus covered usage, unblended); the negation is named and never read as
 * over-attribution; credits and refunds are named, not netted. Pure: the bill is read by
 * aws/cost-explorer.ts.
 */
import type { CostReport } from './cost.ts';
import { FAMILIES, readUsageType, type FamilyId } from './bill-families.ts';
import { roundCents } from './units.ts';

/** One Cost Explorer group: a day, a usage type and a charge type, in both cost views. */
interface BillLine {
  readonly date: string;
  readonly usageType: string;
  /** RECORD_TYPE as Cost Explorer names it: `Usage`, `SavingsPlanCoveredUsage`, `SavingsPlanNegation`, `Credit`, `Refund`, … */
  readonly recordType: string;
  readonly unblended: number;
  readonly amortized: number;
}

/** What Cost Explorer said about SageMaker over the report's days. */
type SageMakerBill =
  | {
      readonly status: 'read';
      /** UTC dates, `YYYY-MM-DD`. */
      readonly start: string;
      readonly endInclusive: string;
      readonly lines: readonly BillLine[];
      /** Cost Explorer marks recent days Estimated: they can still change. */
      readonly estimated: boolean;
      /** Days of the range with nothing in Cost Explorer yet. */
      readonly missingDays: readonly string[];
    }
  /** Every day of the range is still empty: Cost Explorer lags about a day. */
  | { readonly status: 'not-yet'; readonly start: string; readonly endInclusive: string }
  /** Denied, throttled past the retries, or unreadable: the report says "not checked" with the reason. */
  | { readonly status: 'unavailable'; readonly reason: string };

type ChargeKind = 'usage' | 'covered' | 'negation' | 'credit' | 'refund' | 'other';

/** RECORD_TYPE's values, matched without spaces or case (the console spells them "Savings Plan Covered Usage"). */
function chargeKind(recordType: string): ChargeKind {
  const key = recordType.replace(/\s+/g, '').toLowerCase();
  if (key === 'usage' || key === 'discountedusage') return 'usage';
  if (key === 'savingsplancoveredusage') return 'covered';
  if (key === 'savingsplannegation') return 'negation';
  if (key === 'credit') return 'credit';
  if (key === 'refund') return 'refund';
  return 'other';
}

/** What the bot explains in one region and family, from resources it sees. */
interface Explained {
  readonly region: string;
  readonly family: FamilyId;
  readonly amount: number;
  /** `2 endpoints attributed`, `3 notebook instances running`. */
  readonly what: string;
}

interface FamilyLine {
  /** The region billed, or `unknown prefix XYZ1`. */
  readonly region: string;
  readonly watched: boolean;
  readonly family: FamilyId;
  /** Usage as billed, on-demand equivalent: usage plus covered usage at the on-demand rate. */
  readonly billed: number;
  /** The part a Savings Plan covered (on-demand rate), and what the plan cost for it. */
  readonly covered: number;
  readonly coveredCost: number;
  readonly explained: number;
  readonly explainedBy: readonly string[];
  /** Billed minus explained; negative when the bot explains more than was billed (a price above the bill's). */
  readonly rest: number;
  /** For "other": the usage types' family parts as billed. */
  readonly parts: readonly string[];
}

interface BillSplit {
  readonly start: string;
  readonly endInclusive: string;
  readonly estimated: boolean;
  readonly missingDays: readonly string[];
  readonly lines: readonly FamilyLine[];
  readonly billed: number;
  readonly explained: number;
  /** Present when a Savings Plan covered any of the days' usage. */
  readonly plan?: { readonly covered: number; readonly cost: number; readonly share: number } | undefined;
  /** The plan's negation lines (negative): the covered usage taken back off the unblended bill. */
  readonly negation: number;
  readonly credits: number;
  readonly refunds: number;
  readonly otherCharges: ReadonlyArray<{ readonly recordType: string; readonly amount: number }>;
  /** Every region-and-family whose rest is $1 or more, largest first. */
  readonly unexplained: readonly FamilyLine[];
}

/** What is named as not explained: a dollar or more, a day. */
const NAMED_FROM = 1;

function splitBill(bill: Extract<SageMakerBill, { status: 'read' }>, explained: readonly Explained[], watchedRegions: readonly string[]): BillSplit {
  type Sum = { billed: number; covered: number; coveredCost: number; parts: Set<string> };
  const sums = new Map<string, Sum & { region: string; watched: boolean; family: FamilyId }>();
  let negation = 0;
  let credits = 0;
  let refunds = 0;
  const other = new Map<string, number>();
  for (const line of bill.lines) {
    const kind = chargeKind(line.recordType);
    if (kind === 'negation') negation += line.unblended;
    else if (kind === 'credit') credits += line.unblended;
    else if (kind === 'refund') refunds += line.unblended;
    else if (kind === 'other') other.set(line.recordType, (other.get(line.recordType) ?? 0) + line.unblended);
    if (kind !== 'usage' && kind !== 'covered') continue;
    const usage = readUsageType(line.usageType);
    const region = usage.region ?? `unknown prefix ${usage.prefix}`;
    const key = `${region} ${usage.family}`;
    const sum = sums.get(key) ?? {
      region,
      watched: usage.region !== undefined && watchedRegions.includes(usage.region),
      family: usage.family,
      billed: 0,
      covered: 0,
      coveredCost: 0,
      parts: new Set<string>(),
    };
    sum.billed += line.unblended;
    if (kind === 'covered') {
      sum.covered += line.unblended;
      sum.coveredCost += line.amortized;
    }
    if (usage.family === 'other') sum.parts.add(usage.part);
    sums.set(key, sum);
  }
  for (const entry of explained) {
    const key = `${entry.region} ${entry.family}`;
    if (!sums.has(key)) sums.set(key, { region: entry.region, watched: true, family: entry.family, billed: 0, covered: 0, coveredCost: 0, parts: new Set() });
  }
  const order = (family: FamilyId) => FAMILIES.findIndex((candidate) => candidate.id === family);
  const lines: FamilyLine[] = [...sums.values()]
    .map((sum) => {
      const mine = explained.filter((entry) => entry.region === sum.region && entry.family === sum.family);
      const explainedAmount = roundCents(mine.reduce((total, entry) => total + entry.amount, 0));
      const billed = roundCents(sum.billed);
      return {
        region: sum.region,
        watched: sum.watched,
        family: sum.family,
        billed,
        covered: roundCents(sum.covered),
        coveredCost: roundCents(sum.coveredCost),
        explained: explainedAmount,
        explainedBy: mine.map((entry) => entry.what),
        rest: roundCents(billed - explainedAmount),
        parts: [...sum.parts].sort(),
      };
    })
    .filter((line) => line.billed >= 0.005 || line.explained >= 0.005)
    .sort((a, b) => Number(b.watched) - Number(a.watched) || a.region.localeCompare(b.region) || order(a.family) - order(b.family));
  const billed = roundCents(lines.reduce((total, line) => total + line.billed, 0));
  const covered = roundCents(lines.reduce((total, line) => total + line.covered, 0));
  const coveredCost = roundCents(lines.reduce((total, line) => total + line.coveredCost, 0));
  return {
    start: bill.start,
    endInclusive: bill.endInclusive,
    estimated: bill.estimated,
    missingDays: bill.missingDays,
    lines,
    billed,
    explained: roundCents(lines.reduce((total, line) => total + line.explained, 0)),
    plan: covered > 0 ? { covered, cost: coveredCost, share: billed > 0 ? covered / billed : 0 } : undefined,
    negation: roundCents(negation),
    credits: roundCents(credits),
    refunds: roundCents(refunds),
    otherCharges: [...other.entries()].map(([recordType, amount]) => ({ recordType, amount: roundCents(amount) })).filter((charge) => charge.amount !== 0),
    unexplained: lines.filter((line) => line.rest >= NAMED_FROM).sort((a, b) => b.rest - a.rest),
  };
}

/** Hosting usage types: `USE1-Host:ml.m5.xlarge` (and `Host:ml.…` should a region carry no prefix). */
function hostedInstanceType(usageType: string): string | undefined {
  const match = /(?:^|-)Host:(ml\.[a-z0-9.-]+)$/.exec(usageType);
  return match?.[1];
}

/** The cost report's hosting held against the bill's hosting, like with like (on-demand). */
interface BillCheck {
  readonly bill: SageMakerBill;
  /** The report's hosting total: instance cost of the billed (non-serverless) hosts. */
  readonly attributed: number;
  /** Hosting billed, on-demand equivalent (usage plus Savings Plan covered usage at the on-demand rate). */
  readonly billedHosting?: number | undefined;
  readonly difference?: number | undefined;
  readonly percent?: number | undefined;
  /** Billed instance types the report attributed nothing to, with the amount. */
  readonly unattributed: ReadonlyArray<{ readonly instanceType: string; readonly amount: number }>;
  /** The whole bill split by region and family; present when the bill was read. */
  readonly split?: BillSplit | undefined;
  /** What of the inventory could not be read (its region's families stay unexplained). */
  readonly notes?: readonly string[] | undefined;
  /** Where the running notebooks' and apps' prices came from, when any was priced. */
  readonly inventoryPriceSource?: string | undefined;
}

function checkAgainstBill(report: CostReport, bill: SageMakerBill, inventory: readonly Explained[] = [], watchedRegions: readonly string[] = []): BillCheck {
  const attributedByType = new Map<string, number>();
  const attributedByRegion = new Map<string, { amount: number; endpoints: Set<string> }>();
  for (const host of report.hosts) {
    if (host.cost === undefined || !host.instanceType) continue;
    attributedByType.set(host.instanceType, (attributedByType.get(host.instanceType) ?? 0) + host.cost);
    const region = attributedByRegion.get(host.region) ?? { amount: 0, endpoints: new Set<string>() };
    region.amount += host.cost;
    region.endpoints.add(host.endpointName);
    attributedByRegion.set(host.region, region);
  }
  const attributed = roundCents([...attributedByType.values()].reduce((total, cost) => total + cost, 0));
  if (bill.status !== 'read') return { bill, attributed, unattributed: [] };
  const billedByType = new Map<string, number>();
  // Hosting in the regions the report covers: an unwatched region's is named in the split instead.
  const covers = (usageType: string) => {
    const region = readUsageType(usageType).region;
    return watchedRegions.length === 0 || (region !== undefined && watchedRegions.includes(region));
  };
  for (const line of bill.lines) {
    const instanceType = hostedInstanceType(line.usageType);
    const kind = chargeKind(line.recordType);
    if (!instanceType || (kind !== 'usage' && kind !== 'covered') || !covers(line.usageType)) continue;
    billedByType.set(instanceType, (billedByType.get(instanceType) ?? 0) + line.unblended);
  }
  const billedHosting = roundCents([...billedByType.values()].reduce((total, amount) => total + amount, 0));
  const difference = roundCents(attributed - billedHosting);
  const percent = billedHosting > 0 ? Math.round((difference / billedHosting) * 1000) / 10 : undefined;
  const unattributed = [...billedByType.entries()]
    .filter(([instanceType, amount]) => amount >= 0.01 && !attributedByType.has(instanceType))
    .map(([instanceType, amount]) => ({ instanceType, amount: roundCents(amount) }))
    .sort((a, b) => b.amount - a.amount);
  const hosting: Explained[] = [...attributedByRegion.entries()].map(([region, { amount, endpoints }]) => ({
    region,
    family: 'hosting',
    amount,
    what: `${endpoints.size} endpoint${endpoints.size === 1 ? '' : 's'} attributed above`,
  }));
  const split = splitBill(bill, [...hosting, ...inventory], watchedRegions);
  return { bill, attributed, billedHosting, difference, percent, unattributed, split };
}

/** The month's usage, on-demand equivalent, and what a Savings Plan made of it: for the savings report. */
interface MonthBill {
  readonly billed: number;
  readonly estimated: boolean;
  /** Present when a plan covered any of it: the covered share and the plan's rate against on-demand. */
  readonly plan?: { readonly share: number; readonly rate: number } | undefined;
}

function monthBill(bill: SageMakerBill): MonthBill | undefined {
  if (bill.status !== 'read') return undefined;
  const split = splitBill(bill, [], []);
  if (!(split.billed > 0)) return undefined;
  const plan = split.plan && split.plan.covered > 0 ? { share: split.plan.share, rate: split.plan.cost / split.plan.covered } : undefined;
  return { billed: split.billed, estimated: bill.estimated, plan };
}

/**
 * A saving counted at on-demand prices, at the rate the account pays: usage a plan covers costs its
 * rate, so avoiding it saves that much, not the on-demand price (and nothing at all while usage
 * stays under the plan's commitment; the report says so).
 */
function atPlanRate(saved: number, bill: MonthBill): number {
  if (!bill.plan) return saved;
  return roundCents(saved * (1 - bill.plan.share + bill.plan.share * bill.plan.rate));
}

/** `N% of the month's SageMaker usage`: the saving against the month's on-demand-equivalent usage (like with like). */
function shareOfBill(saved: number, bill: MonthBill): { readonly percent: number; readonly billed: number; readonly estimated: boolean } {
  return { percent: Math.round((saved / bill.billed) * 1000) / 10, billed: roundCents(bill.billed), estimated: bill.estimated };
}

export { atPlanRate, chargeKind, checkAgainstBill, hostedInstanceType, monthBill, shareOfBill, splitBill };
export type { BillCheck, BillLine, BillSplit, Explained, FamilyLine, MonthBill, SageMakerBill };
