/**
 * SMS texts in one GSM-7 segment (160 septets). A character outside GSM-7 switches the whole
 * message to UCS-2 (70 characters a segment), so texts are kept to the GSM-7 alphabet, and the
 * extension characters (`{}[]~^|\€`) count twice, as the network counts them.
 */

const GSM7_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';
const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

const SMS_SEGMENT_SEPTETS = 160;
/**
 * SNS puts the topic's display name, upper-cased, plus "> " in front of every SMS it delivers
 * from a topic ("MYTOPIC> Hello World!": Amazon SNS Developer Guide, "Publishing SMS messages to an
 * Amazon SNS topic"). The bot's display names are at most this long, and every SMS body is fitted
 * to what is left of one segment after the longest such prefix.
 */
const MAX_DISPLAY_NAME_CHARS = 10;
const SMS_BODY_SEPTETS = SMS_SEGMENT_SEPTETS - (MAX_DISPLAY_NAME_CHARS + '> '.length);
/** The stack's topic display name: short, so the prefix costs 8 of the 160 septets. */
const DEFAULT_TOPIC_DISPLAY_NAME = 'OpsBot';

/** What the phone shows before the text: `OPSBOT> `, or nothing for a topic without a display name. */
function smsPrefix(displayName: string): string {
  return displayName ? `${displayName.toUpperCase()}> ` : '';
}

// Characters our own texts are likely to carry, mapped to their closest GSM-7 spelling.
const LOOKALIKES: Readonly<Record<string, string>> = {
  '…': '...',
  '—': '-',
  '–': '-',
  '’': "'",
  '‘': "'",
  '“': '"',
  '”': '"',
  '×': 'x',
  '·': '-',
  '≈': '~',
  '\t': ' ',
};

function gsm7Length(text: string): number {
  let septets = 0;
  for (const char of text) septets += EXTENSION.has(char) ? 2 : 1;
  return septets;
}

function isGsm7(text: string): boolean {
  for (const char of text) if (!BASIC.has(char) && !EXTENSION.has(char)) return false;
  return true;
}

function toGsm7(text: string): string {
  let out = '';
  for (const char of text) {
    if (BASIC.has(char) || EXTENSION.has(char)) out += char;
    else out += LOOKALIKES[char] ?? '?';
  }
  return out;
}

/**
 * The first candidate that fits one segment, in GSM-7. Callers pass their texts from the most to
 * the least detailed; the last one is cut at a word boundary if even it does not fit.
 */
function fitSms(candidates: readonly string[]): string {
  const texts = candidates.map((candidate) => toGsm7(candidate.replace(/\s+/g, ' ').trim()));
  const fitting = texts.find((text) => gsm7Length(text) <= SMS_BODY_SEPTETS);
  if (fitting !== undefined) return fitting;
  const last = texts.at(-1) ?? '';
  let cut = '';
  for (const word of last.split(' ')) {
    const next = cut ? `${cut} ${word}` : word;
    if (gsm7Length(`${next}...`) > SMS_BODY_SEPTETS) break;
    cut = next;
  }
  return `${cut}...`;
}

export { SMS_SEGMENT_SEPTETS, SMS_BODY_SEPTETS, MAX_DISPLAY_NAME_CHARS, DEFAULT_TOPIC_DISPLAY_NAME, smsPrefix, gsm7Length, isGsm7, toGsm7, fitSms };
