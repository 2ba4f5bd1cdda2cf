import { describe, expect, it } from 'vitest';
import { createDetector } from '../create-detector.js';
import type { EntityType } from '../finding.js';

const detector = createDetector();

/** The [type, text] of every finding of `types` in `text`. */
function found(text: string, ...types: EntityType[]): string[][] {
  return detector
    .scan(text)
    .filter((finding) => types.length === 0 || types.includes(finding.type))
    .map((finding) => [finding.type, text.slice(finding.start, finding.end)]);
}

describe('credit cards', () => {
  it('finds Luhn-valid numbers of known issuers, plain, spaced or dashed', () => {
    expect(found('card 4104332181960018 ok', 'CREDIT_CARD')).toEqual([['CREDIT_CARD', '4104332181960018']]);
    expect(found('amex 3715-594078-16186.', 'CREDIT_CARD')).toEqual([['CREDIT_CARD', '3715-594078-16186']]);
    expect(found('mc 2221 0265 4235 1162, visa 4164 7525 5341 9284', 'CREDIT_CARD')).toHaveLength(2);
  });

  it('rejects Luhn failures, unknown issuers, mixed separators, ids inside longer tokens, public test numbers', () => {
    expect(found('4104332181960019', 'CREDIT_CARD')).toEqual([]);
    expect(found('9104332181960011 and 1234567890123452', 'CREDIT_CARD')).toEqual([]);
    expect(found('4104 3321-8196 0018', 'CREDIT_CARD')).toEqual([]);
    expect(found('order-4104332181960018 v1.4104332181960018', 'CREDIT_CARD')).toEqual([]);
    expect(found('stripe test card 4242 4242 4242 4242 and 4111111111111111', 'CREDIT_CARD')).toEqual([]);
    expect(found('0000 0000 0000 0000', 'CREDIT_CARD')).toEqual([]);
  });
});

describe('IBAN', () => {
  it('finds valid IBANs in electronic and print format, any case', () => {
    expect(found('pay DE89370400440532013000 now', 'IBAN')).toEqual([['IBAN', 'DE89370400440532013000']]);
    expect(found('IBAN GB29 NWBK 6016 1331 9268 19 please', 'IBAN')).toEqual([
      ['IBAN', 'GB29 NWBK 6016 1331 9268 19'],
    ]);
    expect(found('iban gb29nwbk60161331926819', 'IBAN')).toEqual([['IBAN', 'gb29nwbk60161331926819']]);
  });

  it('rejects a wrong check digit, a wrong country length, and look-alike codes', () => {
    expect(found('GB00 NWBK 6016 1331 9268 19', 'IBAN')).toEqual([]);
    expect(found('DE8937040044053201300', 'IBAN')).toEqual([]);
    expect(found('XX89370400440532013000 AB12CDEFGHIJKLMNOP', 'IBAN')).toEqual([]);
  });
});

describe('US SSN', () => {
  it('finds dashed SSNs and bare ones with context', () => {
    expect(found('SSN 536-22-1234', 'US_SSN')).toEqual([['US_SSN', '536-22-1234']]);
    expect(found('his social security number is 536221234', 'US_SSN')).toEqual([['US_SSN', '536221234']]);
  });

  it("rejects Presidio's invalid forms: area 000/666/9xx, group 00, serial 0000, mixed delimiters, samples", () => {
    for (const value of [
      '000-12-3456',
      '666-12-3456',
      '912-12-3456',
      '536-00-1234',
      '536-22-0000',
      '536-22.1234',
      '078-05-1120',
      '111-11-1111',
    ])
      expect(found(`SSN ${value}`, 'US_SSN')).toEqual([]);
    expect(found('order 536221234 shipped', 'US_SSN')).toEqual([]);
  });
});

describe('phones', () => {
  it('finds valid US and international numbers, and loose numbers with context', () => {
    expect(found('call (415) 555-2671 today', 'PHONE')).toEqual([['PHONE', '(415) 555-2671']]);
    expect(found('+44 20 7946 0958', 'PHONE')).toEqual([['PHONE', '+44 20 7946 0958']]);
    expect(found('mobile 0151 23456789', 'PHONE')).toEqual([['PHONE', '0151 23456789']]);
    expect(found('021 232 945 1338 office', 'PHONE')).toEqual([['PHONE', '021 232 945 1338']]);
    expect(found('+1-177-892-0730x52646', 'PHONE')).toEqual([['PHONE', '+1-177-892-0730x52646']]);
  });

  it('rejects dates, times, versions, IPs, amounts and bare ids without context', () => {
    expect(
      found(
        'on 2024-01-15 at 08:11:32, v1.2.3.4, 10.20.30.40, 1,234,567 USD, id 4155552671, isbn 978-3-16-148410-0',
        'PHONE',
      ),
    ).toEqual([]);
  });
});

describe('email, IP, MAC, URL', () => {
  it('finds them', () => {
    expect(found('mail a.b+c@mail.example.co.uk', 'EMAIL')).toEqual([['EMAIL', 'a.b+c@mail.example.co.uk']]);
    expect(found('from 203.0.113.54 and 2001:db8:85a3::8a2e:370:7334', 'IP_ADDRESS')).toHaveLength(2);
    expect(found('hw 3c:22:fb:91:0a:7e and 00-1B-63-84-45-E6', 'MAC_ADDRESS')).toHaveLength(2);
    expect(
      found(
        'cisco 0a1b.2c3d.4e5f, ipv6 fe80::1ff:fe23:4567:890a%eth0 and ::ffff:192.0.2.1',
        'MAC_ADDRESS',
        'IP_ADDRESS',
      ),
    ).toEqual([
      ['MAC_ADDRESS', '0a1b.2c3d.4e5f'],
      ['IP_ADDRESS', 'fe80::1ff:fe23:4567:890a'],
      // an IPv4-mapped address is reported as its IPv4 part (fewer than three IPv6 groups)
      ['IP_ADDRESS', '192.0.2.1'],
    ]);
    expect(found('see https://example.com/a?b=c.', 'URL')).toEqual([['URL', 'https://example.com/a?b=c']]);
  });

  it('finds URLs anywhere in a long text, several in one word, in any case, only at a word boundary', () => {
    const filler = 'lorem ipsum dolor sit amet '.repeat(400);
    expect(
      found(`${filler}\nsee WWW.Example.COM/path and ftp://files.example.org/x ${filler}`, 'URL'),
    ).toEqual([
      ['URL', 'WWW.Example.COM/path'],
      ['URL', 'ftp://files.example.org/x'],
    ]);
    expect(found('(https://a.example.com/1),https://b.example.com/2', 'URL')).toEqual([
      ['URL', 'https://a.example.com/1),https://b.example.com/2'],
    ]);
    expect(found('xhttps://a.example.com/1 _www.example.com', 'URL')).toEqual([]);
    expect(found('tab\thttps://a.example.com/1\rnext', 'URL')).toEqual([['URL', 'https://a.example.com/1']]);
  });

  it('rejects near misses', () => {
    expect(found('user:pass@host and name@localhost', 'EMAIL')).toEqual([]);
    expect(found('version 10.4.21.7, v1.2.3.4, 1.2.3.4.5, 999.1.1.1, net 10.0.0.0/16', 'IP_ADDRESS')).toEqual(
      [],
    );
    expect(found('time 12:30:45 and ::', 'IP_ADDRESS')).toEqual([]);
    expect(found('uuid 123e4567-e89b-12d3-a456-426614174000', 'MAC_ADDRESS', 'IP_ADDRESS', 'PHONE')).toEqual(
      [],
    );
  });
});

describe('crypto addresses', () => {
  it('finds checksummed Bitcoin (Base58Check, Bech32, Bech32m) and Ethereum (EIP-55) addresses', () => {
    expect(found('to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'CRYPTO')).toHaveLength(1);
    expect(found('to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'CRYPTO')).toHaveLength(1);
    expect(found('to bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297', 'CRYPTO')).toHaveLength(
      1,
    );
    expect(found('to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'CRYPTO')).toHaveLength(1);
    expect(found('my eth wallet 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', 'CRYPTO')).toHaveLength(1);
  });

  it('rejects broken checksums and unchecksummed hex without context', () => {
    expect(found('to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', 'CRYPTO')).toEqual([]);
    expect(found('to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'CRYPTO')).toEqual([]);
    expect(found('to 0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'CRYPTO')).toEqual([]);
    expect(found('commit hash 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', 'CRYPTO')).toEqual([]);
  });
});

describe('dates of birth, driver licences, passports', () => {
  it('finds them only with context', () => {
    expect(found('born on 12/05/1984', 'DATE_OF_BIRTH')).toEqual([['DATE_OF_BIRTH', '12/05/1984']]);
    expect(found('DOB: March 3, 1975', 'DATE_OF_BIRTH')).toEqual([['DATE_OF_BIRTH', 'March 3, 1975']]);
    expect(found("driver's license D1234-56789-01234", 'US_DRIVER_LICENSE')).toHaveLength(1);
    expect(found('passport number C03005988', 'US_PASSPORT')).toHaveLength(1);
  });

  it('rejects dates and numbers without context, impossible dates, and context across sentences', () => {
    expect(found('released on 12/05/1984', 'DATE_OF_BIRTH')).toEqual([]);
    expect(found('born on 13/13/1984 or 2030-01-01', 'DATE_OF_BIRTH')).toEqual([]);
    expect(found('DOB is on file. The meeting is on 2024-01-15.', 'DATE_OF_BIRTH')).toEqual([]);
    expect(found('ticket A56319335 and 123456789', 'US_DRIVER_LICENSE', 'US_PASSPORT')).toEqual([]);
  });
});
