import type { Socket } from 'node:net';
import { rawErrorResponse } from './deny-response.js';
import { formatAuthority, normalizeHost, parseAuthority, printable } from './host-name.js';
import { maximumClientHelloBytes, peekClientHello, tlsAccessDeniedAlert } from './tls-client-hello.js';
import type { UpstreamReader } from './upstream-reader.js';

/** Options of {@link relayTunnel}. */
export interface TunnelRelayOptions {
  readonly client: Socket;
  readonly upstream: Socket;
  /** The reader the upstream socket was connected with (`onread`): relays upstream bytes to the client. */
  readonly reader: UpstreamReader;
  /** Bytes the client sent after the CONNECT head. */
  readonly head: Buffer;
  /** Canonical CONNECT host and port. */
  readonly host: string;
  readonly port: number;
  /** Peek at the first client bytes: TLS SNI, or the Host header of a plain-HTTP first request. */
  readonly checkHost: boolean;
  /** Largest plain-HTTP head examined in the peek. */
  readonly maxHeaderBytes: number;
  readonly idleTimeoutMs: number;
  /** Called once when the peek refuses the tunnel (the tunnel is then closed). */
  readonly onRefused: (reason: string) => void;
  /** Called once when the client side has closed. */
  readonly onClosed: () => void;
}

const httpRequestLine = /^[A-Z]{3,10} [^ ]+ HTTP\/1\.[01]\r?\n/u;

type PeekOutcome = { kind: 'wait' } | { kind: 'pass' } | { kind: 'refuse'; reason: string; tls: boolean };

function examine(data: Buffer, host: string, port: number, maxHeaderBytes: number): PeekOutcome {
  if (data.length === 0) {
    return { kind: 'wait' };
  }
  if (data[0] === 0x16) {
    const peek = peekClientHello(data);
    switch (peek.kind) {
      case 'need-more':
        return data.length >= maximumClientHelloBytes
          ? { kind: 'refuse', reason: 'sni-unreadable', tls: true }
          : { kind: 'wait' };
      case 'not-tls':
        return { kind: 'pass' };
      case 'malformed':
        return { kind: 'refuse', reason: 'sni-unreadable: malformed or fragmented ClientHello', tls: true };
      case 'client-hello': {
        if (peek.serverName === null) {
          return { kind: 'pass' };
        }
        const sni = normalizeHost(peek.serverName);
        if (!sni.ok || sni.value.host !== host) {
          return {
            kind: 'refuse',
            reason: `sni-mismatch: ${printable(peek.serverName)} is not ${host}`,
            tls: true,
          };
        }
        return { kind: 'pass' };
      }
    }
  }
  const text = data.subarray(0, Math.min(data.length, maxHeaderBytes)).toString('latin1');
  const lineEnd = text.indexOf('\n');
  if (lineEnd < 0) {
    return data.length >= maxHeaderBytes || !/^[A-Z]{0,10}$/u.test(text)
      ? { kind: 'pass' }
      : { kind: 'wait' };
  }
  if (!httpRequestLine.test(text.slice(0, lineEnd + 1))) {
    return { kind: 'pass' };
  }
  const headEnd = text.search(/\r?\n\r?\n/u);
  if (headEnd < 0) {
    return data.length >= maxHeaderBytes
      ? { kind: 'refuse', reason: 'tunnel-request-head-too-large', tls: false }
      : { kind: 'wait' };
  }
  const hostHeaders = [...text.slice(0, headEnd).matchAll(/\r?\nhost:[ \t]*([^\r\n]*)/giu)].map((match) =>
    (match[1] ?? '').trim(),
  );
  if (hostHeaders.length !== 1) {
    return {
      kind: 'refuse',
      reason: `tunnel-host-header: expected one Host header, got ${hostHeaders.length}`,
      tls: false,
    };
  }
  const headerHost = parseAuthority(hostHeaders[0] ?? '', port);
  if (!headerHost.ok || headerHost.value.host !== host || headerHost.value.port !== port) {
    return {
      kind: 'refuse',
      reason: `host-header-mismatch: ${printable(hostHeaders[0] ?? '')} is not ${formatAuthority(host, port)}`,
      tls: false,
    };
  }
  return { kind: 'pass' };
}

/**
 * Relays an established CONNECT tunnel in both directions with back-pressure and half-close.
 * Upstream to client goes through the tunnel's {@link UpstreamReader} (one reused read buffer, no
 * allocation per read: the download direction carries most bytes); client to upstream is a stream
 * `pipe` (Node gives no `onread` for accepted sockets).
 * When `checkHost` is on, the first client bytes are held back until they show a TLS ClientHello
 * (its SNI must name the CONNECT host; no SNI passes) or a plain-HTTP request head (its Host
 * header must name the CONNECT host and port); anything else passes unexamined. A refused tunnel
 * gets a TLS `access_denied` alert or an HTTP 403 and is closed. Upstream bytes flow to the client
 * from the start (server-speaks-first protocols work).
 */
export function relayTunnel(options: TunnelRelayOptions): void {
  const { client, upstream } = options;
  let closed = false;
  const closeBoth = () => {
    client.destroy();
    upstream.destroy();
  };
  client.setTimeout(options.idleTimeoutMs, closeBoth);
  upstream.setTimeout(options.idleTimeoutMs, closeBoth);
  client.on('error', closeBoth);
  upstream.on('error', closeBoth);
  client.on('close', () => {
    upstream.destroy();
    if (!closed) {
      closed = true;
      options.onClosed();
    }
  });
  upstream.on('close', () => {
    options.reader.release();
    if (!client.destroyed) {
      client.end();
    }
  });
  upstream.once('end', () => client.end());
  options.reader.attach(upstream, client);

  const startRelay = (buffered: Buffer) => {
    if (buffered.length > 0) {
      upstream.write(buffered);
    }
    client.pipe(upstream);
  };
  if (!options.checkHost) {
    startRelay(options.head);
    return;
  }
  let buffered: Buffer = options.head;
  const decide = (): boolean => {
    const outcome = examine(buffered, options.host, options.port, options.maxHeaderBytes);
    if (outcome.kind === 'wait') {
      return false;
    }
    client.removeListener('data', onData);
    client.removeListener('end', onEnd);
    if (outcome.kind === 'pass') {
      startRelay(buffered);
      return true;
    }
    options.onRefused(outcome.reason);
    options.reader.detach();
    upstream.destroy();
    client.end(outcome.tls ? tlsAccessDeniedAlert : rawErrorResponse(403, outcome.reason));
    client.destroySoon();
    return true;
  };
  const onData = (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    decide();
  };
  const onEnd = () => {
    client.removeListener('data', onData);
    startRelay(buffered);
    upstream.end();
  };
  if (!decide()) {
    client.on('data', onData);
    client.once('end', onEnd);
  }
}
