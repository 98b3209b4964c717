/**
 * The bill, from Cost Explorer: what SageMaker hosting cost per instance type over some days
 * (GetCostAndUsage, DAILY, UnblendedCost, SERVICE = Amazon SageMaker, grouped by USAGE_TYPE,
 * following NextPageToken). Each request costs $0.01. Cost Explorer answers in us-east-1 for every
 * region (its endpoint), lags about a day and marks recent days Estimated.
 */
import { GetCostAndUsageCommand, type CostExplorerClient, type GetCostAndUsageCommandOutput } from '@aws-sdk/client-cost-explorer';
import { describeFailure } from '../errors.ts';
import { hostedInstanceType, type HostingBill } from '../domain/bill.ts';

/** The one region Cost Explorer's API answers in (AWS Cost Explorer API Reference, endpoints). */
const COST_EXPLORER_REGION = 'us-east-1';

interface BillReader {
  /** SageMaker hosting billed from `start` to `endInclusive` (UTC dates, `YYYY-MM-DD`). */
  readHostingBill(start: string, endInclusive: string): Promise<HostingBill>;
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function createBillReader(client: CostExplorerClient): BillReader {
  return {
    async readHostingBill(start, endInclusive) {
      const byInstanceType = new Map<string, number>();
      let serviceTotal = 0;
      let estimated = false;
      let token: string | undefined;
      try {
        do {
          const page: GetCostAndUsageCommandOutput = await client.send(
            new GetCostAndUsageCommand({
              // End is exclusive (Cost Explorer API Reference, DateInterval).
              TimePeriod: { Start: start, End: nextDate(endInclusive) },
              Granularity: 'DAILY',
              Metrics: ['UnblendedCost'],
              Filter: { Dimensions: { Key: 'SERVICE', Values: ['Amazon SageMaker'] } },
              GroupBy: [{ Type: 'DIMENSION', Key: 'USAGE_TYPE' }],
              NextPageToken: token,
            }),
          );
          for (const day of page.ResultsByTime ?? []) {
            estimated ||= day.Estimated === true;
            for (const group of day.Groups ?? []) {
              const instanceType = hostedInstanceType(group.Keys?.[0] ?? '');
              // Amounts come as strings (Cost Explorer API Reference, MetricValue).
              const amount = Number(group.Metrics?.UnblendedCost?.Amount ?? 'NaN');
              if (!Number.isFinite(amount)) continue;
              serviceTotal += amount;
              if (!instanceType) continue;
              byInstanceType.set(instanceType, (byInstanceType.get(instanceType) ?? 0) + amount);
            }
          }
          token = page.NextPageToken || undefined;
        } while (token);
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        const reason =
          name === 'AccessDeniedException'
            ? 'Cost Explorer denied ce:GetCostAndUsage (is Cost Explorer enabled for this account, and does the role allow it?)'
            : name === 'DataUnavailableException'
              ? 'Cost Explorer has no data yet for these days'
              : `Cost Explorer could not be read: ${describeFailure(error)}`;
        return { status: 'unavailable', reason };
      }
      const total = [...byInstanceType.values()].reduce((sum, amount) => sum + amount, 0);
      return { status: 'read', start, endInclusive, total, serviceTotal, byInstanceType, estimated };
    },
  };
}

export { createBillReader, COST_EXPLORER_REGION };
export type { BillReader };
