import { spawn } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';

/** A listener outside the sandbox that records what reached it. */
export interface Listener {
  /** TCP/UDP port, or the socket path/name. */
  readonly address: string;
  readonly port: number;
  /** Everything received, concatenated. */
  received(): string;
  /** Number of connections (TCP/Unix) or datagrams (UDP) seen. */
  hits(): number;
  close(): Promise<void>;
}

/** A TCP listener on 127.0.0.1 (or ::1) on an ephemeral port. */
export async function tcpListener(host = '127.0.0.1'): Promise<Listener> {
  return streamListener((server) => server.listen(0, host), host);
}

/** A Unix stream socket listener at `path` (a fake docker.sock), or an abstract one (`\0name`). */
export async function unixListener(path: string): Promise<Listener> {
  return streamListener((server) => server.listen(path), path);
}

async function streamListener(start: (server: Server) => void, label: string): Promise<Listener> {
  let data = '';
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => resolve());
    start(server);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    address: label,
    port,
    received: () => data,
    hits: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A UDP listener on 127.0.0.1 (e.g. a fake DNS server) that answers nothing. */
export async function udpListener(): Promise<Listener> {
  const socket: UdpSocket = createSocket('udp4');
  let data = '';
  let datagrams = 0;
  socket.on('message', (message) => {
    datagrams += 1;
    data += message.toString('latin1');
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    address: '127.0.0.1',
    port: socket.address().port,
    received: () => data,
    hits: () => datagrams,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** Waits a little so that anything in flight has arrived before a listener is inspected. */
export function settle(milliseconds = 100): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

const abstractServer = `
import socket, sys
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind('\\0' + sys.argv[1])
server.listen(16)
print('ready', flush=True)
while True:
    connection, _ = server.accept()
    data = connection.recv(4096)
    print('hit ' + data.decode('latin1').strip(), flush=True)
    connection.close()
`;

/**
 * An abstract Unix socket listener (`@name`) in this network namespace, run by python3 (Node's
 * `listen('\\0name')` does not bind the abstract name on every version).
 */
export async function abstractListener(name: string): Promise<Listener> {
  const child = spawn('python3', ['-c', abstractServer, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('ready')) resolve();
    });
  });
  const hitLines = () => output.split('\n').filter((line) => line.startsWith('hit '));
  return {
    address: `@${name}`,
    port: 0,
    received: () => hitLines().join('\n'),
    hits: () => hitLines().length,
    close: async () => {
      child.kill('SIGKILL');
    },
  };
}

/** Polls `predicate` every 20 ms until it holds or `timeoutMs` passes; returns its last value. */
export async function waitFor(predicate: () => boolean, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await settle(20);
  }
  return predicate();
}
