import type { Finding } from '../finding.js';
import { compileLinear, matchAllIn } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';
import { wordsHolding } from '../word-windows.js';

/** Every URL match holds one of these (its `{2,1000}` repetitions make RE2 slow: ~7 ns a byte). */
const urlNeedles = ['://', 'www.'];

const urlPattern = compileLinear(
  String.raw`(?i)\b(?:(?:https?|ftp|wss?)://[^\s<>"'\x60]{2,1000}|www\.[a-z0-9\-]+(?:\.[a-z0-9\-]+)+[^\s<>"'\x60]{0,1000})`,
);

/**
 * URLs with an http(s), ftp or ws(s) scheme, and `www.` host names. Trailing sentence
 * punctuation and unbalanced closing brackets are not part of the finding. Score 0.6.
 */
export function createUrlRecognizer(): Recognizer {
  return {
    name: 'url',
    entities: ['URL'],
    scan(input: ScanInput): Finding[] {
      const findings: Finding[] = [];
      for (const match of matchAllIn(
        urlPattern,
        input.text,
        wordsHolding(input.text, input.lowerText, urlNeedles),
      )) {
        let end = match.end;
        for (;;) {
          const last = input.text.charAt(end - 1);
          if (/[.,;:!?]/.test(last)) end -= 1;
          else if (last === ')' && !input.text.slice(match.start, end).includes('(')) end -= 1;
          else if (last === ']' && !input.text.slice(match.start, end).includes('[')) end -= 1;
          else break;
        }
        if (end - match.start < 8) continue;
        findings.push({ type: 'URL', start: match.start, end, score: 0.6, detector: 'url' });
      }
      return findings;
    },
  };
}
