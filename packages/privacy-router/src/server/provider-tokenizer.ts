import type { ResolvedProvider } from '../route/resolve-providers.js';
import type { RouterRuntime } from './router-runtime.js';
import type { RouterState } from './router-state.js';
import { anthropicRequestToChat } from './translate/anthropic-request-to-chat.js';
import { isRecord, type JsonRecord } from './translate/translation-result.js';
import { classifyUpstreamError, upstreamHeaders } from './upstream.js';

/**
 * Provider kinds that may run vLLM, whose server has `POST /tokenize` at its root: it applies the
 * model's chat template to chat messages and tools and counts the tokens. Ollama has no such
 * endpoint; an `openai-compatible` provider may or may not (vLLM and SGLang-like servers do, the
 * OpenAI API does not: a 404 is remembered, see below).
 */
const tokenizerKinds = new Set(['nemotron', 'openai-compatible']);

/** Statuses that mean "no tokenizer endpoint here": not asked again for the policy generation. */
const absentStatuses = new Set([404, 405, 501]);

/** Longest wait for a tokenizer answer before estimating instead (it is a CPU-only call). */
const tokenizerTimeoutMs = 5000;

/** Largest tokenizer answer read (vLLM returns every token id). */
const maxAnswerBytes = 16 * 1024 * 1024;

/** Provider ids found without a tokenizer endpoint, per policy generation. */
const absentByState = new WeakMap<RouterState, Set<string>>();

/** The path of the provider's tokenizer: its base path without the trailing `/v1`, then `/tokenize`. */
export function tokenizerPath(provider: ResolvedProvider): string {
  return `${provider.baseUrl.pathname.replace(/\/+$/, '').replace(/\/v1$/, '')}/tokenize`;
}

/** Why a provider's tokenizer gave no count (the router estimates instead). */
export type TokenizerMiss =
  | 'not-vllm-kind'
  | 'no-endpoint'
  | 'untranslatable'
  | 'credentials'
  | 'refused'
  | 'unreachable'
  | 'aborted'
  | 'bad-answer';

/** The outcome of {@link countWithProviderTokenizer}. */
export type TokenizerCount = { ok: true; count: number } | { ok: false; miss: TokenizerMiss };

/**
 * Counts the input tokens of an Anthropic Messages request (already redacted for the provider)
 * with the provider's own tokenizer (`POST /tokenize` of vLLM: chat messages, tools,
 * `add_generation_prompt`, so the count is the prompt tokens a real request would report). Never
 * throws: a provider without the endpoint (remembered for the policy generation), an error status,
 * a timeout or an odd answer gives `{ ok: false }` and the caller estimates locally.
 */
export async function countWithProviderTokenizer(
  runtime: RouterRuntime,
  state: RouterState,
  provider: ResolvedProvider,
  body: JsonRecord,
  clientHeaders: Record<string, string | string[] | undefined>,
  signal: AbortSignal,
): Promise<TokenizerCount> {
  if (!tokenizerKinds.has(provider.kind)) return { ok: false, miss: 'not-vllm-kind' };
  const absent = absentByState.get(state) ?? new Set<string>();
  absentByState.set(state, absent);
  if (absent.has(provider.id)) return { ok: false, miss: 'no-endpoint' };
  const chat = anthropicRequestToChat(body);
  if (!chat.ok) return { ok: false, miss: 'untranslatable' };
  const headers = upstreamHeaders(provider, clientHeaders, runtime.environment);
  if (!headers.ok) return { ok: false, miss: 'credentials' };
  // Without a provider model the request's (an Anthropic name) would be refused by vLLM's model
  // check: `model` is optional there and then means the served model.
  const tokenize: JsonRecord = { messages: chat.value.messages, add_generation_prompt: true };
  if (provider.model !== undefined) tokenize.model = provider.model;
  if (Array.isArray(chat.value.tools)) tokenize.tools = chat.value.tools;
  try {
    const answer = await runtime.agent.request({
      origin: provider.baseUrl.origin,
      path: tokenizerPath(provider),
      method: 'POST',
      headers: headers.value,
      body: JSON.stringify(tokenize),
      signal,
      headersTimeout: Math.min(runtime.limits.headersTimeoutMs, tokenizerTimeoutMs),
      bodyTimeout: Math.min(runtime.limits.idleTimeoutMs, tokenizerTimeoutMs),
    });
    if (answer.statusCode !== 200) {
      await answer.body.dump();
      if (absentStatuses.has(answer.statusCode)) {
        absent.add(provider.id);
        return { ok: false, miss: 'no-endpoint' };
      }
      return { ok: false, miss: 'refused' };
    }
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of answer.body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buffer.length;
      if (size > maxAnswerBytes) {
        answer.body.destroy();
        return { ok: false, miss: 'bad-answer' };
      }
      chunks.push(buffer);
    }
    const parsed: unknown = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
    if (!isRecord(parsed) || !Number.isSafeInteger(parsed.count) || Number(parsed.count) < 0) {
      return { ok: false, miss: 'bad-answer' };
    }
    return { ok: true, count: Number(parsed.count) };
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, miss: 'bad-answer' };
    return { ok: false, miss: classifyUpstreamError(error) === 'aborted' ? 'aborted' : 'unreachable' };
  }
}
