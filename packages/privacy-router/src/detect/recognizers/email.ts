import type { Finding } from '../finding.js';
import { compileLinear, matchAllIn } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';
import { wordsHolding } from '../word-windows.js';

const emailPattern = compileLinear(
  String.raw`(?i)\b[a-z0-9._%+\-]{1,64}@(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b`,
);

/** Email addresses (RFC 5322 "dot-atom" local parts, a dotted domain with an alphabetic TLD). */
export function createEmailRecognizer(): Recognizer {
  return {
    name: 'email',
    entities: ['EMAIL'],
    scan(input: ScanInput): Finding[] {
      const findings: Finding[] = [];
      for (const match of matchAllIn(emailPattern, input.text, wordsHolding(input.text, input.text, ['@']))) {
        const value = input.text.slice(match.start, match.end);
        if (value.startsWith('.') || value.includes('..')) continue;
        // user:password@host inside a URL is a credential, not an address.
        const before = input.text.charAt(match.start - 1);
        if (before === ':' || before === '/') continue;
        findings.push({ type: 'EMAIL', start: match.start, end: match.end, score: 1, detector: 'email' });
      }
      return findings;
    },
  };
}
