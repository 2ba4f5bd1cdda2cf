import { contextWindows, hasContext } from '../context.js';
import type { Finding } from '../finding.js';
import { KeywordIndex } from '../keyword-index.js';
import { compileLinear, matchAllIn } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';

const months =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const datePattern = compileLinear(
  String.raw`(?i)\b(?:[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-](?:[0-9]{4}|[0-9]{2})|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|(?:${months})\.? [0-9]{1,2}(?:st|nd|rd|th)?,? [0-9]{4}|[0-9]{1,2}(?:st|nd|rd|th)? (?:of )?(?:${months})\.?,? [0-9]{4})\b`,
);

/** Words that mark a date as a date of birth. */
export const birthContextWords: readonly string[] = [
  'born',
  'birth',
  'dob',
  'd.o.b',
  'birthday',
  'birthdate',
  'b.',
  'bday',
  'geboren',
];

const birthIndex = new KeywordIndex(birthContextWords);

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function plausibleDate(value: string): boolean {
  const numbers = value.match(/\d+/g)?.map(Number) ?? [];
  const lower = value.toLowerCase();
  const monthIndex = monthNames.findIndex((name) => lower.includes(name));
  let year: number | undefined;
  let day: number | undefined;
  let month: number | undefined;
  if (monthIndex >= 0) {
    [day, year] = numbers;
    month = monthIndex + 1;
  } else if (/^\d{4}/.test(value)) {
    [year, month, day] = numbers;
  } else {
    const [first = 0, second = 0, third = 0] = numbers;
    year = third < 100 ? 1900 + third : third;
    // Either month/day or day/month.
    month = first <= 12 ? first : second;
    day = first <= 12 ? second : first;
    if (first > 12 && second > 12) return false;
  }
  if (year === undefined || month === undefined || day === undefined) return false;
  const currentYear = new Date().getUTCFullYear();
  return year >= 1900 && year <= currentYear && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/**
 * Dates of birth: a plausible calendar date (numeric, ISO or with a month name; year from 1900 to
 * this year) reported only when a birth context word (`born`, `date of birth`, `DOB` ...) is among
 * the words just before it. Score 0.65. Other dates are not personal data by themselves.
 */
export function createDateOfBirthRecognizer(): Recognizer {
  return {
    name: 'date-of-birth',
    entities: ['DATE_OF_BIRTH'],
    keywordIndexes: [birthIndex],
    scan(input: ScanInput): Finding[] {
      const { text, lowerText } = input;
      const findings: Finding[] = [];
      for (const match of matchAllIn(datePattern, text, contextWindows(input, birthIndex, 160))) {
        if (!hasContext(lowerText, match.start, birthContextWords, 8)) continue;
        if (!plausibleDate(text.slice(match.start, match.end))) continue;
        findings.push({
          type: 'DATE_OF_BIRTH',
          start: match.start,
          end: match.end,
          score: 0.65,
          detector: 'date-of-birth',
        });
      }
      return findings;
    },
  };
}
