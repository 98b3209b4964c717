import { describe, expect, it } from 'vitest';
import { attributeCosts, attributeHost, type CostComponent, type CostHost, type CostSnapshot } from '@ops-bot/shared/domain/cost';
import { createPriceBook } from '@ops-bot/shared/domain/prices';

const prices = createPriceBook({});
const DAY = 24;

function host(overrides: Partial<CostHost> = {}): CostHost {
  return {
    region: 'us-east-1',
    endpointName: 'ep',
    variantName: 'AllTraffic',
    instanceType: 'ml.g6.12xlarge',
    instanceCount: 1,
    serverless: false,
    components: [],
    ...overrides,
  };
}

function component(overrides: Partial<CostComponent> = {}): CostComponent {
  return { name: 'model', copies: 1, acceleratorsPerCopy: 1, ...overrides };
}

function snapshot(hosts: CostHost[], periodHours = DAY): CostSnapshot {
  return {
    kind: 'cost-report',
    version: 1,
    capturedAt: '2026-11-21T08:00:00Z',
    periodStart: '2026-11-20T00:00:00Z',
    periodEnd: '2026-11-21T00:00:00Z',
    periodHours,
    hosts,
    failures: [],
  };
}

describe('Function: attributeHost (the launch-post test vectors)', () => {
  it('prices a 4-GPU model on ml.g6.12xlarge ($5.752/h, 4 GPUs) at $0.016 per 10 seconds', () => {
    // Prepare: 10 seconds held on all 4 GPUs.
    const tenSeconds = 10 / 3600;
    const result = attributeHost(
      host({
        measuredInstanceHours: { current: tenSeconds, previous: 0 },
        components: [component({ measuredGpuHours: { current: 4 * tenSeconds, previous: 0 } })],
      }),
      prices,
      tenSeconds,
    );

    // Assess: 5.752 / 3600 × 10 = 0.01598 → $0.016; rounded to cents in the report.
    expect(result.components[0]?.cost).toBe(0.02);
    expect(((result.components[0]?.unitHours ?? 0) * 5.752) / 4).toBeCloseTo(0.016, 3);
  });

  it('prices a 1-GPU component held for 24 h on ml.g6.12xlarge at $34.51', () => {
    // Act
    const result = attributeHost(host({ components: [component({ measuredGpuHours: { current: 24, previous: 24 } })] }), prices, DAY);

    // Assess
    expect(result.components[0]?.cost).toBe(34.51);
    expect(result.cost).toBe(138.05);
    expect(result.unallocated).toBe(103.54);
  });
});

describe('Function: attributeHost', () => {
  it.each([
    {
      case: 'two GPU models holding 1 and 2 of 4 GPUs, one GPU free',
      host: host({ components: [component({ name: 'a', acceleratorsPerCopy: 1 }), component({ name: 'b', acceleratorsPerCopy: 2 })] }),
      costs: { a: 34.51, b: 69.02 },
      unallocated: 34.51,
    },
    {
      case: 'fractional GPUs held (a component scaled from 1 to 3 GPUs at midday: 12 + 36 GPU-hours)',
      host: host({ components: [component({ name: 'scaled', measuredGpuHours: { current: 48, previous: 24 } })] }),
      costs: { scaled: 69.02 },
      unallocated: 69.02,
    },
    {
      case: 'two copies of a 2-GPU model filling the instance',
      host: host({ components: [component({ name: 'full', copies: 2, acceleratorsPerCopy: 2 })] }),
      costs: { full: 138.05 },
      unallocated: 0,
    },
    {
      // ml.m5.xlarge: $0.23/h, 4 vCPUs → $0.0575 per core-hour.
      case: 'CPU-only: shares by CPU cores',
      host: host({ instanceType: 'ml.m5.xlarge', components: [component({ name: 'cpu', acceleratorsPerCopy: undefined, cpuCoresPerCopy: 2 })] }),
      costs: { cpu: 2.76 },
      unallocated: 2.76,
    },
    {
      // ml.m5.xlarge: 16 GiB → $0.014375 per GiB-hour; 4 GiB × 24 h = $1.38.
      case: 'CPU-only without cores: shares by memory',
      host: host({ instanceType: 'ml.m5.xlarge', components: [component({ name: 'mem', acceleratorsPerCopy: undefined, memoryMbPerCopy: 4096 })] }),
      costs: { mem: 1.38 },
      unallocated: 4.14,
    },
    {
      case: 'a 2-instance endpoint measured at 36 instance-hours (one instance for half the day)',
      host: host({
        instanceCount: 2,
        measuredInstanceHours: { current: 36, previous: 48 },
        components: [component({ name: 'm', measuredGpuHours: { current: 24, previous: 24 } })],
      }),
      costs: { m: 34.51 },
      unallocated: 172.56,
    },
  ])('attributes $case', ({ host: input, costs, unallocated }) => {
    // Act
    const result = attributeHost(input, prices, DAY);

    // Assess
    expect(Object.fromEntries(result.components.map((c) => [c.name, c.cost]))).toEqual(costs);
    expect(result.unallocated).toBe(unallocated);
    // Within a cent, everything adds up to the instance cost.
    const held = result.components.reduce((total, c) => total + (c.cost ?? 0), 0);
    expect(Math.abs(held + (result.unallocated ?? 0) - (result.cost ?? 0))).toBeLessThan(0.0101);
  });

  it('says "price unknown" for an unknown type instead of counting $0', () => {
    // Act
    const result = attributeHost(host({ instanceType: 'ml.x99.mega', components: [component()] }), prices, DAY);

    // Assess
    expect(result.cost).toBeUndefined();
    expect(result.components[0]?.cost).toBeUndefined();
    expect(result.unallocated).toBeUndefined();
  });

  it('marks measured and estimated figures apart', () => {
    // Act
    const result = attributeHost(
      host({
        measuredInstanceHours: { current: 24, previous: 24 },
        components: [component({ name: 'm', measuredGpuHours: { current: 24, previous: 24 } }), component({ name: 'e' })],
      }),
      prices,
      DAY,
    );

    // Assess
    expect(result.instanceHoursSource).toBe('measured');
    expect(result.components.map((c) => [c.name, c.source])).toEqual([
      ['m', 'measured'],
      ['e', 'estimated'],
    ]);
  });

  it('without enhanced metrics estimates from the current instance count', () => {
    const result = attributeHost(host({ instanceCount: 2 }), prices, DAY);
    expect(result).toMatchObject({ instanceHours: 48, instanceHoursSource: 'estimated', cost: 276.1 });
  });

  it('flags components that claim more than the instances have, and never shows negative unallocated', () => {
    // Act
    const result = attributeHost(host({ components: [component({ copies: 3, acceleratorsPerCopy: 2 })] }), prices, DAY);

    // Assess
    expect(result.overAllocated).toBe(true);
    expect(result.unallocated).toBe(0);
  });

  it('gives the whole cost to a single-model endpoint, with its cost per 1,000 invocations', () => {
    // Act
    const result = attributeHost(host({ instanceType: 'ml.m5.large', invocations: { current: 2_000, previous: 1_000 } }), prices, DAY);

    // Assess
    expect(result.components).toEqual([
      expect.objectContaining({ name: 'ep (whole endpoint)', basis: 'whole-endpoint', cost: 2.76, invocations: 2_000, costPerThousandInvocations: 1.38 }),
    ]);
  });

  it('computes cost per 1,000 invocations for a component', () => {
    const result = attributeHost(host({ components: [component({ invocations: { current: 10_000, previous: 0 } })] }), prices, DAY);
    expect(result.components[0]?.costPerThousandInvocations).toBe(3.4512);
  });
});

describe('Function: attributeCosts', () => {
  it('totals the account, leaves serverless out, ranks top models and movers', () => {
    // Prepare
    const report = attributeCosts(
      snapshot([
        host({
          endpointName: 'gpu-ep',
          components: [component({ name: 'big', acceleratorsPerCopy: 2 }), component({ name: 'grown', measuredGpuHours: { current: 24, previous: 12 } })],
        }),
        host({ endpointName: 'cpu-ep', instanceType: 'ml.m5.large' }),
        host({ endpointName: 'sls', serverless: true, instanceType: undefined, instanceCount: 0 }),
      ]),
      prices,
    );

    // Assess
    expect(report.hosts.map((h) => h.endpointName)).toEqual(['gpu-ep', 'cpu-ep']);
    expect(report.totalCost).toBe(140.81);
    expect(report.totalUnallocated).toBe(34.51);
    expect(report.topModels.map((model) => model.name)).toEqual(['big', 'grown', 'cpu-ep (whole endpoint)']);
    // The change is between the figures as shown (34.51 - 17.26), so a reader can check it by subtraction.
    expect(report.movers).toEqual([{ name: 'grown', endpointName: 'gpu-ep', cost: 34.51, change: 17.25 }]);
  });
});
