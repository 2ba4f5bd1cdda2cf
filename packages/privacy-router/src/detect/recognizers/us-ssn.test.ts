import { describe, expect, it } from 'vitest';
import { compileLinear, matchAll } from '../linear-regex.js';
import { ssnParts } from './us-ssn.js';

describe('US SSN parts', () => {
  it('splits every match like the capture groups of the original pattern', () => {
    const reference = compileLinear(String.raw`\b([0-9]{3})([\- .]?)([0-9]{2})([\- .]?)([0-9]{4})\b`);
    const pieces = ['1', '23', '456', '-', ' ', '.', '0', '78', '9999', 'x'];
    let seed = 5;
    let checked = 0;
    for (let round = 0; round < 3000; round += 1) {
      let text = '';
      for (let part = 0; part < 3 + (round % 9); part += 1) {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        text += pieces[seed % pieces.length];
      }
      for (const match of matchAll(reference, text)) {
        expect(ssnParts(text.slice(match.start, match.end)), text).toEqual(match.groups.slice(1));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
