import type { ServerResponse } from 'node:http';

/** Fields of one OpenAI-compatible stream chunk's delta (wire names). */
export interface WireDelta {
  readonly role?: string;
  readonly content?: string | null;
  readonly reasoning_content?: string | null;
  readonly reasoning?: string | null;
  readonly tool_calls?: readonly {
    readonly index: number;
    readonly id?: string;
    readonly type?: 'function';
    readonly function?: { readonly name?: string; readonly arguments?: string };
  }[];
}

/** One `data: {...}\n\n` SSE event carrying a chat completion chunk, as vLLM/NIM/NVIDIA API write it. */
export function sseChunk(delta: WireDelta, finishReason: string | null = null, id = 'chatcmpl-test'): string {
  const chunk = {
    id,
    object: 'chat.completion.chunk',
    created: 1_764_480_000,
    model: 'nvidia/nemotron-3-nano-30b-a3b',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The SSE terminator. */
export const sseDone = 'data: [DONE]\n\n';

/** A complete non-streamed chat completion body (OpenAI-compatible). */
export function chatCompletionBody(
  message: Record<string, unknown>,
  finishReason = 'stop',
): Record<string, unknown> {
  return {
    id: 'chatcmpl-full',
    object: 'chat.completion',
    created: 1_764_480_000,
    model: 'nvidia/nemotron-3-nano-30b-a3b',
    choices: [
      { index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: finishReason },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
  };
}

/** Sends a JSON answer. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Starts an SSE answer the way vLLM and NIM do. */
export function startSse(response: ServerResponse, headers: Record<string, string> = {}): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...headers,
  });
  response.flushHeaders();
}

/** Error bodies as each server kind writes them. */
export const errorBodies = {
  /** NVIDIA API catalog / OpenAI style. */
  openAi: (message: string) => ({
    error: { message, type: 'invalid_request_error', param: null, code: null },
  }),
  /** vLLM and NIM (`ErrorResponse`). */
  vllm: (message: string, code: number) => ({
    object: 'error',
    message,
    type: 'BadRequestError',
    param: null,
    code,
  }),
  /** NVIDIA Cloud Functions problem details. */
  nvcf: (title: string, detail: string, status: number) => ({
    type: 'urn:nvcf-worker-service:problem-details:unprocessable-entity',
    title,
    status,
    detail,
    instance: '/v2/nvcf/pexec/functions/00000000-0000-0000-0000-000000000000',
    requestId: 'nvcf-test-request',
  }),
  /** Ollama native. */
  ollama: (message: string) => ({ error: message }),
};
