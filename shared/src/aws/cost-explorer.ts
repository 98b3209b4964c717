/**
 * The bill, from Cost Explorer: what SageMaker cost over some days, by usage type and charge type
 * (GetCostAndUsage, DAILY, UnblendedCost and AmortizedCost, SERVICE = Amazon SageMaker, grouped by
 * USAGE_TYPE and RECORD_TYPE, following NextPageToken): one request and its pages, $0.01 each.
 * Cost Explorer answers in us-east-1 for every region (its endpoint), lags about a day (a day not
 * filled yet comes back with no groups) and marks recent days Estimated.
 */
import { GetCostAndUsageCommand, type CostExplorerClient, type GetCostAndUsageCommandOutput } from '@aws-sdk/client-cost-explorer';
import { describeFailure } from '../errors.ts';
import type { BillLine, SageMakerBill } from '../domain/bill.ts';

/** The one region Cost Explorer's API answers in (AWS Cost Explorer API Reference, endpoints). */
const COST_EXPLORER_REGION = 'us-east-1';

interface BillReader {
  /** SageMaker billed from `start` to `endInclusive` (UTC dates, `YYYY-MM-DD`). */
  readBill(start: string, endInclusive: string): Promise<SageMakerBill>;
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function datesOf(start: string, endInclusive: string): string[] {
  const dates: string[] = [];
  for (let date = start; date <= endInclusive && dates.length < 400; date = nextDate(date)) dates.push(date);
  return dates;
}

/** Amounts come as strings (Cost Explorer API Reference, MetricValue); one that is not a number reads as 0. */
function amountOf(value: { Amount?: string } | undefined): number {
  const amount = Number(value?.Amount ?? 'NaN');
  return Number.isFinite(amount) ? amount : 0;
}

function createBillReader(client: CostExplorerClient): BillReader {
  return {
    async readBill(start, endInclusive) {
      const lines: BillLine[] = [];
      const filled = new Set<string>();
      let estimated = false;
      let token: string | undefined;
      try {
        do {
          const page: GetCostAndUsageCommandOutput = await client.send(
            new GetCostAndUsageCommand({
              // End is exclusive (Cost Explorer API Reference, DateInterval).
              TimePeriod: { Start: start, End: nextDate(endInclusive) },
              Granularity: 'DAILY',
              Metrics: ['UnblendedCost', 'AmortizedCost'],
              Filter: { Dimensions: { Key: 'SERVICE', Values: ['Amazon SageMaker'] } },
              // Two keys at most (GroupBy): the usage type says what and where, the record type
              // whether it was usage, covered usage, the plan's negation, a credit or a refund.
              GroupBy: [
                { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
                { Type: 'DIMENSION', Key: 'RECORD_TYPE' },
              ],
              NextPageToken: token,
            }),
          );
          for (const day of page.ResultsByTime ?? []) {
            const date = day.TimePeriod?.Start ?? start;
            estimated ||= day.Estimated === true;
            for (const group of day.Groups ?? []) {
              const [usageType = '', recordType = 'Usage'] = group.Keys ?? [];
              filled.add(date);
              lines.push({ date, usageType, recordType, unblended: amountOf(group.Metrics?.UnblendedCost), amortized: amountOf(group.Metrics?.AmortizedCost) });
            }
          }
          token = page.NextPageToken || undefined;
        } while (token);
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        if (name === 'DataUnavailableException') return { status: 'not-yet', start, endInclusive };
        const reason =
          name === 'AccessDeniedException'
            ? 'Cost Explorer denied ce:GetCostAndUsage (is Cost Explorer enabled for this account, and does the role allow it?)'
            : `Cost Explorer could not be read: ${describeFailure(error)}`;
        return { status: 'unavailable', reason };
      }
      const missingDays = datesOf(start, endInclusive).filter((date) => !filled.has(date));
      if (filled.size === 0) return { status: 'not-yet', start, endInclusive };
      return { status: 'read', start, endInclusive, lines, estimated, missingDays };
    },
  };
}

export { createBillReader, COST_EXPLORER_REGION };
export type { BillReader };
