import { digitRegions } from '../digit-regions.js';
import type { Finding } from '../finding.js';
import { compileLinear, forEachMatch } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';
import { cardIssuerOf } from '../validators/card-issuer.js';
import { passesLuhn } from '../validators/luhn.js';

/**
 * 12-19 digits, optionally split by single spaces or dashes, not glued to other digits or word
 * characters; group 1 is the number. (The recognizer runs {@link cardFinder}; this is the
 * reference the tests compare it with.)
 */
export const cardPattern = compileLinear(
  String.raw`(?:^|[^\w.\-])(\d(?:[ \-]?\d){11,18})(?:$|[^\w\-]|\.(?:\D|$))`,
  'd',
);
/**
 * {@link cardPattern} without its capture group: the number is the stretch from the first to the
 * last ASCII digit of the match (the boundaries before and after it hold no digit), so RE2 only
 * has to find the match, not extract the group (the costly part of a search that matches).
 */
export const cardFinder = compileLinear(
  String.raw`(?:^|[^\w.\-])(?:\d(?:[ \-]?\d){11,18})(?:$|[^\w\-]|\.(?:\D|$))`,
);

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The span of {@link cardPattern}'s group 1 in a match of {@link cardFinder}. */
export function cardNumberSpan(text: string, start: number, end: number): [number, number] {
  let first = start;
  while (first < end && !isDigitCode(text.charCodeAt(first))) first += 1;
  let last = end;
  while (last > first && !isDigitCode(text.charCodeAt(last - 1))) last -= 1;
  return [first, last];
}

/**
 * Payment card numbers: 12-19 digits with consistent separators that pass the Luhn check and fall
 * in a known issuer's IIN range with that issuer's length (Visa, Mastercard incl. 2-series, Amex,
 * Discover, Diners, JCB, UnionPay, Maestro). Numbers of one repeated digit are rejected.
 */
export function createCreditCardRecognizer(): Recognizer {
  return {
    name: 'credit-card',
    entities: ['CREDIT_CARD'],
    scan(input: ScanInput): Finding[] {
      const findings: Finding[] = [];
      const text = input.text;
      for (const region of digitRegions(text, 12)) {
        forEachMatch(cardFinder, text, region.start, region.end, (match) => {
          const [start, end] = cardNumberSpan(text, match.start, match.end);
          // Resume after the number (the match may have consumed the boundary character after it).
          const resume = end > match.start ? end : match.start + 1;
          const candidate = text.slice(start, end);
          if (!hasConsistentSeparators(candidate)) return resume;
          const digits = candidate.replace(/[ -]/g, '');
          if (/^(\d)\1+$/.test(digits) || publicTestCardNumbers.has(digits)) return resume;
          if (!passesLuhn(digits) || cardIssuerOf(digits) === undefined) return resume;
          findings.push({
            type: 'CREDIT_CARD',
            start,
            end,
            score: 1,
            detector: 'credit-card',
          });
          return resume;
        });
      }
      return findings;
    },
  };
}

/**
 * Card numbers published by card networks and payment processors for testing (Visa, Stripe,
 * Adyen, Braintree documentation). They are not anyone's card, so they are not reported.
 */
export const publicTestCardNumbers: ReadonlySet<string> = new Set([
  '4111111111111111',
  '4242424242424242',
  '4000056655665556',
  '4000000000000002',
  '4000000000009995',
  '4000000000000077',
  '4012888888881881',
  '4222222222222',
  '5555555555554444',
  '5200828282828210',
  '5105105105105100',
  '2223003122003222',
  '378282246310005',
  '371449635398431',
  '378734493671000',
  '6011111111111117',
  '6011000990139424',
  '3056930009020004',
  '36227206271667',
  '3566002020360505',
  '6200000000000005',
  '4000000000003220',
  '4000002500003155',
]);

function hasConsistentSeparators(candidate: string): boolean {
  const separators = new Set(candidate.replace(/\d/g, ''));
  if (separators.size > 1) return false;
  if (separators.size === 0) return true;
  // Separated numbers come in groups of at least 3 digits (4-4-4-4, 4-6-5, ...).
  return candidate.split(/[ -]/).every((group) => group.length >= 3);
}
