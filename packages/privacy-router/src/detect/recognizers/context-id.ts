import { contextWindows, hasContext } from '../context.js';
import type { EntityType, Finding } from '../finding.js';
import { KeywordIndex } from '../keyword-index.js';
import { compileLinear, matchAllIn } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';

interface ContextIdOptions {
  name: string;
  type: Extract<EntityType, 'US_DRIVER_LICENSE' | 'US_PASSPORT'>;
  pattern: string;
  contextWords: readonly string[];
  score: number;
}

function createContextIdRecognizer(options: ContextIdOptions): Recognizer {
  const pattern = compileLinear(options.pattern);
  const index = new KeywordIndex(options.contextWords);
  return {
    name: options.name,
    entities: [options.type],
    keywordIndexes: [index],
    scan(input: ScanInput): Finding[] {
      const { text, lowerText } = input;
      const findings: Finding[] = [];
      for (const match of matchAllIn(pattern, text, contextWindows(input, index, 160))) {
        if (!/\d/.test(text.slice(match.start, match.end))) continue;
        if (!hasContext(lowerText, match.start, options.contextWords, 8)) continue;
        findings.push({
          type: options.type,
          start: match.start,
          end: match.end,
          score: options.score,
          detector: options.name,
        });
      }
      return findings;
    },
  };
}

/**
 * US driver's licence numbers. The formats differ by state (1-2 letters and 4-14 digits, or 7-9
 * digits), so like Presidio a candidate is reported only with context (`driver`, `license`,
 * `licence`, `DL` ...) among the words before it. Score 0.7.
 */
export function createUsDriverLicenseRecognizer(): Recognizer {
  return createContextIdRecognizer({
    name: 'us-driver-license',
    type: 'US_DRIVER_LICENSE',
    pattern: String.raw`(?i)\b(?:[A-Z][0-9]{3,4}(?:-[0-9]{2,5}){2,4}|[A-Z]{1,2}[0-9]{4,14}|[0-9]{7,9})\b`,
    contextWords: ['driver', "driver's", 'drivers', 'license', 'licence', 'dl', 'dln', 'driving'],
    score: 0.7,
  });
}

/** US passport numbers (9 digits, or a letter and 8 digits) with `passport` context. Score 0.7. */
export function createUsPassportRecognizer(): Recognizer {
  return createContextIdRecognizer({
    name: 'us-passport',
    type: 'US_PASSPORT',
    pattern: String.raw`(?i)\b(?:[A-Z][0-9]{8}|[0-9]{9})\b`,
    contextWords: ['passport'],
    score: 0.7,
  });
}
