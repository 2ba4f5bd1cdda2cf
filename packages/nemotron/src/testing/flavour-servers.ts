import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LoopbackServer, type RecordedRequest, startLoopbackServer } from './loopback-server.js';
import { chatCompletionBody, sendJson, sseChunk, sseDone, startSse } from './wire-format.js';

/** Overrides for the chat/embedding endpoints of a flavour server. */
export interface FlavourHandlers {
  /** Answers `POST .../chat/completions` (or Ollama `/api/chat`); default: a short fixed answer. */
  readonly chat?: (
    request: RecordedRequest,
    response: ServerResponse,
    raw: IncomingMessage,
  ) => void | Promise<void>;
  /** Answers embeddings; default: 3-dimensional vectors. */
  readonly embed?: (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;
  /** Models listed. */
  readonly models?: readonly string[];
  /** Whether the readiness endpoint says ready (default true). */
  readonly ready?: boolean;
}

function notFoundFastApi(response: ServerResponse): void {
  sendJson(response, 404, { detail: 'Not Found' });
}

function streamRequested(request: RecordedRequest): boolean {
  return (
    typeof request.json === 'object' &&
    request.json !== null &&
    (request.json as { stream?: unknown }).stream === true
  );
}

function defaultOpenAiChat(request: RecordedRequest, response: ServerResponse): void {
  if (streamRequested(request)) {
    startSse(response, { 'x-request-id': 'req-stream' });
    response.write(sseChunk({ role: 'assistant', content: '' }));
    response.write(sseChunk({ content: 'Hello' }));
    response.write(sseChunk({ content: ' there' }));
    response.write(sseChunk({}, 'stop'));
    response.end(sseDone);
    return;
  }
  sendJson(response, 200, chatCompletionBody({ content: 'Hello there' }), { 'x-request-id': 'req-json' });
}

function defaultOpenAiEmbed(request: RecordedRequest, response: ServerResponse): void {
  const input = (request.json as { input: string[] }).input;
  sendJson(response, 200, {
    object: 'list',
    model: (request.json as { model: string }).model,
    data: input.map((_, index) => ({ object: 'embedding', index, embedding: [index, 0.5, -0.25] })).reverse(),
    usage: { prompt_tokens: input.length * 3, total_tokens: input.length * 3 },
  });
}

function openAiModels(
  models: readonly string[],
  ownedBy: string,
  maxModelLength: number | undefined,
): Record<string, unknown> {
  return {
    object: 'list',
    data: models.map((id) => ({
      id,
      object: 'model',
      created: 1_764_480_000,
      owned_by: ownedBy,
      root: id,
      parent: null,
      ...(maxModelLength === undefined ? {} : { max_model_len: maxModelLength }),
    })),
  };
}

/**
 * A NIM-like server: `/v1/health/ready`, `/v1/health/live`, `/v1/metadata`, `/v1/version`,
 * `/v1/models`, `/v1/chat/completions`, `/v1/embeddings`; 404s as FastAPI writes them.
 */
export function startNimServer(handlers: FlavourHandlers = {}): Promise<LoopbackServer> {
  const models = handlers.models ?? ['nvidia/nemotron-3-nano'];
  return startLoopbackServer(async (request, response, raw) => {
    const path = request.path.split('?')[0];
    if (request.method === 'GET' && path === '/v1/health/ready') {
      if (handlers.ready === false)
        sendJson(response, 503, { object: 'health.response', message: 'Service is not ready.' });
      else sendJson(response, 200, { object: 'health.response', message: 'Service is ready.' });
    } else if (request.method === 'GET' && path === '/v1/health/live') {
      sendJson(response, 200, { object: 'health.response', message: 'Service is live.' });
    } else if (request.method === 'GET' && path === '/v1/metadata') {
      sendJson(response, 200, {
        version: '1.14.0',
        assetInfo: ['nvidia/nemotron-3-nano:hf-1130'],
        licenseInfo: { name: 'NVIDIA Open Model License' },
        modelInfo: models.map((id) => ({ modelUrl: `ngc://${id}`, shortName: id })),
        repository_override: '',
      });
    } else if (request.method === 'GET' && path === '/v1/version') {
      sendJson(response, 200, { release: '1.14.0', api: '1.0.0' });
    } else if (request.method === 'GET' && path === '/v1/models') {
      sendJson(response, 200, openAiModels(models, 'system', 262_144));
    } else if (request.method === 'POST' && path === '/v1/chat/completions') {
      await (handlers.chat ?? defaultOpenAiChat)(request, response, raw);
    } else if (request.method === 'POST' && path === '/v1/embeddings') {
      await (handlers.embed ?? defaultOpenAiEmbed)(request, response);
    } else {
      notFoundFastApi(response);
    }
  });
}

/** A vLLM-like server: `/health` (empty 200), `/version`, `/v1/models` (with `max_model_len`), chat, embeddings. */
export function startVllmServer(handlers: FlavourHandlers = {}): Promise<LoopbackServer> {
  const models = handlers.models ?? ['nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-FP8'];
  return startLoopbackServer(async (request, response, raw) => {
    const path = request.path.split('?')[0];
    if (request.method === 'GET' && path === '/health') {
      response.writeHead(handlers.ready === false ? 503 : 200, { 'content-length': '0' });
      response.end();
    } else if (request.method === 'GET' && path === '/version') {
      sendJson(response, 200, { version: '0.11.2' });
    } else if (request.method === 'GET' && path === '/v1/models') {
      sendJson(response, 200, openAiModels(models, 'vllm', 131_072));
    } else if (request.method === 'POST' && path === '/v1/chat/completions') {
      await (handlers.chat ?? defaultOpenAiChat)(request, response, raw);
    } else if (request.method === 'POST' && path === '/v1/embeddings') {
      await (handlers.embed ?? defaultOpenAiEmbed)(request, response);
    } else {
      notFoundFastApi(response);
    }
  });
}

function defaultOllamaChat(request: RecordedRequest, response: ServerResponse): void {
  const model = (request.json as { model: string }).model;
  const line = (
    message: Record<string, unknown>,
    done: boolean,
    extra: Record<string, unknown> = {},
  ): string =>
    `${JSON.stringify({ model, created_at: '2026-11-30T05:00:00.000Z', message: { role: 'assistant', ...message }, done, ...extra })}\n`;
  const final = {
    done_reason: 'stop',
    total_duration: 1_000_000,
    prompt_eval_count: 9,
    eval_count: 2,
    eval_duration: 500_000,
  };
  if (streamRequested(request)) {
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    response.write(line({ content: 'Hello' }, false));
    response.write(line({ content: ' there' }, false));
    response.end(line({ content: '' }, true, final));
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  response.end(line({ content: 'Hello there' }, true, final).trim());
}

/**
 * An Ollama-like server: `GET /` ("Ollama is running"), `/api/version`, `/api/tags`, native
 * `/api/chat` (NDJSON when streaming) and `/api/embed`, and `/v1/...` OpenAI-compatible chat;
 * 404s as Go's mux writes them (`404 page not found`).
 */
export function startOllamaServer(handlers: FlavourHandlers = {}): Promise<LoopbackServer> {
  const models = handlers.models ?? ['nemotron-3-nano:30b'];
  return startLoopbackServer(async (request, response, raw) => {
    const path = request.path.split('?')[0];
    if (request.method === 'GET' && path === '/') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Ollama is running');
    } else if (request.method === 'GET' && path === '/api/version') {
      sendJson(response, 200, { version: '0.13.1' });
    } else if (request.method === 'GET' && path === '/api/tags') {
      sendJson(response, 200, {
        models: models.map((name) => ({
          name,
          model: name,
          modified_at: '2026-11-01T00:00:00Z',
          size: 24_000_000_000,
          digest: 'sha256:0000',
          details: {
            format: 'gguf',
            family: 'nemotron_h_moe',
            parameter_size: '31.6B',
            quantization_level: 'Q4_K_M',
          },
        })),
      });
    } else if (request.method === 'POST' && path === '/api/chat') {
      await (handlers.chat ?? defaultOllamaChat)(request, response, raw);
    } else if (request.method === 'POST' && path === '/api/embed') {
      if (handlers.embed !== undefined) await handlers.embed(request, response);
      else {
        const input = (request.json as { input: string[] }).input;
        sendJson(response, 200, {
          model: (request.json as { model: string }).model,
          embeddings: input.map(() => [0.1, 0.2]),
          prompt_eval_count: 4,
        });
      }
    } else if (request.method === 'POST' && path === '/v1/chat/completions') {
      await (handlers.chat ?? defaultOpenAiChat)(request, response, raw);
    } else if (request.method === 'GET' && path === '/v1/models') {
      sendJson(response, 200, openAiModels(models, 'library', undefined));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('404 page not found');
    }
  });
}
