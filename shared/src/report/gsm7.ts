/**
 * SMS texts in one GSM-7 segment (160 septets). A character outside GSM-7 switches the whole
 * message to UCS-2 (70 characters a segment), so texts are kept to the GSM-7 alphabet, and the
 * extension characters (`{}[]~^|\€`) count twice, as the network counts them.
 */

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';
const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

const SMS_SEGMENT_SEPTETS = 160;

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
  const fitting = texts.find((text) => gsm7Length(text) <= SMS_SEGMENT_SEPTETS);
  if (fitting !== undefined) return fitting;
  const last = texts.at(-1) ?? '';
  let cut = '';
  for (const word of last.split(' ')) {
    const next = cut ? `${cut} ${word}` : word;
    if (gsm7Length(`${next}...`) > SMS_SEGMENT_SEPTETS) break;
    cut = next;
  }
  return `${cut}...`;
}

export { SMS_SEGMENT_SEPTETS, gsm7Length, isGsm7, toGsm7, fitSms };
