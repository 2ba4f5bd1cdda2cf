import { describe, expect, it } from 'vitest';
import { createDetector } from '../create-detector.js';

describe('policy terms', () => {
  const detector = createDetector({
    entities: ['TERM'],
    terms: { customers: ['Globex Corporation', 'Initech', 'Müller AG'], codenames: ['Bluebird', '  ', ''] },
  });
  const terms = (text: string) =>
    detector.scan(text).map((finding) => [finding.subtype, text.slice(finding.start, finding.end)]);

  it('matches case-insensitively on word boundaries and names the list', () => {
    expect(terms('GLOBEX CORPORATION renews; initech too. Project bluebird.')).toEqual([
      ['customers', 'GLOBEX CORPORATION'],
      ['customers', 'initech'],
      ['codenames', 'bluebird'],
    ]);
    expect(terms('Kunde: müller ag')).toEqual([['customers', 'müller ag']]);
  });

  it('does not match inside other words, and ignores blank terms', () => {
    expect(terms('Initechnology and bluebirds and xbluebird')).toEqual([]);
    expect(terms('   ')).toEqual([]);
  });

  it('does not match a term followed by a combining mark or glued to a non-BMP letter', () => {
    // "Initech" + U+0301 (combining acute) is another word; so is "𝐀Initech" (U+1D400, a letter).
    expect(terms('Initech\u0301 and \u{1D400}Initech')).toEqual([]);
    expect(terms('(Initech) "Bluebird"')).toEqual([
      ['customers', 'Initech'],
      ['codenames', 'Bluebird'],
    ]);
  });

  it('finds nothing when no terms are configured', () => {
    expect(createDetector({ entities: ['TERM'] }).scan('Globex')).toEqual([]);
  });
});
