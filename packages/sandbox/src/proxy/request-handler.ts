import {
  type ClientRequest,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { sendErrorResponse } from './deny-response.js';
import { DialCancellation } from './dial-upstream.js';
import { headersWithoutHopByHop, safeDecode } from './hop-by-hop-headers.js';
import { formatAuthority, normalizeHost, parseAuthority, printable } from './host-name.js';
import { decidePolicy, type HttpRequestFacts } from './policy-decision.js';
import { type ProxyContext, refusal, sameAuthority, verdictFields } from './proxy-context.js';

/**
 * Handles one absolute-form request (`GET http://host/path`): URI and Host checks, policy with
 * method/path/query, resolve + SSRF check + dial, then forwards it with hop-by-hop headers removed
 * and relays the response. The client connection stays alive for the next request.
 */
export async function handleRequest(
  context: ProxyContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const socket = request.socket;
  const state = context.states.get(socket);
  if (state === undefined) {
    socket.destroy();
    return;
  }
  context.clearHeaderTimer(state);
  state.inFlight += 1;
  response.once('close', () => {
    state.inFlight -= 1;
    state.completedRequests += 1;
    if (state.inFlight === 0 && !socket.destroyed) {
      context.armHeaderTimer(socket, state);
    }
  });
  const generationPolicies = context.currentPolicies();
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
    context.emit({ ...base, ...refusal(reason, null), status: 403 });
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
    context.emit({ ...base, ...refusal(reason, verdict.ruleId), status: 403 });
    sendErrorResponse(response, 403, reason, false);
    return;
  }
  const aborter = new DialCancellation();
  const onEarlyClose = () => aborter.cancel();
  socket.once('close', onEarlyClose);
  const upstream = await context.connectUpstream(host.value.host, host.value.kind, port, verdict, aborter);
  socket.removeListener('close', onEarlyClose);
  if (!upstream.ok) {
    context.emit({ ...base, ...refusal(upstream.reason, verdict.ruleId), status: upstream.status });
    sendErrorResponse(response, upstream.status, upstream.reason, false);
    return;
  }
  const upstreamSocket = upstream.socket;
  context.track(upstreamSocket);
  upstreamSocket.setTimeout(context.limits.idleTimeoutMs, () => upstreamSocket.destroy());
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
      context.emit({ ...base, ...refusal(reason, verdict.ruleId), address: upstream.address, status: 502 });
      sendErrorResponse(response, 502, reason, true);
      return;
    }
    context.emit({ ...base, ...verdictFields(verdict), address: upstream.address, status });
    upstreamResponse.pipe(response);
    upstreamResponse.on('error', () => response.destroy());
  });
  forwarded.on('error', (error: NodeJS.ErrnoException) => {
    upstreamSocket.destroy();
    if (!answered) {
      const reason = `upstream-failed: ${formatAuthority(host.value.host, port)} (${error.code ?? error.message})`;
      context.emit({ ...base, ...refusal(reason, verdict.ruleId), address: upstream.address, status: 502 });
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
