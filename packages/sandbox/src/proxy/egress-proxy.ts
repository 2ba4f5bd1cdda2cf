import { rm } from 'node:fs/promises';
import {
  type ClientRequest,
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { SandboxError } from '../sandbox-error.js';
import { OwnAddresses } from './address-classification.js';
import { type CompiledPolicies, compilePolicies } from './compiled-policy.js';
import { rawErrorResponse, sendErrorResponse } from './deny-response.js';
import { dialUpstream } from './dial-upstream.js';
import type {
  EgressDecision,
  EgressProxy,
  EgressProxyLimits,
  EgressProxyOptions,
  PeerPreambleMode,
  PolicyUpdateResult,
} from './egress-proxy-types.js';
import { headersWithoutHopByHop, safeDecode } from './hop-by-hop-headers.js';
import {
  formatAuthority,
  type NormalizedAuthority,
  normalizeHost,
  parseAuthority,
  printable,
} from './host-name.js';
import { listenOn, listenOnUnixSocket } from './listen-socket.js';
import { maximumPreambleBytes, type PeerIdentity, parsePeerPreamble } from './peer-preamble.js';
import { decidePolicy, type HttpRequestFacts, type PolicyVerdict } from './policy-decision.js';
import { relayTunnel } from './tunnel-relay.js';
import { resolveUpstream, systemResolver } from './upstream-address.js';

const defaultLimits: Required<EgressProxyLimits> = {
  maxHeaderBytes: 16 * 1024,
  headerTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 300_000,
  keepAliveTimeoutMs: 5_000,
  maxTunnels: 2048,
};

interface ConnectionState {
  readonly id: number;
  readonly peer: PeerIdentity | null;
  headerTimer: NodeJS.Timeout | null;
  armedAtBytes: number;
  completedRequests: number;
  inFlight: number;
}

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
    handleConnect(request, socket, head).catch(() => socket.destroy());
  });

  httpServer.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handleRequest(request, response).catch(() => response.destroy());
  });

  const refuseTunnel = (socket: Socket, status: number, reason: string) => {
    if (socket.writable) {
      socket.end(rawErrorResponse(status, reason));
      socket.destroySoon();
    } else {
      socket.destroy();
    }
  };

  async function handleConnect(request: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const state = states.get(socket);
    if (state === undefined) {
      socket.destroy();
      return;
    }
    clearHeaderTimer(state);
    const generationPolicies = policies;
    const binary = state.peer?.exe ?? null;
    const authority = parseAuthority(request.url ?? '');
    if (!authority.ok) {
      refuseTunnel(socket, 400, `bad-connect-target: ${authority.error}`);
      return;
    }
    const { host, kind, port } = authority.value;
    const base = {
      connectionId: state.id,
      kind: 'connect' as const,
      host,
      port,
      peer: state.peer,
      binary,
      generation: generationPolicies.generation,
    };
    const hostHeader = request.headers.host;
    if (hostHeader !== undefined && !sameAuthority(parseAuthority(hostHeader, port), authority.value)) {
      const reason = `host-header-mismatch: ${printable(hostHeader)} is not ${formatAuthority(host, port)}`;
      emit({ ...base, ...refusal(reason, null), status: 403 });
      refuseTunnel(socket, 403, reason);
      return;
    }
    const verdict = decidePolicy(generationPolicies, { host, port, binary });
    if (!verdict.allowed) {
      emit({ ...base, ...refusal(verdict.reason ?? 'denied', verdict.ruleId), status: 403 });
      refuseTunnel(socket, 403, verdict.reason ?? 'denied');
      return;
    }
    if (activeTunnels >= limits.maxTunnels) {
      const reason = `too-many-tunnels: limit ${limits.maxTunnels}`;
      emit({ ...base, ...refusal(reason, verdict.ruleId), status: 503 });
      refuseTunnel(socket, 503, reason);
      return;
    }
    activeTunnels += 1;
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        activeTunnels -= 1;
      }
    };
    const aborter = new AbortController();
    const onEarlyClose = () => aborter.abort();
    socket.once('close', onEarlyClose);
    const upstream = await connectUpstream(host, kind, port, verdict, aborter.signal);
    socket.removeListener('close', onEarlyClose);
    if (!upstream.ok) {
      release();
      emit({ ...base, ...refusal(upstream.reason, verdict.ruleId), status: upstream.status });
      refuseTunnel(socket, upstream.status, upstream.reason);
      return;
    }
    if (socket.destroyed || closing) {
      release();
      upstream.socket.destroy();
      return;
    }
    track(upstream.socket);
    emit({ ...base, ...verdictFields(verdict), address: upstream.address, status: 200 });
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    relayTunnel({
      client: socket,
      upstream: upstream.socket,
      head,
      host,
      port,
      checkHost: checkTunnelHost,
      maxHeaderBytes: limits.maxHeaderBytes,
      idleTimeoutMs: limits.idleTimeoutMs,
      onRefused: (reason) =>
        emit({ ...base, ...refusal(reason, verdict.ruleId), address: upstream.address, status: 403 }),
      onClosed: release,
    });
  }

  async function connectUpstream(
    host: string,
    kind: NormalizedAuthority['kind'],
    port: number,
    verdict: PolicyVerdict,
    signal: AbortSignal,
  ): Promise<{ ok: true; socket: Socket; address: string } | { ok: false; status: number; reason: string }> {
    const ranges = verdict.grantingEndpoints.flatMap((endpoint) => endpoint.allowedRanges);
    const addresses = await resolveUpstream(host, kind, ranges, resolver, ownAddresses.current());
    if (!addresses.ok) {
      return addresses;
    }
    const dialled = await dialUpstream(addresses.addresses, port, limits.connectTimeoutMs, signal);
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

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const socket = request.socket;
    const state = states.get(socket);
    if (state === undefined) {
      socket.destroy();
      return;
    }
    clearHeaderTimer(state);
    state.inFlight += 1;
    response.once('close', () => {
      state.inFlight -= 1;
      state.completedRequests += 1;
      if (state.inFlight === 0 && !socket.destroyed) {
        armHeaderTimer(socket, state);
      }
    });
    const generationPolicies = policies;
    const binary = state.peer?.exe ?? null;
    const target = request.url ?? '';
    if (!/^http:\/\//iu.test(target)) {
      const reason = target.startsWith('/')
        ? 'not-a-proxy-request: send absolute-form URIs (http://host/path) or use CONNECT'
        : `unsupported-scheme: only http:// is forwarded; use CONNECT for TLS`;
      sendErrorResponse(response, 400, reason, true);
      return;
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      sendErrorResponse(response, 400, 'malformed-request: invalid absolute URI', true);
      return;
    }
    const host = normalizeHost(url.hostname);
    if (!host.ok || url.username !== '' || url.password !== '') {
      sendErrorResponse(
        response,
        400,
        host.ok ? 'malformed-request: credentials in URI' : `malformed-request: ${host.error}`,
        true,
      );
      return;
    }
    const port = url.port === '' ? 80 : Number(url.port);
    const method = (request.method ?? 'GET').toUpperCase();
    const base = {
      connectionId: state.id,
      kind: 'http' as const,
      host: host.value.host,
      port,
      method,
      path: url.pathname,
      peer: state.peer,
      binary,
      generation: generationPolicies.generation,
    };
    const hostHeaders = request.rawHeaders.filter(
      (_value, index) => index % 2 === 0 && _value.toLowerCase() === 'host',
    );
    const hostHeader = request.headers.host;
    if (
      hostHeaders.length > 1 ||
      (hostHeader !== undefined && !sameAuthority(parseAuthority(hostHeader, 80), { ...host.value, port }))
    ) {
      const reason = `host-header-mismatch: ${printable(hostHeader ?? '')} is not ${formatAuthority(host.value.host, port)}`;
      emit({ ...base, ...refusal(reason, null), status: 403 });
      sendErrorResponse(response, 403, reason, true);
      return;
    }
    const http: HttpRequestFacts = {
      method,
      path: url.pathname,
      decodedPath: safeDecode(url.pathname),
      rawQuery: url.search.startsWith('?') ? url.search.slice(1) : url.search,
      search: url.searchParams,
    };
    const verdict = decidePolicy(generationPolicies, { host: host.value.host, port, binary, http });
    if (!verdict.allowed) {
      const reason = verdict.reason ?? 'denied';
      emit({ ...base, ...refusal(reason, verdict.ruleId), status: 403 });
      sendErrorResponse(response, 403, reason, false);
      return;
    }
    const aborter = new AbortController();
    const onEarlyClose = () => aborter.abort();
    socket.once('close', onEarlyClose);
    const upstream = await connectUpstream(host.value.host, host.value.kind, port, verdict, aborter.signal);
    socket.removeListener('close', onEarlyClose);
    if (!upstream.ok) {
      emit({ ...base, ...refusal(upstream.reason, verdict.ruleId), status: upstream.status });
      sendErrorResponse(response, upstream.status, upstream.reason, false);
      return;
    }
    const upstreamSocket = upstream.socket;
    track(upstreamSocket);
    upstreamSocket.setTimeout(limits.idleTimeoutMs, () => upstreamSocket.destroy());
    const headers: OutgoingHttpHeaders = { host: url.host };
    for (const [name, values] of headersWithoutHopByHop(request.rawHeaders)) {
      headers[name] = values.length === 1 ? (values[0] ?? '') : values;
    }
    const forwarded: ClientRequest = httpRequest({
      method,
      path: `${url.pathname}${url.search}`,
      headers,
      setHost: false,
      createConnection: () => upstreamSocket,
    });
    let answered = false;
    forwarded.on('response', (upstreamResponse) => {
      answered = true;
      const status = upstreamResponse.statusCode ?? 0;
      const responseHeaders: string[] = [];
      for (const [name, values] of headersWithoutHopByHop(upstreamResponse.rawHeaders)) {
        for (const value of values) {
          responseHeaders.push(name, value);
        }
      }
      try {
        response.writeHead(status, upstreamResponse.statusMessage, responseHeaders);
      } catch {
        // e.g. "HTTP/1.1 000": Node refuses to relay it; answer for the upstream instead of crashing.
        upstreamSocket.destroy();
        const reason = `upstream-invalid-response: ${formatAuthority(host.value.host, port)} (status ${status})`;
        emit({ ...base, ...refusal(reason, verdict.ruleId), address: upstream.address, status: 502 });
        sendErrorResponse(response, 502, reason, true);
        return;
      }
      emit({ ...base, ...verdictFields(verdict), address: upstream.address, status });
      upstreamResponse.pipe(response);
      upstreamResponse.on('error', () => response.destroy());
    });
    forwarded.on('error', (error: NodeJS.ErrnoException) => {
      upstreamSocket.destroy();
      if (!answered) {
        const reason = `upstream-failed: ${formatAuthority(host.value.host, port)} (${error.code ?? error.message})`;
        emit({ ...base, ...refusal(reason, verdict.ruleId), address: upstream.address, status: 502 });
        sendErrorResponse(response, 502, reason, true);
      } else {
        response.destroy();
      }
    });
    response.once('close', () => {
      if (!response.writableFinished) {
        forwarded.destroy();
      }
      upstreamSocket.destroy();
    });
    request.pipe(forwarded);
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

function sameAuthority(
  candidate: ReturnType<typeof parseAuthority>,
  expected: { readonly host: string; readonly port: number },
): boolean {
  return candidate.ok && candidate.value.host === expected.host && candidate.value.port === expected.port;
}

function refusal(reason: string, ruleId: string | null) {
  return {
    allowed: false,
    enforcement: 'enforce' as const,
    reason,
    ruleId,
    address: null,
    uninspectedRules: false,
  };
}

function verdictFields(verdict: PolicyVerdict) {
  return {
    allowed: true,
    enforcement: verdict.enforcement,
    reason: verdict.reason,
    ruleId: verdict.ruleId,
    uninspectedRules: verdict.uninspectedRules,
  };
}
