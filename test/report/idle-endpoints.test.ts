import { describe, expect, it } from 'vitest';
import { findIdleEndpoints } from '@ops-bot/shared/domain/idle-endpoints';
import { createPriceBook } from '@ops-bot/shared/domain/prices';
import { renderIdleEndpointsReport } from '@ops-bot/shared/report/idle-endpoints';
import { gsm7Length, isGsm7 } from '@ops-bot/shared/report/gsm7';
import { messageBytes, MESSAGE_BUDGET_BYTES } from '@ops-bot/shared/report/sns-message';
import { endpointSnapshot, idleEndpointsSnapshot, instanceVariant, variantTraffic } from '../support/builders.ts';

const policy = { idleHours: 24, prices: createPriceBook({}) };
const render = (endpoints: Parameters<typeof idleEndpointsSnapshot>[0]) =>
  renderIdleEndpointsReport(findIdleEndpoints(idleEndpointsSnapshot(endpoints), policy));

describe('Function: renderIdleEndpointsReport', () => {
  it('renders nothing when nothing is idle', () => {
    // Act
    const report = render({ endpoints: [endpointSnapshot({ traffic: { status: 'read', series: [variantTraffic('AllTraffic', [1])] } })] });

    // Assess
    expect(report).toBeUndefined();
  });

  it('says so when nothing is idle but a region could not be read: silence would read as all checked', () => {
    // Act
    const report = render({
      regions: ['us-east-1', 'eu-west-1'],
      endpoints: [endpointSnapshot({ traffic: { status: 'read', series: [variantTraffic('AllTraffic', [1])] } })],
      regionFailures: [{ region: 'eu-west-1', stage: 'ListEndpoints', reason: 'AccessDeniedException: not authorized' }],
    });

    // Assess
    expect(report?.subject).toBe('SageMaker: no idle endpoints found; 1 region could not be checked');
    expect(report?.email).toContain('COULD NOT BE CHECKED (counted neither idle nor busy)');
    expect(report?.email).toContain('AccessDeniedException: not authorized');
  });

  it('says the point in the subject and the facts in the email', () => {
    // Prepare
    const endpoints = [
      endpointSnapshot({
        name: 'llm-lab',
        details: { status: 'read', variants: [instanceVariant({ instanceType: 'ml.g5.12xlarge', currentInstanceCount: 2 })] },
      }),
      endpointSnapshot({ name: 'small', details: { status: 'read', variants: [instanceVariant({ instanceType: 'ml.m5.large' })] } }),
    ];

    // Act
    const report = render({ endpoints });

    // Assess
    expect(report?.subject).toBe('SageMaker: 2 idle endpoints wasting $343/day (us-east-1)');
    expect(report?.email).toContain('1. llm-lab  (us-east-1)');
    expect(report?.email).toContain('2 x ml.g5.12xlarge (variant AllTraffic, $7.09/h each)');
    expect(report?.email).toContain('Costs:       $340.32/day');
    expect(report?.email).toContain('no invocations in the last 14 days');
    expect(report?.email).toContain('Prices: embedded table of 2026-11 (us-east-1, us-east-2, us-west-2), Price List not read');
    expect(report?.sms).toBe('SageMaker: 2 idle endpoints waste $343/day (us-east-1). Top: llm-lab $340/day. Details by email.');
  });

  it('shows an unknown price as unknown in every text', () => {
    // Act
    const report = render({
      regions: ['eu-west-1'],
      endpoints: [endpointSnapshot({ region: 'eu-west-1', name: 'eu-ep' })],
    });

    // Assess
    expect(report?.subject).toBe('SageMaker: 1 idle endpoint wasting an unknown amount (price unknown) (eu-west-1)');
    expect(report?.email).toContain('price unknown (ml.m5.xlarge)');
    expect(report?.sms).toContain('price unknown');
  });

  it('gives the month of the priced endpoints before naming an unpriced one, so the month is never read as its cost', () => {
    // Act
    const report = render({
      regions: ['us-east-1', 'eu-west-1'],
      endpoints: [
        endpointSnapshot({ name: 'priced', details: { status: 'read', variants: [instanceVariant({ instanceType: 'ml.m5.large' })] } }),
        endpointSnapshot({ region: 'eu-west-1', name: 'eu-ep' }),
      ],
    });

    // Assess
    expect(report?.email.split('\n')[0]).toBe(
      '2 idle SageMaker endpoints are costing about $2.76/day ($82.80 a month), plus 1 endpoint whose price is unknown.',
    );
  });

  it('keeps the SMS to one GSM-7 segment even with long names', () => {
    // Act
    const report = render({ endpoints: [endpointSnapshot({ name: `a-very-long-endpoint-name-${'x'.repeat(37)}` })] });

    // Assess
    expect(isGsm7(report?.sms ?? '')).toBe(true);
    expect(gsm7Length(report?.sms ?? '')).toBeLessThanOrEqual(160);
    expect(report?.sms).toContain('1 idle endpoint waste $5.52/day');
  });

  it('cuts a huge list to fit SNS and says how many more there are', () => {
    // Prepare
    const endpoints = Array.from({ length: 3_000 }, (_, index) =>
      endpointSnapshot({
        name: `endpoint-with-a-long-descriptive-name-${String(index).padStart(4, '0')}`,
        inferenceComponents: ['component-a', 'component-b'],
      }),
    );

    // Act
    const report = render({ endpoints });

    // Assess
    expect(report).toBeDefined();
    expect(messageBytes(report!)).toBeLessThanOrEqual(MESSAGE_BUDGET_BYTES);
    expect(report?.email).toMatch(/\.\.\.and \d+ more/);
    expect(report?.subject).toContain('3000 idle endpoints');
  });

  it('groups unchecked endpoints by region and reason', () => {
    // Prepare
    const endpoints = [
      endpointSnapshot({ name: 'idle' }),
      ...['a', 'b', 'c'].map((name) => endpointSnapshot({ name, traffic: { status: 'unavailable', reason: 'GetMetricData failed: Throttling' } })),
    ];

    // Act
    const report = render({ endpoints });

    // Assess
    expect(report?.email).toContain('  us-east-1: a, b, c\n    invocations unknown: GetMetricData failed: Throttling');
  });
});
