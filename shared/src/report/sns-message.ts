/**
 * The SNS message contract: one publish per run with MessageStructure "json"; `default` and
 * `email` carry the complete plain-text report, `sms` a standalone one-segment text, and `https`
 * a custom notification for chat channels. SNS refuses subjects of 100 characters or more,
 * subjects with line breaks, and messages over 256 KB.
 */
import { gsm7Length, isGsm7, smsPrefix, SMS_SEGMENT_SEPTETS } from './gsm7.ts';

interface RenderedReport {
  readonly subject: string;
  readonly email: string;
  readonly sms: string;
  /** Markdown for chat channels; without it they get the email as preformatted text. */
  readonly chat?: string | undefined;
}

/** Kept well inside what a chat message shows; the docs state no limit we could confirm, so the harsher reading. */
const CHAT_DESCRIPTION_MAX_CHARS = 3_500;

/**
 * What AWS's chat integration (Amazon Q Developer in chat applications, formerly AWS Chatbot)
 * renders: a custom notification, `{"version": "1.0", "source": "custom", "content": {...}}`
 * (Amazon Q Developer in chat applications Administrator Guide, "Custom notifications": event
 * schema, `textType` `client-markdown`). It subscribes to the topic over HTTPS, so with
 * MessageStructure "json" it reads the `https` key (Amazon SNS Developer Guide, "Amazon SNS message
 * publishing": a message per protocol; `default` only for protocols without their own key).
 */
function chatNotification(report: RenderedReport): string {
  const fitted = (text: string) =>
    text.length <= CHAT_DESCRIPTION_MAX_CHARS ? text : `${text.slice(0, CHAT_DESCRIPTION_MAX_CHARS - 40)}\n...(the full report is in the email)`;
  const description = report.chat ? fitted(report.chat) : `\`\`\`\n${fitted(report.email)}\n\`\`\``;
  return JSON.stringify({ version: '1.0', source: 'custom', content: { textType: 'client-markdown', title: report.subject, description } });
}

const SNS_MAX_MESSAGE_BYTES = 262_144;
/** Room left for the subject, attributes and the request's own framing. */
const MESSAGE_BUDGET_BYTES = SNS_MAX_MESSAGE_BYTES - 4_096;
const SUBJECT_MAX_CHARS = 99;

class ReportShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportShapeError';
  }
}

/** A subject SNS accepts: one line, printable, under 100 characters. */
function subjectLine(text: string): string {
  const oneLine = text
    // SNS refuses control characters in a subject: they are exactly what this pattern removes.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return oneLine.length <= SUBJECT_MAX_CHARS ? oneLine : `${oneLine.slice(0, SUBJECT_MAX_CHARS - 3).trimEnd()}...`;
}

function messageJson(report: RenderedReport): string {
  return JSON.stringify({ default: report.email, email: report.email, sms: report.sms, https: chatNotification(report) });
}

function messageBytes(report: RenderedReport): number {
  return Buffer.byteLength(messageJson(report), 'utf8');
}

interface PublishInput {
  readonly Subject: string;
  readonly Message: string;
  readonly MessageStructure: 'json';
  readonly MessageAttributes: { readonly 'AWS.SNS.SMS.SMSType': { readonly DataType: 'String'; readonly StringValue: 'Transactional' } };
}

/**
 * The SNS Publish input for a report sent through a topic whose display name is `displayName`:
 * the SMS must be one GSM-7 segment as it reaches the phone, with SNS's `DISPLAYNAME> ` in front.
 * Alerts go as Transactional (delivered for reliability; Promotional is SNS's default and is
 * optimised for cost): the AWS.SNS.SMS.SMSType message attribute, per the Amazon SNS Developer
 * Guide, "Setting SMS messaging preferences".
 */
function toPublishInput(report: RenderedReport, displayName: string): PublishInput {
  if (report.subject !== subjectLine(report.subject)) {
    throw new ReportShapeError(`subject is not a valid SNS subject: ${JSON.stringify(report.subject)}`);
  }
  const delivered = `${smsPrefix(displayName)}${report.sms}`;
  if (!isGsm7(delivered) || gsm7Length(delivered) > SMS_SEGMENT_SEPTETS) {
    throw new ReportShapeError(`sms text is not one GSM-7 segment as delivered: ${JSON.stringify(delivered)}`);
  }
  const bytes = messageBytes(report);
  if (bytes > MESSAGE_BUDGET_BYTES) {
    throw new ReportShapeError(`message is ${bytes} bytes; SNS takes at most ${SNS_MAX_MESSAGE_BYTES}`);
  }
  return {
    Subject: report.subject,
    Message: messageJson(report),
    MessageStructure: 'json',
    MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
  };
}

/**
 * Renders with as many list items as fit SNS's size limit. `render(shown)` must say, itself,
 * how many were left out ("...and N more").
 */
function fitToMessageLimit(total: number, render: (shown: number) => RenderedReport): RenderedReport {
  const full = render(total);
  if (messageBytes(full) <= MESSAGE_BUDGET_BYTES) return full;
  let fits = 0;
  let tooMany = total;
  while (tooMany - fits > 1) {
    const middle = Math.floor((fits + tooMany) / 2);
    if (messageBytes(render(middle)) <= MESSAGE_BUDGET_BYTES) fits = middle;
    else tooMany = middle;
  }
  return render(fits);
}

export {
  SNS_MAX_MESSAGE_BYTES,
  MESSAGE_BUDGET_BYTES,
  CHAT_DESCRIPTION_MAX_CHARS,
  ReportShapeError,
  subjectLine,
  messageBytes,
  toPublishInput,
  fitToMessageLimit,
  chatNotification,
};
export type { RenderedReport, PublishInput };
