import { boostedScore, hasContext } from '../context.js';
import type { Finding } from '../finding.js';
import { compileLinear, matchAllIn } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';
import { isBase58Check } from '../validators/base58check.js';
import { bech32Variant } from '../validators/bech32.js';
import { hasValidEip55Checksum } from '../validators/keccak256.js';
import { wordsHolding } from '../word-windows.js';

const base58Pattern = compileLinear(String.raw`\b[13mn2][a-km-zA-HJ-NP-Z1-9]{25,34}\b`);
/** Every Bech32 match holds one of these (lower-cased). */
const bech32Needles = ['bc1', 'tb1', 'ltc1'];
const bech32Pattern = compileLinear(String.raw`(?i)\b(?:bc|tb|ltc)1[ac-hj-np-z02-9]{8,87}\b`);
const ethereumPattern = compileLinear(String.raw`\b0x[0-9a-fA-F]{40}\b`);

/** Context words that raise the score of an unchecksummed Ethereum address. */
export const cryptoContextWords: readonly string[] = [
  'wallet',
  'eth',
  'ethereum',
  'address',
  'send',
  'bitcoin',
  'btc',
  'crypto',
  'pay',
];

/**
 * Runs of `minimum` to `maximum` ASCII letters and digits (widened by one character for `\b`).
 * A pattern bounded by `\b` on both sides and made of letters and digits only matches a whole
 * run, so longer runs (hashes, API keys) need no regex pass.
 */
function alphanumericRuns(text: string, minimum: number, maximum: number): { start: number; end: number }[] {
  const runs: { start: number; end: number }[] = [];
  let start = -1;
  for (let index = 0; index <= text.length; index += 1) {
    const code = index < text.length ? text.charCodeAt(index) : 0;
    const alphanumeric =
      (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
    if (alphanumeric && start < 0) start = index;
    else if (!alphanumeric && start >= 0) {
      if (index - start >= minimum && index - start <= maximum)
        runs.push({ start: Math.max(0, start - 1), end: Math.min(text.length, index + 1) });
      start = -1;
    }
  }
  return runs;
}

/**
 * Cryptocurrency addresses with checksums: Bitcoin legacy/P2SH (Base58Check, version byte 0x00,
 * 0x05 or testnet 0x6f/0xc4), SegWit (Bech32) and Taproot (Bech32m) addresses, and Ethereum
 * addresses (EIP-55 mixed-case checksum verified; an all-lower or all-upper address has no
 * checksum and scores 0.4, 0.75 with context words).
 */
export function createCryptoRecognizer(): Recognizer {
  return {
    name: 'crypto',
    entities: ['CRYPTO'],
    scan(input: ScanInput): Finding[] {
      const { text, lowerText } = input;
      const findings: Finding[] = [];
      for (const match of matchAllIn(base58Pattern, text, alphanumericRuns(text, 26, 35))) {
        if (isBase58Check(text.slice(match.start, match.end)))
          findings.push({
            type: 'CRYPTO',
            subtype: 'bitcoin',
            start: match.start,
            end: match.end,
            score: 1,
            detector: 'crypto',
          });
      }
      for (const match of matchAllIn(bech32Pattern, text, wordsHolding(text, lowerText, bech32Needles))) {
        if (bech32Variant(text.slice(match.start, match.end)) !== undefined)
          findings.push({
            type: 'CRYPTO',
            subtype: 'bitcoin',
            start: match.start,
            end: match.end,
            score: 1,
            detector: 'crypto',
          });
      }
      for (const match of matchAllIn(ethereumPattern, text, wordsHolding(text, text, ['0x']))) {
        const digits = text.slice(match.start + 2, match.end);
        const mixed = digits !== digits.toLowerCase() && digits !== digits.toUpperCase();
        if (mixed && !hasValidEip55Checksum(digits)) continue;
        const score = mixed ? 1 : boostedScore(0.4, hasContext(lowerText, match.start, cryptoContextWords));
        findings.push({
          type: 'CRYPTO',
          subtype: 'ethereum',
          start: match.start,
          end: match.end,
          score,
          detector: 'crypto',
        });
      }
      return findings;
    },
  };
}
