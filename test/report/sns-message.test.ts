import { describe, expect, it } from 'vitest';
import {
  CHAT_DESCRIPTION_MAX_CHARS,
  fitToMessageLimit,
  messageBytes,
  MESSAGE_BUDGET_BYTES,
  subjectLine,
  toPublishInput,
} from '@ops-bot/shared/report/sns-message';

describe('Function: subjectLine', () => {
  it('makes one printable line under 100 characters', () => {
    // Act
    const subject = subjectLine(`first\nsecond\t${'x'.repeat(200)}`);

    // Assess
    expect(subject.length).toBeLessThan(100);
    expect(subject).not.toMatch(/[\r\n\t]/);
    expect(subject.startsWith('first second x')).toBe(true);
  });
});

describe('Function: toPublishInput', () => {
  it('builds a json-structured message with default, email, sms and a chat notification for https', () => {
    // Act
    const input = toPublishInput({ subject: 'S', email: 'full text', sms: 'short' }, 'OpsBot');

    // Assess
    expect(input.MessageStructure).toBe('json');
    const message = JSON.parse(input.Message) as Record<string, string>;
    expect(message).toMatchObject({ default: 'full text', email: 'full text', sms: 'short' });
    // The custom-notification schema of AWS's chat integration: version 1.0, source custom, markdown content.
    expect(JSON.parse(message.https ?? '')).toEqual({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: 'S', description: '```\nfull text\n```' },
    });
  });

  it("gives chat the report's own markdown when it has one, cut to a size chat shows", () => {
    // Act
    const own = JSON.parse(JSON.parse(toPublishInput({ subject: 'S', email: 'e', sms: 's', chat: '*Saved* $10' }, 'OpsBot').Message).https);
    const long = JSON.parse(JSON.parse(toPublishInput({ subject: 'S', email: 'x'.repeat(20_000), sms: 's' }, 'OpsBot').Message).https);

    // Assess
    expect(own.content.description).toBe('*Saved* $10');
    expect(long.content.description.length).toBeLessThanOrEqual(CHAT_DESCRIPTION_MAX_CHARS + 8);
    expect(long.content.description).toContain('(the full report is in the email)');
  });

  it('sends SMS as Transactional, not SNS default Promotional', () => {
    // Act
    const input = toPublishInput({ subject: 'S', email: 'e', sms: 's' }, 'OpsBot');

    // Assess
    expect(input.MessageAttributes['AWS.SNS.SMS.SMSType']).toEqual({ DataType: 'String', StringValue: 'Transactional' });
  });

  it('counts the display-name prefix SNS puts in front of the SMS (DISPLAYNAME> )', () => {
    // Prepare: 152 septets fit after "OPSBOT> " (8); 153 do not, though they would alone.
    const fits = { subject: 's', email: 'e', sms: 'x'.repeat(152) };
    const tooLong = { subject: 's', email: 'e', sms: 'x'.repeat(153) };

    // Act + Assess
    expect(() => toPublishInput(fits, 'OpsBot')).not.toThrow();
    expect(() => toPublishInput(tooLong, 'OpsBot')).toThrow(/as delivered/);
    expect(() => toPublishInput(tooLong, '')).not.toThrow();
  });

  it.each([
    { report: { subject: 'a\nb', email: 'e', sms: 's' }, problem: /subject/ },
    { report: { subject: 's', email: 'e', sms: 'x'.repeat(161) }, problem: /sms/ },
    { report: { subject: 's', email: 'e', sms: 'emoji 🙂' }, problem: /sms/ },
    { report: { subject: 's', email: 'x'.repeat(200_000), sms: 's' }, problem: /bytes/ },
  ])('refuses a message SNS would refuse ($problem)', ({ report, problem }) => {
    expect(() => toPublishInput(report, 'OpsBot')).toThrow(problem);
  });
});

describe('Function: fitToMessageLimit', () => {
  it('keeps as many items as fit and says how many were left out', () => {
    // Prepare
    const items = Array.from({ length: 5_000 }, (_, index) => `endpoint-${index} ${'.'.repeat(60)}`);
    const render = (shown: number) => ({
      subject: 's',
      sms: 's',
      email: [...items.slice(0, shown), ...(shown < items.length ? [`...and ${items.length - shown} more`] : [])].join('\n'),
    });

    // Act
    const report = fitToMessageLimit(items.length, render);

    // Assess
    const shown = report.email.split('\n').length - 1;
    expect(messageBytes(report)).toBeLessThanOrEqual(MESSAGE_BUDGET_BYTES);
    expect(messageBytes(render(shown + 1))).toBeGreaterThan(MESSAGE_BUDGET_BYTES);
    expect(report.email.endsWith(`...and ${items.length - shown} more`)).toBe(true);
  });
});
