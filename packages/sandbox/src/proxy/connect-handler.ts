import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { DialCancellation } from './dial-upstream.js';
import { formatAuthority, parseAuthority, printable } from './host-name.js';
import { decidePolicy } from './policy-decision.js';
import { type ProxyContext, refusal, refuseTunnel, sameAuthority, verdictFields } from './proxy-context.js';
import { relayTunnel } from './tunnel-relay.js';
import { UpstreamReader } from './upstream-reader.js';

/**
 * Handles one `CONNECT host:port`: Host header check, policy (host, port, binary), tunnel limit,
 * resolve + SSRF check + dial, then `200` and the relay (with the SNI / Host peek).
 */
export async function handleConnect(
  context: ProxyContext,
  request: IncomingMessage,
  socket: Socket,
  head: Buffer,
): Promise<void> {
  const state = context.states.get(socket);
  if (state === undefined) {
    socket.destroy();
    return;
  }
  context.clearHeaderTimer(state);
  const generationPolicies = context.currentPolicies();
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
    context.emit({ ...base, ...refusal(reason, null), status: 403 });
    refuseTunnel(socket, 403, reason);
    return;
  }
  const verdict = decidePolicy(generationPolicies, { host, port, binary });
  if (!verdict.allowed) {
    context.emit({ ...base, ...refusal(verdict.reason ?? 'denied', verdict.ruleId), status: 403 });
    refuseTunnel(socket, 403, verdict.reason ?? 'denied');
    return;
  }
  if (!context.tunnels.acquire()) {
    const reason = `too-many-tunnels: limit ${context.limits.maxTunnels}`;
    context.emit({ ...base, ...refusal(reason, verdict.ruleId), status: 503 });
    refuseTunnel(socket, 503, reason);
    return;
  }
  let released = false;
  const release = () => {
    if (!released) {
      released = true;
      context.tunnels.release();
    }
  };
  // A client that closes or half-closes (EOF; the listener allows half-open sockets) before the
  // tunnel exists has gone away: cancel the dial and give the tunnel slot back at once.
  const aborter = new DialCancellation();
  const onEarlyClose = () => {
    aborter.cancel();
    socket.destroy();
  };
  socket.once('close', onEarlyClose);
  socket.once('end', onEarlyClose);
  const reader = new UpstreamReader();
  const upstream = await context.connectUpstream(host, kind, port, verdict, aborter, reader);
  socket.removeListener('close', onEarlyClose);
  socket.removeListener('end', onEarlyClose);
  if (!upstream.ok) {
    release();
    context.emit({ ...base, ...refusal(upstream.reason, verdict.ruleId), status: upstream.status });
    refuseTunnel(socket, upstream.status, upstream.reason);
    return;
  }
  if (socket.destroyed || context.isClosing()) {
    release();
    upstream.socket.destroy();
    return;
  }
  context.track(upstream.socket);
  context.emit({ ...base, ...verdictFields(verdict), address: upstream.address, status: 200 });
  socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  relayTunnel({
    client: socket,
    upstream: upstream.socket,
    reader,
    head,
    host,
    port,
    checkHost: context.checkTunnelHost,
    maxHeaderBytes: context.limits.maxHeaderBytes,
    idleTimeoutMs: context.limits.idleTimeoutMs,
    onRefused: (reason) =>
      context.emit({ ...base, ...refusal(reason, verdict.ruleId), address: upstream.address, status: 403 }),
    onClosed: release,
  });
}
