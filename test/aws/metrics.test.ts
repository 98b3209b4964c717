import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetricsSink } from '@ops-bot/shared/aws/metrics';

const AT = new Date('2026-11-20T12:00:00Z');

/** What the sink wrote to stdout, as EMF documents. */
function captureDocuments(
  emit: () => void,
): Array<
  Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: unknown[] }> } }
> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    emit();
  } finally {
    write.mockRestore();
  }
  return lines
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

describe('Function: createMetricsSink (Powertools Metrics)', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('writes one EMF document per dimension set, each carrying the Job dimension and the given timestamp', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const sink = createMetricsSink('weekend-scaling');

    // Act
    const documents = captureDocuments(() =>
      sink.emit(
        [
          { name: 'WeekendFailures', value: 2, unit: 'Count', dimensions: {} },
          { name: 'WeekendEstimatedSavings', value: 12.5, unit: 'None', dimensions: {} },
          { name: 'ComponentCost', value: 1.5, unit: 'None', dimensions: { EndpointName: 'e', InferenceComponentName: 'a' } },
        ],
        AT,
      ),
    );

    // Assess: the alarm's metric (WeekendFailures, Job=weekend-scaling) is exactly what is written.
    expect(documents).toHaveLength(2);
    expect(documents[0]).toMatchObject({
      _aws: {
        Timestamp: AT.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: 'SageMakerOpsBot',
            Dimensions: [['Job']],
            Metrics: [
              { Name: 'WeekendFailures', Unit: 'Count' },
              { Name: 'WeekendEstimatedSavings', Unit: 'None' },
            ],
          },
        ],
      },
      Job: 'weekend-scaling',
      WeekendFailures: 2,
      WeekendEstimatedSavings: 12.5,
    });
    expect(documents[1]).toMatchObject({
      _aws: { Timestamp: AT.getTime(), CloudWatchMetrics: [{ Dimensions: [['Job', 'EndpointName', 'InferenceComponentName']] }] },
      Job: 'weekend-scaling',
      EndpointName: 'e',
      InferenceComponentName: 'a',
      ComponentCost: 1.5,
    });
    expect(documents.every((document) => !('service' in document))).toBe(true);
  });

  it('keeps the Job dimension and the timestamp on every document of a large batch (Powertools flushes at 100 values)', () => {
    // Prepare: 250 endpoints' savings in one run, all under one dimension set.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const sink = createMetricsSink('weekend-scaling');

    // Act
    const documents = captureDocuments(() =>
      sink.emit(
        Array.from({ length: 250 }, () => ({ name: 'Savings', value: 1, unit: 'None' as const, dimensions: { Action: 'weekend-scale-down' } })),
        AT,
      ),
    );

    // Assess: every value is there, each document dimensioned and stamped.
    expect(documents.length).toBeGreaterThan(1);
    expect(documents.every((document) => document.Job === 'weekend-scaling' && document._aws.Timestamp === AT.getTime())).toBe(true);
    expect(documents.flatMap((document) => [document.Savings].flat())).toHaveLength(250);
  });

  it('writes nothing when POWERTOOLS_METRICS_DISABLED is true', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const sink = createMetricsSink('idle-endpoints');

    // Act
    const documents = captureDocuments(() => sink.emit([{ name: 'IdleEndpoints', value: 3, unit: 'Count', dimensions: {} }], AT));

    // Assess
    expect(documents).toEqual([]);
  });
});
