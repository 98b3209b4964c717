/**
 * Rightsizing in domain terms: peaks as CloudWatch publishes them (CPU 0–100 × vCPUs, GPU 0–100 ×
 * GPUs), prices and hardware from the embedded table (us-east-1), and the suggestion that follows.
 */
import { describe, expect, it } from 'vitest';
import { createPriceBook } from '@ops-bot/shared/domain/prices';
import { judgeRightsizing, type VariantUsage } from '@ops-bot/shared/domain/rightsizing';
import { selectEndpointsToDescribe } from '@ops-bot/shared/domain/idle-endpoints';
import { endpointSnapshot, NOW, variantTraffic } from '../support/builders.ts';

const prices = createPriceBook({});
const policy = { prices, sizesOf: (region: string, family: string) => prices.familySizes(region, family), lookbackDays: 14 };

function usage(overrides: Partial<VariantUsage> & Pick<VariantUsage, 'instanceType' | 'peaks'>): VariantUsage {
  return { region: 'us-east-1', endpointName: 'model', variantName: 'AllTraffic', instanceCount: 1, tags: {}, ...overrides };
}

const judge = (...usages: VariantUsage[]) => judgeRightsizing(usages, policy);

describe('Domain: judgeRightsizing', () => {
  it('does not call a GPU endpoint under-used when its CPU is what the work needs', () => {
    // Prepare: ml.g5.12xlarge (48 vCPUs, 4 GPUs): GPUs at 8% and 25% memory, but CPU at 50% of 48 vCPUs.
    const busyCpu = usage({ instanceType: 'ml.g5.12xlarge', peaks: { cpu: 2_400, memory: 30, gpu: 32, gpuMemory: 100 } });

    // Act
    const report = judge(busyCpu);

    // Assess: every smaller g5 has too few vCPUs for that CPU peak.
    expect(report.suggestions).toEqual([]);
    expect(report.rightSized).toBe(1);
  });

  it('divides raw CPU by the vCPUs: 480 on 48 vCPUs is 10%, and the next size that holds it with headroom is suggested', () => {
    // Prepare: ml.m5.12xlarge (48 vCPUs, 192 GiB, $2.765/h).
    const report = judge(usage({ instanceType: 'ml.m5.12xlarge', peaks: { cpu: 480, memory: 10 } }));

    // Assess: ml.m5.2xlarge (8 vCPUs, 32 GiB, $0.461/h) holds 60% CPU and 60% memory; ml.m5.xlarge would be 120% CPU.
    expect(report.suggestions).toHaveLength(1);
    expect(report.suggestions[0]).toMatchObject({
      change: { kind: 'smaller-size', instanceType: 'ml.m5.2xlarge' },
      costPerDay: 66.36,
      newCostPerDay: 11.06,
      savingPerDay: 55.3,
      figures: { peaks: { cpu: 10, memory: 10 }, perInstanceFrom: 'average', lookbackDays: 14, instanceCount: 1 },
    });
  });

  it('judges by the peak: an endpoint that runs hot for one hour a day is not under-used', () => {
    // The hourly maximum of a day that is quiet but for one hour at 90% of 48 vCPUs.
    expect(judge(usage({ instanceType: 'ml.m5.12xlarge', peaks: { cpu: 4_320, memory: 10 } })).suggestions).toEqual([]);
  });

  it('says it cannot judge a variant whose series are missing, and never guesses', () => {
    // Act
    const report = judgeRightsizing([usage({ instanceType: 'ml.g5.12xlarge', peaks: { cpu: 100, memory: 5 } })], policy, [
      { region: 'us-east-1', endpointName: 'no-metrics', tags: {}, reason: 'no utilisation series' },
    ]);

    // Assess
    expect(report.suggestions).toEqual([]);
    expect(report.couldNotJudge.map(({ endpointName, reason }) => `${endpointName}: ${reason}`)).toEqual([
      'model: no GPUUtilization, GPUMemoryUtilization series',
      'no-metrics: no utilisation series',
    ]);
  });

  it('keeps a variant whose p99 latency is above half its SLO, and shows the latency beside a suggestion otherwise', () => {
    // Prepare: the ml.m5.12xlarge at 10%, with p99 model 45 ms + overhead 10 ms.
    const latency = { modelMs: 45, overheadMs: 10 };
    const near = usage({ instanceType: 'ml.m5.12xlarge', peaks: { cpu: 480, memory: 10 }, latency, tags: { 'ops-bot:latency-slo-ms': '100' } });
    const roomy = usage({
      endpointName: 'roomy',
      instanceType: 'ml.m5.12xlarge',
      peaks: { cpu: 480, memory: 10 },
      latency,
      tags: { 'ops-bot:latency-slo-ms': '200' },
    });
    const unreadable = usage({
      endpointName: 'odd',
      instanceType: 'ml.m5.12xlarge',
      peaks: { cpu: 480, memory: 10 },
      tags: { 'ops-bot:latency-slo-ms': 'fast' },
    });

    // Act
    const report = judge(near, roomy, unreadable);

    // Assess
    expect(report.keptForLatency.map(({ endpointName, reason }) => `${endpointName}: ${reason}`)).toEqual([
      'model: p99 latency 55 ms is above half its SLO of 100 ms',
      'odd: its ops-bot:latency-slo-ms tag is not a number of milliseconds',
    ]);
    expect(report.suggestions.map((suggestion) => [suggestion.usage.endpointName, suggestion.figures.latencyP99Ms])).toEqual([['roomy', 55]]);
  });

  it('spreads CPU over fewer instances from the average, but sizes down only from what the busiest instance is known to hold', () => {
    // Prepare: 3 x ml.m5.xlarge (4 vCPUs, 16 GiB, $0.23/h), the average at 12% CPU and 20% memory.
    const averageOnly = usage({ instanceType: 'ml.m5.xlarge', instanceCount: 3, peaks: { cpu: 48, memory: 20 } });
    const withBusiest = usage({ ...averageOnly, endpointName: 'measured', busiest: { cpu: 56, memory: 22 } });

    // Act
    const [fromAverage, fromBusiest] = [judge(averageOnly), judge(withBusiest)].map((report) => report.suggestions[0]);

    // Assess: from the average alone one instance might carry 36% (on ml.m5.large, 72%: too much), so
    // the suggestion is one instance fewer (never below two); knowing the busiest is at 14% (28% on
    // ml.m5.large), three ml.m5.large save more.
    expect(fromAverage).toMatchObject({
      change: { kind: 'fewer-instances', instanceCount: 2 },
      savingPerDay: 5.52,
      figures: { perInstanceFrom: 'worst-case-from-average' },
    });
    expect(fromBusiest).toMatchObject({
      change: { kind: 'smaller-size', instanceType: 'ml.m5.large' },
      savingPerDay: 8.28,
      figures: { perInstanceFrom: 'busiest-instance' },
    });
  });

  it('does not name an endpoint tagged ops-bot:rightsizing = off', () => {
    const report = judgeRightsizing(
      [usage({ instanceType: 'ml.m5.12xlarge', peaks: { cpu: 480, memory: 10 }, tags: { 'ops-bot:rightsizing': 'off' } })],
      policy,
      [{ region: 'us-east-1', endpointName: 'quiet', tags: { 'ops-bot:rightsizing': 'OFF' }, reason: 'no utilisation series' }],
    );
    expect([report.suggestions, report.fewerCopies, report.couldNotJudge, report.keptForLatency, report.rightSized]).toEqual([[], [], [], [], 0]);
  });

  it('sizes a GPU variant down within its family only when GPUs and GPU memory still hold the model', () => {
    // Prepare: ml.g5.12xlarge (4 x A10G 24 GiB, $7.09/h): GPU 8% x 4, GPU memory 20% of 96 GiB, CPU 2% of 48, memory 5% of 192.
    const report = judge(usage({ instanceType: 'ml.g5.12xlarge', peaks: { cpu: 96, memory: 5, gpu: 32, gpuMemory: 80 } }));

    // Assess: 19.2 GiB of GPU memory fits one 24 GiB A10G at 80%: too much; two GPUs are needed, which
    // only the 4-GPU sizes have, and they cost more. Nothing smaller holds it with headroom.
    expect(report.suggestions).toEqual([]);

    // And with half that GPU memory (9.6 GiB: 40% of one A10G), ml.g5.xlarge ($1.408/h) holds it.
    const smaller = judge(usage({ instanceType: 'ml.g5.12xlarge', peaks: { cpu: 96, memory: 5, gpu: 32, gpuMemory: 40 } }));
    expect(smaller.suggestions[0]).toMatchObject({ change: { kind: 'smaller-size', instanceType: 'ml.g5.xlarge' }, savingPerDay: 136.37 });
  });
});

describe('Domain: which endpoints are described', () => {
  it('describes the idle ones first, then the busy ones with room on memory or with requests in few hours, and no other busy one', () => {
    // Prepare: busy every hour of the 14 days, or (rare) in 2 of them.
    const everyHour = Array.from({ length: 14 * 24 }, (_, hour) => hour + 1);
    const busy = (name: string, memory: number | undefined, hours = everyHour) =>
      endpointSnapshot({
        name,
        details: undefined,
        traffic: { status: 'read', series: [variantTraffic('AllTraffic', hours)] },
        usage: { status: 'read', variants: [{ variantName: 'AllTraffic', peaks: { cpu: 40, memory } }] },
      });
    const endpoints = [
      busy('roomy', 30),
      busy('full', 85),
      busy('no-memory-series', undefined),
      endpointSnapshot({ name: 'idle', details: undefined }),
      { ...busy('opted-out', 10), tags: { 'ops-bot:rightsizing': 'off' } },
      // No room on memory, but called in 2 of 336 hours: serverless or asynchronous inference is weighed.
      busy('rare-full', 85, [1, 2]),
      busy('rare-no-memory-series', undefined, [1, 2]),
    ];

    // Act
    const selected = selectEndpointsToDescribe(endpoints, 24, 3600, NOW, 14);
    const described = [...selected.idle, ...selected.busy].map((endpoint) => endpoint.name);

    // Assess
    expect(described).toEqual(['idle', 'roomy', 'rare-full']);
  });
});
