import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEgressProxy } from './egress-proxy.js';
import type { EgressProxy } from './egress-proxy-types.js';
import { openTunnel, readUntilClose } from './testing/proxy-test-client.js';
import {
  largeReadBuffersHeld,
  largeReadBytes,
  maximumLargeBuffers,
  smallReadBytes,
} from './upstream-reader.js';

// The tunnel relay reads upstream bytes into a buffer it reuses (upstream-reader.ts). These tests try
// to make it hand the client overwritten bytes: bulk transfers where the client stops reading (so
// the proxy's writes stay pending), content that differs in every chunk, server-speaks-first bytes
// that arrive before the relay starts, and half-closes in both directions.

let proxy: EgressProxy | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  for (const server of servers.splice(0)) {
    server.close();
  }
});

/** Deterministic bytes in which every 32-bit word differs (a counter mixed with a seed). */
function pattern(bytes: number, seed: number): Buffer {
  const words = new Uint32Array(Math.ceil(bytes / 4));
  for (let index = 0; index < words.length; index += 1) {
    words[index] = Math.imul(index + 1, 2_654_435_761) ^ seed;
  }
  return Buffer.from(words.buffer, 0, bytes);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => {});
    onConnection(socket);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('no address');
  }
  return address.port;
}

async function startProxy(port: number, idleTimeoutMs?: number): Promise<EgressProxy> {
  proxy = await createEgressProxy({
    policies: {
      test: { name: 'test', endpoints: [{ host: '127.0.0.1', port, allowed_ips: ['127.0.0.1'] }] },
    },
    listen: { port: 0 },
    ...(idleTimeoutMs === undefined ? {} : { limits: { idleTimeoutMs } }),
  });
  return proxy;
}

/**
 * Reads everything until EOF like a slow client: nothing for `stallMs` (the kernel's socket buffers
 * fill, so the proxy's writes stay pending), then again for `stallMs` after every `stallEvery` bytes.
 */
function readSlowly(socket: Socket, stallEvery: number, stallMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let sinceStall = 0;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      sinceStall += chunk.length;
      if (sinceStall >= stallEvery) {
        sinceStall = 0;
        socket.pause();
        setTimeout(() => socket.resume(), stallMs);
      }
    });
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
    socket.pause();
    setTimeout(() => socket.resume(), stallMs);
  });
}

describe('tunnel relay: bulk transfers', () => {
  it('delivers a 16 MB download intact to a client that keeps stalling (pending writes never see reused bytes)', async () => {
    const payload = pattern(16 * 1024 * 1024, 1);
    const port = await listen((socket) => socket.end(payload));
    const started = await startProxy(port);
    const reply = await openTunnel(started, `127.0.0.1:${port}`);
    expect(reply.status).toBe(200);
    const received = Buffer.concat([reply.rest, await readSlowly(reply.socket, 4 * 1024 * 1024, 200)]);
    expect(received.length).toBe(payload.length);
    expect(sha256(received)).toBe(sha256(payload));
    reply.socket.destroy();
    await vi.waitFor(() => expect(started.activeTunnels).toBe(0));
  });

  it('delivers an upload intact and the upstream reply after the client half-closes', async () => {
    const payload = pattern(8 * 1024 * 1024, 2);
    const port = await listen((socket) => {
      const hash = createHash('sha256');
      let length = 0;
      socket.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        length += chunk.length;
      });
      socket.once('end', () => socket.end(`${length} ${hash.digest('hex')}`));
    });
    const started = await startProxy(port);
    const reply = await openTunnel(started, `127.0.0.1:${port}`);
    expect(reply.status).toBe(200);
    const answer = readUntilClose(reply.socket);
    reply.socket.end(payload);
    expect((await answer).toString()).toBe(`${payload.length} ${sha256(payload)}`);
  });

  it('relays chunk sizes around the read buffer sizes byte-exact (small, full, large and back)', async () => {
    const sizes = [
      1,
      smallReadBytes - 1,
      smallReadBytes,
      smallReadBytes + 1,
      largeReadBytes,
      3 * largeReadBytes,
      7,
      100,
    ];
    const pieces = sizes.map((size, index) => pattern(size, index + 3));
    const port = await listen(async (socket) => {
      for (const piece of pieces) {
        if (!socket.write(piece)) {
          await once(socket, 'drain');
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      socket.end();
    });
    const started = await startProxy(port);
    const reply = await openTunnel(started, `127.0.0.1:${port}`);
    const received = Buffer.concat([reply.rest, await readUntilClose(reply.socket)]);
    expect(sha256(received)).toBe(sha256(Buffer.concat(pieces)));
  });
});

describe('tunnel relay: who speaks first, half-close', () => {
  it('relays a banner the upstream sends before the client says anything, then the upstream FIN', async () => {
    const banner = pattern(100_000, 99);
    const port = await listen((socket) => socket.end(banner));
    const started = await startProxy(port);
    const reply = await openTunnel(started, `127.0.0.1:${port}`);
    const received = Buffer.concat([reply.rest, await readUntilClose(reply.socket)]);
    expect(sha256(received)).toBe(sha256(banner));
  });

  it('keeps a download that trickles (upstream bytes only) open past idleTimeoutMs, then closes it when idle', async () => {
    const port = await listen((socket) => {
      let sent = 0;
      const timer = setInterval(() => {
        sent += 1;
        socket.write(String(sent % 10));
        if (sent === 12) {
          clearInterval(timer); // then stay silent: the proxy's idle timeout must close the tunnel
        }
      }, 50);
      socket.once('close', () => clearInterval(timer));
    });
    const started = await startProxy(port, 300);
    const reply = await openTunnel(started, `127.0.0.1:${port}`);
    const start = performance.now();
    const received = Buffer.concat([reply.rest, await readUntilClose(reply.socket)]).toString();
    expect(received).toBe('123456789012'); // 600 ms of upstream bytes: twice the idle limit, not cut
    expect(performance.now() - start).toBeGreaterThanOrEqual(600 + 300 - 50);
    await vi.waitFor(() => expect(started.activeTunnels).toBe(0));
  });
});

describe('tunnel relay: memory', () => {
  it('gives at most maximumLargeBuffers tunnels a large read buffer, and takes every one back on close', async () => {
    const tunnels = maximumLargeBuffers + 4;
    const burst = pattern(4 * smallReadBytes, 5);
    const port = await listen((socket) => {
      socket.write(burst); // then hold the connection open until the client closes
      socket.once('end', () => socket.end());
      socket.resume();
    });
    const started = await startProxy(port);
    expect(largeReadBuffersHeld()).toBe(0);
    const sockets: Socket[] = [];
    let received = 0;
    for (let batch = 0; batch < tunnels; batch += 33) {
      const replies = await Promise.all(
        Array.from({ length: Math.min(33, tunnels - batch) }, () => openTunnel(started, `127.0.0.1:${port}`)),
      );
      for (const reply of replies) {
        sockets.push(reply.socket);
        received += reply.rest.length;
        reply.socket.on('data', (chunk: Buffer) => {
          received += chunk.length;
        });
        reply.socket.resume();
      }
    }
    await vi.waitFor(() => expect(received).toBe(tunnels * burst.length), { timeout: 20_000 });
    // Every tunnel filled its small buffer at least once; only the budget got a large one.
    expect(largeReadBuffersHeld()).toBe(maximumLargeBuffers);
    for (const socket of sockets) {
      socket.destroy();
    }
    await vi.waitFor(() => expect(started.activeTunnels).toBe(0));
    await vi.waitFor(() => expect(largeReadBuffersHeld()).toBe(0));
  });
});
