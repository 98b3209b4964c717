/**
 * Rarely called variants in domain terms: hours with requests, memory and latency peaks, and the
 * alternative each allows (serverless: no GPUs, 1–6 GB, 60 s; asynchronous otherwise).
 */
import { describe, expect, it } from 'vitest';
import { judgeRarelyCalled, type RarelyCalledInput } from '@ops-bot/shared/domain/low-traffic';

/** ml.m5.xlarge: 4 vCPUs, 16 GiB, $0.23/h; requests in 12 of 336 hours. */
function input(overrides: Partial<RarelyCalledInput> = {}): RarelyCalledInput {
  return {
    instanceType: 'ml.m5.xlarge',
    instanceCount: 1,
    hardware: { accelerators: 0, vcpus: 4, memoryGiB: 16 },
    pricePerHour: 0.23,
    activeHours: 12,
    lookbackHours: 336,
    memoryPeakPercent: 10,
    latencyP99Ms: 800,
    ...overrides,
  };
}

describe('Domain: judgeRarelyCalled', () => {
  it('names serverless for a CPU model whose memory peak fits a serverless size with headroom, and measures the empty hours', () => {
    // Act: 1.6 GiB at most 60% of the size: 3072 MB.
    const judged = judgeRarelyCalled(input());

    // Assess: 324 of 336 hours without a request at $0.23/h: $5.32/day.
    expect(judged).toEqual({
      alternative: { kind: 'serverless', memoryMb: 3_072 },
      activeHours: 12,
      lookbackHours: 336,
      idleSpendPerDay: 5.32,
      memoryPeakGiB: 1.6,
    });
  });

  it('names asynchronous inference where serverless cannot hold the model, and says why', () => {
    const why = (overrides: Partial<RarelyCalledInput>) => {
      const alternative = judgeRarelyCalled(input(overrides))?.alternative;
      return alternative?.kind === 'asynchronous' ? alternative.why : alternative?.kind;
    };
    expect(why({ hardware: { accelerators: 1, vcpus: 4, memoryGiB: 16 } })).toBe('serverless has no GPUs');
    // 30% of 16 GiB is 4.8 GiB: more than 60% of 6144 MB.
    expect(why({ memoryPeakPercent: 30 })).toBe('its memory peak is more than serverless memory holds');
    expect(why({ latencyP99Ms: 45_000 })).toBe('its p99 latency is too close to the serverless 60 s limit');
    expect(why({ latencyP99Ms: undefined })).toBe('its latency is not published, so the serverless timeout cannot be checked');
  });

  it('leaves alone a variant with requests in more than a tenth of its hours', () => {
    expect(judgeRarelyCalled(input({ activeHours: 34 }))).toBeUndefined();
    expect(judgeRarelyCalled(input({ activeHours: 33 }))).toBeDefined();
    expect(judgeRarelyCalled(input({ activeHours: 0, lookbackHours: 0 }))).toBeUndefined();
  });
});
