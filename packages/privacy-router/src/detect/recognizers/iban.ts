import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import type { Finding } from '../finding.js';
import { compileLinear, matchAllIn } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';

// Country code, check digits, then 11-30 alphanumerics optionally grouped by single spaces.
const ibanPattern = compileLinear(String.raw`(?i)\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]){11,30}\b`);

function isLetterCode(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Where an IBAN can start: two letters and two digits at the start of a word. The pattern runs
 * only on the 50 characters from there (an IBAN in print format is at most 42 characters).
 */
function ibanStarts(text: string): { start: number; end: number }[] {
  const regions: { start: number; end: number }[] = [];
  for (let index = 0; index + 3 < text.length; index += 1) {
    if (
      isLetterCode(text.charCodeAt(index)) &&
      isLetterCode(text.charCodeAt(index + 1)) &&
      isDigitCode(text.charCodeAt(index + 2)) &&
      isDigitCode(text.charCodeAt(index + 3)) &&
      (index === 0 || !isLetterCode(text.charCodeAt(index - 1)))
    ) {
      const start = Math.max(0, index - 1);
      const end = Math.min(text.length, index + 50);
      const last = regions[regions.length - 1];
      if (last !== undefined && start <= last.end) last.end = end;
      else regions.push({ start, end });
    }
  }
  return regions;
}

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
      for (const match of matchAllIn(ibanPattern, input.text, ibanStarts(input.text))) {
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
