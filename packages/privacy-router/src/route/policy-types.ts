import type { InferencePolicy } from '@nemoclaw/policy';

/**
 * The shape of the policy's `inference` domain as the router consumes it (snake_case, as in the
 * YAML). Structurally identical to `InferencePolicy` of `@nemoclaw/policy`; the router accepts any
 * object of this shape, already validated by the policy package.
 */

/** The kinds of model provider the router can forward to. */
export type ProviderKind = 'nemotron' | 'openai-compatible' | 'anthropic' | 'ollama';

/**
 * The wire APIs a provider can serve: OpenAI chat completions, OpenAI Responses, OpenAI
 * embeddings, Anthropic Messages (the same names as the client APIs of the router).
 */
export type ProviderApi = 'openai-chat' | 'openai-responses' | 'openai-embeddings' | 'anthropic-messages';

/** The provider APIs, as a list. */
export const providerApis: readonly ProviderApi[] = [
  'openai-chat',
  'openai-responses',
  'openai-embeddings',
  'anthropic-messages',
];

/**
 * The APIs a provider of each kind serves when the policy does not say (`apis`): Nemotron (NIM,
 * vLLM) and Ollama OpenAI chat completions and embeddings; `openai-compatible` also the Responses
 * API; `anthropic` Anthropic Messages only. A request in another API is translated (see the README).
 */
export const defaultProviderApis: Readonly<Record<ProviderKind, readonly ProviderApi[]>> = {
  nemotron: ['openai-chat', 'openai-embeddings'],
  ollama: ['openai-chat', 'openai-embeddings'],
  'openai-compatible': ['openai-chat', 'openai-responses', 'openai-embeddings'],
  anthropic: ['anthropic-messages'],
};

/** One model provider the router may forward to. */
export interface RouterInferenceProvider {
  /** The API flavour the provider speaks; `anthropic` gets `x-api-key`, the others a Bearer token. */
  kind: ProviderKind;
  /** The API root including its version segment, e.g. `http://127.0.0.1:8000/v1`. */
  base_url: string;
  /** When set, replaces the `model` of every request forwarded to this provider. */
  model?: string | undefined;
  /** Name of the environment variable holding the provider's API key (read by the router only). */
  api_key_env?: string | undefined;
  /** Whether data stays on this machine; default: true when `base_url`'s host is loopback. */
  local?: boolean | undefined;
  /**
   * The APIs the provider serves; default {@link defaultProviderApis} of its `kind`. A request in
   * an API the provider does not serve is translated (Anthropic Messages and OpenAI Responses to
   * chat completions). Not yet a field of the `@nemoclaw/policy` schema: set it programmatically.
   */
  apis?: readonly ProviderApi[] | undefined;
}

/** The condition of a routing rule: within a list ANY entry matches, across keys ALL must. */
export interface RouterInferenceRuleCondition {
  /** Entity types (e.g. `CREDIT_CARD`) of which at least one must be found. */
  entities?: readonly string[] | undefined;
  /** Term list names of which at least one must match. */
  terms?: readonly string[] | undefined;
  /** The request must be at least this sensitive. */
  sensitivity?: 'low' | 'medium' | 'high' | undefined;
}

/** One routing rule; the first that matches decides. */
export interface RouterInferenceRule {
  /** When the rule applies (an empty condition always matches). */
  when: RouterInferenceRuleCondition;
  /** A provider id, or `block`. */
  route: string;
  /** Overrides the policy's `redaction` for this rule. */
  redact?: boolean | undefined;
}

/** A term list: inline values or a file (one term per line, `#` comments). */
export type RouterInferenceTermList =
  | { file: string; values?: undefined }
  | { values: readonly string[]; file?: undefined };

/** The policy's `inference` domain. */
export interface RouterInferencePolicy {
  /** Providers by id. */
  providers: Readonly<Record<string, RouterInferenceProvider>>;
  /** The provider id (or `block`) used when no rule matches. */
  default_route: string;
  /** Ordered rules; the first match wins. */
  rules?: readonly RouterInferenceRule[] | undefined;
  /** Named term lists referenced by rules' `when.terms`. */
  terms?: Readonly<Record<string, RouterInferenceTermList>> | undefined;
  /** Reversible redaction for routes to non-local providers (default `reversible`). */
  redaction?: 'reversible' | 'none' | undefined;
  /** What to do when a local provider cannot be reached (default `block`). */
  on_local_unavailable?: 'block' | 'redact_and_cloud' | undefined;
}

/**
 * Compile-time proof that a validated `InferencePolicy` of `@nemoclaw/policy` is accepted as is.
 * @internal
 */
export type InferencePolicyIsAccepted = InferencePolicy extends RouterInferencePolicy ? true : never;
const inferencePolicyIsAccepted: InferencePolicyIsAccepted = true;
void inferencePolicyIsAccepted;
