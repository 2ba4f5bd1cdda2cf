const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const generators = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let bit = 0; bit < 5; bit += 1) {
      if ((top >>> bit) & 1) checksum ^= generators[bit] ?? 0;
    }
  }
  return checksum >>> 0;
}

/**
 * The Bech32 variant whose checksum `value` carries (BIP-173 `bech32` or BIP-350 `bech32m`),
 * or undefined when the string is not valid Bech32 (mixed case, bad characters, bad checksum).
 */
export function bech32Variant(value: string): 'bech32' | 'bech32m' | undefined {
  if (value !== value.toLowerCase() && value !== value.toUpperCase()) return undefined;
  const lower = value.toLowerCase();
  const separator = lower.lastIndexOf('1');
  if (separator < 1 || separator + 7 > lower.length || lower.length > 90) return undefined;
  const prefix = lower.slice(0, separator);
  const data: number[] = [];
  for (const character of lower.slice(separator + 1)) {
    const index = charset.indexOf(character);
    if (index < 0) return undefined;
    data.push(index);
  }
  const expanded: number[] = [];
  for (const character of prefix) expanded.push(character.charCodeAt(0) >>> 5);
  expanded.push(0);
  for (const character of prefix) expanded.push(character.charCodeAt(0) & 31);
  const result = polymod([...expanded, ...data]);
  if (result === 1) return 'bech32';
  if (result === 0x2bc830a3) return 'bech32m';
  return undefined;
}
