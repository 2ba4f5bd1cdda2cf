import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as a test server received it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** The body parsed as JSON (undefined when empty or not JSON). */
  readonly json: unknown;
  /** The raw body. */
  readonly text: string;
}

/** Handles one request of a {@link LoopbackServer}. */
export type RouteHandler = (
  request: RecordedRequest,
  response: ServerResponse,
  raw: IncomingMessage,
) => void | Promise<void>;

/** A real HTTP server on 127.0.0.1 (port 0) that records what it saw. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Number of responses the client abandoned before they were complete (connection closed early). */
  readonly abandonedResponses: () => number;
  /** Resolves when the client has abandoned a response (closed the connection mid-answer). */
  readonly nextAbandonedResponse: () => Promise<void>;
  /** Stops the server and destroys open connections. */
  readonly close: () => Promise<void>;
}

/** Starts a {@link LoopbackServer} whose every request goes to `handler`. */
export async function startLoopbackServer(handler: RouteHandler): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let abandoned = 0;
  let waiters: (() => void)[] = [];
  const server: Server = createServer((raw, response) => {
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    raw.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = {
        method: raw.method ?? 'GET',
        path: raw.url ?? '/',
        headers: raw.headers,
        json,
        text,
      };
      requests.push(recorded);
      response.on('close', () => {
        if (!response.writableFinished) {
          abandoned += 1;
          const current = waiters;
          waiters = [];
          for (const wake of current) wake();
        }
      });
      Promise.resolve(handler(recorded, response, raw)).catch((error: unknown) => {
        if (!response.headersSent) {
          response.writeHead(599, { 'content-type': 'text/plain' });
          response.end(`test server handler failed: ${String(error)}`);
        } else {
          response.destroy();
        }
      });
    });
  });
  server.on('connection', (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    abandonedResponses: () => abandoned,
    nextAbandonedResponse: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Waits `milliseconds`. */
export function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Writes `pieces` one by one with a pause between them so that each reaches the client as its own
 * TCP segment (Nagle is off), letting tests put chunk boundaries anywhere, even inside a
 * multi-byte UTF-8 character. Returns false when the client went away.
 */
export async function writePieces(
  response: ServerResponse,
  pieces: readonly (string | Uint8Array)[],
  pauseMs = 3,
): Promise<boolean> {
  for (const piece of pieces) {
    if (response.destroyed) return false;
    response.write(piece);
    await delay(pauseMs);
  }
  return !response.destroyed;
}

/** Splits `bytes` at the given byte offsets. */
export function splitBytes(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const offset of [...offsets].sort((left, right) => left - right)) {
    pieces.push(bytes.subarray(start, offset));
    start = offset;
  }
  pieces.push(bytes.subarray(start));
  return pieces.filter((piece) => piece.length > 0);
}
