import { describe, expect, it } from 'vitest';
import { idleEndpointsEventParser, savingsReportEventParser, weekendEventParser } from '@ops-bot/shared/lambda/events';

const NOW = new Date('2026-12-03T09:00:00Z');

describe('Function: idleEndpointsEventParser', () => {
  const parse = idleEndpointsEventParser(['us-east-1']);

  it.each([null, 7, 'delete'])('refuses "action": %j, naming the field, instead of running the daily check', (action) => {
    expect(() => parse({ action })).toThrow(/"action"/);
  });

  it.each([{ action: 'recreate', endpoint: 'old-model', adopt: true }, { action: 'restore', endpoint: 'old-model', adopt: false }, { adopt: true }])(
    'refuses adopt in %j, naming the field: no invoker hands the bot its state',
    (event) => {
      expect(() => parse(event)).toThrow(/"adopt" is no longer accepted/);
    },
  );

  it('takes an undo with its endpoint and a region of the function', () => {
    expect(parse({ action: 'recreate', endpoint: 'old-model' })).toEqual({ dryRun: false, action: 'recreate', endpoint: 'old-model', region: 'us-east-1' });
  });
});

describe('Function: savingsReportEventParser', () => {
  const parse = savingsReportEventParser('UTC', () => NOW);

  it.each(['2019-12', '2027-01'])('refuses the month %s, naming the field', (month) => {
    expect(() => parse({ month })).toThrow(/"month"/);
  });

  it('takes any month from 2020-01 to this one', () => {
    expect(parse({ month: '2020-01' }).month.label).toBe('2020-01');
    expect(parse({ month: '2026-12' }).month.label).toBe('2026-12');
  });
});

describe('Function: weekendEventParser', () => {
  const parse = weekendEventParser({ timezone: 'UTC', holidays: new Set(), maxScaleDownDays: 14, regions: ['us-east-1', 'eu-central-1'] }, () => NOW);

  it('restores one named component, in a region of the function, and refuses adopt', () => {
    expect(parse({ action: 'restore', component: 'ic-1', region: 'eu-central-1' })).toMatchObject({
      component: { name: 'ic-1', region: 'eu-central-1' },
    });
    expect(() => parse({ action: 'restore', component: 'ic-1', adopt: true })).toThrow(/"adopt" is no longer accepted/);
    expect(() => parse({ action: 'scale-down', component: 'ic-1' })).toThrow(/"component"/);
    expect(() => parse({ action: 'restore', component: 'ic-1', region: 'ap-south-1' })).toThrow(/"region"/);
  });
});
