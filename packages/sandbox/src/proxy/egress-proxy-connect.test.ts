import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEgressProxy } from './egress-proxy.js';
import type { EgressDecision, EgressProxy } from './egress-proxy-types.js';
import { buildClientHello } from './testing/client-hello.js';
import {
  type EchoServer,
  openTunnel,
  readUntilClose,
  roundTrip,
  startEchoServer,
  tableResolver,
} from './testing/proxy-test-client.js';

let echo: EchoServer;
let proxy: EgressProxy | undefined;
const decisions: EgressDecision[] = [];

beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(async () => {
  await echo.close();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  decisions.length = 0;
});

const loopbackOnly = ['127.0.0.1/32'];

/** The names tests resolve; every other name is NXDOMAIN. */
const resolver = tableResolver({
  'allowed.test': [['127.0.0.1']],
  'api.example.com': [['127.0.0.1']],
  'a.example.com': [['127.0.0.1']],
  'evil.test': [['127.0.0.1']],
  'private.test': [['10.0.0.1']],
  'private172.test': [['172.16.5.4']],
  'private192.test': [['192.168.1.1']],
  'cgnat.test': [['100.64.0.1']],
  'metadata.test': [['169.254.169.254']],
  'alibaba-metadata.test': [['100.100.100.200']],
  'aws-v6-metadata.test': [['fd00:ec2::254']],
  'linklocal.test': [['169.254.10.10']],
  'loopback.test': [['127.0.0.1']],
  'loopback6.test': [['::1']],
  'mapped.test': [['::ffff:127.0.0.1']],
  'mapped-metadata.test': [['::ffff:169.254.169.254']],
  'compatible.test': [['::127.0.0.1']],
  'nat64.test': [['64:ff9b::a9fe:a9fe']],
  'nat64-private.test': [['64:ff9b::a00:1']],
  'sixtofour.test': [['2002:7f00:1::1']],
  'teredo.test': [['2001:0:4136:e378:8000:63bf:3fff:fdd2']],
  'ula.test': [['fd12:3456::1']],
  'linklocal6.test': [['fe80::1']],
  'multicast.test': [['224.0.0.1']],
  'multicast6.test': [['ff02::1']],
  'unspecified.test': [['0.0.0.0']],
  'broadcast.test': [['255.255.255.255']],
  'reserved.test': [['240.0.0.1']],
  'documentation.test': [['192.0.2.10']],
  'mixed.test': [['10.0.0.1', '127.0.0.1']],
  // DNS rebinding: first answer is allowed (loopback covered by allowed_ips), later answers point elsewhere.
  'rebind.test': [['127.0.0.1'], ['169.254.169.254'], ['10.0.0.1']],
  'rebind-reverse.test': [['169.254.169.254'], ['127.0.0.1']],
  'metadata.google.internal': [['127.0.0.1']],
});

function record(decision: EgressDecision) {
  decisions.push(decision);
}

async function startProxy(policies: Record<string, unknown>, extra: { checkTunnelHost?: boolean } = {}) {
  proxy = await createEgressProxy({
    policies,
    listen: { port: 0 },
    resolver: resolver.resolve,
    onDecision: record,
    ...extra,
  });
  return proxy;
}

function allow(
  hosts: readonly string[],
  allowedIps: readonly string[] | null = loopbackOnly,
  port = echo.port,
) {
  return {
    test: {
      name: 'test',
      endpoints: hosts.map((host) => ({
        host,
        port,
        ...(allowedIps === null ? {} : { allowed_ips: allowedIps }),
      })),
    },
  };
}

async function expectDenied(target: string, reasonPrefix: string) {
  if (proxy === undefined) {
    throw new Error('no proxy');
  }
  const reply = await openTunnel(proxy, target);
  expect(reply.status).toBe(403);
  expect(reply.headers['x-nemoclaw-deny-reason']).toMatch(new RegExp(`^${reasonPrefix}`));
  expect(reply.rest.toString()).toContain(reply.headers['x-nemoclaw-deny-reason']);
  expect(reply.headers['content-type']).toMatch(/^text\/plain/);
  return reply;
}

describe('CONNECT: legitimate use', () => {
  it('tunnels to an allowed host:port and relays bytes both ways', async () => {
    const started = await startProxy(allow(['allowed.test']));
    const before = echo.connections;
    const reply = await openTunnel(started, `allowed.test:${echo.port}`);
    expect(reply.status).toBe(200);
    expect(await roundTrip(reply.socket, 'ping')).toBe('ping');
    expect(echo.connections).toBe(before + 1);
    reply.socket.destroy();
    expect(decisions).toMatchObject([
      {
        kind: 'connect',
        host: 'allowed.test',
        port: echo.port,
        allowed: true,
        address: '127.0.0.1',
        status: 200,
      },
    ]);
  });

  it('matches names case-insensitively and ignores a trailing dot', async () => {
    const started = await startProxy(allow(['Allowed.Test']));
    const reply = await openTunnel(started, `ALLOWED.test.:${echo.port}`);
    expect(reply.status).toBe(200);
    reply.socket.destroy();
  });

  it('allows a one-label wildcard match', async () => {
    const started = await startProxy(allow(['*.example.com']));
    const reply = await openTunnel(started, `a.example.com:${echo.port}`);
    expect(reply.status).toBe(200);
    reply.socket.destroy();
  });

  it('passes a ClientHello whose SNI names the CONNECT host', async () => {
    const started = await startProxy(allow(['allowed.test']));
    const reply = await openTunnel(started, `allowed.test:${echo.port}`);
    const hello = buildClientHello('allowed.test');
    const echoed = await roundTrip(reply.socket, hello);
    expect(Buffer.from(echoed, 'latin1').equals(hello)).toBe(true);
    reply.socket.destroy();
  });
});

describe('CONNECT: refused by policy', () => {
  it('refuses a host that is not listed', async () => {
    await startProxy(allow(['allowed.test']));
    await expectDenied(`evil.test:${echo.port}`, `host-not-allowed: evil\\.test:${echo.port}`);
    expect(decisions[0]).toMatchObject({ allowed: false, host: 'evil.test', status: 403 });
  });

  it.each([
    ['evil-example.com', 'example.com'],
    ['example.com.evil.com', 'example.com'],
    ['a.b.example.com', '*.example.com'],
    ['example.com', '*.example.com'],
    ['xexample.com', '*.example.com'],
    ['example.com.evil.com', '*.example.com'],
  ])('refuses the look-alike %s against %s', async (lookAlike, pattern) => {
    await startProxy(allow([pattern]));
    await expectDenied(`${lookAlike}:${echo.port}`, 'host-not-allowed');
  });

  it('refuses an allowed host on a disallowed port', async () => {
    await startProxy(allow(['allowed.test']));
    await expectDenied('allowed.test:22', 'port-not-allowed: allowed\\.test:22');
  });

  it('denies everything with an empty policy', async () => {
    await startProxy({});
    await expectDenied(`allowed.test:${echo.port}`, 'host-not-allowed');
  });

  it('denies everything with a policy entry that has no endpoints', async () => {
    await startProxy({ nothing: { name: 'nothing', endpoints: [] } });
    await expectDenied(`allowed.test:${echo.port}`, 'host-not-allowed');
  });

  it('refuses an IP literal that is not listed, whatever its spelling', async () => {
    await startProxy(allow(['allowed.test']));
    await expectDenied(`127.0.0.1:${echo.port}`, 'host-not-allowed: 127\\.0\\.0\\.1');
    await expectDenied(`2130706433:${echo.port}`, 'host-not-allowed: 127\\.0\\.0\\.1');
    await expectDenied(`0x7f.1:${echo.port}`, 'host-not-allowed: 127\\.0\\.0\\.1');
    await expectDenied(`[::1]:${echo.port}`, 'host-not-allowed: \\[::1\\]');
  });

  it('refuses a CONNECT whose Host header names another host', async () => {
    const started = await startProxy(allow(['allowed.test']));
    const reply = await openTunnel(started, `allowed.test:${echo.port}`, {
      hostHeader: `evil.test:${echo.port}`,
    });
    expect(reply.status).toBe(403);
    expect(reply.headers['x-nemoclaw-deny-reason']).toMatch(/^host-header-mismatch/);
  });
});

describe('CONNECT: SSRF guard (the policy allows the name, the address is refused)', () => {
  it.each([
    ['private.test', 'private-address: 10.0.0.1'],
    ['private172.test', 'private-address: 172.16.5.4'],
    ['private192.test', 'private-address: 192.168.1.1'],
    ['cgnat.test', 'carrier-grade-nat-address: 100.64.0.1'],
    ['metadata.test', 'metadata-address: 169.254.169.254'],
    ['alibaba-metadata.test', 'metadata-address: 100.100.100.200'],
    ['aws-v6-metadata.test', 'metadata-address: fd00:ec2::254'],
    ['linklocal.test', 'link-local-address: 169.254.10.10'],
    ['loopback.test', 'loopback-address: 127.0.0.1'],
    ['loopback6.test', 'loopback-address: ::1'],
    ['mapped.test', 'loopback-address: ::ffff:7f00:1'],
    ['mapped-metadata.test', 'metadata-address: ::ffff:a9fe:a9fe'],
    ['compatible.test', 'loopback-address: ::7f00:1'],
    ['nat64.test', 'metadata-address: 64:ff9b::a9fe:a9fe'],
    ['nat64-private.test', 'private-address: 64:ff9b::a00:1'],
    ['sixtofour.test', 'loopback-address: 2002:7f00:1::1'],
    ['teredo.test', 'reserved-address: 2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['ula.test', 'private-address: fd12:3456::1'],
    ['linklocal6.test', 'link-local-address: fe80::1'],
    ['multicast.test', 'multicast-address: 224.0.0.1'],
    ['multicast6.test', 'multicast-address: ff02::1'],
    ['unspecified.test', 'unspecified-address: 0.0.0.0'],
    ['broadcast.test', 'broadcast-address: 255.255.255.255'],
    ['reserved.test', 'reserved-address: 240.0.0.1'],
    ['documentation.test', 'reserved-address: 192.0.2.10'],
  ])('refuses %s (%s)', async (name, reason) => {
    await startProxy(allow([name], null));
    await expectDenied(`${name}:${echo.port}`, reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    expect(decisions[0]).toMatchObject({ allowed: false, reason, ruleId: 'test/0' });
  });

  it('refuses metadata.google.internal by name even when it resolves to an allowed address', async () => {
    await startProxy(allow(['metadata.google.internal'], ['10.0.0.0/8']));
    await expectDenied(
      `metadata.google.internal:${echo.port}`,
      'metadata-host: metadata\\.google\\.internal',
    );
  });

  it('refuses IP-literal CONNECTs to listed private, loopback and metadata literals', async () => {
    await startProxy(
      allow(['127.0.0.1', '::1', '::ffff:127.0.0.1', '169.254.169.254', '10.1.2.3', '64:ff9b::7f00:1'], null),
    );
    await expectDenied(`127.0.0.1:${echo.port}`, 'loopback-address: 127\\.0\\.0\\.1');
    await expectDenied(`[::1]:${echo.port}`, 'loopback-address: ::1');
    await expectDenied(`[::ffff:127.0.0.1]:${echo.port}`, 'loopback-address: ::ffff:7f00:1');
    await expectDenied(`[::ffff:7f00:1]:${echo.port}`, 'loopback-address: ::ffff:7f00:1');
    await expectDenied(`169.254.169.254:${echo.port}`, 'metadata-address');
    await expectDenied(`10.1.2.3:${echo.port}`, 'private-address: 10\\.1\\.2\\.3');
    await expectDenied(`[64:ff9b::7f00:1]:${echo.port}`, 'loopback-address: 64:ff9b::7f00:1');
  });

  it('dials only the addresses allowed_ips covers when an answer mixes private and allowed addresses', async () => {
    await startProxy(allow(['mixed.test']));
    if (proxy === undefined) throw new Error('no proxy');
    const reply = await openTunnel(proxy, `mixed.test:${echo.port}`);
    expect(reply.status).toBe(200);
    expect(decisions[0]).toMatchObject({ address: '127.0.0.1' });
    reply.socket.destroy();
  });

  it('an allowed_ips entry that covers 127.0.0.1 does not open 10.0.0.1 or the metadata address', async () => {
    await startProxy(allow(['private.test', 'metadata.test']));
    await expectDenied(`private.test:${echo.port}`, 'private-address');
    await expectDenied(`metadata.test:${echo.port}`, 'metadata-address');
  });

  it('resolves once and dials the checked address (DNS rebinding)', async () => {
    await startProxy(allow(['rebind.test']));
    if (proxy === undefined) throw new Error('no proxy');
    const callsBefore = resolver.calls.get('rebind.test') ?? 0;
    const reply = await openTunnel(proxy, `rebind.test:${echo.port}`);
    expect(reply.status).toBe(200);
    expect(await roundTrip(reply.socket, 'still loopback')).toBe('still loopback');
    expect(resolver.calls.get('rebind.test')).toBe(callsBefore + 1);
    expect(decisions[0]).toMatchObject({ address: '127.0.0.1' });
    reply.socket.destroy();
    // The next connection asks again and gets the rebinding answer: refused.
    await expectDenied(`rebind.test:${echo.port}`, 'metadata-address: 169\\.254\\.169\\.254');
  });

  it('refuses when the one resolution is private even if a later one would be allowed', async () => {
    await startProxy(allow(['rebind-reverse.test']));
    await expectDenied(`rebind-reverse.test:${echo.port}`, 'metadata-address');
    expect(resolver.calls.get('rebind-reverse.test')).toBe(1);
  });

  it('answers 502 with a reason when the name does not resolve', async () => {
    const started = await startProxy(allow(['nxdomain.test']));
    const reply = await openTunnel(started, `nxdomain.test:${echo.port}`);
    expect(reply.status).toBe(502);
    expect(reply.headers['x-nemoclaw-deny-reason']).toBe('dns-failed: nxdomain.test (ENOTFOUND)');
  });
});

describe('CONNECT: tunnel host checks (SNI, Host inside the tunnel)', () => {
  it('closes a tunnel whose ClientHello SNI names another host, with a TLS alert', async () => {
    const started = await startProxy(allow(['allowed.test']));
    const reply = await openTunnel(started, `allowed.test:${echo.port}`);
    const firstChunksBefore = echo.firstChunks.length;
    reply.socket.write(buildClientHello('evil.test'));
    const answer = await readUntilClose(reply.socket);
    expect([...answer]).toEqual([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x31]);
    expect(echo.firstChunks.length).toBe(firstChunksBefore); // nothing reached the upstream
    expect(decisions.at(-1)).toMatchObject({
      allowed: false,
      reason: 'sni-mismatch: evil.test is not allowed.test',
    });
  });

  it('closes a tunnel whose ClientHello arrives in pieces and then mismatches', async () => {
    const started = await startProxy(allow(['allowed.test']));
    const reply = await openTunnel(started, `allowed.test:${echo.port}`);
    const hello = buildClientHello('evil.test');
    reply.socket.write(hello.subarray(0, 7));
    await new Promise((resolve) => setTimeout(resolve, 20));
    reply.socket.write(hello.subarray(7));
    const answer = await readUntilClose(reply.socket);
    expect(answer[0]).toBe(0x15);
  });

  it('refuses a plain-HTTP request inside a tunnel whose Host header names another host', async () => {
    const started = await startProxy(allow(['allowed.test']));
    const reply = await openTunnel(started, `allowed.test:${echo.port}`);
    reply.socket.write('GET / HTTP/1.1\r\nHost: evil.test\r\n\r\n');
    const answer = (await readUntilClose(reply.socket)).toString();
    expect(answer).toMatch(/^HTTP\/1\.1 403/);
    expect(answer).toContain('x-nemoclaw-deny-reason: host-header-mismatch: evil.test');
  });

  it('passes a plain-HTTP request inside a tunnel whose Host header matches', async () => {
    const started = await startProxy(allow(['allowed.test']));
    const reply = await openTunnel(started, `allowed.test:${echo.port}`);
    const request = `GET / HTTP/1.1\r\nHost: allowed.test:${echo.port}\r\n\r\n`;
    expect(await roundTrip(reply.socket, request)).toBe(request);
    reply.socket.destroy();
  });

  it('can be switched off (checkTunnelHost: false)', async () => {
    const started = await startProxy(allow(['allowed.test']), { checkTunnelHost: false });
    const reply = await openTunnel(started, `allowed.test:${echo.port}`);
    const hello = buildClientHello('evil.test');
    const echoed = await roundTrip(reply.socket, hello);
    expect(echoed.length).toBeGreaterThan(0);
    reply.socket.destroy();
  });
});
