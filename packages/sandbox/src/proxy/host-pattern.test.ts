import { describe, expect, it } from 'vitest';
import { compileHostPattern } from './host-pattern.js';

function matcher(pattern: string) {
  const compiled = compileHostPattern(pattern);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.value;
}

describe('exact host patterns', () => {
  it('match case-insensitively, without the trailing dot, IDN as punycode', () => {
    expect(matcher('Example.com.').matches('example.com')).toBe(true);
    expect(matcher('bücher.de').matches('xn--bcher-kva.de')).toBe(true);
    expect(matcher('127.0.0.1').matches('127.0.0.1')).toBe(true);
    expect(matcher('[::1]').matches('::1')).toBe(true);
  });

  it.each(['evil-example.com', 'example.com.evil.com', 'a.example.com', 'example.co', 'xample.com'])(
    'example.com does not match %s',
    (host) => {
      expect(matcher('example.com').matches(host)).toBe(false);
    },
  );
});

describe('*. wildcard: exactly one extra label', () => {
  const pattern = matcher('*.example.com');
  it.each(['a.example.com', 'api-1.example.com', 'xn--bcher-kva.example.com'])('matches %s', (host) => {
    expect(pattern.matches(host)).toBe(true);
  });
  it.each([
    'example.com',
    'a.b.example.com',
    'evil-example.com',
    'example.com.evil.com',
    'aexample.com',
    '.example.com',
  ])('does not match %s', (host) => {
    expect(pattern.matches(host)).toBe(false);
  });
  it('handles IDN suffixes', () => {
    expect(matcher('*.Bücher.DE').matches('shop.xn--bcher-kva.de')).toBe(true);
  });
  it('supports a wildcard inside the first label', () => {
    const partial = matcher('api-*.example.com');
    expect(partial.matches('api-eu.example.com')).toBe(true);
    expect(partial.matches('web.example.com')).toBe(false);
    expect(partial.matches('api-.example.com')).toBe(false);
  });
});

it.each(['a.*.com', '*', '**.example.com', '*.', 'ex ample.*'])('refuses the pattern %j', (pattern) => {
  expect(compileHostPattern(pattern).ok).toBe(false);
});
