import type { Socket } from 'node:net';
import type { CompiledPolicies } from './compiled-policy.js';
import { rawErrorResponse } from './deny-response.js';
import type { DialCancellation } from './dial-upstream.js';
import type { EgressDecision, EgressProxyLimits } from './egress-proxy-types.js';
import type { HostKind, parseAuthority } from './host-name.js';
import type { PeerIdentity } from './peer-preamble.js';
import type { PolicyVerdict } from './policy-decision.js';
import type { UpstreamReader } from './upstream-reader.js';

/** Per client connection: who it is and the slowloris timer of its next request head. */
export interface ConnectionState {
  /** Sequence number (unique per proxy). */
  readonly id: number;
  /** The peer from the bridge preamble, or null. */
  readonly peer: PeerIdentity | null;
  headerTimer: NodeJS.Timeout | null;
  /** `socket.bytesRead` when the timer was armed: more bytes since means a partial head. */
  armedAtBytes: number;
  completedRequests: number;
  inFlight: number;
}

/** An upstream connection, or why there is none (status to answer with and reason). */
export type UpstreamConnection =
  | { readonly ok: true; readonly socket: Socket; readonly address: string }
  | { readonly ok: false; readonly status: number; readonly reason: string };

/** What the CONNECT and absolute-form handlers need from the running proxy. */
export interface ProxyContext {
  readonly limits: Required<EgressProxyLimits>;
  readonly checkTunnelHost: boolean;
  readonly states: WeakMap<Socket, ConnectionState>;
  /** Concurrent tunnel accounting: `acquire` takes a slot (false at the limit), `release` returns it. */
  readonly tunnels: { acquire(): boolean; release(): void };
  /** The policy generation in force now (one snapshot per connection or request). */
  currentPolicies(): CompiledPolicies;
  isClosing(): boolean;
  emit(decision: Omit<EgressDecision, 'timestamp'>): void;
  /** Registers a socket to be destroyed on `close()`. */
  track(socket: Socket): void;
  clearHeaderTimer(state: ConnectionState): void;
  armHeaderTimer(socket: Socket, state: ConnectionState): void;
  /** Resolves once, SSRF-checks and dials the upstream (read through `reader` when given: tunnels). */
  connectUpstream(
    host: string,
    kind: HostKind,
    port: number,
    verdict: PolicyVerdict,
    signal: DialCancellation,
    reader?: UpstreamReader,
  ): Promise<UpstreamConnection>;
}

/** Answers a raw (non-`ServerResponse`) refusal and closes the connection. */
export function refuseTunnel(socket: Socket, status: number, reason: string): void {
  if (socket.writable) {
    socket.end(rawErrorResponse(status, reason));
    socket.destroySoon();
  } else {
    socket.destroy();
  }
}

/** Whether a parsed Host header names the same host and port. */
export function sameAuthority(
  candidate: ReturnType<typeof parseAuthority>,
  expected: { readonly host: string; readonly port: number },
): boolean {
  return candidate.ok && candidate.value.host === expected.host && candidate.value.port === expected.port;
}

/** Decision fields of a refusal. */
export function refusal(reason: string, ruleId: string | null) {
  return {
    allowed: false,
    enforcement: 'enforce' as const,
    reason,
    ruleId,
    address: null,
    uninspectedRules: false,
  };
}

/** Decision fields of an allow (or audit allow). */
export function verdictFields(verdict: PolicyVerdict) {
  return {
    allowed: true,
    enforcement: verdict.enforcement,
    reason: verdict.reason,
    ruleId: verdict.ruleId,
    uninspectedRules: verdict.uninspectedRules,
  };
}
