import { describe, expect, it } from 'vitest';
import { ipRangeProblem } from './ip-range.js';

describe('ipRangeProblem', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.0/8',
    '0.0.0.0/0',
    '::1',
    'fd00::/8',
    '::/0',
    '192.168.1.1/32',
    '2001:db8::/128',
  ])('accepts %s', (entry) => expect(ipRangeProblem(entry)).toBeUndefined());
  it.each([
    ['10.0.0.0/33', 'invalid prefix length (0-32 for IPv4)'],
    ['fd00::/129', 'invalid prefix length (0-128 for IPv6)'],
    ['10.0.0.0/-1', 'invalid prefix length'],
    ['10.0.0.0/8/8', 'not an IP address or CIDR block'],
    ['10.0.0.256', 'not an IP address or CIDR block'],
    ['metadata.google.internal', 'not an IP address or CIDR block'],
    ['10.0.0.0/08x', 'invalid prefix length'],
    ['', 'not an IP address or CIDR block'],
  ])('refuses %s', (entry, reason) => expect(ipRangeProblem(entry)).toContain(reason));
});
