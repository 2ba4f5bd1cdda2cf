import type { Agent } from 'undici';
import type { RedactionVault } from '../redact/redaction-vault.js';
import type { BoundedLruMap } from '../route/bounded-lru-map.js';
import type { DecisionListener } from './decision-event.js';
import type { RouterLogger } from './router-logger.js';
import type { RouterState } from './router-state.js';

/** Limits and timeouts of the router (all resolved to numbers). */
export interface RouterLimits {
  /** Largest request body accepted (bytes). */
  maxBodyBytes: number;
  /** Largest non-streamed upstream response buffered for restoring placeholders (bytes). */
  maxResponseBytes: number;
  /** Time to establish the upstream connection (ms). */
  connectTimeoutMs: number;
  /** Time from sending the request to the upstream's response headers (ms). */
  headersTimeoutMs: number;
  /** Longest silence allowed between two chunks of an upstream body (ms). */
  idleTimeoutMs: number;
  /** Time `GET /v1/models` waits for each provider (ms). */
  modelsTimeoutMs: number;
}

/** Counters reported by the status endpoint. */
export interface RouterCounters {
  requests: number;
  inFlight: number;
  blocked: number;
  redacted: number;
  failed: number;
  byRoute: Record<string, number>;
}

/** Everything a request handler needs; one per router. */
export interface RouterRuntime {
  /** The policy generation new requests use (a request keeps the one it started with). */
  current(): RouterState;
  /** Conversation id -> the local provider it is pinned to. */
  sticky: BoundedLruMap<string>;
  /** Conversation id -> its placeholders. */
  vaults: BoundedLruMap<RedactionVault>;
  /** The upstream connection pools. */
  agent: Agent;
  limits: RouterLimits;
  environment: Readonly<Record<string, string | undefined>>;
  logger: RouterLogger;
  onDecision: DecisionListener | undefined;
  counters: RouterCounters;
  startedAt: number;
}
