import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultsLine, isReportOnly, parseDeployConfig, readDeployConfig, type DeployConfigError } from '../../infra/deploy-config.ts';
import { JOB_NAMES } from '@ops-bot/shared/config';

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
    { config: { timezone: 'Mars/Olympus' }, message: /timezone "Mars\/Olympus" is not an IANA time zone/ },
    { config: { emails: ['admin@'] }, message: /emails\[0\] "admin@" is not an email address/ },
    { config: { smsNumbers: ['555-0100'] }, message: /smsNumbers\[0\] "555-0100" is not an E\.164 phone number/ },
    { config: { smsNumbers: '+14155550100' }, message: /smsNumbers must be a list/ },
    { config: { timzone: 'UTC' }, message: /timzone is not a known setting/ },
    {
      config: { schedules: { idleEndpoints: { hour: 25, minute: 0 } } },
      message: /schedules\.idleEndpoints\.hour must be a whole number from 0 to 23/,
    },
    { config: { schedules: { daily: {} } }, message: /schedules\.daily is not a known schedule/ },
    { config: { regions: ['us-east-1', 'moon-1'] }, message: /regions has "moon-1"/ },
    { config: { regions: ['us-east-9'] }, message: /regions has "us-east-9", which is not an AWS region with SageMaker AI/ },
    { config: { regions: [] }, message: /^Invalid deploy config: regions is empty/ },
    { config: { endpointIdleHours: 0 }, message: /endpointIdleHours must be between 1 and 336/ },
    { config: { priceOverrides: { 'ml.g5.xlarge': 'cheap' } }, message: /priceOverrides .*ml\.g5\.xlarge/ },
    { config: { logRetentionDays: 10 }, message: /logRetentionDays must be one of/ },
    { config: { notebookOffHours: { stop: { hour: 19, minute: 0 } } }, message: /notebookOffHours needs both "stop" and "start"/ },
    {
      config: { notebookOffHours: { stop: { hour: 19, minute: 0 }, start: { hour: 8, minute: 0 }, weekDays: 'weekdays' } },
      message: /notebookOffHours\.weekDays must look like "MON-FRI"/,
    },
    { config: { notebookIdleMinutes: 2 }, message: /notebookIdleMinutes must be between 5 and 10080/ },
    { config: { costPeriodDays: 9 }, message: /costPeriodDays must be between 1 and 7/ },
    { config: { endpointIdleActionDays: 15 }, message: /endpointIdleActionDays must be between 1 and 14/ },
    { config: { chat: { discord: {} } }, message: /chat must be \{"slack": \{\.\.\.\}\} or \{"teams": \{\.\.\.\}\}/ },
    {
      config: { chat: { slack: { workspaceId: 'my-workspace', channelId: 'C0123' } } },
      message: /chat\.slack\.workspaceId must look like "T0123ABCD"/,
    },
    {
      config: {
        chat: { teams: { teamId: '11111111-2222-3333-4444-555555555555', channelId: '19:abc@thread.tacv2', tenantId: '66666666-7777-8888-9999-000000000000' } },
      },
      message: /chat\.teams\.channelId must look like "19%3Aabc%40thread\.tacv2" \(URL-encoded\)/,
    },
    {
      config: { schedules: { savingsReport: { hour: 8, minute: 60 } } },
      message: /schedules\.savingsReport\.minute must be a whole number from 0 to 59/,
    },
    { config: { weekendScope: 'some' }, message: /weekendScope must be "tagged" or "all"/ },
    { config: { holidays: ['28.12.2026'] }, message: /holidays has "28\.12\.2026"/ },
    {
      config: { schedules: { weekendRestore: { weekDay: 'MONDAY', hour: 7, minute: 0 } } },
      message: /schedules\.weekendRestore\.weekDay must be one of MON/,
    },
  ])('fails synth with a message naming the setting: $message', ({ config, message }) => {
    expect(() => parseDeployConfig(config)).toThrow(message);
  });
});

describe('Function: parseDeployConfig with several mistakes', () => {
  it('names every problem in one round, each by its key as written in the file', () => {
    // Prepare: three mistakes, two of them deep in the file.
    const config = {
      timezone: 'Europe/Berln',
      emails: ['ml-admins@example.com', 'nobody'],
      schedules: { weekendScaleDown: { weekDay: 'FRI', hour: 25, minute: 0 } },
    };

    // Act
    let problems: readonly string[] = [];
    try {
      parseDeployConfig(config);
    } catch (error) {
      problems = (error as DeployConfigError).problems;
    }

    // Assess
    expect(problems).toEqual([
      'timezone "Europe/Berln" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)',
      'emails[1] "nobody" is not an email address',
      'schedules.weekendScaleDown.hour must be a whole number from 0 to 23, got 25',
    ]);
  });

  it('names an unknown key with the nearest known one', () => {
    expect(() => parseDeployConfig({ timzone: 'UTC', schedules: { costReprt: { hour: 8, minute: 0 } } })).toThrow(
      /timzone is not a known setting: did you mean "timezone"\?[^\n]*\nInvalid deploy config: schedules\.costReprt is not a known schedule: did you mean "costReport"\?/,
    );
  });

  it('names a setting each job parser refuses, once, beside the others', () => {
    expect(() => parseDeployConfig({ endpointIdleHours: 0, notebookIdleMinutes: 2 })).toThrow(
      /^Invalid deploy config: endpointIdleHours must be between 1 and 336[^\n]*\nInvalid deploy config: notebookIdleMinutes must be between 5 and 10080[^\n]*$/,
    );
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

  it('uses the safe defaults when there is no file: every job report-only, and says so in one line', () => {
    // Act
    const config = readDeployConfig({ contextValue: undefined, cwd: join(dir, 'nowhere') });

    // Assess
    expect(config).toMatchObject({ timezone: 'UTC', reportOnly: true, source: 'defaults' });
    expect(JOB_NAMES.every((job) => isReportOnly(config, job))).toBe(true);
    expect(defaultsLine('ops-bot.config.json')).toMatch(/^no ops-bot\.config\.json: the defaults, every job report-only/);
  });

  it('refuses numbers written as strings, fractions where a whole number is meant, and a Slack workspace without its T, naming each value as written', () => {
    // Act
    const problems = (() => {
      try {
        parseDeployConfig({
          endpointIdleHours: '24',
          notebookIdleMinutes: 24.5,
          chat: { slack: { workspaceId: '0123ABCD', channelId: 'C0123ABCD' } },
        });
        return [];
      } catch (error) {
        return (error as DeployConfigError).problems;
      }
    })();

    // Assess: each once, as written.
    expect(problems).toEqual([
      'endpointIdleHours must be a number, written without quotes, got "24"',
      'notebookIdleMinutes must be a whole number, got 24.5',
      'chat.slack.workspaceId must look like "T0123ABCD", got "0123ABCD"',
    ]);
  });

  it('refuses a config given as -c context, which the next deploy without -c would drop', () => {
    expect(() => readDeployConfig({ contextValue: '{"timezone":"Europe/Berlin"}', cwd: dir })).toThrow(
      /opsBot was given as CDK context .* put these settings in ops-bot\.config\.json/,
    );
  });

  it('names the file when it is not JSON', () => {
    // Prepare
    writeFileSync(join(dir, 'broken.json'), '{ "timezone": "UTC", }');

    // Act & Assess
    expect(() => readDeployConfig({ contextValue: undefined, cwd: dir, file: 'broken.json' })).toThrow(
      /^Invalid deploy config: .*broken\.json is not valid JSON/,
    );
  });
});
