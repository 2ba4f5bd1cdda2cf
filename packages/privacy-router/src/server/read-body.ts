import type { IncomingMessage } from 'node:http';

/** The outcome of {@link readBody}. */
export type ReadBodyResult =
  | { ok: true; value: Buffer }
  | { ok: false; error: 'too-large' | 'aborted'; received: number };

/**
 * Reads a request body of at most `limit` bytes. A declared `content-length` above the limit is
 * refused before reading; a body that grows past it stops being buffered at once (the rest is
 * discarded so the client can still read the 413).
 */
export function readBody(request: IncomingMessage, limit: number): Promise<ReadBodyResult> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return Promise.resolve({ ok: false, error: 'too-large', received: 0 });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: ReadBodyResult): void => {
      if (settled) return;
      settled = true;
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('close', onClose);
      request.off('error', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) {
        chunks.length = 0;
        request.resume();
        settle({ ok: false, error: 'too-large', received });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => settle({ ok: true, value: Buffer.concat(chunks, received) });
    const onClose = (): void => settle({ ok: false, error: 'aborted', received });
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('close', onClose);
    request.on('error', onClose);
  });
}
