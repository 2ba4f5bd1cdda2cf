import { boostedScore, hasContext } from '../context.js';
import { digitRegions } from '../digit-regions.js';
import type { Finding } from '../finding.js';
import { compileLinear, matchAllIn } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';

// No capture groups: the parts are read from the match in code (a capture group costs RE2 a
// native buffer per group and match).
const ssnPattern = compileLinear(String.raw`\b[0-9]{3}[\- .]?[0-9]{2}[\- .]?[0-9]{4}\b`);

function isDelimiter(character: string): boolean {
  return character === '-' || character === ' ' || character === '.';
}

/**
 * The parts of a match of {@link ssnPattern}: area, first delimiter, group, second delimiter,
 * serial (a delimiter is empty when absent; digits are never delimiters, so the split is unique).
 */
export function ssnParts(match: string): [string, string, string, string, string] {
  const firstDelimiter = isDelimiter(match.charAt(3)) ? match.charAt(3) : '';
  const groupStart = 3 + firstDelimiter.length;
  const secondDelimiter = isDelimiter(match.charAt(groupStart + 2)) ? match.charAt(groupStart + 2) : '';
  const serialStart = groupStart + 2 + secondDelimiter.length;
  return [
    match.slice(0, 3),
    firstDelimiter,
    match.slice(groupStart, groupStart + 2),
    secondDelimiter,
    match.slice(serialStart, serialStart + 4),
  ];
}

/** Context words that raise an SSN candidate's score. */
export const ssnContextWords: readonly string[] = [
  'ssn',
  'ssns',
  'social',
  'security',
  'ss#',
  'ssid',
  'taxpayer',
];

const sampleNumbers = new Set(['123456789', '078051120', '219099999', '457555462']);

/** True if the nine SSN digits could have been issued (Presidio's invalidation rules). */
export function isPlausibleSsn(area: string, group: string, serial: string): boolean {
  const digits = `${area}${group}${serial}`;
  if (/^(\d)\1{8}$/.test(digits)) return false;
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  if (group === '00' || serial === '0000') return false;
  return !sampleNumbers.has(digits);
}

/**
 * US Social Security numbers as Presidio recognises them: `ddd-dd-dddd` (0.5), dots or spaces
 * (0.4) and nine bare digits (0.15); mixed delimiters, repeated digits, area 000/666/9xx, group
 * 00, serial 0000 and published sample numbers are rejected; context words (`ssn`, `social
 * security` ...) before the number add 0.35.
 */
export function createUsSsnRecognizer(): Recognizer {
  return {
    name: 'us-ssn',
    entities: ['US_SSN'],
    scan(input: ScanInput): Finding[] {
      const findings: Finding[] = [];
      for (const match of matchAllIn(ssnPattern, input.text, digitRegions(input.text, 9))) {
        const [area, firstDelimiter, group, secondDelimiter, serial] = ssnParts(
          input.text.slice(match.start, match.end),
        );
        if (firstDelimiter !== secondDelimiter) continue;
        if (!isPlausibleSsn(area, group, serial)) continue;
        const before = input.text.charAt(match.start - 1);
        const after = input.text.charAt(match.end);
        if (
          /[-./:]/.test(before) ||
          /[-/:]/.test(after) ||
          (after === '.' && /\d/.test(input.text.charAt(match.end + 1)))
        )
          continue;
        const base = firstDelimiter === '-' ? 0.5 : firstDelimiter === '' ? 0.15 : 0.4;
        const score = boostedScore(base, hasContext(input.lowerText, match.start, ssnContextWords));
        findings.push({ type: 'US_SSN', start: match.start, end: match.end, score, detector: 'us-ssn' });
      }
      return findings;
    },
  };
}
