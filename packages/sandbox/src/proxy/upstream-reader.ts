import type { OnReadOpts, Socket } from 'node:net';

/** Read buffer of a tunnel that carries little data (TLS handshakes, requests, idle tunnels). */
export const smallReadBytes = 16 * 1024;
/** Read buffer of a tunnel in a bulk transfer (a read filled the small buffer). */
export const largeReadBytes = 256 * 1024;
/**
 * How many tunnels of this process may hold a large buffer at once (32 MB): beyond that, bulk
 * tunnels keep reading 16 KB at a time, so many slow clients cannot make the proxy hold
 * `maxTunnels` × 256 KB.
 */
export const maximumLargeBuffers = 128;
let largeBuffersHeld = 0;

/** How many tunnels hold a large read buffer now (for tests and diagnostics). */
export function largeReadBuffersHeld(): number {
  return largeBuffersHeld;
}

/**
 * Reads a tunnel's upstream socket into one buffer that it reuses (net.Socket `onread`) and writes
 * each chunk to the client at once. Node's default read path allocates a zero-filled 64 KB buffer per
 * read and frees it only at the next GC, which on a bulk download costs more CPU in page faults,
 * memset and GC than the copy itself; reusing a cache-warm buffer removes that (see BENCHMARKS.md).
 *
 * Buffer safety: a chunk handed to `client.write` is a view of the reused buffer, so the buffer must
 * not be read into again until the kernel has taken those bytes. When the write completes at once
 * (the usual case) nothing is pending; when it does not, the callback returns false, which stops
 * reading (readStop) until the write's callback, so a pending write never sees its bytes overwritten.
 * This is also the back-pressure: at most one chunk per tunnel waits in the proxy.
 *
 * Memory: each tunnel holds a {@link smallReadBytes} buffer; a read that fills it switches the
 * tunnel to a {@link largeReadBytes} one (while fewer than {@link maximumLargeBuffers} are held),
 * and a small read afterwards, or {@link UpstreamReader.release}, switches it back (the large
 * buffer is then garbage), so idle tunnels hold 16 KB and only tunnels in a bulk transfer hold more.
 * Bytes read before {@link UpstreamReader.attach} (the upstream spoke before the relay started) are
 * copied and reading pauses until the relay is attached.
 */
export class UpstreamReader {
  private buffer: Buffer = Buffer.allocUnsafeSlow(smallReadBytes);
  private upstream: Socket | null = null;
  private client: Socket | null = null;
  private early: Buffer | null = null;
  private waiting = false;
  private readonly afterWrite = (error?: Error | null): void => {
    if (this.waiting && error == null) {
      this.waiting = false;
      this.upstream?.resume();
    }
  };

  /** The `onread` option to give `net.connect` for the upstream socket. */
  readonly onread: OnReadOpts = {
    buffer: () => this.buffer,
    callback: (bytes: number): boolean => this.deliver(bytes),
  };

  /** Starts relaying upstream bytes to `client` (those read so far first), and resumes reading. */
  attach(upstream: Socket, client: Socket): void {
    this.upstream = upstream;
    this.client = client;
    const early = this.early;
    this.early = null;
    if (early !== null) {
      client.write(early);
    }
    upstream.resume(); // flowing mode, so that 'end' is emitted at EOF
  }

  /** Stops relaying: later upstream bytes are dropped (the tunnel is being refused or torn down). */
  detach(): void {
    this.client = null;
  }

  /** Gives back a large buffer's slot (call when the upstream socket has closed). */
  release(): void {
    this.detach();
    if (this.buffer.length > smallReadBytes) {
      largeBuffersHeld -= 1;
      this.buffer = Buffer.allocUnsafeSlow(smallReadBytes);
    }
  }

  private deliver(bytes: number): boolean {
    const current = this.buffer;
    const chunk = current.subarray(0, bytes);
    const client = this.client;
    if (client === null) {
      if (this.upstream === null) {
        // Not attached yet: keep a copy and stop reading until the relay starts (one chunk at most).
        this.early = this.early === null ? Buffer.from(chunk) : Buffer.concat([this.early, chunk]);
      }
      return false;
    }
    // Size the next read. A new buffer is always safe; the current one may be lent to the write below.
    if (
      bytes === current.length &&
      current.length < largeReadBytes &&
      largeBuffersHeld < maximumLargeBuffers
    ) {
      largeBuffersHeld += 1;
      this.buffer = Buffer.allocUnsafeSlow(largeReadBytes);
    } else if (bytes < smallReadBytes && current.length > smallReadBytes) {
      largeBuffersHeld -= 1;
      this.buffer = Buffer.allocUnsafeSlow(smallReadBytes);
    }
    client.write(chunk, this.afterWrite);
    if (client.writableLength > 0) {
      // Bytes of `chunk` are still queued: no read may reuse `current` until they are written.
      this.waiting = true;
      return false;
    }
    return true;
  }
}
