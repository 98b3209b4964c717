import { describe, expect, it } from 'vitest';
import { renderWeekendReport, type WeekendReportInput } from '@ops-bot/shared/report/weekend-scaling';

const endpoint = (name: string, estimatedSavings: number) => ({
  region: 'us-east-1',
  name,
  instanceCostStops: true,
  why: 'every component at 0 copies',
  instances: 1,
  instanceTypes: ['ml.g5.xlarge'],
  estimatedSavings,
});

const scaleDown = (changes: Partial<WeekendReportInput>): WeekendReportInput => ({
  action: 'scale-down',
  changesNothing: false,
  evaluatedAt: '2026-11-20T18:00:00.000Z',
  timezone: 'UTC',
  scopeText: 'components tagged ops-bot:weekend-scale-to-zero = true',
  outcomes: [],
  endpoints: [endpoint('one-host', 88.5)],
  failures: [],
  priceSource: 'embedded table of 2026-11',
  ...changes,
});

describe('Function: renderWeekendReport', () => {
  it('says one endpoint stops billing, in the present tense, when the scale-down was done', () => {
    // Act
    const report = renderWeekendReport(scaleDown({}));

    // Assess
    expect(report.sms).toBe('SageMaker weekend: 0 components to 0, 1 endpoint stops billing for instances, est. $88.50 saved.');
    expect(report.subject).toBe('SageMaker weekend scale-down: 0 components to 0 copies, est. $88.50 saved');
  });

  it('never writes the past tense when nothing was done (a dry or report-only run)', () => {
    // Act
    const report = renderWeekendReport(scaleDown({ changesNothing: true, endpoints: [endpoint('one-host', 88.5), endpoint('two-host', 10)] }));

    // Assess
    expect(report.subject).toBe('SageMaker weekend scale-down: would scale 0 components to 0 copies, saving est. $98.50');
    expect(report.sms).toBe('SageMaker weekend: would scale 0 components to 0, 2 endpoints would stop billing for instances, saving est. $98.50.');
    expect(`${report.subject} ${report.sms}`).not.toMatch(/\bsaved\b|\bstopped\b/);
  });
});
