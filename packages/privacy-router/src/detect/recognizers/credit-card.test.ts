import { describe, expect, it } from 'vitest';
import { matchAll } from '../linear-regex.js';
import { cardFinder, cardNumberSpan, cardPattern } from './credit-card.js';

describe('credit card finder', () => {
  it('finds the same numbers as the capture pattern, boundaries and resumption included', () => {
    // Digits, separators, letters, dots and non-ASCII characters around 12-19 digit runs: the
    // finder's match plus cardNumberSpan must give group 1 of the reference pattern every time.
    const pieces = ['4111', '1111', ' ', '-', '.', 'x', '_', '5', '555', '😀', 'é', '\n', '12', '0'];
    let seed = 11;
    for (let round = 0; round < 3000; round += 1) {
      let text = '';
      for (let part = 0; part < 2 + (round % 14); part += 1) {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        text += pieces[seed % pieces.length];
      }
      const expected: number[][] = [];
      for (const match of matchAll(cardPattern, text, 1)) {
        const span = match.spans[1];
        if (span) expected.push([span[0], span[1]]);
      }
      const actual: number[][] = [];
      cardFinder.lastIndex = 0;
      for (;;) {
        const match = cardFinder.exec(text);
        if (match === null) break;
        const [start, end] = cardNumberSpan(text, match.index, match.index + match[0].length);
        actual.push([start, end]);
        cardFinder.lastIndex = end;
      }
      expect(actual, JSON.stringify(text)).toEqual(expected);
    }
  });
});
