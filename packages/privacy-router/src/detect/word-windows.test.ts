import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLinear, matchAll, matchAllIn } from './linear-regex.js';
import { wordsHolding } from './word-windows.js';

function slices(text: string, regions: readonly { start: number; end: number }[]): string[] {
  return regions.map((region) => text.slice(region.start, region.end));
}

describe('wordsHolding', () => {
  it('returns the white-space-delimited words that hold a needle, once each, in text order', () => {
    const text = 'a@b x\ty@z www.q://r\n@ end@';
    expect(slices(text, wordsHolding(text, text, ['@']))).toEqual(['a@b', 'y@z', '@', 'end@']);
    expect(slices(text, wordsHolding(text, text, ['://', 'www.']))).toEqual(['www.q://r']);
    expect(wordsHolding('no needle here', 'no needle here', ['@'])).toEqual([]);
  });

  it('asks `accept` about each occurrence and skips the ones it turns down', () => {
    const text = 'end. 1.2 v.3 10.0.0.1.';
    const digitsAround = (index: number): boolean => /\d\.\d/.test(text.slice(index - 1, index + 2));
    expect(slices(text, wordsHolding(text, text, ['.'], digitsAround))).toEqual(['1.2', '10.0.0.1.']);
  });

  it('stays linear on a long word full of rejected occurrences', () => {
    const text = `${'.'.repeat(200_000)}1.2`;
    const regions = wordsHolding(text, text, ['.'], (index) => text.charCodeAt(index - 1) === 49);
    expect(regions).toEqual([{ start: 0, end: text.length }]);
  });

  it('lets a white-space-free pattern find exactly what it finds in the whole text', () => {
    // The property every caller relies on: URL, e-mail, IPv4 and MAC-like patterns hold their
    // needle and no white space, and the word edges are where \b sees the same as in the text.
    const cases = [
      {
        regex: compileLinear(String.raw`(?i)\b(?:https?://[^\s<>"']{2,30}|www\.[a-z]+(?:\.[a-z]+)+)`),
        needles: ['://', 'www.'],
      },
      { regex: compileLinear(String.raw`(?i)\b[a-z0-9.]{1,8}@[a-z]+\.[a-z]{2,4}\b`), needles: ['@'] },
      { regex: compileLinear(String.raw`\b\d{1,3}(?:\.\d{1,3}){3}\b`), needles: ['.'] },
    ];
    const alphabet = fc.constantFrom(
      'a',
      'B',
      'w',
      '.',
      '@',
      ':',
      '/',
      'h',
      't',
      'p',
      's',
      '1',
      '0',
      ' ',
      '\n',
      '\t',
      'é',
      '😀',
      '-',
      '_',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (characters) => {
        const text = characters.join('');
        const lower = text.toLowerCase();
        if (lower.length !== text.length) return;
        for (const { regex, needles } of cases) {
          const whole = [...matchAll(regex, text)].map((match) => [match.start, match.end]);
          const windowed = matchAllIn(regex, text, wordsHolding(text, lower, needles)).map((match) => [
            match.start,
            match.end,
          ]);
          expect(windowed).toEqual(whole);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
