import { describe, expect, it } from 'vitest';
import { parseDeployConfig } from '../../infra/deploy-config.ts';

describe('Function: parseDeployConfig', () => {
  it('fills in the defaults', () => {
    expect(parseDeployConfig({})).toEqual({
      timezone: 'UTC',
      emails: [],
      smsNumbers: [],
      schedules: {
        idleEndpoints: { hour: 9, minute: 0 },
        weekendScaleDown: { weekDay: 'FRI', hour: 18, minute: 0 },
        weekendRestore: { weekDay: 'MON', hour: 7, minute: 0 },
        costReport: { hour: 8, minute: 0 },
        studioAudit: { hour: 9, minute: 15 },
      },
      logRetentionDays: 90,
      weekendScope: 'tagged',
      holidays: [],
    });
  });

  it('accepts a JSON string, as `cdk -c opsBot=...` passes it', () => {
    expect(parseDeployConfig('{"timezone":"America/New_York"}').timezone).toBe('America/New_York');
  });

  it.each([
    { config: { timezone: 'Mars/Olympus' }, message: /opsBot\.timezone "Mars\/Olympus" is not an IANA time zone/ },
    { config: { emails: ['admin@'] }, message: /opsBot\.emails\[0\] "admin@" is not an email address/ },
    { config: { smsNumbers: ['555-0100'] }, message: /opsBot\.smsNumbers\[0\] "555-0100" is not an E\.164 phone number/ },
    { config: { smsNumbers: '+14155550100' }, message: /opsBot\.smsNumbers must be a list/ },
    { config: { timzone: 'UTC' }, message: /opsBot\.timzone is not a known setting/ },
    { config: { schedules: { idleEndpoints: { hour: 25, minute: 0 } } }, message: /opsBot\.schedules\.idleEndpoints\.hour must be a whole number from 0 to 23/ },
    { config: { schedules: { daily: {} } }, message: /opsBot\.schedules\.daily is not a known schedule/ },
    { config: { regions: ['us-east-1', 'moon-1'] }, message: /opsBot\.regions has "moon-1"/ },
    { config: { endpointIdleHours: 0 }, message: /opsBot\.endpointIdleHours must be between 1 and 336/ },
    { config: { priceOverrides: { 'ml.g5.xlarge': 'cheap' } }, message: /opsBot\.priceOverrides .*ml\.g5\.xlarge/ },
    { config: { logRetentionDays: 10 }, message: /opsBot\.logRetentionDays must be one of/ },
    { config: { notebookOffHours: { stop: { hour: 19, minute: 0 } } }, message: /opsBot\.notebookOffHours needs both "stop" and "start"/ },
    { config: { notebookOffHours: { stop: { hour: 19, minute: 0 }, start: { hour: 8, minute: 0 }, weekDays: 'weekdays' } }, message: /opsBot\.notebookOffHours\.weekDays must look like "MON-FRI"/ },
    { config: { notebookIdleMinutes: 2 }, message: /opsBot\.notebookIdleMinutes must be between 5 and 10080/ },
    { config: { costPeriodDays: 9 }, message: /opsBot\.costPeriodDays must be between 1 and 7/ },
    { config: { weekendScope: 'some' }, message: /opsBot\.weekendScope must be "tagged" or "all"/ },
    { config: { holidays: ['28.12.2026'] }, message: /opsBot\.holidays has "28\.12\.2026"/ },
    { config: { schedules: { weekendRestore: { weekDay: 'MONDAY', hour: 7, minute: 0 } } }, message: /opsBot\.schedules\.weekendRestore\.weekDay must be one of MON/ },
  ])('fails synth with a message naming the setting: $message', ({ config, message }) => {
    expect(() => parseDeployConfig(config)).toThrow(message);
  });
});
