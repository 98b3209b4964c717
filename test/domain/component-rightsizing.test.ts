/**
 * Inference components in domain terms: per-copy peaks as `/aws/sagemaker/InferenceComponents`
 * publishes them (0–100 of each copy's reservation), reservations as DescribeInferenceComponent
 * returns them, and hardware and prices from the embedded table (us-east-1: ml.g5.12xlarge has 4
 * GPUs, 48 vCPUs, 192 GiB, $7.09/h).
 */
import { describe, expect, it } from 'vitest';
import { createPriceBook } from '@ops-bot/shared/domain/prices';
import { copiesFit } from '@ops-bot/shared/domain/component-rightsizing';
import { judgeRightsizing, type ComponentToJudge, type VariantUsage } from '@ops-bot/shared/domain/rightsizing';

const prices = createPriceBook({});
const policy = { prices, sizesOf: (region: string, family: string) => prices.familySizes(region, family), lookbackDays: 14 };
const g5_12xlarge = { accelerators: 4, vcpus: 48, memoryGiB: 192, gpuMemoryGiB: 24 };
const ONE_GPU_COPY = { acceleratorsPerCopy: 1, cpuCoresPerCopy: 10, memoryMbPerCopy: 40_960 };

/** A component of `copies` one-GPU copies on the `llm` endpoint, its copies quiet unless told otherwise. */
function component(overrides: Partial<ComponentToJudge> = {}, copies = 16): ComponentToJudge {
  return {
    region: 'us-east-1',
    endpointName: 'llm',
    variantName: 'AllTraffic',
    componentName: 'chat',
    tags: {},
    endpointTags: {},
    instanceType: 'ml.g5.12xlarge',
    copies: { desiredCopyCount: copies, currentCopyCount: copies, status: 'InService', ...ONE_GPU_COPY },
    peaks: { cpu: 4, memory: 20, gpu: 5, gpuMemory: 30 },
    latencyP99Ms: 120,
    ...overrides,
  };
}

/** The `llm` endpoint's variant: 4 × ml.g5.12xlarge, quiet (GPUs at 10%, CPU at 6%), hosting `copies` copies of `chat`. */
function hostVariant(copies: number, overrides: Partial<VariantUsage> = {}): VariantUsage {
  return {
    region: 'us-east-1',
    endpointName: 'llm',
    variantName: 'AllTraffic',
    instanceType: 'ml.g5.12xlarge',
    instanceCount: 4,
    tags: {},
    peaks: { cpu: 300, memory: 20, gpu: 40, gpuMemory: 120 },
    hosted: { status: 'read', copies: [{ componentName: 'chat', count: copies, accelerators: 1, cpuCores: 10, memoryMb: 40_960 }] },
    ...overrides,
  };
}

describe('Domain: inference components in rightsizing', () => {
  it('suggests fewer copies when every copy peaking at once still fits in fewer, and prices what they free', () => {
    // Act: 16 copies whose GPU peaks at 5% of its one GPU: all at once, 80% of one copy.
    const report = judgeRightsizing([], policy, [], [component()]);

    // Assess: two copies hold it at 40% each; never below two. 14 GPUs freed = 3.5 instances of $7.09/h.
    expect(report.fewerCopies).toHaveLength(1);
    expect(report.fewerCopies[0]).toMatchObject({
      toCopies: 2,
      freed: { accelerators: 14, cpuCores: 140, memoryMb: 14 * 40_960 },
      freedCapacityPerDay: 595.56,
      lookbackDays: 14,
    });
    // Freed capacity is not a saving until instances scale in: the total counts none of it.
    expect(report.totalSavingPerDay).toBe(0);
  });

  it('keeps the copies whose memory is near what they reserve, and those whose peaks add up past the target', () => {
    // Prepare
    const nearMemory = component({ componentName: 'embed', peaks: { cpu: 4, memory: 80, gpu: 5, gpuMemory: 30 } });
    const busy = component({ componentName: 'rank', peaks: { cpu: 4, memory: 20, gpu: 45, gpuMemory: 30 } }, 4);

    // Act
    const report = judgeRightsizing([], policy, [], [nearMemory, busy]);

    // Assess: rank's 4 × 45% = 180% of a copy needs 3 copies at 60%; 4 → 3 would still be fewer.
    expect(report.fewerCopies.map((entry) => [entry.usage.componentName, entry.toCopies])).toEqual([['rank', 3]]);
    expect(report.rightSized).toBe(1);
  });

  it('weighs fewer instances only with every copy still placed: 16 one-GPU copies need all 4 instances, 2 copies fit on 2', () => {
    // Act: the same quiet variant, its component opted out (its 16 copies stay) or judged (down to 2).
    const optedOut = judgeRightsizing([hostVariant(16)], policy, [], [component({ tags: { 'ops-bot:rightsizing': 'off' } })]);
    const judged = judgeRightsizing([hostVariant(16)], policy, [], [component()]);

    // Assess: by load alone 2 instances would do; placement says no while 16 GPUs are reserved.
    expect(optedOut.suggestions).toEqual([]);
    expect(optedOut.fewerCopies).toEqual([]);
    expect(judged.suggestions).toHaveLength(1);
    expect(judged.suggestions[0]).toMatchObject({ change: { kind: 'fewer-instances', instanceCount: 2 }, savingPerDay: 340.32 });
    expect(judged.totalSavingPerDay).toBe(340.32);
  });

  it('does not judge instances whose components could not be read, and says why', () => {
    // Act
    const report = judgeRightsizing(
      [hostVariant(16, { hosted: { status: 'unknown', reason: 'inference component chat not read: DescribeInferenceComponent failed: throttled' } })],
      policy,
    );

    // Assess
    expect(report.suggestions).toEqual([]);
    expect(report.couldNotJudge).toEqual([
      expect.objectContaining({ endpointName: 'llm', reason: 'inference component chat not read: DescribeInferenceComponent failed: throttled' }),
    ]);
  });

  it("holds a component's copies for its endpoint's latency SLO, and leaves out skipped components unnamed", () => {
    // Act: p99 of 120 ms against a 200 ms SLO is above half of it.
    const report = judgeRightsizing(
      [],
      policy,
      [],
      [component({ endpointTags: { 'ops-bot:latency-slo-ms': '200' } }), component({ componentName: 'hidden', tags: { 'ops-bot:skip': 'true' } })],
    );

    // Assess
    expect(report.fewerCopies).toEqual([]);
    expect(report.keptForLatency).toEqual([
      expect.objectContaining({ endpointName: 'llm', componentName: 'chat', reason: 'p99 latency 120 ms is above half its SLO of 200 ms' }),
    ]);
    expect(JSON.stringify(report)).not.toContain('hidden');
  });

  it('does not judge a component whose copies are changing or whose series are missing', () => {
    // Act
    const report = judgeRightsizing(
      [],
      policy,
      [],
      [
        component({ copies: { desiredCopyCount: 4, currentCopyCount: 16, status: 'Updating', ...ONE_GPU_COPY } }),
        component({ componentName: 'silent', peaks: { cpu: 4, memory: 20 } }),
      ],
    );

    // Assess
    expect(report.couldNotJudge.map((entry) => `${entry.componentName}: ${entry.reason}`)).toEqual([
      'chat: it is Updating',
      'silent: no GPUUtilizationNormalized, GPUMemoryUtilizationNormalized series',
    ]);
  });
});

describe('Domain: copiesFit', () => {
  it('places copies on whole instances: a GPU is never split, and a tenth of memory stays unreserved', () => {
    const twoGpuCopies = [{ count: 3, accelerators: 2, cpuCores: 4, memoryMb: 8_192 }];
    expect(copiesFit(twoGpuCopies, 1, g5_12xlarge)).toBe(false);
    expect(copiesFit(twoGpuCopies, 2, g5_12xlarge)).toBe(true);
    // Two copies of 100 GiB: 200 GiB is more than 90% of one instance's 192 GiB.
    const bigMemory = [{ count: 2, accelerators: 0, cpuCores: 1, memoryMb: 102_400 }];
    expect(copiesFit(bigMemory, 1, g5_12xlarge)).toBe(false);
    expect(copiesFit(bigMemory, 2, g5_12xlarge)).toBe(true);
    expect(copiesFit([], 0, g5_12xlarge)).toBe(true);
  });
});
