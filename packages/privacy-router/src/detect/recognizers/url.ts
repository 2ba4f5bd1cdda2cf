import type { Finding } from '../finding.js';
import { compileLinear, matchAllIn } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';

const urlPattern = compileLinear(
  String.raw`(?i)\b(?:(?:https?|ftp|wss?)://[^\s<>"'\x60]{2,1000}|www\.[a-z0-9\-]+(?:\.[a-z0-9\-]+)+[^\s<>"'\x60]{0,1000})`,
);

/** Space, tab, line feed, form feed, carriage return: no URL match holds one, and none is a word character. */
function isAsciiSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 12 || code === 13;
}

/**
 * The whitespace-delimited words of `text` that hold `://` or `www.` (every match of the URL
 * pattern lies inside one, and its edges are where `\b` sees the same as in the whole text):
 * the pattern runs on these instead of the whole text (its `{2,1000}` repetitions make RE2's
 * automaton slow, about 7 ns a byte).
 */
export function urlWindows(text: string, lowerText: string): { start: number; end: number }[] {
  const windows: { start: number; end: number }[] = [];
  let searchFrom = 0;
  for (;;) {
    const scheme = lowerText.indexOf('://', searchFrom);
    const host = lowerText.indexOf('www.', searchFrom);
    const at = scheme < 0 ? host : host < 0 ? scheme : Math.min(scheme, host);
    if (at < 0) break;
    let start = at;
    while (start > 0 && !isAsciiSpace(text.charCodeAt(start - 1))) start -= 1;
    let end = at;
    while (end < text.length && !isAsciiSpace(text.charCodeAt(end))) end += 1;
    windows.push({ start, end });
    searchFrom = end;
  }
  return windows;
}

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
      for (const match of matchAllIn(urlPattern, input.text, urlWindows(input.text, input.lowerText))) {
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
