import { describe, expect, it } from 'vitest';
import { atPlanRate, monthBill, shareOfBill, splitBill, type BillLine, type SageMakerBill } from '@ops-bot/shared/domain/bill';
import { FAMILIES, readUsageType } from '@ops-bot/shared/domain/bill-families';
import { buildLedger, parseMonth, type Month } from '@ops-bot/shared/domain/savings';
import { renderSavingsReport } from '@ops-bot/shared/report/savings-report';
import { inventoryCost } from '@ops-bot/shared/domain/inventory-cost';
import { createPriceBook } from '@ops-bot/shared/domain/prices';

const day = '2026-11-20';
const line = (usageType: string, unblended: number, recordType = 'Usage', amortized = recordType === 'SavingsPlanNegation' ? 0 : unblended): BillLine => ({
  date: day,
  usageType,
  recordType,
  unblended,
  amortized,
});
const read = (lines: BillLine[]): Extract<SageMakerBill, { status: 'read' }> => ({
  status: 'read',
  start: day,
  endInclusive: day,
  lines,
  estimated: false,
  missingDays: [],
});

describe('Function: readUsageType', () => {
  it.each([
    ['USE1-Host:ml.g5.xlarge', 'us-east-1', 'hosting'],
    ['USE1-AsyncInf:ml.g5.xlarge', 'us-east-1', 'hosting'],
    ['EUC1-Notebk:ml.t3.medium', 'eu-central-1', 'notebooks'],
    ['EU-Studio:JupyterLab-ml.t3.medium', 'eu-west-1', 'studio'],
    ['USW2-Canvas:Session-Hrs', 'us-west-2', 'canvas'],
    ['Canvas:Session-Hrs', 'us-east-1', 'canvas'],
    ['APN1-Train:ml.g6.xlarge', 'ap-northeast-1', 'training'],
    ['APS3-Processing:ml.m5.xlarge', 'ap-south-1', 'processing'],
    ['USE1-Cluster:ml.g5.8xlarge', 'us-east-1', 'hyperpod'],
    ['USE1-Notebk:VolumeUsage.gp2', 'us-east-1', 'volumes'],
    ['USE1-DataTransfer-Out-Bytes', 'us-east-1', 'data-transfer'],
    ['USE1-MLflow:TrackingServer-Small', 'us-east-1', 'mlflow'],
    ['USE1-DataWrangler:ml.m5.4xlarge', 'us-east-1', 'other'],
  ])('reads %s as %s, %s', (usageType, region, family) => {
    expect(readUsageType(usageType)).toMatchObject({ region, family });
  });

  it('names a prefix it does not know instead of guessing its region', () => {
    expect(readUsageType('XYZ9-Host:ml.m5.large')).toMatchObject({ region: undefined, prefix: 'XYZ9', family: 'hosting' });
  });

  it('keeps every family in one table, each with the kinds of resource that bill under it', () => {
    expect(FAMILIES.every((family) => family.kinds.length > 0 && family.title.length > 0)).toBe(true);
    expect(new Set(FAMILIES.map((family) => family.id)).size).toBe(FAMILIES.length);
  });
});

describe('Function: splitBill', () => {
  it('compares on-demand with on-demand: covered usage counts at its on-demand rate, the negation is named apart', () => {
    // Act
    const split = splitBill(
      read([
        line('USE1-Host:ml.g5.xlarge', 33.79, 'SavingsPlanCoveredUsage', 12.16),
        line('USE1-Host:ml.g5.xlarge', -33.79, 'SavingsPlanNegation'),
        line('USE1-Host:ml.g5.xlarge', 13.61),
      ]),
      [{ region: 'us-east-1', family: 'hosting', amount: 47.4, what: '1 endpoint attributed above' }],
      ['us-east-1'],
    );

    // Assess
    expect(split.lines).toEqual([expect.objectContaining({ family: 'hosting', billed: 47.4, explained: 47.4, rest: 0, covered: 33.79, coveredCost: 12.16 })]);
    expect(split.plan).toMatchObject({ covered: 33.79, cost: 12.16 });
    expect(split.plan?.share).toBeCloseTo(33.79 / 47.4, 6);
    expect(split.negation).toBe(-33.79);
    expect(split.unexplained).toEqual([]);
  });

  it('names credits, refunds and other charges without netting them, and unwatched or unknown regions as not watched', () => {
    // Act
    const split = splitBill(
      read([
        line('USE1-Host:ml.m5.large', 2.76),
        line('USE1-Host:ml.m5.large', -10, 'Credit'),
        line('USE1-Host:ml.m5.large', -1.5, 'Refund'),
        line('USE1-Host:ml.m5.large', 0.4, 'Tax'),
        line('APN1-Train:ml.g6.xlarge', 39.22),
        line('XYZ9-Host:ml.m5.large', 2.76),
        line('USE1-DataWrangler:ml.m5.4xlarge', 1.5),
      ]),
      [],
      ['us-east-1'],
    );

    // Assess
    expect(split).toMatchObject({ credits: -10, refunds: -1.5, otherCharges: [{ recordType: 'Tax', amount: 0.4 }], billed: 46.24 });
    expect(split.unexplained.map((entry) => [entry.region, entry.family, entry.watched, entry.rest])).toEqual([
      ['ap-northeast-1', 'training', false, 39.22],
      ['us-east-1', 'hosting', true, 2.76],
      ['unknown prefix XYZ9', 'hosting', false, 2.76],
      ['us-east-1', 'other', true, 1.5],
    ]);
    expect(split.lines.find((entry) => entry.family === 'other')?.parts).toEqual(['DataWrangler']);
  });
});

describe('Function: atPlanRate', () => {
  it('states an on-demand saving at the rate the account pays where a plan covers the usage', () => {
    // Prepare: 70% of the month covered at 36% of on-demand.
    const month = monthBill(
      read([
        line('USE1-Host:ml.g5.xlarge', 700, 'SavingsPlanCoveredUsage', 252),
        line('USE1-Host:ml.g5.xlarge', -700, 'SavingsPlanNegation'),
        line('USE1-Host:ml.g5.xlarge', 300),
      ]),
    );

    // Act + Assess: 100 x (0.3 + 0.7 x 0.36) = 55.20.
    expect(month).toMatchObject({ billed: 1000 });
    expect(atPlanRate(100, month ?? { billed: 1, estimated: false })).toBe(55.2);
    expect(shareOfBill(100, month ?? { billed: 1, estimated: false })).toMatchObject({ percent: 10, billed: 1000 });
    expect(atPlanRate(100, { billed: 1000, estimated: false })).toBe(100);
    expect(monthBill({ status: 'not-yet', start: day, endInclusive: day })).toBeUndefined();
  });

  it('the savings report says both figures', () => {
    // Prepare
    const ledger = buildLedger({
      month: parseMonth('2026-11', 'UTC') as Month,
      recorded: new Map([['weekend-scale-down', 100]]),
      fromState: [],
      perResource: [],
      previous: new Map(),
      notes: [],
    });
    const bill = read([line('USE1-Host:ml.g5.xlarge', 700, 'SavingsPlanCoveredUsage', 252), line('USE1-Host:ml.g5.xlarge', 300)]);

    // Act
    const report = renderSavingsReport(ledger, {
      previousMonth: '2026-10',
      evaluatedAt: '2026-12-01T08:00:00.000Z',
      failures: [],
      notebookPrices: 'table',
      bill,
    });

    // Assess
    expect(report.email).toContain("That is 10% of the month's SageMaker usage ($1,000.00 at on-demand rates in Cost Explorer).");
    expect(report.email).toContain(
      "A Savings Plan covered 70% of that usage, at 36% of on-demand: the savings are $100.00 at on-demand, about $55.20 at your Savings Plan rate (and nothing while usage stays under the plan's commitment).",
    );
  });
});

describe('Function: inventoryCost', () => {
  const period = { start: '2026-11-20T00:00:00.000Z', end: '2026-11-21T00:00:00.000Z' };
  const prices = createPriceBook({});

  it('explains only the hours a running resource can be shown to have run in the period', () => {
    // Act
    const explained = inventoryCost(
      [
        { region: 'us-east-1', status: 'InService', instanceType: 'ml.t3.medium', lastModifiedAt: '2026-11-01T00:00:00Z' },
        // Started at noon: half the day.
        { region: 'us-east-1', status: 'InService', instanceType: 'ml.t3.medium', lastModifiedAt: '2026-11-20T12:00:00Z' },
        // Modified after the period: it may have been stopped during it, so it explains nothing.
        { region: 'us-east-1', status: 'InService', instanceType: 'ml.t3.medium', lastModifiedAt: '2026-11-21T06:00:00Z' },
        { region: 'us-east-1', status: 'Stopped', instanceType: 'ml.t3.medium', lastModifiedAt: '2026-11-01T00:00:00Z' },
      ],
      [
        { region: 'us-east-1', domainId: 'd-1', owner: 'user ana', appType: 'Canvas', appName: 'default', createdAt: '2026-11-20T18:00:00Z' },
        {
          region: 'us-east-1',
          domainId: 'd-1',
          owner: 'space team',
          appType: 'JupyterLab',
          appName: 'default',
          instanceType: 'ml.t3.xlarge',
          createdAt: '2026-11-19T00:00:00Z',
        },
        {
          region: 'us-east-1',
          domainId: 'd-1',
          owner: 'space late',
          appType: 'JupyterLab',
          appName: 'default',
          instanceType: 'ml.t3.xlarge',
          createdAt: '2026-11-21T01:00:00Z',
        },
      ],
      period,
      prices,
    );

    // Assess: notebooks 24 h + 12 h at $0.05; Canvas 6 h at $1.90; one JupyterLab app 24 h at $0.20.
    expect(explained.map((entry) => [entry.family, Math.round(entry.amount * 100) / 100, entry.what])).toEqual([
      ['notebooks', 1.8, '2 notebook instances running'],
      ['canvas', 11.4, '1 Canvas session running'],
      ['studio', 4.8, '1 Studio app running'],
    ]);
  });
});
