import type { NetworkPolicies } from '@nemoclaw/policy';
import type { ProxyPolicyError } from '../sandbox-error.js';
import type { PeerIdentity } from './peer-preamble.js';
import type { EgressResolver } from './upstream-address.js';

/**
 * Whether connections start with the launcher bridge's `NEMOCLAW-PEER` line.
 * `required`: the first line must be the preamble (anything else is refused; binary attribution
 * works). `none`: plain HTTP proxy clients (tests, host use); the binary is unknown, so every
 * policy entry that lists `binaries` denies.
 */
export type PeerPreambleMode = 'required' | 'none';

/** Where the proxy listens. A Unix socket defaults to `peerPreamble: 'required'`, TCP to `'none'`. */
export type EgressProxyListen =
  | { readonly unixSocket: string; readonly peerPreamble?: PeerPreambleMode }
  | { readonly port: number; readonly host?: string; readonly peerPreamble?: PeerPreambleMode };

/** Resource limits; every field has a safe default. */
export interface EgressProxyLimits {
  /** Largest request head (request line + headers) accepted; beyond it: 431. Default 16 KiB. */
  readonly maxHeaderBytes?: number;
  /** Time allowed to send a complete request head (slowloris defence); then 408 and close. Default 10 s. */
  readonly headerTimeoutMs?: number;
  /** Time allowed to connect to the upstream; then 504. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** A tunnel or forwarded exchange with no traffic either way for this long is closed. Default 300 s. */
  readonly idleTimeoutMs?: number;
  /** Idle time allowed between keep-alive requests on one client connection. Default 5 s. */
  readonly keepAliveTimeoutMs?: number;
  /** Concurrent CONNECT tunnels; beyond it: 503. Default 2048. */
  readonly maxTunnels?: number;
}

/** One allow/deny decision of the proxy, handed to `onDecision` (the audit seam). */
export interface EgressDecision {
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** Sequence number of the client connection (unique per proxy). */
  readonly connectionId: number;
  /** `connect` for a CONNECT tunnel, `http` for an absolute-form HTTP request. */
  readonly kind: 'connect' | 'http';
  /** Canonical destination host (lower-case, punycode, no trailing dot). */
  readonly host: string;
  readonly port: number;
  /** HTTP method (absolute-form only). */
  readonly method?: string;
  /** Request path (absolute-form only), dot segments resolved. */
  readonly path?: string;
  /** The process that opened the connection (from the bridge), or null. */
  readonly peer: PeerIdentity | null;
  /** Executable path used for `binaries` matching, or null when unknown. */
  readonly binary: string | null;
  /** Whether the proxy let it through. */
  readonly allowed: boolean;
  /** `audit` when allowed only because of `enforcement: audit` (see `reason` for what would have been denied). */
  readonly enforcement: 'enforce' | 'audit';
  /** Deny reason (also in the `x-nemoclaw-deny-reason` header), audit would-be reason, or upstream failure. */
  readonly reason: string | null;
  /** `<policy name>/<endpoint index>` that decided, when an endpoint did. */
  readonly ruleId: string | null;
  /** The address dialled, when one was. */
  readonly address: string | null;
  /** HTTP status the client got from the proxy (200 for an established tunnel; upstream status for HTTP). */
  readonly status: number;
  /** Policy generation the decision used. */
  readonly generation: number;
  /** True for a tunnel allowed by an endpoint whose method/path rules cannot be seen inside it. */
  readonly uninspectedRules: boolean;
}

/** Options of {@link createEgressProxy}. */
export interface EgressProxyOptions {
  /** The `network_policies` to enforce (validated with `@nemoclaw/policy`). Empty = deny all. */
  readonly policies: NetworkPolicies | Record<string, unknown>;
  /** Where to listen. */
  readonly listen: EgressProxyListen;
  /** Name resolver (tests inject one); default: `dns.lookup` all addresses. */
  readonly resolver?: EgressResolver;
  /** Called for every decision; exceptions it throws are ignored. */
  readonly onDecision?: (decision: EgressDecision) => void;
  /** Resource limits. */
  readonly limits?: EgressProxyLimits;
  /**
   * Refuse a tunnel whose TLS ClientHello names (SNI) a different host than the CONNECT target,
   * and a plain-HTTP first request in a tunnel whose Host header differs. Default true.
   */
  readonly checkTunnelHost?: boolean;
}

/** Outcome of {@link EgressProxy.updatePolicies}. */
export type PolicyUpdateResult =
  | { readonly ok: true; readonly generation: number }
  | { readonly ok: false; readonly error: ProxyPolicyError };

/** A running egress proxy. */
export interface EgressProxy {
  /** Where it listens: the Unix socket path, or the bound TCP host and port. */
  readonly address: { readonly unixSocket: string } | { readonly host: string; readonly port: number };
  /** The policy generation in force (1 at start, +1 per successful update). */
  readonly generation: number;
  /** Number of open CONNECT tunnels. */
  readonly activeTunnels: number;
  /**
   * Atomically replaces the policies. New connections and requests use the new generation at once;
   * established tunnels keep the decision they were given. Invalid input changes nothing
   * (last-known-good stays) and returns `{ ok: false, error }`.
   */
  updatePolicies(next: unknown): PolicyUpdateResult;
  /** Stops listening, closes every client and upstream connection, removes the Unix socket. */
  close(): Promise<void>;
}
