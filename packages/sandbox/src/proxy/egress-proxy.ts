import { rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { SandboxError } from '../sandbox-error.js';
import { OwnAddresses } from './address-classification.js';
import { type CompiledPolicies, compilePolicies } from './compiled-policy.js';
import { handleConnect } from './connect-handler.js';
import { rawErrorResponse } from './deny-response.js';
import { type DialCancellation, dialUpstream } from './dial-upstream.js';
import type {
  EgressDecision,
  EgressProxy,
  EgressProxyLimits,
  EgressProxyOptions,
  PeerPreambleMode,
  PolicyUpdateResult,
} from './egress-proxy-types.js';
import { formatAuthority, type HostKind } from './host-name.js';
import { listenOn, listenOnUnixSocket } from './listen-socket.js';
import { maximumPreambleBytes, type PeerIdentity, parsePeerPreamble } from './peer-preamble.js';
import type { PolicyVerdict } from './policy-decision.js';
import {
  type ConnectionState,
  type ProxyContext,
  refuseTunnel,
  type UpstreamConnection,
} from './proxy-context.js';
import { handleRequest } from './request-handler.js';
import { resolveUpstream, systemResolver } from './upstream-address.js';
import type { UpstreamReader } from './upstream-reader.js';

const defaultLimits: Required<EgressProxyLimits> = {
  maxHeaderBytes: 16 * 1024,
  headerTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 300_000,
  keepAliveTimeoutMs: 5_000,
  maxTunnels: 2048,
};

function positiveLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isFinite(value) || value <= 0) {
    throw new SandboxError(
      'proxy-invalid-limits',
      `limits.${name} must be a positive number, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Starts the egress proxy: an HTTP proxy (CONNECT and absolute-form HTTP) that enforces
 * `network_policies` on every connection and request, refuses private, loopback, link-local and
 * metadata addresses unless an endpoint's `allowed_ips` covers them, dials exactly the address it
 * checked, and answers every refusal with a 403 carrying `x-nemoclaw-deny-reason`.
 *
 * @example
 * ```ts
 * const proxy = await createEgressProxy({
 *   policies: { github: { name: 'github', endpoints: [{ host: 'api.github.com', port: 443 }] } },
 *   listen: { unixSocket: '/home/u/.nemoclaw/sandboxes/x/proxy.sock' },
 *   onDecision: (decision) => console.log(decision.allowed, decision.host, decision.reason),
 * });
 * proxy.updatePolicies({}); // deny everything from now on
 * await proxy.close();
 * ```
 * @throws SandboxError `proxy-invalid-policy` for invalid policies, `proxy-invalid-limits`,
 *   `proxy-listen-failed` when the address cannot be bound.
 */
export async function createEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const given = options.limits ?? {};
  const limits: Required<EgressProxyLimits> = {
    maxHeaderBytes: positiveLimit('maxHeaderBytes', given.maxHeaderBytes, defaultLimits.maxHeaderBytes),
    headerTimeoutMs: positiveLimit('headerTimeoutMs', given.headerTimeoutMs, defaultLimits.headerTimeoutMs),
    connectTimeoutMs: positiveLimit(
      'connectTimeoutMs',
      given.connectTimeoutMs,
      defaultLimits.connectTimeoutMs,
    ),
    idleTimeoutMs: positiveLimit('idleTimeoutMs', given.idleTimeoutMs, defaultLimits.idleTimeoutMs),
    keepAliveTimeoutMs: positiveLimit(
      'keepAliveTimeoutMs',
      given.keepAliveTimeoutMs,
      defaultLimits.keepAliveTimeoutMs,
    ),
    maxTunnels: positiveLimit('maxTunnels', given.maxTunnels, defaultLimits.maxTunnels),
  };
  const initial = compilePolicies(options.policies, 1);
  if (!initial.ok) {
    throw initial.error;
  }
  let policies: CompiledPolicies = initial.value;
  const resolver = options.resolver ?? systemResolver;
  const checkTunnelHost = options.checkTunnelHost ?? true;
  const ownAddresses = new OwnAddresses();
  const listen = options.listen;
  const preambleMode: PeerPreambleMode =
    listen.peerPreamble ?? ('unixSocket' in listen ? 'required' : 'none');
  const states = new WeakMap<Socket, ConnectionState>();
  const openSockets = new Set<Socket>();
  let nextConnectionId = 1;
  let activeTunnels = 0;
  let closing = false;

  const track = (socket: Socket) => {
    openSockets.add(socket);
    socket.once('close', () => openSockets.delete(socket));
  };

  const emit = (decision: Omit<EgressDecision, 'timestamp'>) => {
    if (options.onDecision === undefined) {
      return;
    }
    try {
      options.onDecision({ timestamp: Date.now(), ...decision });
    } catch {
      // The audit seam must never break the data path.
    }
  };

  const clearHeaderTimer = (state: ConnectionState) => {
    if (state.headerTimer !== null) {
      clearTimeout(state.headerTimer);
      state.headerTimer = null;
    }
  };

  const armHeaderTimer = (socket: Socket, state: ConnectionState) => {
    clearHeaderTimer(state);
    state.armedAtBytes = socket.bytesRead;
    state.headerTimer = setTimeout(() => {
      state.headerTimer = null;
      if (socket.destroyed) {
        return;
      }
      const partial = state.completedRequests === 0 || socket.bytesRead > state.armedAtBytes;
      if (partial && socket.writable) {
        socket.end(
          rawErrorResponse(
            408,
            `header-timeout: no complete request head within ${limits.headerTimeoutMs} ms`,
          ),
        );
        socket.destroySoon();
        setTimeout(() => socket.destroy(), 1_000).unref();
      } else {
        socket.destroy();
      }
    }, limits.headerTimeoutMs);
  };

  const context: ProxyContext = {
    limits,
    checkTunnelHost,
    states,
    tunnels: {
      acquire: () => {
        if (activeTunnels >= limits.maxTunnels) {
          return false;
        }
        activeTunnels += 1;
        return true;
      },
      release: () => {
        activeTunnels -= 1;
      },
    },
    currentPolicies: () => policies,
    isClosing: () => closing,
    emit,
    track,
    clearHeaderTimer,
    armHeaderTimer,
    connectUpstream: (host, kind, port, verdict, signal, reader) =>
      connectUpstream(host, kind, port, verdict, signal, reader),
  };

  const httpServer = createHttpServer({
    maxHeaderSize: limits.maxHeaderBytes,
    requestTimeout: 0,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requireHostHeader: false,
    noDelay: true,
  });
  httpServer.timeout = limits.idleTimeoutMs;

  httpServer.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const state = states.get(socket);
    if (state !== undefined) {
      clearHeaderTimer(state);
    }
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const reason =
      status === 431
        ? `header-too-large: request head exceeds ${limits.maxHeaderBytes} bytes`
        : `malformed-request: ${error.code ?? 'parse error'}`;
    socket.end(rawErrorResponse(status, reason));
    socket.destroySoon();
  });

  httpServer.on('upgrade', (_request: IncomingMessage, socket: Socket) => {
    const state = states.get(socket);
    if (state !== undefined) {
      clearHeaderTimer(state);
    }
    socket.end(
      rawErrorResponse(403, 'upgrade-not-supported: use CONNECT (e.g. wss://) for upgraded protocols'),
    );
    socket.destroySoon();
  });

  // A bug or an unexpected throw must cost one connection, never the proxy.
  httpServer.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    handleConnect(context, request, socket, head).catch(() => socket.destroy());
  });

  httpServer.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handleRequest(context, request, response).catch(() => response.destroy());
  });

  async function connectUpstream(
    host: string,
    kind: HostKind,
    port: number,
    verdict: PolicyVerdict,
    signal: DialCancellation,
    reader?: UpstreamReader,
  ): Promise<UpstreamConnection> {
    const ranges = verdict.grantingEndpoints.flatMap((endpoint) => endpoint.allowedRanges);
    const addresses = await resolveUpstream(host, kind, ranges, resolver, ownAddresses.current());
    if (!addresses.ok) {
      return addresses;
    }
    const dialled = await dialUpstream(
      addresses.addresses,
      port,
      limits.connectTimeoutMs,
      signal,
      reader?.onread,
    );
    if (!dialled.ok) {
      return dialled.timedOut
        ? {
            ok: false,
            status: 504,
            reason: `upstream-connect-timeout: ${formatAuthority(host, port)} (${dialled.reason})`,
          }
        : {
            ok: false,
            status: 502,
            reason: `upstream-connect-failed: ${formatAuthority(host, port)} (${dialled.reason})`,
          };
    }
    return dialled;
  }

  const handOver = (socket: Socket, peer: PeerIdentity | null) => {
    const state: ConnectionState = {
      id: nextConnectionId++,
      peer,
      headerTimer: null,
      armedAtBytes: 0,
      completedRequests: 0,
      inFlight: 0,
    };
    states.set(socket, state);
    socket.once('close', () => clearHeaderTimer(state));
    armHeaderTimer(socket, state);
    httpServer.emit('connection', socket);
    socket.resume();
  };

  const readPreamble = (socket: Socket) => {
    let buffered: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), limits.headerTimeoutMs);
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const newline = buffered.indexOf(0x0a);
      if (newline < 0) {
        if (buffered.length > maximumPreambleBytes) {
          clearTimeout(timer);
          socket.removeListener('data', onData);
          socket.removeListener('end', onEnd);
          refuseTunnel(socket, 400, 'bad-peer-preamble: no NEMOCLAW-PEER line');
        }
        return;
      }
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.pause();
      const parsed = parsePeerPreamble(buffered.subarray(0, newline).toString('utf8'));
      if (!parsed.ok) {
        refuseTunnel(socket, 400, `bad-peer-preamble: ${parsed.error}`);
        return;
      }
      const rest = buffered.subarray(newline + 1);
      if (rest.length > 0) {
        socket.unshift(rest);
      }
      handOver(socket, parsed.value);
    };
    const onEnd = () => {
      clearTimeout(timer);
      socket.destroy(); // ended before a complete preamble line
    };
    socket.once('close', () => clearTimeout(timer));
    socket.once('end', onEnd);
    socket.on('data', onData);
  };

  const netServer = createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    track(socket);
    socket.on('error', () => socket.destroy());
    if (preambleMode === 'required') {
      readPreamble(socket);
    } else {
      handOver(socket, null);
    }
  });

  let address: EgressProxy['address'];
  try {
    if ('unixSocket' in listen) {
      await listenOnUnixSocket(netServer, listen.unixSocket);
      address = { unixSocket: listen.unixSocket };
    } else {
      await listenOn(netServer, { port: listen.port, host: listen.host ?? '127.0.0.1' });
      const bound = netServer.address();
      if (bound === null || typeof bound === 'string') {
        throw new Error('unexpected listen address');
      }
      address = { host: bound.address, port: bound.port };
    }
  } catch (error) {
    if (error instanceof SandboxError) {
      throw error;
    }
    throw new SandboxError(
      'proxy-listen-failed',
      `egress proxy cannot listen on ${JSON.stringify(listen)}: ${(error as Error).message}`,
      { cause: error },
    );
  }

  return {
    address,
    get generation() {
      return policies.generation;
    },
    get activeTunnels() {
      return activeTunnels;
    },
    updatePolicies(next: unknown): PolicyUpdateResult {
      const compiled = compilePolicies(next, policies.generation + 1);
      if (!compiled.ok) {
        return compiled;
      }
      policies = compiled.value;
      return { ok: true, generation: compiled.value.generation };
    },
    async close() {
      if (closing) {
        return;
      }
      closing = true;
      const closed = new Promise<void>((resolve) => netServer.close(() => resolve()));
      for (const socket of openSockets) {
        socket.destroy();
      }
      httpServer.close();
      await closed;
      if ('unixSocket' in address) {
        await rm(address.unixSocket, { force: true });
      }
    },
  };
}
