import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { boostedScore, hasContext } from '../context.js';
import { digitRegions } from '../digit-regions.js';
import type { Finding } from '../finding.js';
import { compileLinear, matchAllIn } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';

// A run of digit groups with phone-like separators, an optional +country prefix, parentheses
// around an area code and an extension. Candidates are checked in code.
const phonePattern = compileLinear(
  String.raw`(?i)(?:\+|\b00)?\(?\d{1,15}\)?(?:[ .\-\u2011/]{1,2}\(?\d{1,10}\)?){0,5}(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?\b`,
);

/** Context words (before the number, or right after it) that raise a phone candidate's score. */
export const phoneContextWords: readonly string[] = [
  'phone',
  'tel',
  'telephone',
  'mobile',
  'cell',
  'call',
  'fax',
  'office',
  'contact',
  'reach',
  'whatsapp',
  'sms',
  'text me',
  'answering',
  'dial',
  'ring',
  'hotline',
  'landline',
  'mob',
  'ph',
];
const suffixContextWords = /^[\s,;:()-]*(?:office|fax|mobile|cell|home|work|phone|tel|direct|landline)\b/i;

const scoreCache = new Map<string, number>();

/** {@link baseScore} with a small cache (the same numbers recur across a conversation's turns). */
function cachedBaseScore(candidate: string, digits: string): number {
  let score = scoreCache.get(candidate);
  if (score === undefined) {
    score = baseScore(candidate, digits);
    if (scoreCache.size >= 4096) scoreCache.clear();
    scoreCache.set(candidate, score);
  }
  return score;
}

/**
 * The score of a phone candidate before context: 0.6 if valid (international form: for its
 * country; national form: as a US number), 0.5 for a plausible international number, 0.3 for a
 * merely plausible national one, 0 otherwise. (Validating national numbers for other regions
 * would not change any outcome: below 0.5 they still need context or a line of their own.)
 */
function baseScore(candidate: string, digits: string): number {
  if (candidate.startsWith('+') || /^00[1-9]/.test(candidate)) {
    const international = candidate.startsWith('00') ? `+${candidate.slice(2)}` : candidate;
    const parsed = parsePhoneNumberFromString(international);
    if (parsed?.isValid()) return 0.6;
    // An explicit country prefix is a strong phone signal even when the number is not assigned.
    return parsed?.isPossible() || (digits.length >= 8 && digits.length <= 15) ? 0.5 : 0;
  }
  if (digits.length === 10 || (digits.length === 11 && digits.startsWith('1'))) {
    if (parsePhoneNumberFromString(candidate, 'US')?.isValid()) return 0.6;
  }
  return digits.length >= 7 && digits.length <= 13 ? 0.3 : 0;
}

/**
 * Phone numbers in two tiers. Strict: libphonenumber-js (full metadata) validates the number
 * for its country (international `+`/`00` form) or as a US number: 0.6; an international number
 * of a possible length: 0.5. Loose: 7-13 digits in phone-like groups: 0.3; a number alone on its
 * line (contact blocks, signatures) gets +0.25. Context words before the number (`phone`, `call`, `fax` ...) or a label right
 * after it (`office`, `fax`, `mobile` ...) add 0.35, so a loose candidate needs context to be
 * reported. Dates, times, IP-like and version-like dotted numbers, and bare digit runs without
 * context are rejected.
 */
export function createPhoneRecognizer(): Recognizer {
  return {
    name: 'phone',
    entities: ['PHONE'],
    scan(input: ScanInput): Finding[] {
      const { text, lowerText } = input;
      const findings: Finding[] = [];
      for (const region of digitRegions(text, 7, 16)) {
        for (const match of matchAllIn(phonePattern, text, [region])) {
          let start = match.start;
          const end = match.end;
          let candidate = text.slice(start, end);
          // Drop an unbalanced leading '(' or trailing ')' the pattern may take.
          if (candidate.startsWith('(') && !candidate.includes(')')) {
            start += 1;
            candidate = candidate.slice(1);
          }
          const number = candidate.replace(/\s?(?:x|ext\.?|extension)\s?\d{1,6}$/i, '');
          const digits = number.replace(/\D/g, '');
          if (digits.length < 7 || digits.length > 15) continue;
          const before = text.charAt(start - 1);
          const after = text.charAt(end);
          const labelAfter = suffixContextWords.test(text.slice(end, end + 20));
          if (
            /[\w.\-/:]/.test(before) ||
            /[\w/:@]/.test(after) ||
            (after === '-' && !labelAfter) ||
            (after === '.' && /\d/.test(text.charAt(end + 1)))
          )
            continue;
          if (looksLikeNonPhone(number)) continue;
          const base = cachedBaseScore(number, digits);
          if (base === 0) continue;
          const separated = /[ .\-()\u2011/]/u.test(number.replace(/^\+/, ''));
          const withContext = hasContext(lowerText, start, phoneContextWords) || labelAfter;
          // A bare digit run is an id as often as a phone number: only with context.
          if (!separated && !candidate.startsWith('+') && !withContext) continue;
          // A number alone on its line (contact blocks, signatures) is likelier a phone number.
          const aloneOnLine = separated && isAloneOnLine(text, start, end);
          const score = withContext
            ? boostedScore(base, true)
            : aloneOnLine
              ? Math.min(1, base + 0.25)
              : base;
          findings.push({ type: 'PHONE', start, end, score, detector: 'phone' });
        }
      }
      return findings;
    },
  };
}

function isAloneOnLine(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEndIndex = text.indexOf('\n', end);
  const lineEnd = lineEndIndex === -1 ? text.length : lineEndIndex;
  return text.slice(lineStart, start).trim() === '' && text.slice(end, lineEnd).trim() === '';
}

function looksLikeNonPhone(candidate: string): boolean {
  // ISO and numeric dates, times, dotted versions / IPs, money amounts
  if (/^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}/.test(candidate)) return true;
  if (/^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/.test(candidate)) return true;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(candidate)) return true;
  if (/^\d+(?:\.\d+){1,2}$/.test(candidate) && candidate.length < 10) return true;
  if (/^\d{1,3}(?:,\d{3})+$/.test(candidate)) return true;
  return false;
}
