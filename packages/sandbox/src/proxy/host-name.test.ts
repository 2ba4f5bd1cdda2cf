import { describe, expect, it } from 'vitest';
import { normalizeHost, parseAuthority, printable } from './host-name.js';

describe('normalizeHost', () => {
  it.each([
    ['Example.COM', 'example.com', 'name'],
    ['example.com.', 'example.com', 'name'],
    ['bücher.de', 'xn--bcher-kva.de', 'name'],
    ['XN--BCHER-KVA.de', 'xn--bcher-kva.de', 'name'],
    ['%65vil.com', 'evil.com', 'name'],
    ['127.0.0.1', '127.0.0.1', 'ipv4'],
    ['0x7f.1', '127.0.0.1', 'ipv4'],
    ['2130706433', '127.0.0.1', 'ipv4'],
    ['0177.0.0.1', '127.0.0.1', 'ipv4'],
    ['[::1]', '::1', 'ipv6'],
    ['::1', '::1', 'ipv6'],
    ['[::FFFF:127.0.0.1]', '::ffff:7f00:1', 'ipv6'],
    ['[0:0:0:0:0:0:0:1]', '::1', 'ipv6'],
  ])('%s -> %s (%s)', (raw, host, kind) => {
    expect(normalizeHost(raw)).toEqual({ ok: true, value: { host, kind } });
  });

  it.each([
    '',
    'a..b',
    'example.com..',
    'ex ample.com',
    'a@b',
    'a/b',
    '[fe80::1%25eth0]',
    '999.1.1.1',
    `${'a'.repeat(64)}.com`,
    '*.x.com',
    'a\u0000b',
  ])('refuses %j', (raw) => {
    expect(normalizeHost(raw).ok).toBe(false);
  });
});

describe('parseAuthority', () => {
  it('parses host:port and bracketed IPv6', () => {
    expect(parseAuthority('Example.com:443')).toEqual({
      ok: true,
      value: { host: 'example.com', kind: 'name', port: 443 },
    });
    expect(parseAuthority('[::1]:8080')).toEqual({
      ok: true,
      value: { host: '::1', kind: 'ipv6', port: 8080 },
    });
    expect(parseAuthority('example.com', 80)).toMatchObject({ ok: true, value: { port: 80 } });
  });

  it.each([
    'example.com',
    'example.com:0',
    'example.com:65536',
    'example.com:-1',
    'user@host:1',
    'host:1/x',
    ':443',
    'a:b:c',
    '[::1]',
    'host:443 ',
  ])('refuses %j without a default port', (authority) => {
    expect(parseAuthority(authority).ok).toBe(false);
  });
});

it('printable makes reasons safe for a header', () => {
  expect(printable('a\r\nb\u00e9')).toBe('a??b?');
  expect(printable('x'.repeat(300))).toHaveLength(203);
});
