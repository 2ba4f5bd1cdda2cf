import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { boostedScore, hasContext } from '../context.js';
import type { Finding } from '../finding.js';
import { compileLinear, matchAll } from '../linear-regex.js';
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

const fallbackCountries = ['US', 'GB', 'DE', 'FR', 'IN', 'AU', 'BR', 'NL'] as const;

/** The score of a phone candidate before context: 0.6 if valid for some region, 0.3 if merely plausible, 0 otherwise. */
function baseScore(candidate: string, digits: string): number {
  if (candidate.startsWith('+') || /^00[1-9]/.test(candidate)) {
    const international = candidate.startsWith('00') ? `+${candidate.slice(2)}` : candidate;
    const parsed = parsePhoneNumberFromString(international);
    if (parsed?.isValid()) return 0.6;
    // An explicit country prefix is a strong phone signal even when the number is not assigned.
    return parsed?.isPossible() || (digits.length >= 8 && digits.length <= 15) ? 0.5 : 0;
  }
  for (const country of fallbackCountries) {
    const parsed = parsePhoneNumberFromString(candidate, country);
    if (parsed?.isValid()) return country === 'US' ? 0.6 : 0.45;
  }
  return digits.length >= 7 && digits.length <= 13 ? 0.3 : 0;
}

/**
 * Phone numbers in two tiers. Strict: libphonenumber-js (full metadata) validates the number
 * for its country (international `+`/`00` form) or as a US number: 0.6; as a national number of
 * another common region: 0.45. Loose: 7-13 digits in phone-like groups that no region
 * validates: 0.3. Context words before the number (`phone`, `call`, `fax` ...) or a label right
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
      for (const region of digitRegions(text)) {
        const regionText = text.slice(region.start, region.end);
        for (const regionMatch of matchAll(phonePattern, regionText)) {
          const match = { start: region.start + regionMatch.start, end: region.start + regionMatch.end };
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
          const base = baseScore(number, digits);
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

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Stretches of text that hold at least seven digits joined by phone separators (space, `.`, `-`,
 * `/`, parentheses, `+`), widened a little for a country prefix and an extension. The phone
 * pattern runs only there, so text without phone-like numbers costs one character scan.
 */
function digitRegions(text: string): { start: number; end: number }[] {
  const regions: { start: number; end: number }[] = [];
  let index = 0;
  const length = text.length;
  while (index < length) {
    if (!isDigitCode(text.charCodeAt(index))) {
      index += 1;
      continue;
    }
    const start = index;
    let digits = 0;
    let end = index;
    let gap = 0;
    while (index < length) {
      const code = text.charCodeAt(index);
      if (isDigitCode(code)) {
        digits += 1;
        gap = 0;
        end = index + 1;
      } else if (
        gap < 3 &&
        (code === 32 ||
          code === 46 ||
          code === 45 ||
          code === 47 ||
          code === 40 ||
          code === 41 ||
          code === 0x2011)
      ) {
        gap += 1;
      } else break;
      index += 1;
    }
    if (digits >= 7) regions.push({ start: Math.max(0, start - 3), end: Math.min(length, end + 16) });
  }
  return regions;
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
