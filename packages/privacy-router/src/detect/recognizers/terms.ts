import AhoCorasick from 'modern-ahocorasick';
import type { Finding } from '../finding.js';
import type { Recognizer, ScanInput } from '../recognizer.js';

const wordCharacter = /[\p{L}\p{N}_]/u;

/**
 * Policy terms (customer names, project code names ...): every term of every named list is
 * matched in one Aho-Corasick pass over the lower-cased text, so the cost does not grow with the
 * number of terms. Matching is case-insensitive and whole-word (a term must not be glued to a
 * letter, digit or `_` on either side). Reported as TERM with the list name as subtype, score 1.
 * Empty and whitespace-only terms are ignored.
 */
export function createTermsRecognizer(terms: Readonly<Record<string, readonly string[]>>): Recognizer {
  const patterns: { pattern: string; data: string }[] = [];
  for (const [listName, list] of Object.entries(terms)) {
    for (const term of list) {
      const trimmed = term.trim().toLowerCase();
      if (trimmed.length > 0) patterns.push({ pattern: trimmed, data: listName });
    }
  }
  const matcher = patterns.length > 0 ? new AhoCorasick<string>(patterns) : undefined;
  return {
    name: 'terms',
    entities: ['TERM'],
    scan(input: ScanInput): Finding[] {
      if (matcher === undefined) return [];
      const { text, lowerText } = input;
      // toLowerCase can change the length of a few characters (e.g. U+0130); offsets must stay aligned.
      const searchText = lowerText.length === text.length ? lowerText : text;
      const findings: Finding[] = [];
      for (const match of matcher.iterate(searchText)) {
        const before = text.slice(Math.max(0, match.start - 2), match.start);
        const after = text.slice(match.end, match.end + 2);
        if (before.length > 0 && wordCharacter.test(Array.from(before).at(-1) ?? '')) continue;
        if (after.length > 0 && wordCharacter.test(Array.from(after)[0] ?? '')) continue;
        findings.push({
          type: 'TERM',
          subtype: match.data ?? '',
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
