import { describe, expect, it } from 'vitest';
import { isBase58Check } from './base58check.js';
import { bech32Variant } from './bech32.js';
import { cardIssuerOf } from './card-issuer.js';
import { hasValidEip55Checksum, keccak256Hex } from './keccak256.js';
import { passesLuhn } from './luhn.js';

describe('validators', () => {
  it('Luhn accepts valid and rejects altered numbers', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(passesLuhn('')).toBe(false);
  });

  it('knows issuer ranges and lengths', () => {
    expect(cardIssuerOf('4111111111111111')).toBe('visa');
    expect(cardIssuerOf('2221000000000009')).toBe('mastercard');
    expect(cardIssuerOf('378282246310005')).toBe('amex');
    expect(cardIssuerOf('37828224631000')).toBeUndefined();
    expect(cardIssuerOf('9111111111111111')).toBeUndefined();
  });

  it('Keccak-256 matches the known empty-input digest', () => {
    expect(keccak256Hex(new Uint8Array())).toBe(
      'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    );
  });

  it('EIP-55 accepts the spec vectors and rejects a flipped case', () => {
    expect(hasValidEip55Checksum('5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe(true);
    expect(hasValidEip55Checksum('fB6916095ca1df60bB79Ce92cE3Ea74c37c5d359')).toBe(true);
    expect(hasValidEip55Checksum('5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD')).toBe(false);
  });

  it('Base58Check accepts the genesis address and rejects a typo', () => {
    expect(isBase58Check('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa')).toBe(true);
    expect(isBase58Check('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb')).toBe(false);
    expect(isBase58Check('3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy')).toBe(true);
  });

  it('Bech32 and Bech32m checksums', () => {
    expect(bech32Variant('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')).toBe('bech32');
    expect(bech32Variant('bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297')).toBe('bech32m');
    expect(bech32Variant('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5')).toBeUndefined();
    expect(bech32Variant('bc1Qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')).toBeUndefined();
  });
});
