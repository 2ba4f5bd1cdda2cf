import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import type { Finding } from '../finding.js';
import { compileLinear, matchAll } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';

// Country code, check digits, then 11-30 alphanumerics optionally grouped by single spaces.
const ibanPattern = compileLinear(String.raw`(?i)\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]){11,30}\b`);

/**
 * IBANs: a candidate (electronic or print format, any case) is reported only if ibantools
 * validates it: known country, that country's length and BBAN format, and the ISO 7064 mod-97
 * check digits. Trailing space-separated groups that make it invalid are trimmed.
 */
export function createIbanRecognizer(): Recognizer {
  return {
    name: 'iban',
    entities: ['IBAN'],
    scan(input: ScanInput): Finding[] {
      const findings: Finding[] = [];
      for (const match of matchAll(ibanPattern, input.text)) {
        let candidate = input.text.slice(match.start, match.end);
        for (;;) {
          const electronic = electronicFormatIBAN(candidate) ?? '';
          if (isValidIBAN(electronic.toUpperCase())) {
            findings.push({
              type: 'IBAN',
              start: match.start,
              end: match.start + candidate.length,
              score: 1,
              detector: 'iban',
            });
            break;
          }
          const lastSpace = candidate.lastIndexOf(' ');
          if (lastSpace < 15) break;
          candidate = candidate.slice(0, lastSpace);
        }
      }
      return findings;
    },
  };
}
