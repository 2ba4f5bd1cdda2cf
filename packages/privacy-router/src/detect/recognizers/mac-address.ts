import type { Finding } from '../finding.js';
import { compileLinear, matchAllIn } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';
import { wordsHolding } from '../word-windows.js';

const macPattern = compileLinear(
  String.raw`(?i)\b(?:[0-9a-f]{2}(?::[0-9a-f]{2}){5}|[0-9a-f]{2}(?:-[0-9a-f]{2}){5}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4})\b`,
);

function isHexCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/**
 * Every MAC match holds a separator followed by two hex digits and the same separator (`:` or
 * `-`), or by four hex digits and another `.`.
 */
const macNeedles = [':', '-', '.'];

/** MAC addresses: six colon- or dash-separated hex pairs, or Cisco's dotted `xxxx.xxxx.xxxx`. */
export function createMacAddressRecognizer(): Recognizer {
  return {
    name: 'mac-address',
    entities: ['MAC_ADDRESS'],
    scan(input: ScanInput): Finding[] {
      const { text } = input;
      const findings: Finding[] = [];
      const startsGroup = (index: number): boolean => {
        const separator = text.charCodeAt(index);
        const width = separator === 46 ? 4 : 2;
        for (let offset = 1; offset <= width; offset += 1)
          if (!isHexCode(text.charCodeAt(index + offset))) return false;
        return text.charCodeAt(index + width + 1) === separator;
      };
      for (const match of matchAllIn(macPattern, text, wordsHolding(text, text, macNeedles, startsGroup))) {
        const before = input.text.charAt(match.start - 1);
        const after = input.text.charAt(match.end);
        if (before === ':' || before === '-' || after === ':' || after === '-') continue;
        const value = input.text.slice(match.start, match.end);
        if (/^[0:.-]+$/.test(value)) continue;
        findings.push({
          type: 'MAC_ADDRESS',
          start: match.start,
          end: match.end,
          score: 0.8,
          detector: 'mac-address',
        });
      }
      return findings;
    },
  };
}
