import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { boostedScore, hasContext } from '../context.js';
import { digitRegions } from '../digit-regions.js';
import type { Finding } from '../finding.js';
import { compileLinear, matchAllIn } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';

// A run of digit groups with phone-like separators, an optional +country prefix, parentheses
// around an area code (also without a space after them) or a trunk `(0)`, and an extension. Candidates are checked in code.
const phonePattern = compileLinear(
  String.raw`(?i)(?:\+|\b00)?\(?\d{1,15}(?: ?\(0\) ?\d{1,10}|\)?[ .\-\u2011/]{1,2}\(?\d{1,10}|\)\d{1,10}){0,5}\)?(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?\b`,
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
  'my number',
  'new number',
  'your number',
  'his number',
  'her number',
  'our number',
  // The word for a phone in other languages (`tel` already covers telefon, telefono, telefone ...).
  'tél',
  'teléfono',
  'celular',
  'cellulare',
  'móvil',
  'portable',
  'handy',
  'tlf',
  'puhelin',
  'gsm',
  'телефон',
  'тел',
  '電話',
  '전화',
  '电话',
  'טלפון',
];
const suffixContextWords = /^[\s,;:()-]*(?:office|fax|mobile|cell|home|work|phone|tel|direct|landline)\b/i;

// A label right before the number: `Tel.`, `Ph:`, `T:`, `M` in a signature. (The context window
// stops at `Tel. ` because `. ` ends a sentence; single capital letters count only here.)
const labelWords = new Set(['tel', 'tél', 'tlf', 'ph', 'phone', 'mob', 'mobile', 'cell', 'fax']);
const labelLetters = 'TMFPHWCOD';

function isLetterOrDigit(character: string): boolean {
  return /[\p{L}\p{N}]/u.test(character);
}

/** True if a phone label (`Tel.`, `ph:`, `T:`, `M`) ends right before `start`: a few characters walked back, no copy. */
function hasLabelBefore(text: string, lowerText: string, start: number): boolean {
  let index = start - 1;
  while (index >= 0 && index > start - 4 && (text[index] === ' ' || text[index] === '(')) index -= 1;
  if (text[index] === ':') {
    index -= 1;
    if (text[index] === ' ') index -= 1;
  }
  if (text[index] === '.') index -= 1;
  const wordEnd = index + 1;
  while (index >= 0 && wordEnd - index <= 7 && /\p{L}/u.test(text[index] ?? '')) index -= 1;
  const wordStart = index + 1;
  if (wordStart === wordEnd || wordEnd - wordStart > 6) return false;
  if (index >= 0 && isLetterOrDigit(text[index] ?? '')) return false;
  if (wordEnd - wordStart === 1) return labelLetters.includes(text[wordStart] ?? '');
  return labelWords.has(lowerText.slice(wordStart, wordEnd));
}
/**
 * Words before a number that make it an identifier rather than a phone number (`Serial`,
 * `Order`, `Invoice` ...): a phone-shaped national number after one of them needs phone context.
 * A trailing space marks a whole word (`id ` does not match `idea`).
 */
export const nonPhoneContextWords: readonly string[] = [
  'serial',
  'order',
  'invoice',
  'isbn',
  'issn',
  'ticket',
  'account',
  'acct',
  'sku',
  'tracking',
  'reference',
  'ref ',
  'ref.',
  'ref#',
  'batch',
  'policy',
  'claim',
  'member',
  'employee',
  'licen',
  'passport',
  'routing',
  'version',
  'build',
  'transaction',
  'receipt',
  'case ',
  'id ',
  'id:',
  'po ',
  'part ',
  'model',
  'patient',
];
const currencyNear = /[$€£¥₹]|\b(?:eur|usd|gbp|chf|sek|nok|dkk|pln|kr|zł|euros?|dollars?|pounds?)\b/i;

/** Digit-group lengths a North American number is written in (`80 9090 5432` is not one). */
const nanpGroups = new Set(['10', '3-3-4', '3-7', '6-4', '11', '1-10', '1-3-3-4', '1-3-7']);

const sixDigitGroups = /(?:^|\D)\d\d[ .-]\d\d[ .-]\d\d(?:\D|$)/;

/**
 * The regions to match: those of seven digits or more, plus a lone six-digit region written as
 * `33 93 31` (a local number, reported only with a phone word; lone, so that six-digit numbers
 * do not widen the regions of longer ones and cost every text a longer match).
 */
function phoneRegions(text: string): { start: number; end: number }[] {
  const regions: { start: number; end: number }[] = digitRegions(text, 7, 16);
  let sixDigits: { start: number; end: number }[] | undefined;
  for (const region of digitRegions(text, 6, 16))
    if (region.digits === 6 && sixDigitGroups.test(text.slice(region.start, region.end))) {
      sixDigits ??= [];
      sixDigits.push(region);
    }
  if (sixDigits === undefined) return regions;
  return [...regions, ...sixDigits].sort((left, right) => left.start - right.start);
}

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
    // `+44 (0)20 7946 0958`: the trunk 0 in parentheses is not dialled from abroad.
    const withoutTrunk = candidate.replace(/ ?\(0\) ?/, ' ');
    const international = withoutTrunk.startsWith('00') ? `+${withoutTrunk.slice(2)}` : withoutTrunk;
    const parsed = parsePhoneNumberFromString(international);
    if (parsed?.isValid()) return 0.6;
    // An explicit country prefix is a strong phone signal even when the number is not assigned.
    return parsed?.isPossible() || (digits.length >= 8 && digits.length <= 15) ? 0.5 : 0;
  }
  if (
    (digits.length === 10 || (digits.length === 11 && digits.startsWith('1'))) &&
    nanpGroups.has(
      candidate
        .match(/\d+/g)
        ?.map((group) => group.length)
        .join('-') ?? '',
    )
  ) {
    if (parsePhoneNumberFromString(candidate, 'US')?.isValid()) return 0.6;
  }
  if (digits.length < 6 || digits.length > 13) return 0;
  return hasPhoneShape(candidate, digits) ? 0.5 : 0.3;
}

/**
 * True for the national formats that are phone numbers far more often than anything else, even
 * when the number is not assigned: the North American `(415) 555-2671` / `415-555-2671` /
 * `415.555.2671`, an area code in parentheses (`(02) 5156 1464`, `(0564) 767 92 88`), a trunk
 * `0` followed by groups (`0171 215 8485`, `04 92 21 06 22`, `090-488-5978`), and three or more
 * groups of 2-4 digits with one separator (`38 93 68 80`, `48-703-10-13`, `909.250.647`).
 * Thousands (`12.345.678`) near a currency are rejected by the caller; SSN-shaped `123-45-6789`
 * and runs of years are not phone-shaped.
 */
function hasPhoneShape(candidate: string, digits: string): boolean {
  if (digits.length < 8 || digits.length > 13) return false;
  if (/^\d{3}-\d{2}-\d{4}$/.test(candidate) || /^\d{4}([ .-])\d{4}(?:\1\d{4})+$/.test(candidate))
    return false;
  if (/^(?:(?:19|20)\d\d[ .-]?)+$/.test(candidate)) return false;
  if (/^(?:1[ .-]?)?(?:\(\d{3}\)[ -]?\d{3}[-. ]\d{4}|\d{3}([-. ])\d{3}\1\d{4})$/.test(candidate)) return true;
  if (/^(?:[018][ -]?)?\(\d{1,5}\)[ -]?\d{2,10}(?:[ -]\d{2,8}){0,3}$/.test(candidate)) return true;
  if (digits.length > 12) return false;
  if (/^0\d{1,5}(?:([ .\-/])\d{2,8}(?:\1\d{2,8}){0,3}|-\d{2,4}(?: \d{2,4}){1,3})$/.test(candidate))
    return digits.length >= 9 || candidate.includes(' ');
  if (/^\d{2,4}([.-])\d{2,4}(?:\1\d{2,4}){1,3}$/.test(candidate)) return true;
  // With spaces the groups are also a list of numbers (`ports 80 443 8080`, `RGB 102 97 149`):
  // only a group with a leading zero (`59 82 49 03`) or a mixed national grouping
  // (`904 94 08 40`, `42 300 98 72`) makes them a phone number.
  return (
    /^\d{2,4}(?: \d{2,4}){2,4}$/.test(candidate) &&
    (/ 0\d/.test(candidate) || /^(?:\d{3} \d{2}|\d{2} \d{3}|\d{3} \d{3}) \d{2} \d{2}$/.test(candidate))
  );
}

/** `12 345 678`, `1.234.567`: digit groups of three after the first, as in amounts. */
function looksLikeThousands(candidate: string): boolean {
  return /^\d{1,3}(?:[ .,\u00a0\u202f]\d{3})+$/.test(candidate);
}

/**
 * Phone numbers in three tiers. Valid: libphonenumber-js (full metadata) validates the number
 * for its country (international `+`/`00` form, also with a trunk `(0)`) or, in a North American
 * grouping, as a US number: 0.6. Shaped: an international number of a possible length, or a
 * national format that is rarely anything else ({@link hasPhoneShape}: `(415) 555-2671`,
 * `(02) 5156 1464`, `0171 215 8485`, `48-703-10-13`): 0.5, reported without context, unless an
 * id word (`Order`, `Serial`, `ID` ...) precedes it or a currency is next to an amount-shaped one.
 * Loose: 6-13 digits in other phone-like groups: 0.3. A number alone on its line or in a
 * `|`-delimited field gets +0.25; context words before the number (`phone`, `call`, `Telefon`,
 * `電話` ...), a label right before it (`Tel.`, `T:`, `M`) or right after it (`office`, `fax`,
 * `mobile` ...) add 0.35, so a loose candidate needs context to be reported. Dates, times, IP-like
 * and version-like dotted numbers, and bare digit runs without context are rejected; six digits
 * only as `33 93 31` after a phone word.
 */
export function createPhoneRecognizer(): Recognizer {
  return {
    name: 'phone',
    entities: ['PHONE'],
    scan(input: ScanInput): Finding[] {
      const { text, lowerText } = input;
      const findings: Finding[] = [];
      for (const region of phoneRegions(text)) {
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
          if (digits.length < 6 || digits.length > 15) continue;
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
          let base = cachedBaseScore(number, digits);
          if (base === 0) continue;
          const national = !number.startsWith('+') && !number.startsWith('00');
          // `12 345 678 €`: an amount, whatever its grouping.
          if (
            base === 0.5 &&
            national &&
            looksLikeThousands(number) &&
            currencyNear.test(text.slice(Math.max(0, start - 12), Math.min(text.length, end + 12)))
          )
            base = 0.3;
          const separated = /[ .\-()\u2011/]/u.test(number.replace(/^\+/, ''));
          const withContext =
            labelAfter ||
            hasContext(lowerText, start, phoneContextWords) ||
            hasLabelBefore(text, lowerText, start);
          // Six digits (`call 33 93 31`, a local number) only in three groups and with a phone word.
          if (digits.length === 6 && !(withContext && /^\d\d[ .-]\d\d[ .-]\d\d$/.test(number))) continue;
          // A phone-shaped number after `Order`, `Serial`, `Invoice` ... is an id unless a phone word is there too.
          if (
            base === 0.5 &&
            !number.startsWith('+') &&
            !withContext &&
            hasContext(lowerText, start, nonPhoneContextWords)
          )
            base = 0.3;
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

/** True if the number fills its line, or a `|`-delimited field of it (`Name | Company | number`). */
function isAloneOnLine(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEndIndex = text.indexOf('\n', end);
  const lineEnd = lineEndIndex === -1 ? text.length : lineEndIndex;
  const before = text.slice(lineStart, start).trimEnd();
  const after = text.slice(end, lineEnd).trimStart();
  return (before === '' || before.endsWith('|')) && (after === '' || after.startsWith('|'));
}

function looksLikeNonPhone(candidate: string): boolean {
  // ISO and numeric dates, times, dotted versions / IPs, money amounts
  if (/^[12]\d{3}[-/.]\d{1,2}[-/.]\d{1,2}/.test(candidate)) return true;
  if (/^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/.test(candidate)) return true;
  if (/^\d{1,2} \d{1,2} (?:19|20)\d\d$/.test(candidate)) return true;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(candidate)) return true;
  if (/^\d+(?:\.\d+){1,2}$/.test(candidate) && candidate.length < 10) return true;
  if (/^\d{1,3}(?:,\d{3})+$/.test(candidate)) return true;
  return false;
}
