import { describe, expect, it } from 'vitest';
import { assessTraffic, findIdleEndpoints, selectEndpointsToDescribe } from '@ops-bot/shared/domain/idle-endpoints';
import { createPriceBook } from '@ops-bot/shared/domain/prices';
import { NOW, componentTraffic, endpointSnapshot, hoursAgo, idleEndpointsSnapshot, instanceVariant, variantTraffic } from '../support/builders.ts';

const policy = { idleHours: 24, prices: createPriceBook({}) };

describe('Function: assessTraffic', () => {
  it.each([
    { case: 'no series at all (silent for 14 days)', endpoint: endpointSnapshot(), verdict: 'idle' },
    { case: 'traffic 2 h ago', endpoint: endpointSnapshot({ traffic: { status: 'read', series: [variantTraffic('AllTraffic', [2])] } }), verdict: 'busy' },
    {
      case: 'traffic only 30 h ago',
      endpoint: endpointSnapshot({ traffic: { status: 'read', series: [variantTraffic('AllTraffic', [30])] } }),
      verdict: 'idle',
    },
    {
      // The bucket that started 24 h ago ends 23 h ago, inside the window: never called idle when unsure.
      case: 'traffic in the bucket straddling the window start',
      endpoint: endpointSnapshot({ traffic: { status: 'read', series: [variantTraffic('AllTraffic', [24])] } }),
      verdict: 'busy',
    },
    {
      case: 'traffic in a bucket that ended exactly at the window start',
      endpoint: endpointSnapshot({ traffic: { status: 'read', series: [variantTraffic('AllTraffic', [25])] } }),
      verdict: 'idle',
    },
    {
      case: 'zero-valued datapoints only',
      endpoint: endpointSnapshot({ traffic: { status: 'read', series: [variantTraffic('AllTraffic', [1, 2, 3], 0)] } }),
      verdict: 'idle',
    },
    {
      case: 'traffic only on the second variant',
      endpoint: endpointSnapshot({ traffic: { status: 'read', series: [variantTraffic('A', [100]), variantTraffic('B', [3])] } }),
      verdict: 'busy',
    },
    {
      case: 'traffic only through an inference component',
      endpoint: endpointSnapshot({ inferenceComponents: ['ic-1'], traffic: { status: 'read', series: [componentTraffic('ic-1', [1])] } }),
      verdict: 'busy',
    },
    { case: 'created inside the window', endpoint: endpointSnapshot({ createdAt: hoursAgo(23) }), verdict: 'young' },
    { case: 'skip tag true', endpoint: endpointSnapshot({ tags: { 'ops-bot:skip': 'true' } }), verdict: 'skipped' },
    { case: 'skip tag True, padded', endpoint: endpointSnapshot({ tags: { 'ops-bot:skip': ' True ' } }), verdict: 'skipped' },
    { case: 'skip tag false', endpoint: endpointSnapshot({ tags: { 'ops-bot:skip': 'false' } }), verdict: 'idle' },
    {
      case: 'metrics unavailable',
      endpoint: endpointSnapshot({ traffic: { status: 'unavailable', reason: 'GetMetricData failed' } }),
      verdict: 'unknown',
    },
  ])('decides $verdict for $case', ({ endpoint, verdict }) => {
    // Act
    const result = assessTraffic(endpoint, 24, 3600, NOW);

    // Assess
    expect(result.verdict).toBe(verdict);
  });

  it('reports the end of the last busy bucket as the last invocation', () => {
    // Prepare
    const endpoint = endpointSnapshot({ traffic: { status: 'read', series: [variantTraffic('A', [100, 50]), variantTraffic('B', [70])] } });

    // Act
    const result = assessTraffic(endpoint, 24, 3600, NOW);

    // Assess
    expect(result).toEqual({ verdict: 'idle', lastInvocationAt: hoursAgo(49) });
  });

  it('honours a longer idle window', () => {
    // Prepare
    const endpoint = endpointSnapshot({ traffic: { status: 'read', series: [variantTraffic('A', [40])] } });

    // Act & Assess
    expect(assessTraffic(endpoint, 48, 3600, NOW).verdict).toBe('busy');
    expect(assessTraffic(endpoint, 24, 3600, NOW).verdict).toBe('idle');
  });
});

describe('Function: selectEndpointsToDescribe', () => {
  it('asks for details of the idle endpoints only', () => {
    // Prepare
    const endpoints = [
      endpointSnapshot({ name: 'idle' }),
      endpointSnapshot({ name: 'busy', traffic: { status: 'read', series: [variantTraffic('A', [1])] } }),
      endpointSnapshot({ name: 'young', createdAt: hoursAgo(2) }),
      endpointSnapshot({ name: 'skipped', tags: { 'ops-bot:skip': 'true' } }),
      endpointSnapshot({ name: 'unknown', traffic: { status: 'unavailable', reason: 'x' } }),
    ];

    // Act
    const { idle, busy } = selectEndpointsToDescribe(endpoints, 24, 3600, NOW, 14);
    const selected = [...idle, ...busy];

    // Assess
    expect(selected.map((endpoint) => endpoint.name)).toEqual(['idle']);
  });
});

describe('Function: findIdleEndpoints', () => {
  it('costs every billed variant, shadow variants included, at the on-demand price', () => {
    // Prepare
    const snapshot = idleEndpointsSnapshot({
      endpoints: [
        endpointSnapshot({
          details: {
            status: 'read',
            variants: [
              instanceVariant({ variantName: 'A', instanceType: 'ml.g5.12xlarge', currentInstanceCount: 2 }),
              instanceVariant({ variantName: 'S', role: 'shadow', instanceType: 'ml.m5.xlarge', currentInstanceCount: 1 }),
            ],
          },
        }),
      ],
    });

    // Act
    const plan = findIdleEndpoints(snapshot, policy);

    // Assess: 2 x 7.09 x 24 + 0.23 x 24 = 340.32 + 5.52
    expect(plan.idle).toHaveLength(1);
    expect(plan.idle[0]?.knownCostPerDay).toBe(345.84);
    expect(plan.totalKnownCostPerDay).toBe(345.84);
    expect(plan.idle[0]?.variants.map((variant) => variant.role)).toEqual(['production', 'shadow']);
  });

  it.each([
    {
      case: 'serverless',
      variants: [instanceVariant({ serverless: true, instanceType: undefined, currentInstanceCount: 0 })],
      why: 'serverless',
    },
    { case: 'zero instances', variants: [instanceVariant({ currentInstanceCount: 0 })], why: 'no-instances' },
  ])('never reports $case variants as waste', ({ variants, why }) => {
    // Prepare
    const snapshot = idleEndpointsSnapshot({ endpoints: [endpointSnapshot({ details: { status: 'read', variants } })] });

    // Act
    const plan = findIdleEndpoints(snapshot, policy);

    // Assess
    expect(plan.idle).toEqual([]);
    expect(plan.idleWithoutCost).toEqual([{ region: 'us-east-1', name: 'ep-1', why }]);
  });

  it('costs only the billed variant of an endpoint that also has a serverless one', () => {
    // Prepare
    const variants = [
      instanceVariant({ variantName: 'S', serverless: true, instanceType: undefined, currentInstanceCount: 0 }),
      instanceVariant({ variantName: 'I', instanceType: 'ml.c5.large', currentInstanceCount: 1 }),
    ];
    const snapshot = idleEndpointsSnapshot({ endpoints: [endpointSnapshot({ details: { status: 'read', variants } })] });

    // Act
    const plan = findIdleEndpoints(snapshot, policy);

    // Assess
    expect(plan.idle[0]?.variants.map((variant) => variant.variantName)).toEqual(['I']);
    expect(plan.idle[0]?.knownCostPerDay).toBe(2.45);
  });

  it('says "price unknown" instead of counting an unknown type as $0', () => {
    // Prepare
    const variants = [
      instanceVariant({ variantName: 'A', instanceType: 'ml.x99.mega', currentInstanceCount: 1 }),
      instanceVariant({ variantName: 'B', instanceType: 'ml.m5.large', currentInstanceCount: 1 }),
    ];
    const snapshot = idleEndpointsSnapshot({ endpoints: [endpointSnapshot({ details: { status: 'read', variants } })] });

    // Act
    const plan = findIdleEndpoints(snapshot, policy);

    // Assess
    expect(plan.idle[0]?.unpricedInstanceTypes).toEqual(['ml.x99.mega']);
    expect(plan.idle[0]?.knownCostPerDay).toBe(2.76);
    expect(plan.idle[0]?.variants[0]).not.toHaveProperty('pricePerHour');
  });

  it('prices regions outside the table as unknown unless overridden', () => {
    // Prepare
    const snapshot = idleEndpointsSnapshot({ regions: ['eu-west-1'], endpoints: [endpointSnapshot({ region: 'eu-west-1' })] });

    // Act
    const unknown = findIdleEndpoints(snapshot, policy);
    const overridden = findIdleEndpoints(snapshot, { idleHours: 24, prices: createPriceBook({ 'ml.m5.xlarge': 0.25 }) });

    // Assess
    expect(unknown.idle[0]?.unpricedInstanceTypes).toEqual(['ml.m5.xlarge']);
    expect(overridden.idle[0]?.knownCostPerDay).toBe(6);
    expect(overridden.priceSource).toContain('PRICE_OVERRIDES');
  });

  it('records failures as unchecked, never as idle or busy', () => {
    // Prepare
    const snapshot = idleEndpointsSnapshot({
      endpoints: [
        endpointSnapshot({ name: 'no-metrics', traffic: { status: 'unavailable', reason: 'GetMetricData returned InternalError' } }),
        endpointSnapshot({ name: 'no-describe', details: { status: 'unavailable', reason: 'DescribeEndpoint failed: AccessDenied' } }),
      ],
      regionFailures: [{ region: 'eu-west-1', stage: 'ListEndpoints', reason: 'AccessDeniedException: no' }],
    });

    // Act
    const plan = findIdleEndpoints(snapshot, policy);

    // Assess
    expect(plan.idle).toEqual([]);
    expect(plan.counts.busy).toBe(0);
    expect(plan.unchecked).toEqual([
      { region: 'eu-west-1', reason: 'ListEndpoints: AccessDeniedException: no' },
      { region: 'us-east-1', name: 'no-metrics', reason: 'invocations unknown: GetMetricData returned InternalError' },
      { region: 'us-east-1', name: 'no-describe', reason: 'no invocations, but capacity unknown: DescribeEndpoint failed: AccessDenied' },
    ]);
  });

  it.each([
    { case: 'hosts inference components', overrides: { inferenceComponents: ['ic'] }, suggestion: 'scale-inference-components-to-zero' },
    { case: 'was never invoked in the lookback', overrides: {}, suggestion: 'delete' },
    {
      case: 'has occasional traffic on CPU',
      overrides: { traffic: { status: 'read' as const, series: [variantTraffic('AllTraffic', [72])] } },
      suggestion: 'move-to-serverless',
    },
    {
      case: 'has occasional traffic on GPU',
      overrides: {
        traffic: { status: 'read' as const, series: [variantTraffic('AllTraffic', [72])] },
        details: { status: 'read' as const, variants: [instanceVariant({ instanceType: 'ml.g5.xlarge' })] },
      },
      suggestion: 'delete-or-adopt-inference-components',
    },
  ])('suggests $suggestion for an endpoint that $case', ({ overrides, suggestion }) => {
    // Prepare
    const snapshot = idleEndpointsSnapshot({ endpoints: [endpointSnapshot(overrides)] });

    // Act
    const plan = findIdleEndpoints(snapshot, policy);

    // Assess
    expect(plan.idle[0]?.suggestion).toBe(suggestion);
  });

  it('measures idle time from the last invocation, or from creation when never invoked', () => {
    // Prepare
    const snapshot = idleEndpointsSnapshot({
      endpoints: [
        endpointSnapshot({ name: 'last-seen', traffic: { status: 'read', series: [variantTraffic('AllTraffic', [72])] } }),
        endpointSnapshot({ name: 'new-and-silent', createdAt: hoursAgo(50) }),
        endpointSnapshot({ name: 'old-and-silent', createdAt: hoursAgo(90 * 24) }),
      ],
    });

    // Act
    const byName = new Map(findIdleEndpoints(snapshot, policy).idle.map((endpoint) => [endpoint.name, endpoint]));

    // Assess
    expect(byName.get('last-seen')).toMatchObject({ idleHours: 71, noInvocationsInLookback: false, lastInvocationAt: hoursAgo(71) });
    expect(byName.get('new-and-silent')).toMatchObject({ idleHours: 50, noInvocationsInLookback: true, lastInvocationAt: null });
    expect(byName.get('old-and-silent')).toMatchObject({ idleHours: 14 * 24, noInvocationsInLookback: true });
  });

  it("restarts the idle clock of a recreated endpoint: its predecessor's traffic series does not count against it", () => {
    // Prepare: recreated 30 h ago under the same name; the series it continues last saw traffic 10 days ago.
    const snapshot = idleEndpointsSnapshot({
      endpoints: [endpointSnapshot({ name: 'recreated', createdAt: hoursAgo(30), traffic: { status: 'read', series: [variantTraffic('AllTraffic', [240])] } })],
    });

    // Act
    const [recreated] = findIdleEndpoints(snapshot, policy).idle;

    // Assess: idle for as long as it exists, not the 10 days of the series.
    expect(recreated?.idleHours).toBe(30);
  });

  it('orders the idle list by cost, most expensive first, and counts the rest', () => {
    // Prepare
    const snapshot = idleEndpointsSnapshot({
      endpoints: [
        endpointSnapshot({ name: 'cheap', details: { status: 'read', variants: [instanceVariant({ instanceType: 'ml.t2.medium' })] } }),
        endpointSnapshot({ name: 'dear', details: { status: 'read', variants: [instanceVariant({ instanceType: 'ml.p4d.24xlarge' })] } }),
        endpointSnapshot({ name: 'busy', traffic: { status: 'read', series: [variantTraffic('AllTraffic', [0])] } }),
        endpointSnapshot({ name: 'young', createdAt: hoursAgo(1) }),
        endpointSnapshot({ name: 'skip', tags: { 'ops-bot:skip': 'true' } }),
      ],
    });

    // Act
    const plan = findIdleEndpoints(snapshot, policy);

    // Assess
    expect(plan.idle.map((endpoint) => endpoint.name)).toEqual(['dear', 'cheap']);
    expect(plan.counts).toEqual({ inService: 5, skipped: 1, young: 1, busy: 1 });
  });
});
