import type { ClientApi } from '../route/conversation-id.js';
import type { RouteReason } from '../route/decide-route.js';
import type { ProviderApi } from '../route/policy-types.js';

/**
 * What the router reports for every request it routed (or blocked), once the response is over.
 * Carries entity types and counts, never a matched value, a prompt, or a key.
 */
export interface RouteDecisionEvent {
  /** ISO time the request arrived. */
  time: string;
  /** The router's id for the request (also in the `x-nemoclaw-request-id` header). */
  requestId: string;
  /** The client API called. */
  api: ClientApi;
  /** The model requested (after the provider's `model` override, when forwarded). */
  model: string;
  /** The client's address (loopback, or the sandbox bridge). */
  client: { ip: string; port: number };
  /** The provider id the request went to, or `block`. */
  route: string;
  /** The provider, when forwarded. */
  provider?: { id: string; kind: string; local: boolean; host: string } | undefined;
  /** Whether reversible redaction applied. */
  redact: boolean;
  /** How many values were replaced by placeholders. */
  redactedValues: number;
  /** Set when the request was translated to another API for the provider (and the answer back). */
  translation?: { from: ClientApi; to: ProviderApi } | undefined;
  /** Why (types and counts, rule index, basis). */
  reason: RouteReason;
  /** The same as the `x-nemoclaw-reason` header. */
  reasonText: string;
  /** Whether the conversation is pinned to a local provider. */
  sticky: boolean;
  /** A one-way digest of the conversation id, if the request had one. */
  conversation?: string | undefined;
  /** Generation of the inference policy the request was decided with. */
  policyGeneration: number;
  /** HTTP status returned to the client (0 if the client went away first). */
  status: number;
  /**
   * How the request ended; `answered`: the router answered itself without forwarding (a token
   * count estimated locally).
   */
  outcome: 'forwarded' | 'answered' | 'blocked' | 'failed' | 'aborted';
  /**
   * For `/v1/messages/count_tokens` to a provider without Anthropic Messages: `tokenizer` when the
   * provider's tokenizer counted, `estimated` when the router estimated locally.
   */
  tokenCount?: 'tokenizer' | 'estimated' | undefined;
  /** Milliseconds from arrival to the end of the response. */
  durationMs: number;
}

/** Receives every {@link RouteDecisionEvent}; exceptions it throws are logged and ignored. */
export type DecisionListener = (event: RouteDecisionEvent) => void;
