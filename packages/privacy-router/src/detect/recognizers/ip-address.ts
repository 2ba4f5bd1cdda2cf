import { isIPv6 } from 'node:net';
import { boostedScore, hasContext } from '../context.js';
import type { Finding } from '../finding.js';
import { compileLinear, matchAllIn } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';
import { wordsHolding } from '../word-windows.js';

const ipv4Pattern = compileLinear(
  String.raw`\b(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}\b`,
);
const ipv6Pattern = compileLinear(
  String.raw`(?i)(?:[0-9a-f]{0,4}:){2,7}(?:[0-9a-f]{0,4}|(?:[0-9]{1,3}\.){3}[0-9]{1,3})`,
);

function isHexCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Context words that raise an IP address's score. */
export const ipContextWords: readonly string[] = [
  'ip',
  'ipv4',
  'ipv6',
  'address',
  'host',
  'server',
  'client',
  'from',
  'addr',
];

/**
 * IPv4 (dotted quad, each octet 0-255; not part of a longer dotted number or a `v1.2.3.4`
 * version string) and IPv6 (every form Node's `net.isIPv6` accepts, at least three groups).
 * Base score 0.6, +0.35 with context words.
 */
export function createIpAddressRecognizer(): Recognizer {
  return {
    name: 'ip-address',
    entities: ['IP_ADDRESS'],
    scan(input: ScanInput): Finding[] {
      const { text, lowerText } = input;
      const findings: Finding[] = [];
      const add = (start: number, end: number): void => {
        const score = boostedScore(0.6, hasContext(lowerText, start, ipContextWords));
        findings.push({ type: 'IP_ADDRESS', start, end, score, detector: 'ip-address' });
      };
      // Every IPv4 match holds a `.` between digits; every IPv6 match a `:`.
      const betweenDigits = (index: number): boolean =>
        isDigitCode(text.charCodeAt(index - 1)) && isDigitCode(text.charCodeAt(index + 1));
      for (const match of matchAllIn(ipv4Pattern, text, wordsHolding(text, text, ['.'], betweenDigits))) {
        const before = text.slice(Math.max(0, match.start - 2), match.start);
        const after = text.slice(match.end, match.end + 2);
        if (/[.\d]$/.test(before) || /^\.\d/.test(after) || /[vV]$/.test(before)) continue;
        // a network in CIDR notation (10.0.0.0/16) is configuration, not an address
        if (
          /^\/\d{1,2}\b/.test(text.slice(match.end, match.end + 4)) &&
          text.slice(match.start, match.end).endsWith('.0')
        )
          continue;
        if (
          /(?:version|ver|release|firmware|build|v)\s*[=:]?\s*$/i.test(
            text.slice(Math.max(0, match.start - 12), match.start),
          )
        )
          continue;
        add(match.start, match.end);
      }
      // ... and a `:` followed by at most four hex digits and another `:`.
      const colonPair = (index: number): boolean => {
        for (let offset = 1; offset <= 5; offset += 1) {
          const code = text.charCodeAt(index + offset);
          if (code === 58) return true;
          if (!isHexCode(code)) return false;
        }
        return false;
      };
      for (const match of matchAllIn(ipv6Pattern, text, wordsHolding(text, text, [':'], colonPair))) {
        const value = text.slice(match.start, match.end);
        if (!isIPv6(value)) continue;
        if (/[0-9a-zA-Z:]/.test(text.charAt(match.start - 1)) || /[0-9a-zA-Z]/.test(text.charAt(match.end)))
          continue;
        const groups = value.split(':').filter((group) => group.length > 0).length;
        if (groups < 3 && value !== '::1') continue;
        add(match.start, match.end);
      }
      return findings;
    },
  };
}
