import { describe, expect, it } from 'vitest';
import {
  classifyAddress,
  isCoveredByRanges,
  OwnAddresses,
  parseAddressRange,
} from './address-classification.js';

const none = new Set<string>();

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', null, '8.8.8.8'],
    ['1.1.1.1', null, '1.1.1.1'],
    ['2606:4700::1111', null, '2606:4700::1111'],
    ['::ffff:8.8.8.8', null, '8.8.8.8'],
    ['64:ff9b::808:808', null, '64:ff9b::808:808'],
    ['2002:808:808::1', null, '2002:808:808::1'],
    ['127.0.0.1', 'loopback', '127.0.0.1'],
    ['127.255.255.254', 'loopback', '127.255.255.254'],
    ['::1', 'loopback', '::1'],
    ['10.0.0.1', 'private', '10.0.0.1'],
    ['172.31.255.255', 'private', '172.31.255.255'],
    ['172.32.0.1', null, '172.32.0.1'],
    ['192.168.0.1', 'private', '192.168.0.1'],
    ['100.64.0.1', 'carrier-grade-nat', '100.64.0.1'],
    ['100.127.255.255', 'carrier-grade-nat', '100.127.255.255'],
    ['169.254.169.254', 'metadata', '169.254.169.254'],
    ['100.100.100.200', 'metadata', '100.100.100.200'],
    ['fd00:ec2::254', 'metadata', 'fd00:ec2::254'],
    ['169.254.1.1', 'link-local', '169.254.1.1'],
    ['fe80::1', 'link-local', 'fe80::1'],
    ['fc00::1', 'private', 'fc00::1'],
    ['fdff::1', 'private', 'fdff::1'],
    ['224.0.0.251', 'multicast', '224.0.0.251'],
    ['ff05::2', 'multicast', 'ff05::2'],
    ['0.0.0.0', 'unspecified', '0.0.0.0'],
    ['0.1.2.3', 'unspecified', '0.1.2.3'],
    ['::', 'unspecified', '::'],
    ['255.255.255.255', 'broadcast', '255.255.255.255'],
    ['240.0.0.1', 'reserved', '240.0.0.1'],
    ['198.18.0.1', 'reserved', '198.18.0.1'],
    ['2001:db8::1', 'reserved', '2001:db8::1'],
    ['2001:0:4136:e378::1', 'reserved', '2001:0:4136:e378::1'],
    ['100::1', 'reserved', '100::1'],
    ['fec0::1', 'reserved', 'fec0::1'],
    ['::ffff:127.0.0.1', 'loopback', '127.0.0.1'],
    ['::ffff:7f00:1', 'loopback', '127.0.0.1'],
    ['::ffff:10.0.0.1', 'private', '10.0.0.1'],
    ['::ffff:169.254.169.254', 'metadata', '169.254.169.254'],
    ['::127.0.0.1', 'loopback', '127.0.0.1'],
    ['::8.8.8.8', 'reserved', '8.8.8.8'],
    ['64:ff9b::127.0.0.1', 'loopback', '64:ff9b::7f00:1'],
    ['64:ff9b::a9fe:a9fe', 'metadata', '64:ff9b::a9fe:a9fe'],
    ['64:ff9b:1::a00:1', 'private', '64:ff9b:1::a00:1'],
    ['2002:a9fe:a9fe::1', 'metadata', '2002:a9fe:a9fe::1'],
    ['2002:c0a8:101::1', 'private', '2002:c0a8:101::1'],
    ['2002:7f00:1::', 'loopback', '2002:7f00:1::'],
  ])('%s -> %s (dial %s)', (address, blocked, dialAddress) => {
    expect(classifyAddress(address, none)).toMatchObject({ blocked, dialAddress });
  });

  it("refuses the host's own public addresses in every form", () => {
    const own = new Set(['203.0.114.7', '2a01:4f8::7']);
    expect(classifyAddress('203.0.114.7', own)?.blocked).toBe('own-address');
    expect(classifyAddress('::ffff:203.0.114.7', own)?.blocked).toBe('own-address');
    expect(classifyAddress('64:ff9b::cb00:7207', own)?.blocked).toBe('own-address');
    expect(classifyAddress('2a01:4f8::7', own)?.blocked).toBe('own-address');
    expect(classifyAddress('203.0.114.8', own)?.blocked).toBeNull();
  });

  it('reads the real interfaces (loopback is always there)', () => {
    expect(new OwnAddresses().current().has('127.0.0.1')).toBe(true);
  });

  it('returns null for what is not an address', () => {
    expect(classifyAddress('example.com', none)).toBeNull();
    expect(classifyAddress('::1%lo', none)).toBeNull();
  });
});

describe('allowed_ips coverage', () => {
  function covered(address: string, ranges: string[]) {
    const classification = classifyAddress(address, none);
    if (classification === null) throw new Error('not an address');
    return isCoveredByRanges(
      classification,
      ranges.map((text) => {
        const range = parseAddressRange(text);
        if (!range.ok) throw new Error(range.error);
        return range.value;
      }),
    );
  }

  it('covers exactly what the CIDR says, including mapped forms of a covered IPv4', () => {
    expect(covered('127.0.0.1', ['127.0.0.1'])).toBe(true);
    expect(covered('127.0.0.2', ['127.0.0.1/32'])).toBe(false);
    expect(covered('10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(covered('169.254.169.254', ['10.0.0.0/8'])).toBe(false);
    expect(covered('::ffff:127.0.0.1', ['127.0.0.1/32'])).toBe(true);
    expect(covered('fd00::5', ['fd00::/8'])).toBe(true);
    expect(covered('::1', ['127.0.0.0/8'])).toBe(false);
  });

  it('refuses invalid ranges', () => {
    expect(parseAddressRange('10.0.0.0/33').ok).toBe(false);
    expect(parseAddressRange('example.com').ok).toBe(false);
    expect(parseAddressRange('::/129').ok).toBe(false);
  });
});
