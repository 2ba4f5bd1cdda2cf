import { once } from 'node:events';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEgressProxy } from './egress-proxy.js';
import type { EgressDecision, EgressProxy } from './egress-proxy-types.js';
import {
  rawExchange,
  startHttpServer,
  tableResolver,
  type UpstreamHttpServer,
} from './testing/proxy-test-client.js';

let upstream: UpstreamHttpServer;
let proxy: EgressProxy | undefined;
const decisions: EgressDecision[] = [];
const resolver = tableResolver({
  'api.test': [['127.0.0.1']],
  'other.test': [['127.0.0.1']],
  'metadata.test': [['169.254.169.254']],
});

beforeAll(async () => {
  upstream = await startHttpServer();
});
afterAll(async () => {
  await upstream.close();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  decisions.length = 0;
  upstream.seen.length = 0;
});

async function startProxy(endpoint: Record<string, unknown>) {
  proxy = await createEgressProxy({
    policies: {
      api: {
        name: 'api',
        endpoints: [{ host: 'api.test', port: upstream.port, allowed_ips: ['127.0.0.1'], ...endpoint }],
      },
    },
    listen: { port: 0 },
    resolver: resolver.resolve,
    onDecision: (decision) => decisions.push(decision),
  });
  return proxy;
}

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Sends an absolute-form request through the proxy with Node's own HTTP client. */
function viaProxy(
  method: string,
  url: string,
  options: { body?: string; headers?: Record<string, string>; agent?: Agent } = {},
): Promise<Reply> {
  if (proxy === undefined || !('port' in proxy.address)) {
    throw new Error('no TCP proxy');
  }
  const { host, port } = proxy.address;
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host,
        port,
        method,
        path: url,
        // As real proxy clients do: Host names the target, not the proxy.
        headers: { host: new URL(url).host, ...options.headers },
        agent: options.agent ?? false,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

const url = (path: string) => `http://api.test:${upstream.port}${path}`;

describe('absolute-form HTTP: legitimate use', () => {
  it('forwards an allowed request with method, path, query, body and headers intact', async () => {
    await startProxy({});
    const reply = await viaProxy('POST', url('/v1/items?x=1'), {
      body: 'hello',
      headers: { 'x-custom': 'yes', 'proxy-authorization': 'Basic c2VjcmV0', 'content-type': 'text/plain' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('POST /v1/items?x=1');
    expect(reply.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    const seen = upstream.seen[0];
    expect(seen).toMatchObject({ method: 'POST', url: '/v1/items?x=1', body: 'hello' });
    expect(seen?.headers.host).toBe(`api.test:${upstream.port}`);
    expect(seen?.headers['x-custom']).toBe('yes');
    expect(seen?.headers['proxy-authorization']).toBeUndefined(); // never forwarded
    expect(decisions[0]).toMatchObject({
      kind: 'http',
      method: 'POST',
      path: '/v1/items',
      allowed: true,
      status: 200,
    });
  });

  it('keeps the client connection alive across requests', async () => {
    await startProxy({ access: 'read-only' });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await viaProxy('GET', url('/a'), { agent })).status).toBe(200);
      expect((await viaProxy('POST', url('/b'), { agent })).status).toBe(403);
      expect((await viaProxy('GET', url('/c'), { agent })).status).toBe(200);
    } finally {
      agent.destroy();
    }
    const ids = new Set(decisions.map((decision) => decision.connectionId));
    expect(decisions).toHaveLength(3);
    expect(ids.size).toBe(1);
  });

  it.each([
    ['read-only', 'GET', 200],
    ['read-only', 'HEAD', 200],
    ['read-only', 'OPTIONS', 200],
    ['read-only', 'POST', 403],
    ['read-only', 'DELETE', 403],
    ['read-write', 'POST', 200],
    ['read-write', 'PUT', 200],
    ['read-write', 'PATCH', 200],
    ['read-write', 'DELETE', 403],
    ['full', 'DELETE', 200],
  ])('access %s: %s answers %i', async (access, method, status) => {
    await startProxy({ access });
    const reply = await viaProxy(method, url('/x'));
    expect(reply.status).toBe(status);
    if (status === 403) {
      expect(reply.headers['x-nemoclaw-deny-reason']).toBe(`method-not-allowed: ${method} /x`);
      expect(upstream.seen).toHaveLength(0);
    }
  });
});

describe('absolute-form HTTP: rules and deny_rules', () => {
  const rules = [
    { allow: { method: 'GET', path: '/repos/*/issues' } },
    { allow: { method: 'POST', path: '/bot*/**' } },
    { allow: { method: 'GET', path: '/search', query: { q: 'cats*' } } },
  ];

  it.each([
    ['GET', '/repos/nemo/issues', 200],
    ['GET', '/repos/nemo/extra/issues', 403], // '*' is one segment
    ['POST', '/repos/nemo/issues', 403],
    ['POST', '/bot123/sendMessage', 200],
    ['POST', '/bot123/a/b/c', 200],
    ['POST', '/notbot/x', 403],
    ['GET', '/search?q=cats%20and%20dogs', 200],
    ['GET', '/search?q=dogs', 403],
    ['GET', '/search', 403],
  ])('%s %s answers %i', async (method, path, status) => {
    await startProxy({ rules });
    const reply = await viaProxy(method, url(path));
    expect(reply.status).toBe(status);
    expect(upstream.seen).toHaveLength(status === 200 ? 1 : 0);
  });

  it('deny_rules win over rules and access', async () => {
    await startProxy({
      access: 'full',
      rules: [{ allow: { method: '*', path: '/**' } }],
      deny_rules: [{ deny: { method: 'DELETE', path: '/repos/**' } }, { path: '/admin/**' }],
    });
    const deleted = await viaProxy('DELETE', url('/repos/a/b'));
    expect(deleted.status).toBe(403);
    expect(deleted.headers['x-nemoclaw-deny-reason']).toBe('deny-rule: api/0#0 DELETE /repos/a/b');
    expect((await viaProxy('GET', url('/admin/users'))).status).toBe(403);
    expect((await viaProxy('GET', url('/repos/a/b'))).status).toBe(200);
    expect(upstream.seen).toHaveLength(1);
  });

  it('a deny rule cannot be dodged with percent-encoding or dot segments', async () => {
    await startProxy({ deny_rules: [{ path: '/admin/**' }] });
    for (const path of [
      '/%61dmin/users',
      '/public/../admin/users',
      '/public/%2e%2e/admin/users',
      '/./admin/users',
    ]) {
      const reply = await viaProxy('GET', url(path));
      expect(reply.status, path).toBe(403);
      expect(reply.headers['x-nemoclaw-deny-reason']).toMatch(/^deny-rule: api\/0#0/);
    }
    expect(upstream.seen).toHaveLength(0);
  });

  it('an endpoint path limits requests to that subtree', async () => {
    await startProxy({ path: '/v1' });
    expect((await viaProxy('GET', url('/v1/models'))).status).toBe(200);
    const outside = await viaProxy('GET', url('/v2/models'));
    expect(outside.status).toBe(403);
    expect(outside.headers['x-nemoclaw-deny-reason']).toBe('path-not-allowed: GET /v2/models');
  });

  it('enforcement: audit allows what the rules would deny and reports it', async () => {
    await startProxy({ enforcement: 'audit', access: 'read-only' });
    const reply = await viaProxy('DELETE', url('/x'));
    expect(reply.status).toBe(200);
    expect(upstream.seen).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      allowed: true,
      enforcement: 'audit',
      reason: 'method-not-allowed: DELETE /x',
      ruleId: 'api/0',
    });
  });

  it('enforcement: audit does not switch off the SSRF guard', async () => {
    proxy = await createEgressProxy({
      policies: {
        api: { name: 'api', endpoints: [{ host: 'api.test', port: upstream.port, enforcement: 'audit' }] },
      },
      listen: { port: 0 },
      resolver: resolver.resolve,
    });
    const reply = await viaProxy('GET', url('/x'));
    expect(reply.status).toBe(403);
    expect(reply.headers['x-nemoclaw-deny-reason']).toBe('loopback-address: 127.0.0.1');
  });
});

describe('absolute-form HTTP: refusals', () => {
  it('refuses an unlisted host with a 403 naming it', async () => {
    await startProxy({});
    const reply = await viaProxy('GET', `http://other.test:${upstream.port}/`);
    expect(reply.status).toBe(403);
    expect(reply.headers['x-nemoclaw-deny-reason']).toBe(`host-not-allowed: other.test:${upstream.port}`);
    expect(reply.body).toContain('Forbidden by the NemoClaw egress policy');
  });

  it('refuses a Host header that differs from the absolute URI', async () => {
    await startProxy({});
    const reply = await viaProxy('GET', url('/'), { headers: { host: 'other.test' } });
    expect(reply.status).toBe(403);
    expect(reply.headers['x-nemoclaw-deny-reason']).toMatch(/^host-header-mismatch: other.test/);
    expect(upstream.seen).toHaveLength(0);
  });

  it('refuses two Host headers', async () => {
    const started = await startProxy({});
    const answer = await rawExchange(
      started,
      `GET ${url('/')} HTTP/1.1\r\nHost: api.test:${upstream.port}\r\nHost: other.test\r\nConnection: close\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 (400|403)/);
    expect(upstream.seen).toHaveLength(0);
  });

  it('refuses origin-form requests and https:// absolute URIs with 400', async () => {
    const started = await startProxy({});
    const originForm = await rawExchange(started, 'GET / HTTP/1.1\r\nHost: api.test\r\n\r\n');
    expect(originForm).toMatch(/^HTTP\/1\.1 400/);
    expect(originForm).toContain('x-nemoclaw-deny-reason: not-a-proxy-request');
    const https = await rawExchange(started, 'GET https://api.test/ HTTP/1.1\r\nHost: api.test\r\n\r\n');
    expect(https).toContain('x-nemoclaw-deny-reason: unsupported-scheme');
  });

  it('refuses credentials in the URI', async () => {
    const started = await startProxy({});
    const answer = await rawExchange(
      started,
      `GET http://user:pw@api.test:${upstream.port}/ HTTP/1.1\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
  });

  it('refuses protocol upgrades (WebSocket over plain HTTP)', async () => {
    const started = await startProxy({});
    const answer = await rawExchange(
      started,
      `GET ${url('/ws')} HTTP/1.1\r\nHost: api.test:${upstream.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 403/);
    expect(answer).toContain('upgrade-not-supported');
  });

  it('applies the SSRF guard to plain HTTP too (metadata by name, loopback by mapped literal)', async () => {
    proxy = await createEgressProxy({
      policies: {
        x: {
          name: 'x',
          endpoints: [
            { host: 'metadata.test', port: 80 },
            { host: '::ffff:127.0.0.1', port: upstream.port },
          ],
        },
      },
      listen: { port: 0 },
      resolver: resolver.resolve,
    });
    const metadata = await viaProxy('GET', 'http://metadata.test/latest/meta-data/');
    expect(metadata.status).toBe(403);
    expect(metadata.headers['x-nemoclaw-deny-reason']).toBe('metadata-address: 169.254.169.254');
    const mapped = await viaProxy('GET', `http://[::ffff:127.0.0.1]:${upstream.port}/`);
    expect(mapped.status).toBe(403);
    expect(mapped.headers['x-nemoclaw-deny-reason']).toBe('loopback-address: ::ffff:7f00:1');
    expect(upstream.seen).toHaveLength(0);
  });

  it('answers 502 to an upstream status Node cannot relay (HTTP/1.1 000) and keeps serving', async () => {
    const broken = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.end('HTTP/1.1 000 Zero\r\ncontent-length: 2\r\n\r\nok'));
    });
    broken.listen(0, '127.0.0.1');
    await once(broken, 'listening');
    const brokenAddress = broken.address();
    if (brokenAddress === null || typeof brokenAddress === 'string') throw new Error('no address');
    try {
      proxy = await createEgressProxy({
        policies: {
          api: {
            name: 'api',
            endpoints: [
              { host: 'api.test', ports: [brokenAddress.port, upstream.port], allowed_ips: ['127.0.0.1'] },
            ],
          },
        },
        listen: { port: 0 },
        resolver: resolver.resolve,
      });
      const reply = await viaProxy('GET', `http://api.test:${brokenAddress.port}/`);
      expect(reply.status).toBe(502);
      expect(reply.headers['x-nemoclaw-deny-reason']).toMatch(/^upstream-invalid-response/);
      expect((await viaProxy('GET', url('/still-serving'))).status).toBe(200);
    } finally {
      broken.close();
    }
  });

  it('answers 502 when the upstream refuses the connection', async () => {
    proxy = await createEgressProxy({
      policies: {
        api: { name: 'api', endpoints: [{ host: 'api.test', port: 1, allowed_ips: ['127.0.0.1'] }] },
      },
      listen: { port: 0 },
      resolver: resolver.resolve,
    });
    const reply = await viaProxy('GET', 'http://api.test:1/');
    expect(reply.status).toBe(502);
    expect(reply.headers['x-nemoclaw-deny-reason']).toMatch(
      /^upstream-connect-failed: api.test:1 \(127.0.0.1: ECONNREFUSED\)/,
    );
  });
});
