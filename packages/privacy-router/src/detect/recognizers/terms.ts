import type { Finding } from '../finding.js';
import type { Recognizer, ScanInput } from '../recognizer.js';
import { TermMatcher } from '../term-matcher.js';

/** Letters, digits, `_` and combining marks: a term glued to one of these is not a whole word. */
const wordCharacter = /[\p{L}\p{M}\p{N}_]/u;

/** The code point that ends just before `index` in `text`. */
function codePointBefore(text: string, index: number): string {
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(index - 2, index);
  }
  return text.charAt(index - 1);
}

/** The code point that starts at `index` in `text`. */
function codePointAt(text: string, index: number): string {
  const code = text.codePointAt(index);
  return code === undefined ? '' : String.fromCodePoint(code);
}

/**
 * Policy terms (customer names, project code names ...): every term of every named list is
 * matched in one Aho-Corasick pass over the lower-cased text ({@link TermMatcher}, on UTF-16 code
 * units), so the cost does not grow with the number of terms. Matching is case-insensitive and
 * whole-word (a term must not be glued to a letter, digit, combining mark or `_` on either side).
 * Reported as TERM with the list name as subtype, score 1. Empty and whitespace-only terms are
 * ignored.
 */
export function createTermsRecognizer(terms: Readonly<Record<string, readonly string[]>>): Recognizer {
  const patterns: [string, string][] = [];
  for (const [listName, list] of Object.entries(terms)) {
    for (const term of list) {
      const trimmed = term.trim().toLowerCase();
      if (trimmed.length > 0) patterns.push([trimmed, listName]);
    }
  }
  const matcher = new TermMatcher(patterns);
  return {
    name: 'terms',
    entities: ['TERM'],
    scan(input: ScanInput): Finding[] {
      if (matcher.empty) return [];
      const { text, lowerText } = input;
      // toLowerCase can change the length of a few characters (e.g. U+0130); offsets must stay aligned.
      const searchText = lowerText.length === text.length ? lowerText : text;
      const findings: Finding[] = [];
      for (const match of matcher.matches(searchText)) {
        if (match.start > 0 && wordCharacter.test(codePointBefore(text, match.start))) continue;
        if (match.end < text.length && wordCharacter.test(codePointAt(text, match.end))) continue;
        findings.push({
          type: 'TERM',
          subtype: match.value,
          start: match.start,
          end: match.end,
          score: 1,
          detector: 'terms',
        });
      }
      return findings;
    },
  };
}
