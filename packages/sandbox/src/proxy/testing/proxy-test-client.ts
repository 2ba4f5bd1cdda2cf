/**
 * Test support for the egress proxy: real loopback upstream servers and raw proxy clients.
 * Not part of the public API.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { EgressProxy } from '../egress-proxy-types.js';

/** A parsed proxy response head plus whatever body arrived before close (for refusals). */
export interface ProxyReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Bytes after the head (for a 200 tunnel: what arrived so far, usually empty). */
  readonly rest: Buffer;
  readonly socket: Socket;
}

/** Opens a raw connection to the proxy, optionally writing a `NEMOCLAW-PEER` preamble first. */
export async function connectToProxy(proxy: EgressProxy, preamble?: string): Promise<Socket> {
  const address = proxy.address;
  const socket =
    'unixSocket' in address ? connect({ path: address.unixSocket }) : connect(address.port, address.host);
  await once(socket, 'connect');
  if (preamble !== undefined) {
    socket.write(preamble);
  }
  return socket;
}

/** Reads one HTTP response head from `socket` (and the rest until close if the status is not 200). */
export async function readReply(socket: Socket): Promise<ProxyReply> {
  const head = await new Promise<{ head: string; rest: Buffer }>((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end >= 0) {
        cleanup();
        socket.pause();
        resolve({ head: buffered.subarray(0, end).toString('latin1'), rest: buffered.subarray(end + 4) });
      }
    };
    const onClose = () => {
      cleanup();
      reject(
        new Error(
          `connection closed before a response head (got ${JSON.stringify(buffered.toString('latin1'))})`,
        ),
      );
    };
    const cleanup = () => {
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
  });
  const [statusLine, ...lines] = head.head.split('\r\n');
  const status = Number((statusLine ?? '').split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let rest = head.rest;
  if (status !== 200) {
    rest = Buffer.concat([rest, await readUntilClose(socket)]);
  }
  return { status, headers, rest, socket };
}

/** Everything `socket` sends until it closes. */
export async function readUntilClose(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  if (socket.destroyed) {
    return Buffer.alloc(0);
  }
  const done = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.resume();
  await done;
  return Buffer.concat(chunks);
}

/** Sends `CONNECT target` (with a Host header) and reads the reply. */
export async function openTunnel(
  proxy: EgressProxy,
  target: string,
  options: { preamble?: string; hostHeader?: string | null } = {},
): Promise<ProxyReply> {
  const socket = await connectToProxy(proxy, options.preamble);
  const hostLine = options.hostHeader === null ? '' : `Host: ${options.hostHeader ?? target}\r\n`;
  socket.write(`CONNECT ${target} HTTP/1.1\r\n${hostLine}\r\n`);
  return readReply(socket);
}

/** Writes raw bytes to the proxy and returns everything it answers until it closes the connection. */
export async function rawExchange(
  proxy: EgressProxy,
  bytes: string | Buffer,
  preamble?: string,
): Promise<string> {
  const socket = await connectToProxy(proxy, preamble);
  socket.on('error', () => {});
  const reply = readUntilClose(socket);
  socket.write(bytes);
  return (await reply).toString('latin1');
}

/** Sends one round trip through an established tunnel and returns what came back. */
export async function roundTrip(socket: Socket, payload: string | Buffer): Promise<string> {
  const reply = new Promise<string>((resolve) =>
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))),
  );
  socket.resume();
  socket.write(payload);
  return reply;
}

/** A loopback TCP echo server (the "TLS-like" upstream of tunnels); records the first bytes of each connection. */
export interface EchoServer {
  readonly port: number;
  readonly firstChunks: Buffer[];
  readonly connections: number;
  close(): Promise<void>;
}

/** Starts a TCP echo server on 127.0.0.1 (or `host`). */
export async function startEchoServer(host = '127.0.0.1'): Promise<EchoServer> {
  const firstChunks: Buffer[] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', (chunk: Buffer) => firstChunks.push(chunk));
    socket.pipe(socket);
  });
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('no address');
  }
  return {
    port: address.port,
    firstChunks,
    get connections() {
      return connections;
    },
    close: async () => {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What the upstream HTTP server saw of one request. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A loopback HTTP server that answers `200 <method> <url>` and records what it saw. */
export interface UpstreamHttpServer {
  readonly port: number;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

/** Starts the recording HTTP server on 127.0.0.1. */
export async function startHttpServer(): Promise<UpstreamHttpServer> {
  const seen: SeenRequest[] = [];
  const server: HttpServer = createHttpServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.end(`${request.method} ${request.url}`);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('no address');
  }
  return {
    port: address.port,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A test resolver over a fixed table (name -> answers per call: the last answer repeats), that
 * counts calls per name. Unknown names fail like NXDOMAIN.
 */
export function tableResolver(table: Record<string, readonly (readonly string[])[]>) {
  const calls = new Map<string, number>();
  const resolve = async (hostname: string): Promise<readonly string[]> => {
    const answers = table[hostname];
    const count = calls.get(hostname) ?? 0;
    calls.set(hostname, count + 1);
    if (answers === undefined || answers.length === 0) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    return answers[Math.min(count, answers.length - 1)] ?? [];
  };
  return { resolve, calls };
}

/**
 * A real loopback listener whose accept queue is full: a child process listens with backlog 1 and
 * then blocks its event loop, so the kernel drops further SYNs and `connect()` hangs (the way an
 * unreachable host behaves). Used to exercise the proxy's connect timeout.
 */
export async function startUnresponsiveListener(): Promise<{ port: number; close(): void }> {
  const { spawn } = await import('node:child_process');
  const script = `
    const net = require('node:net');
    const server = net.createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      require('node:fs').writeSync(1, String(server.address().port) + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120000); // never accepts again
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
    child.once('error', reject);
  });
  const fillers: Socket[] = [];
  let connected = 0;
  for (let index = 0; index < 6; index += 1) {
    const filler = connect(port, '127.0.0.1');
    filler.on('error', () => {});
    filler.once('connect', () => {
      connected += 1;
    });
    fillers.push(filler);
  }
  // The accept queue is full once the number of completed handshakes stops growing.
  let previous = -1;
  while (connected === 0 || connected !== previous) {
    previous = connected;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    close: () => {
      for (const filler of fillers) {
        filler.destroy();
      }
      child.kill('SIGKILL');
    },
  };
}
