import { createHash } from 'node:crypto';

const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Decodes Base58 (Bitcoin alphabet); undefined for an invalid character. */
export function decodeBase58(value: string): Uint8Array | undefined {
  let number = 0n;
  for (const character of value) {
    const digit = alphabet.indexOf(character);
    if (digit < 0) return undefined;
    number = number * 58n + BigInt(digit);
  }
  const bytes: number[] = [];
  while (number > 0n) {
    bytes.push(Number(number % 256n));
    number /= 256n;
  }
  for (const character of value) {
    if (character !== '1') break;
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

/** True if `value` is Base58Check: its last 4 bytes are the first 4 of SHA-256(SHA-256(payload)). */
export function isBase58Check(value: string): boolean {
  const bytes = decodeBase58(value);
  if (bytes === undefined || bytes.length < 5) return false;
  const payload = bytes.subarray(0, bytes.length - 4);
  const checksum = bytes.subarray(bytes.length - 4);
  const first = createHash('sha256').update(payload).digest();
  const second = createHash('sha256').update(first).digest();
  return checksum.every((byte, index) => second[index] === byte);
}
