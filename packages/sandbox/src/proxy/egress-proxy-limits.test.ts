import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SandboxError } from '../sandbox-error.js';
import { createEgressProxy } from './egress-proxy.js';
import type { EgressProxy, EgressProxyLimits } from './egress-proxy-types.js';
import {
  connectToProxy,
  type EchoServer,
  openTunnel,
  rawExchange,
  readUntilClose,
  roundTrip,
  startEchoServer,
  startUnresponsiveListener,
} from './testing/proxy-test-client.js';

let echo: EchoServer;
let proxy: EgressProxy | undefined;

beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(async () => {
  await echo.close();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function startProxy(limits: EgressProxyLimits, ports: number[] = [echo.port]) {
  proxy = await createEgressProxy({
    policies: {
      local: { name: 'local', endpoints: [{ host: '127.0.0.1', ports, allowed_ips: ['127.0.0.1'] }] },
    },
    listen: { port: 0 },
    limits,
  });
  return proxy;
}

const elapsedSince = (start: number) => Math.round(performance.now() - start);

describe('limits', () => {
  it('answers 431 to a request head larger than maxHeaderBytes', async () => {
    const started = await startProxy({ maxHeaderBytes: 1024 });
    const answer = await rawExchange(
      started,
      `CONNECT 127.0.0.1:${echo.port} HTTP/1.1\r\nX-Padding: ${'a'.repeat(4096)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('x-nemoclaw-deny-reason: header-too-large');
  });

  it('answers 408 and closes a slowloris client that never finishes its head', async () => {
    const started = await startProxy({ headerTimeoutMs: 300 });
    const socket = await connectToProxy(started);
    const start = performance.now();
    const answer = readUntilClose(socket);
    socket.write('CONNECT 127.0.0.1:80 HTTP/1.1\r\nX-A: 1\r\n');
    const timer = setInterval(() => socket.write('X-B: 2\r\n'), 50); // trickles bytes forever
    const text = (await answer).toString();
    clearInterval(timer);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('header-timeout');
    console.log(`slowloris connection closed after ${elapsedSince(start)} ms (limit 300 ms)`);
  });

  it('answers 408 to a connection that sends nothing', async () => {
    const started = await startProxy({ headerTimeoutMs: 200 });
    const socket = await connectToProxy(started);
    expect((await readUntilClose(socket)).toString()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers 504 when the upstream does not complete the TCP handshake in time', async () => {
    const unresponsive = await startUnresponsiveListener();
    try {
      const started = await startProxy({ connectTimeoutMs: 300 }, [unresponsive.port]);
      const start = performance.now();
      const reply = await openTunnel(started, `127.0.0.1:${unresponsive.port}`);
      expect(reply.status).toBe(504);
      expect(reply.headers['x-nemoclaw-deny-reason']).toMatch(/^upstream-connect-timeout: 127.0.0.1:/);
      console.log(`connect timeout answered after ${elapsedSince(start)} ms (limit 300 ms)`);
    } finally {
      unresponsive.close();
    }
  });

  it('cancels a hanging upstream dial when the client goes away (the tunnel slot comes back)', async () => {
    const unresponsive = await startUnresponsiveListener();
    try {
      // Without cancellation the slot would only come back after the 60 s connect timeout.
      const started = await startProxy({ connectTimeoutMs: 60_000, maxTunnels: 1 }, [
        unresponsive.port,
        echo.port,
      ]);
      const hanging = await connectToProxy(started);
      hanging.write(`CONNECT 127.0.0.1:${unresponsive.port} HTTP/1.1\r\n\r\n`);
      await vi.waitFor(() => expect(started.activeTunnels).toBe(1));
      hanging.destroy();
      await vi.waitFor(() => expect(started.activeTunnels).toBe(0), { timeout: 20_000 });
      const reply = await openTunnel(started, `127.0.0.1:${echo.port}`);
      expect(reply.status).toBe(200);
      reply.socket.destroy();
    } finally {
      unresponsive.close();
    }
  });

  it('closes a tunnel that stays idle longer than idleTimeoutMs', async () => {
    const started = await startProxy({ idleTimeoutMs: 250 });
    const reply = await openTunnel(started, `127.0.0.1:${echo.port}`);
    expect(await roundTrip(reply.socket, 'x')).toBe('x');
    const start = performance.now();
    await readUntilClose(reply.socket);
    console.log(`idle tunnel closed after ${elapsedSince(start)} ms (limit 250 ms)`);
    await vi.waitFor(() => expect(started.activeTunnels).toBe(0));
  });

  it('answers 503 beyond maxTunnels and accepts again once a tunnel closes', async () => {
    const started = await startProxy({ maxTunnels: 2 });
    const first = await openTunnel(started, `127.0.0.1:${echo.port}`);
    const second = await openTunnel(started, `127.0.0.1:${echo.port}`);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await openTunnel(started, `127.0.0.1:${echo.port}`);
    expect(third.status).toBe(503);
    expect(third.headers['x-nemoclaw-deny-reason']).toBe('too-many-tunnels: limit 2');
    first.socket.destroy();
    await vi.waitFor(() => expect(started.activeTunnels).toBe(1));
    const fourth = await openTunnel(started, `127.0.0.1:${echo.port}`);
    expect(fourth.status).toBe(200);
    second.socket.destroy();
    fourth.socket.destroy();
  });

  it('rejects invalid limits with a SandboxError', async () => {
    await expect(
      createEgressProxy({ policies: {}, listen: { port: 0 }, limits: { maxTunnels: -1 } }),
    ).rejects.toMatchObject({ code: 'proxy-invalid-limits' });
    await expect(
      createEgressProxy({ policies: {}, listen: { port: 0 }, limits: { headerTimeoutMs: Number.NaN } }),
    ).rejects.toBeInstanceOf(SandboxError);
  });
});

describe('malformed requests: 400, connection closed, proxy keeps working', () => {
  it.each([
    ['garbage request line', 'HELLO THERE\r\n\r\n'],
    ['CONNECT without port', 'CONNECT example.com HTTP/1.1\r\n\r\n'],
    ['CONNECT with userinfo', 'CONNECT user@127.0.0.1:80 HTTP/1.1\r\n\r\n'],
    ['CONNECT with a path', 'CONNECT 127.0.0.1:80/x HTTP/1.1\r\n\r\n'],
    ['CONNECT to port 0', 'CONNECT 127.0.0.1:0 HTTP/1.1\r\n\r\n'],
    ['CONNECT to port 70000', 'CONNECT 127.0.0.1:70000 HTTP/1.1\r\n\r\n'],
    ['CONNECT to an empty host', 'CONNECT :443 HTTP/1.1\r\n\r\n'],
    ['a header without colon', 'GET http://a.test/ HTTP/1.1\r\nBroken header\r\n\r\n'],
    [
      'Content-Length and Transfer-Encoding together',
      'POST http://a.test/ HTTP/1.1\r\nHost: a.test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    ['a NUL in the request line', 'GET http://a.test/\u0000 HTTP/1.1\r\n\r\n'],
    ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
  ])('%s', async (_name, bytes) => {
    const started = await startProxy({});
    const answer = await rawExchange(started, bytes);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('x-nemoclaw-deny-reason: ');
    const reply = await openTunnel(started, `127.0.0.1:${echo.port}`);
    expect(reply.status).toBe(200);
    reply.socket.destroy();
  });

  it('survives random bytes (fuzz): every answer is a 4xx or nothing, and the proxy still serves', async () => {
    const started = await startProxy({ headerTimeoutMs: 500, maxHeaderBytes: 2048 });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 600 }),
          fc
            .tuple(
              fc.constantFrom('CONNECT ', 'GET http://', 'POST ', 'CONNECT [', 'GET '),
              fc.string({ maxLength: 200 }),
              fc.constantFrom(' HTTP/1.1\r\n', '\r\n', ' HTTP/1.0\r\n\r\n', ''),
              fc.string({ maxLength: 200 }),
            )
            .map((parts) => new TextEncoder().encode(`${parts.join('')}\r\n\r\n`)),
        ),
        async (bytes) => {
          const socket = await connectToProxy(started);
          socket.on('error', () => {});
          const answer = readUntilClose(socket);
          socket.end(Buffer.from(bytes));
          const text = (await answer).toString('latin1');
          expect(text === '' || /^HTTP\/1\.1 (4\d\d|5\d\d) /.test(text)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
    const reply = await openTunnel(started, `127.0.0.1:${echo.port}`);
    expect(reply.status).toBe(200);
    reply.socket.destroy();
  });

  it('survives random bytes where the bridge preamble is expected, and after a valid one (fuzz)', async () => {
    proxy = await createEgressProxy({
      policies: {
        local: {
          name: 'local',
          endpoints: [{ host: '127.0.0.1', port: echo.port, allowed_ips: ['127.0.0.1'] }],
        },
      },
      listen: { port: 0, peerPreamble: 'required' },
      limits: { headerTimeoutMs: 500 },
    });
    const started = proxy;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('', 'NEMOCLAW-PEER pid=1 exe=/usr/bin/git uid=0\n', 'NEMOCLAW-PEER '),
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        async (prefix, bytes) => {
          const socket = await connectToProxy(started);
          socket.on('error', () => {});
          const answer = readUntilClose(socket);
          socket.end(Buffer.concat([Buffer.from(prefix), Buffer.from(bytes)]));
          const text = (await answer).toString('latin1');
          expect(text === '' || /^HTTP\/1\.1 (4\d\d|5\d\d) /.test(text)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
    const reply = await openTunnel(started, `127.0.0.1:${echo.port}`, {
      preamble: 'NEMOCLAW-PEER pid=1 exe=/usr/bin/git uid=0\n',
    });
    expect(reply.status).toBe(200);
    reply.socket.destroy();
  });
});
