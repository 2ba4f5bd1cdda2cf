import { describe, expect, it } from 'vitest';
import { type CompiledPolicies, compilePolicies } from './compiled-policy.js';
import { decidePolicy, type HttpRequestFacts } from './policy-decision.js';

function compiled(input: unknown): CompiledPolicies {
  const result = compilePolicies(input, 1);
  if (!result.ok) throw result.error;
  return result.value;
}

function http(method: string, target: string): HttpRequestFacts {
  const url = new URL(target, 'http://x.test');
  return {
    method,
    path: url.pathname,
    decodedPath: decodeURIComponent(url.pathname),
    rawQuery: url.search.slice(1),
    search: url.searchParams,
  };
}

const github = {
  github: {
    name: 'github',
    endpoints: [
      { host: 'api.github.com', port: 443, access: 'read-only' },
      { host: '*.githubusercontent.com', ports: [443, 80] },
    ],
    binaries: [{ path: '/usr/bin/git' }, { path: '/usr/bin/gh' }],
  },
  open: { name: 'open', endpoints: [{ host: 'pypi.org', port: 443 }] },
};

describe('decidePolicy', () => {
  const policies = compiled(github);

  it('allows a listed host, port and binary', () => {
    expect(
      decidePolicy(policies, { host: 'api.github.com', port: 443, binary: '/usr/bin/git' }),
    ).toMatchObject({
      allowed: true,
      ruleId: 'github/0',
      uninspectedRules: true, // read-only cannot be checked inside a CONNECT tunnel
    });
    expect(decidePolicy(policies, { host: 'pypi.org', port: 443, binary: null })).toMatchObject({
      allowed: true,
      uninspectedRules: false,
    });
  });

  it('names the first thing that does not match', () => {
    expect(decidePolicy(policies, { host: 'evil.com', port: 443, binary: '/usr/bin/git' }).reason).toBe(
      'host-not-allowed: evil.com:443',
    );
    expect(decidePolicy(policies, { host: 'api.github.com', port: 22, binary: '/usr/bin/git' }).reason).toBe(
      'port-not-allowed: api.github.com:22',
    );
    expect(
      decidePolicy(policies, { host: 'api.github.com', port: 443, binary: '/usr/bin/curl' }).reason,
    ).toBe('binary-not-allowed: /usr/bin/curl');
    expect(decidePolicy(policies, { host: 'api.github.com', port: 443, binary: null }).reason).toBe(
      'binary-not-allowed: unknown',
    );
    expect(
      decidePolicy(policies, {
        host: 'api.github.com',
        port: 443,
        binary: '/usr/bin/gh',
        http: http('POST', '/x'),
      }).reason,
    ).toBe('method-not-allowed: POST /x');
  });

  it('an empty policy denies everything', () => {
    expect(decidePolicy(compiled({}), { host: 'pypi.org', port: 443, binary: null })).toMatchObject({
      allowed: false,
      reason: 'host-not-allowed: pypi.org:443',
    });
  });

  it('any matching endpoint is enough (two entries for one host)', () => {
    const two = compiled({
      a: { name: 'a', endpoints: [{ host: 'x.test', port: 80, access: 'read-only' }] },
      b: {
        name: 'b',
        endpoints: [{ host: 'x.test', port: 80, rules: [{ allow: { method: 'POST', path: '/upload' } }] }],
      },
    });
    expect(
      decidePolicy(two, { host: 'x.test', port: 80, binary: null, http: http('POST', '/upload') }),
    ).toMatchObject({
      allowed: true,
      ruleId: 'b/0',
    });
    expect(
      decidePolicy(two, { host: 'x.test', port: 80, binary: null, http: http('POST', '/other') }).allowed,
    ).toBe(false);
  });

  it('query rules: a glob on the whole query or per parameter', () => {
    const queries = compiled({
      q: {
        name: 'q',
        endpoints: [
          {
            host: 'q.test',
            port: 80,
            rules: [
              { allow: { method: 'GET', path: '/whole', query: 'page=*' } },
              { allow: { method: 'GET', path: '/params', query: { kind: ['a', 'b*'] } } },
            ],
          },
        ],
      },
    });
    const ask = (target: string) =>
      decidePolicy(queries, { host: 'q.test', port: 80, binary: null, http: http('GET', target) }).allowed;
    expect(ask('/whole?page=2')).toBe(true);
    expect(ask('/whole?other=2')).toBe(false);
    expect(ask('/params?kind=a')).toBe(true);
    expect(ask('/params?kind=bee&kind=a')).toBe(true);
    expect(ask('/params?kind=c')).toBe(false);
    expect(ask('/params?kind=a&kind=c')).toBe(false);
    expect(ask('/params')).toBe(false);
  });

  it('a path limit must hold for the raw and the decoded path', () => {
    const limited = compiled({
      l: { name: 'l', endpoints: [{ host: 'l.test', port: 80, path: '/public' }] },
    });
    const ask = (target: string) =>
      decidePolicy(limited, { host: 'l.test', port: 80, binary: null, http: http('GET', target) }).allowed;
    expect(ask('/public/file')).toBe(true);
    expect(ask('/public')).toBe(true);
    expect(ask('/publicity')).toBe(false);
    // Decoded it is /public/../secret, which a server that decodes %2F may resolve to /secret: refused.
    expect(ask('/public%2F..%2Fsecret')).toBe(false);
    expect(ask('/public/a%20b')).toBe(true);
  });
});

describe('compilePolicies', () => {
  it('refuses invalid policies with the path of the problem, never throws', () => {
    const cases: [unknown, RegExp][] = [
      [{ a: { name: 'a', endpoints: [{ host: 'x.test' }] } }, /network_policies\.a\.endpoints\.0\.host/],
      [{ a: { name: 'a', endpoints: [{ host: 'x.test', port: 1, allowed_ips: ['nope'] }] } }, /allowed_ips/],
      [
        { a: { name: 'a', endpoints: [{ host: 'x.test', port: 1, rules: [{ allow: { path: '/a**' } }] }] } },
        /rules\[0\]\.allow\.path/,
      ],
      [{ a: { name: 'a', endpoints: [], binaries: [{ path: '' }] } }, /binaries/],
      [42, /network_policies/],
    ];
    for (const [input, message] of cases) {
      const result = compilePolicies(input, 1);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toMatch(message);
    }
  });

  it('treats undefined as the empty policy (deny all)', () => {
    expect(compilePolicies(undefined, 1)).toMatchObject({ ok: true, value: { endpoints: [] } });
  });
});
