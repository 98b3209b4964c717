/**
 * Inference Recommender output read as someone else's input: what can be cited, and which of a
 * job's recommendations is.
 */
import { describe, expect, it } from 'vitest';
import { citeRecommendation, readRecommendationJob, type RawRecommendationJob } from '@ops-bot/shared/domain/inference-recommender';

const job = (recommendations: RawRecommendationJob['recommendations'], overrides: Partial<RawRecommendationJob> = {}): RawRecommendationJob => ({
  jobName: 'ranker-job',
  modelName: 'ranker-model',
  completedAt: '2026-11-12T02:00:00.000Z',
  recommendations,
  ...overrides,
});

describe('Domain: readRecommendationJob', () => {
  it('keeps what reads as a real configuration and drops figures out of bounds, never the whole job for one bad figure', () => {
    // Act
    const read = readRecommendationJob(
      job([
        { instanceType: 'ml.m5.xlarge', instanceCount: 1, costPerHour: 0.23, modelLatencyMs: 31 },
        // Forged or broken: a type that is no instance type, a count of 999,999, a serverless size out of range.
        { instanceType: 'ml.m5.large; echo', instanceCount: 1, costPerHour: 0.01 },
        { instanceType: 'ml.m5.large', instanceCount: 999_999, costPerHour: 0.01 },
        { serverlessMemoryMb: 100_000, costPerHour: 0.01 },
        // A cost and a latency out of bounds are dropped; the configuration stays.
        { instanceType: 'ml.c5.large', instanceCount: 2, costPerHour: 1e9, modelLatencyMs: -3 },
        { serverlessMemoryMb: 2_048, costPerHour: 0.05, modelLatencyMs: 900 },
      ]),
    );

    // Assess
    expect(read?.recommendations).toEqual([
      { configuration: { kind: 'instances', instanceType: 'ml.m5.xlarge', instanceCount: 1 }, costPerHour: 0.23, modelLatencyMs: 31 },
      { configuration: { kind: 'instances', instanceType: 'ml.c5.large', instanceCount: 2 }, costPerHour: undefined, modelLatencyMs: undefined },
      { configuration: { kind: 'serverless', memoryMb: 2_048 }, costPerHour: 0.05, modelLatencyMs: 900 },
    ]);
  });

  it('does not cite a cost of $0.00/h or a latency of 0 ms: no real endpoint has them', () => {
    // Act
    const read = readRecommendationJob(job([{ instanceType: 'ml.m5.xlarge', instanceCount: 1, costPerHour: 0, modelLatencyMs: 0 }]));

    // Assess
    expect(read?.recommendations).toEqual([
      { configuration: { kind: 'instances', instanceType: 'ml.m5.xlarge', instanceCount: 1 }, costPerHour: undefined, modelLatencyMs: undefined },
    ]);
  });

  it('cites nothing from a job with a name the API would refuse, no completion time, or nothing readable', () => {
    const fine = [{ instanceType: 'ml.m5.xlarge', instanceCount: 1 }];
    expect(readRecommendationJob(job(fine, { jobName: 'ranker job <b>' }))).toBeUndefined();
    expect(readRecommendationJob(job(fine, { completedAt: undefined }))).toBeUndefined();
    expect(readRecommendationJob(job([{ instanceType: 'gpu-please' }]))).toBeUndefined();
    expect(readRecommendationJob(job(fine))?.jobName).toBe('ranker-job');
  });
});

describe('Domain: citeRecommendation', () => {
  const read = readRecommendationJob(
    job([
      { instanceType: 'ml.m5.large', instanceCount: 1, costPerHour: 0.115, modelLatencyMs: 75 },
      { instanceType: 'ml.m5.xlarge', instanceCount: 1, costPerHour: 0.23, modelLatencyMs: 31 },
      { instanceType: 'ml.m5.4xlarge', instanceCount: 1, costPerHour: 0.92, modelLatencyMs: 12 },
    ]),
  );
  if (!read) throw new Error('the job should read');

  it('cites the cheapest no slower than the model is today, else the cheapest', () => {
    expect(citeRecommendation(read, 40)).toMatchObject({ pick: 'cheapest-no-slower-than-today', of: 3, recommendation: { costPerHour: 0.23 } });
    expect(citeRecommendation(read, 5)).toMatchObject({ pick: 'cheapest', recommendation: { costPerHour: 0.115 } });
    expect(citeRecommendation(read)).toMatchObject({ pick: 'cheapest', recommendation: { costPerHour: 0.115 } });
  });
});
