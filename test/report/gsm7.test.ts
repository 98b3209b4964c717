import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitSms, gsm7Length, isGsm7, toGsm7 } from '@ops-bot/shared/report/gsm7';

describe('Function: gsm7Length', () => {
  it.each([
    { text: 'abc $1', length: 6 },
    { text: 'a{b}', length: 6 },
    { text: '€5', length: 3 },
    { text: '', length: 0 },
  ])('counts "$text" as $length septets', ({ text, length }) => {
    expect(gsm7Length(text)).toBe(length);
  });
});

describe('Function: toGsm7', () => {
  it('spells typographic characters the GSM-7 way and replaces the rest', () => {
    // Act
    const text = toGsm7('2 × g5 — idle… 日本');

    // Assess
    expect(text).toBe('2 x g5 - idle... ??');
    expect(isGsm7(text)).toBe(true);
  });
});

describe('Function: fitSms', () => {
  it('takes the first candidate that fits one segment', () => {
    // Act
    const sms = fitSms(['x'.repeat(161), 'short and sweet']);

    // Assess
    expect(sms).toBe('short and sweet');
  });

  it('counts extension characters twice when fitting', () => {
    // Act
    const sms = fitSms(['{'.repeat(81), 'fallback']);

    // Assess
    expect(sms).toBe('fallback');
  });

  it('always returns one GSM-7 segment, whatever it is given', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 400 }), { minLength: 1, maxLength: 3 }), (candidates) => {
        const sms = fitSms(candidates);
        expect(isGsm7(sms)).toBe(true);
        expect(gsm7Length(sms)).toBeLessThanOrEqual(160);
      }),
    );
  });
});
