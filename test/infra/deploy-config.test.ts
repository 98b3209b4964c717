import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDeployConfig, readDeployConfig } from '../../infra/deploy-config.ts';

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
        savingsReport: { hour: 8, minute: 0 },
      },
      logRetentionDays: 90,
      weekendScope: 'tagged',
      holidays: [],
    });
  });

  it.each([
    { config: { timezone: 'Mars/Olympus' }, message: /opsBot\.timezone "Mars\/Olympus" is not an IANA time zone/ },
    { config: { emails: ['admin@'] }, message: /opsBot\.emails\[0\] "admin@" is not an email address/ },
    { config: { smsNumbers: ['555-0100'] }, message: /opsBot\.smsNumbers\[0\] "555-0100" is not an E\.164 phone number/ },
    { config: { smsNumbers: '+14155550100' }, message: /opsBot\.smsNumbers must be a list/ },
    { config: { timzone: 'UTC' }, message: /opsBot\.timzone is not a known setting/ },
    {
      config: { schedules: { idleEndpoints: { hour: 25, minute: 0 } } },
      message: /opsBot\.schedules\.idleEndpoints\.hour must be a whole number from 0 to 23/,
    },
    { config: { schedules: { daily: {} } }, message: /opsBot\.schedules\.daily is not a known schedule/ },
    { config: { regions: ['us-east-1', 'moon-1'] }, message: /opsBot\.regions has "moon-1"/ },
    { config: { regions: ['us-east-9'] }, message: /opsBot\.regions has "us-east-9", which is not an AWS region with SageMaker AI/ },
    { config: { regions: [] }, message: /^Invalid deploy config: opsBot\.regions is empty/ },
    { config: { endpointIdleHours: 0 }, message: /opsBot\.endpointIdleHours must be between 1 and 336/ },
    { config: { priceOverrides: { 'ml.g5.xlarge': 'cheap' } }, message: /opsBot\.priceOverrides .*ml\.g5\.xlarge/ },
    { config: { logRetentionDays: 10 }, message: /opsBot\.logRetentionDays must be one of/ },
    { config: { notebookOffHours: { stop: { hour: 19, minute: 0 } } }, message: /opsBot\.notebookOffHours needs both "stop" and "start"/ },
    {
      config: { notebookOffHours: { stop: { hour: 19, minute: 0 }, start: { hour: 8, minute: 0 }, weekDays: 'weekdays' } },
      message: /opsBot\.notebookOffHours\.weekDays must look like "MON-FRI"/,
    },
    { config: { notebookIdleMinutes: 2 }, message: /opsBot\.notebookIdleMinutes must be between 5 and 10080/ },
    { config: { costPeriodDays: 9 }, message: /opsBot\.costPeriodDays must be between 1 and 7/ },
    { config: { endpointIdleActionDays: 15 }, message: /opsBot\.endpointIdleActionDays must be between 1 and 14/ },
    { config: { chat: { discord: {} } }, message: /opsBot\.chat must be \{"slack": \{\.\.\.\}\} or \{"teams": \{\.\.\.\}\}/ },
    {
      config: { chat: { slack: { workspaceId: 'my-workspace', channelId: 'C0123' } } },
      message: /opsBot\.chat\.slack\.workspaceId must look like "T0123ABCD"/,
    },
    {
      config: {
        chat: { teams: { teamId: '11111111-2222-3333-4444-555555555555', channelId: '19:abc@thread.tacv2', tenantId: '66666666-7777-8888-9999-000000000000' } },
      },
      message: /opsBot\.chat\.teams\.channelId must look like "19%3Aabc%40thread\.tacv2" \(URL-encoded\)/,
    },
    {
      config: { schedules: { savingsReport: { hour: 8, minute: 60 } } },
      message: /opsBot\.schedules\.savingsReport\.minute must be a whole number from 0 to 59/,
    },
    { config: { weekendScope: 'some' }, message: /opsBot\.weekendScope must be "tagged" or "all"/ },
    { config: { holidays: ['28.12.2026'] }, message: /opsBot\.holidays has "28\.12\.2026"/ },
    {
      config: { schedules: { weekendRestore: { weekDay: 'MONDAY', hour: 7, minute: 0 } } },
      message: /opsBot\.schedules\.weekendRestore\.weekDay must be one of MON/,
    },
  ])('fails synth with a message naming the setting: $message', ({ config, message }) => {
    expect(() => parseDeployConfig(config)).toThrow(message);
  });
});

describe('Function: readDeployConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ops-bot-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the settings from ops-bot.config.json, so every deploy gets them', () => {
    // Prepare
    writeFileSync(join(dir, 'ops-bot.config.json'), JSON.stringify({ timezone: 'Europe/Berlin', emails: ['ml-admins@example.com'] }));

    // Act
    const config = readDeployConfig({ contextValue: undefined, cwd: dir });

    // Assess
    expect(config).toMatchObject({ timezone: 'Europe/Berlin', emails: ['ml-admins@example.com'] });
  });

  it('uses the defaults when there is no file', () => {
    expect(readDeployConfig({ contextValue: undefined, cwd: join(dir, 'nowhere') }).timezone).toBe('UTC');
  });

  it('refuses a config given as -c context, which the next deploy without -c would drop', () => {
    expect(() => readDeployConfig({ contextValue: '{"timezone":"Europe/Berlin"}', cwd: dir })).toThrow(
      /opsBot was given as CDK context .* put these settings in ops-bot\.config\.json/,
    );
  });

  it('names opsBot and the file when the file is not JSON', () => {
    // Prepare
    writeFileSync(join(dir, 'broken.json'), '{ "timezone": "UTC", }');

    // Act & Assess
    expect(() => readDeployConfig({ contextValue: undefined, cwd: dir, file: 'broken.json' })).toThrow(
      /^Invalid deploy config: opsBot in .*broken\.json is not valid JSON/,
    );
  });
});
