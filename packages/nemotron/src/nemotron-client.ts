import { z } from 'zod';
import { type EndpointProfile, parseBaseUrl, resolveApiKey } from './endpoint-profile.js';
import { NemotronError } from './errors.js';
import { defaultRetryPolicy, type RetryPolicy, resolveRetryPolicy } from './http/retry-policy.js';
import {
  defaultMaxResponseBytes,
  type HttpResponse,
  HttpTransport,
  headerValue,
  readBodyText,
  resolveTimeouts,
  type Timeouts,
} from './http/transport.js';
import { ollamaChatLineSchema, ollamaEmbedSchema, ollamaTagsSchema } from './protocol/ollama-schemas.js';
import { chatCompletionSchema, embeddingsSchema, modelListSchema } from './protocol/openai-schemas.js';
import {
  ollamaChatBody,
  ollamaEmbeddingBody,
  openAiChatBody,
  openAiEmbeddingBody,
} from './protocol/request-bodies.js';
import { planReasoning } from './reasoning/reasoning-switch.js';
import { splitThinkContent } from './reasoning/think-splitter.js';
import { ChatStream } from './stream/chat-stream.js';
import { OllamaStreamDecoder } from './stream/ollama-stream-decoder.js';
import { describeIssues, OpenAiStreamDecoder } from './stream/openai-stream-decoder.js';
import { defaultMaxEventLength } from './stream/sse-decoder.js';
import type {
  ChatRequest,
  ChatResult,
  EmbeddingRequest,
  EmbeddingResult,
  ServerModel,
  ToolCall,
} from './types.js';

/** Options of a {@link NemotronClient}. */
export interface NemotronClientOptions {
  /** Where the server is and how to speak to it (see `nvidiaApiProfile()`, `nimProfile()`, ...). */
  readonly profile: EndpointProfile;
  /** Time limits (defaults: connect 10 s, headers 300 s, idle 60 s). */
  readonly timeouts?: Partial<Timeouts>;
  /** Retry policy (defaults: 3 retries, 500 ms base, 20 s cap, Retry-After up to 60 s). */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Where API keys are read from: `process.env` unless given (tests and embedders pass a record
   * standing in for the environment). Keys are never accepted as plain options.
   */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** Allow sending a key over plain HTTP to a non-loopback host (off: such requests fail closed). */
  readonly allowInsecureKeyTransport?: boolean;
  /** Separate `<think>` blocks found in answer text into `reasoning` (default true). */
  readonly splitThinkTags?: boolean;
  /**
   * Merge adjacent text deltas of the same kind that arrive in one network read into one event
   * (default true: the consumer wakes once per read, not once per token). Set false to get one
   * event per server chunk.
   */
  readonly coalesceDeltas?: boolean;
  /** Largest whole (non-streamed) answer accepted, in bytes (default 128 MiB). */
  readonly maxResponseBytes?: number;
  /** Largest single stream event or NDJSON line accepted, in characters (default 16 MiB). */
  readonly maxEventLength?: number;
  /** Extra non-secret headers sent with every request. `authorization` is refused here. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call; for a stream, closes the upstream connection. */
  readonly signal?: AbortSignal;
  /** Overrides the client's time limits for this call. */
  readonly timeouts?: Partial<Timeouts>;
  /** Overrides the client's retry policy for this call. */
  readonly retry?: Partial<RetryPolicy>;
}

/** Result of {@link NemotronClient.health}. Never thrown: a dead server is `ready: false`. */
export interface HealthStatus {
  /** Whether the server answered that it is ready to serve. */
  readonly ready: boolean;
  /** HTTP status of the probe, when the server answered. */
  readonly status: number | undefined;
  /** Error code when not ready because the probe failed. */
  readonly code: string | undefined;
  /** Human-readable detail. */
  readonly detail: string;
  /** Milliseconds the probe took. */
  readonly latencyMs: number;
}

/** A structured answer: the chat result and the value parsed from it. */
export interface StructuredResult<T> {
  /** The parsed, schema-valid value. */
  readonly value: T;
  /** The full chat answer. */
  readonly result: ChatResult;
}

const userAgent = '@nemoclaw/nemotron';

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new NemotronError('INVALID_OPTION', `${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * A typed client for Nemotron models served by NVIDIA's API catalog, a NIM container, vLLM or
 * Ollama: chat (whole or streamed), tool calling, structured output, embeddings, model listing
 * and health. Every answer is validated with zod; every failure is a {@link NemotronError}.
 *
 * @example
 * ```ts
 * const client = new NemotronClient({ profile: nvidiaApiProfile() });
 * const answer = await client.chat({ model: 'nvidia/nemotron-3-nano-30b-a3b', messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export class NemotronClient {
  /** The endpoint this client talks to. */
  readonly profile: EndpointProfile;
  readonly #baseUrl: URL;
  readonly #basePath: string;
  readonly #timeouts: Timeouts;
  readonly #retry: RetryPolicy;
  readonly #environment: Readonly<Record<string, string | undefined>>;
  readonly #allowInsecureKeyTransport: boolean;
  readonly #splitThinkTags: boolean;
  readonly #coalesceDeltas: boolean;
  readonly #maxResponseBytes: number;
  readonly #maxEventLength: number;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #transport: HttpTransport;

  /** @param options - endpoint profile, timeouts, retry policy; throws `INVALID_OPTION` on bad values */
  constructor(options: NemotronClientOptions) {
    this.profile = options.profile;
    this.#baseUrl = parseBaseUrl(options.profile.baseUrl);
    this.#basePath = this.#baseUrl.pathname.replace(/\/+$/, '');
    this.#timeouts = resolveTimeouts(options.timeouts);
    this.#retry = resolveRetryPolicy(options.retry);
    this.#environment = options.environment ?? process.env;
    this.#allowInsecureKeyTransport = options.allowInsecureKeyTransport ?? false;
    this.#splitThinkTags = options.splitThinkTags ?? true;
    this.#coalesceDeltas = options.coalesceDeltas ?? true;
    this.#maxResponseBytes = positiveInteger(
      options.maxResponseBytes,
      defaultMaxResponseBytes,
      'maxResponseBytes',
    );
    this.#maxEventLength = positiveInteger(options.maxEventLength, defaultMaxEventLength, 'maxEventLength');
    const headers = options.headers ?? {};
    for (const name of Object.keys(headers)) {
      if (['authorization', 'proxy-authorization', 'cookie'].includes(name.toLowerCase())) {
        throw new NemotronError(
          'INVALID_OPTION',
          `header "${name}" may not be set as an option; keys come from the environment (apiKeyEnv)`,
        );
      }
    }
    this.#headers = headers;
    this.#transport = new HttpTransport(this.#timeouts.connectMs);
  }

  /** Sends a chat request and returns the whole answer, reasoning separated from content. */
  async chat(request: ChatRequest, options: CallOptions = {}): Promise<ChatResult> {
    const plan = planReasoning(request);
    const ollama = this.profile.protocol === 'ollama';
    const body = ollama ? ollamaChatBody(request, plan, false) : openAiChatBody(request, plan, false);
    const response = await this.#send('POST', ollama ? '/api/chat' : '/chat/completions', body, options);
    const json = await this.#readJson(
      response,
      options,
      ollama ? 'POST /api/chat' : 'POST /chat/completions',
    );
    return ollama
      ? this.#ollamaResult(json, response.requestId, request.model)
      : this.#openAiResult(json, response.requestId);
  }

  /**
   * Sends a streamed chat request. Resolves once the server accepted it (retrying 429/5xx/reset
   * until then) with a {@link ChatStream} of typed events; nothing after that is retried.
   */
  async chatStream(request: ChatRequest, options: CallOptions = {}): Promise<ChatStream> {
    const plan = planReasoning(request);
    const ollama = this.profile.protocol === 'ollama';
    const body = ollama ? ollamaChatBody(request, plan, true) : openAiChatBody(request, plan, true);
    const path = ollama ? '/api/chat' : '/chat/completions';
    const response = await this.#send(
      'POST',
      path,
      body,
      options,
      ollama ? 'application/x-ndjson' : 'text/event-stream',
    );
    const key = this.#currentKey();
    const contentType = headerValue(response.headers, 'content-type') ?? '';
    if (!ollama && contentType.length > 0 && !contentType.includes('text/event-stream')) {
      const text = await readBodyText(response, options.signal, path).catch(() => '');
      throw new NemotronError(
        'MALFORMED_RESPONSE',
        `POST ${path}: asked for a stream but the server answered ${contentType}: ${text.slice(0, 200)}`,
        { status: response.status, requestId: response.requestId },
      );
    }
    return new ChatStream({
      body: response.body,
      watchdog: response.watchdog,
      decoder: ollama
        ? new OllamaStreamDecoder(this.#splitThinkTags, this.#coalesceDeltas, this.#maxEventLength)
        : new OpenAiStreamDecoder(this.#splitThinkTags, this.#coalesceDeltas, this.#maxEventLength),
      signal: options.signal,
      target: `POST ${this.#baseUrl.origin}${this.#basePath}${path}`,
      requestId: response.requestId,
      model: request.model,
      secrets: key === undefined ? [] : [key],
    });
  }

  /**
   * Structured output: asks for JSON valid for `schema` (sent as a JSON Schema in
   * `response_format`, or Ollama's `format`), then parses and validates the answer with the same
   * zod schema. A non-JSON or invalid answer is an `INVALID_JSON_OUTPUT` error.
   */
  async chatStructured<T>(
    request: ChatRequest,
    schema: z.ZodType<T>,
    options: CallOptions & { readonly schemaName?: string } = {},
  ): Promise<StructuredResult<T>> {
    const jsonSchema = z.toJSONSchema(schema) as Record<string, unknown>;
    const result = await this.chat(
      {
        ...request,
        responseFormat: {
          type: 'json_schema',
          jsonSchema: { name: options.schemaName ?? 'answer', schema: jsonSchema },
        },
      },
      options,
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.content);
    } catch {
      throw new NemotronError(
        'INVALID_JSON_OUTPUT',
        `the model's answer is not JSON: ${JSON.stringify(result.content.slice(0, 120))}`,
        {
          requestId: result.requestId,
        },
      );
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success) {
      throw new NemotronError(
        'INVALID_JSON_OUTPUT',
        `the model's JSON does not match the schema (${describeIssues(checked.error)})`,
        {
          requestId: result.requestId,
          cause: checked.error,
        },
      );
    }
    return { value: checked.data, result };
  }

  /** Embeds one or more texts. */
  async embed(request: EmbeddingRequest, options: CallOptions = {}): Promise<EmbeddingResult> {
    if (this.profile.protocol === 'ollama') {
      const response = await this.#send('POST', '/api/embed', ollamaEmbeddingBody(request), options);
      const parsed = this.#validate(
        ollamaEmbedSchema,
        await this.#readJson(response, options, 'POST /api/embed'),
        'POST /api/embed',
        response,
      );
      return {
        model: parsed.model || request.model,
        embeddings: parsed.embeddings,
        promptTokens: parsed.prompt_eval_count,
      };
    }
    const response = await this.#send('POST', '/embeddings', openAiEmbeddingBody(request), options);
    const parsed = this.#validate(
      embeddingsSchema,
      await this.#readJson(response, options, 'POST /embeddings'),
      'POST /embeddings',
      response,
    );
    const ordered = [...parsed.data]
      .sort((left, right) => left.index - right.index)
      .map((item) => item.embedding);
    return {
      model: parsed.model || request.model,
      embeddings: ordered,
      promptTokens: parsed.usage?.prompt_tokens,
    };
  }

  /** Models the server offers (`GET /models`, or Ollama's `GET /api/tags`). */
  async listModels(options: CallOptions = {}): Promise<ServerModel[]> {
    if (this.profile.protocol === 'ollama') {
      const response = await this.#send('GET', '/api/tags', undefined, options);
      const parsed = this.#validate(
        ollamaTagsSchema,
        await this.#readJson(response, options, 'GET /api/tags'),
        'GET /api/tags',
        response,
      );
      return parsed.models.map((model) => ({
        id: model.name,
        ownedBy: undefined,
        contextWindow: undefined,
        sizeBytes: model.size,
      }));
    }
    const response = await this.#send('GET', '/models', undefined, options);
    const parsed = this.#validate(
      modelListSchema,
      await this.#readJson(response, options, 'GET /models'),
      'GET /models',
      response,
    );
    return parsed.data.map((model) => ({
      id: model.id,
      ownedBy: model.owned_by ?? undefined,
      contextWindow: model.max_model_len ?? undefined,
      sizeBytes: undefined,
    }));
  }

  /**
   * Probes readiness the way the server kind defines it: NIM `GET /v1/health/ready`, vLLM
   * `GET /health`, Ollama `GET /api/version`, NVIDIA API and others `GET /models` (which also
   * proves the key works). Never throws; no retries.
   */
  async health(options: CallOptions = {}): Promise<HealthStatus> {
    const started = performance.now();
    const path = this.#healthPath();
    const elapsed = (): number => Math.round(performance.now() - started);
    try {
      const response = await this.#send(
        'GET',
        path.relative,
        undefined,
        { ...options, retry: { maxRetries: 0 } },
        undefined,
        path.fromOrigin,
      );
      await readBodyText(response, options.signal, path.relative).catch(() => '');
      return {
        ready: true,
        status: response.status,
        code: undefined,
        detail: `${path.relative} answered ${response.status}`,
        latencyMs: elapsed(),
      };
    } catch (error) {
      const failure =
        error instanceof NemotronError ? error : new NemotronError('CONNECTION_FAILED', String(error));
      return {
        ready: false,
        status: failure.status,
        code: failure.code,
        detail: failure.message,
        latencyMs: elapsed(),
      };
    }
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await this.#transport.close();
  }

  /** The key currently in the environment (for redaction only; never validated here). */
  #currentKey(): string | undefined {
    const name = this.profile.apiKeyEnv;
    const value = name === undefined ? undefined : this.#environment[name]?.trim();
    return value === undefined || value.length === 0 ? undefined : value;
  }

  #healthPath(): { relative: string; fromOrigin: boolean } {
    switch (this.profile.flavour) {
      case 'nim':
        return { relative: '/health/ready', fromOrigin: false };
      case 'vllm':
        return { relative: '/health', fromOrigin: true };
      case 'ollama':
        return { relative: '/api/version', fromOrigin: true };
      default:
        return { relative: '/models', fromOrigin: false };
    }
  }

  async #send(
    method: 'GET' | 'POST',
    path: string,
    body: Record<string, unknown> | undefined,
    options: CallOptions,
    accept = 'application/json',
    fromOrigin = false,
  ): Promise<HttpResponse> {
    const url = new URL(`${this.#baseUrl.origin}${fromOrigin ? '' : this.#basePath}${path}`);
    const key = resolveApiKey(this.profile, url, this.#environment, this.#allowInsecureKeyTransport);
    const headers: Record<string, string> = { ...this.#headers, accept, 'user-agent': userAgent };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key !== undefined) headers.authorization = `Bearer ${key}`;
    const retry =
      options.retry === undefined ? this.#retry : resolveRetryPolicy({ ...this.#retry, ...options.retry });
    return this.#transport.send(
      {
        method,
        url,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: options.signal,
        secrets: key === undefined ? [] : [key],
        timeouts:
          options.timeouts === undefined ? this.#timeouts : resolveTimeouts(options.timeouts, this.#timeouts),
      },
      retry ?? defaultRetryPolicy,
    );
  }

  async #readJson(response: HttpResponse, options: CallOptions, target: string): Promise<unknown> {
    const text = await readBodyText(response, options.signal, target, this.#maxResponseBytes);
    try {
      return JSON.parse(text);
    } catch {
      throw new NemotronError(
        'MALFORMED_RESPONSE',
        `${target}: the server's answer is not JSON: ${JSON.stringify(text.slice(0, 120))}`,
        {
          status: response.status,
          requestId: response.requestId,
        },
      );
    }
  }

  #validate<T>(schema: z.ZodType<T>, json: unknown, target: string, response: HttpResponse): T {
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new NemotronError(
        'MALFORMED_RESPONSE',
        `${target}: the server's answer has the wrong shape (${describeIssues(parsed.error)})`,
        {
          status: response.status,
          requestId: response.requestId,
          cause: parsed.error,
        },
      );
    }
    return parsed.data;
  }

  #openAiResult(json: unknown, requestId: string | undefined): ChatResult {
    const parsed = chatCompletionSchema.safeParse(json);
    if (!parsed.success) {
      throw new NemotronError(
        'MALFORMED_RESPONSE',
        `POST /chat/completions: the server's answer has the wrong shape (${describeIssues(parsed.error)})`,
        {
          requestId,
          cause: parsed.error,
        },
      );
    }
    const completion = parsed.data;
    const choice = completion.choices.find((candidate) => candidate.index === 0) ?? completion.choices[0];
    if (choice === undefined)
      throw new NemotronError('MALFORMED_RESPONSE', 'POST /chat/completions: no choices', { requestId });
    const message = choice.message;
    const rawContent = message.content ?? '';
    const separateReasoning = message.reasoning_content ?? message.reasoning ?? '';
    const split =
      separateReasoning.length === 0 && this.#splitThinkTags
        ? splitThinkContent(rawContent)
        : { reasoning: separateReasoning, content: rawContent };
    const toolCalls: ToolCall[] = (message.tool_calls ?? []).map((call, index) => ({
      id: call.id.length > 0 ? call.id : `call_${index}`,
      type: 'function',
      function: { name: call.function.name, arguments: call.function.arguments },
    }));
    const usage = completion.usage;
    return {
      id: completion.id,
      model: completion.model,
      content: split.content,
      reasoning: split.reasoning,
      toolCalls,
      finishReason: choice.finish_reason ?? null,
      usage:
        usage === null || usage === undefined
          ? undefined
          : {
              promptTokens: usage.prompt_tokens,
              completionTokens: usage.completion_tokens,
              totalTokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens,
            },
      requestId,
    };
  }

  #ollamaResult(json: unknown, requestId: string | undefined, model: string): ChatResult {
    const parsed = ollamaChatLineSchema.safeParse(json);
    if (!parsed.success) {
      throw new NemotronError(
        'MALFORMED_RESPONSE',
        `POST /api/chat: the server's answer has the wrong shape (${describeIssues(parsed.error)})`,
        {
          requestId,
          cause: parsed.error,
        },
      );
    }
    const answer = parsed.data;
    const rawContent = answer.message?.content ?? '';
    const thinking = answer.message?.thinking ?? '';
    const split =
      thinking.length === 0 && this.#splitThinkTags
        ? splitThinkContent(rawContent)
        : { reasoning: thinking, content: rawContent };
    const toolCalls: ToolCall[] = (answer.message?.tool_calls ?? []).map((call, index) => ({
      id: `call_${index}`,
      type: 'function',
      function: { name: call.function.name, arguments: JSON.stringify(call.function.arguments) },
    }));
    const reason = answer.done_reason ?? 'stop';
    const promptTokens = answer.prompt_eval_count;
    const completionTokens = answer.eval_count;
    return {
      id: '',
      model: answer.model || model,
      content: split.content,
      reasoning: split.reasoning,
      toolCalls,
      finishReason: reason === 'stop' && toolCalls.length > 0 ? 'tool_calls' : reason,
      usage:
        promptTokens === undefined && completionTokens === undefined
          ? undefined
          : {
              promptTokens: promptTokens ?? 0,
              completionTokens: completionTokens ?? 0,
              totalTokens: (promptTokens ?? 0) + (completionTokens ?? 0),
            },
      requestId,
    };
  }
}
