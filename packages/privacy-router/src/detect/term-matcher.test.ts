import { describe, expect, it } from 'vitest';
import { TermMatcher } from './term-matcher.js';

function found(matcher: TermMatcher<string>, text: string): string[] {
  return matcher.matches(text).map((match) => `${match.value}@${match.start}-${match.end}`);
}

describe('TermMatcher', () => {
  it('finds every occurrence, overlapping ones and suffixes included (failure links)', () => {
    const matcher = new TermMatcher<string>([
      ['he', 'he'],
      ['she', 'she'],
      ['his', 'his'],
      ['hers', 'hers'],
    ]);
    expect(found(matcher, 'ushers')).toEqual(['she@1-4', 'he@2-4', 'hers@2-6']);
    expect(found(matcher, 'ahishers')).toEqual(['his@1-4', 'she@3-6', 'he@4-6', 'hers@4-8']);
  });

  it('matches code units exactly (callers lower-case), with duplicates and non-ASCII terms', () => {
    const matcher = new TermMatcher<string>([
      ['müller ag', 'customers'],
      ['bluebird', 'codenames'],
      ['bluebird', 'projects'],
      ['', 'ignored'],
    ]);
    expect(found(matcher, 'kunde: müller ag, project bluebird')).toEqual([
      'customers@7-16',
      'codenames@26-34',
      'projects@26-34',
    ]);
    expect(found(matcher, 'Müller AG')).toEqual([]);
    expect(new TermMatcher<string>([['', 'x']]).empty).toBe(true);
  });

  it('handles thousands of terms sharing prefixes', () => {
    const terms = Array.from({ length: 5000 }, (_, index): [string, string] => [`term${index} corp`, 'list']);
    const matcher = new TermMatcher(terms);
    const text = `${'lorem ipsum term12x corp term1 cor '.repeat(2000)}term4999 corp`;
    expect(found(matcher, text)).toEqual([`list@${text.length - 13}-${text.length}`]);
  });
});
