import { afterEach, describe, expect, it } from 'vitest';
import { nimProfile, nvidiaApiProfile, vllmProfile } from './endpoint-profile.js';
import { NemotronError } from './errors.js';
import { NemotronClient } from './nemotron-client.js';
import { startNimServer, startVllmServer } from './testing/flavour-servers.js';
import { type LoopbackServer, startLoopbackServer } from './testing/loopback-server.js';
import { chatCompletionBody, errorBodies, sendJson } from './testing/wire-format.js';

const fast = {
  retry: { baseDelayMs: 1, maxDelayMs: 5 },
  timeouts: { connectMs: 2000, headersMs: 5000, idleMs: 5000 },
};
const hello = {
  model: 'nvidia/nemotron-3-nano-30b-a3b',
  messages: [{ role: 'user' as const, content: 'Hi' }],
};

let servers: LoopbackServer[] = [];
let clients: NemotronClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
  clients = [];
});

async function serve(server: Promise<LoopbackServer>): Promise<LoopbackServer> {
  const started = await server;
  servers.push(started);
  return started;
}

function clientFor(
  origin: string,
  extra: Partial<ConstructorParameters<typeof NemotronClient>[0]> = {},
): NemotronClient {
  const client = new NemotronClient({ profile: nimProfile({ baseUrl: `${origin}/v1` }), ...fast, ...extra });
  clients.push(client);
  return client;
}

async function failure(promise: Promise<unknown>): Promise<NemotronError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NemotronError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('NemotronClient.chat (non-streamed)', () => {
  it('sends an OpenAI-compatible body and returns the typed answer with the request id', async () => {
    const server = await serve(startNimServer());
    const result = await clientFor(server.origin).chat({
      ...hello,
      temperature: 0.2,
      maxTokens: 64,
      reasoning: false,
    });
    expect(result).toMatchObject({
      content: 'Hello there',
      reasoning: '',
      finishReason: 'stop',
      requestId: 'req-json',
    });
    expect(result.usage).toEqual({ promptTokens: 12, completionTokens: 5, totalTokens: 17 });
    expect(server.requests[0]?.json).toMatchObject({
      model: hello.model,
      stream: false,
      temperature: 0.2,
      max_tokens: 64,
      chat_template_kwargs: { enable_thinking: false },
    });
  });

  it('separates reasoning given as reasoning_content, as reasoning, and as a <think> block', async () => {
    const answers = [
      { content: 'Four.', reasoning_content: '2+2 is 4' },
      { content: 'Four.', reasoning: '2+2 is 4' },
      { content: '<think>2+2 is 4</think>\n\nFour.' },
      { content: '2+2 is 4</think>\n\nFour.' },
    ];
    let next = 0;
    const server = await serve(
      startVllmServer({
        chat: (_request, response) => sendJson(response, 200, chatCompletionBody(answers[next++] ?? {})),
      }),
    );
    const client = clientFor(server.origin);
    for (const _ of answers) {
      expect(await client.chat(hello)).toMatchObject({ content: 'Four.', reasoning: '2+2 is 4' });
    }
  });

  it('returns tool calls and structured output requests in the wire format', async () => {
    const server = await serve(
      startNimServer({
        chat: (_request, response) =>
          sendJson(
            response,
            200,
            chatCompletionBody(
              {
                content: null,
                tool_calls: [
                  {
                    id: 'call_1',
                    type: 'function',
                    function: { name: 'lookup', arguments: '{"city":"Zürich"}' },
                  },
                ],
              },
              'tool_calls',
            ),
          ),
      }),
    );
    const tools = [
      { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object' } } },
    ];
    const result = await clientFor(server.origin).chat({
      ...hello,
      tools,
      toolChoice: 'auto',
      responseFormat: { type: 'json_object' },
    });
    expect(result.toolCalls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"city":"Zürich"}' } },
    ]);
    expect(result.finishReason).toBe('tool_calls');
    expect(server.requests[0]?.json).toMatchObject({
      tools,
      tool_choice: 'auto',
      response_format: { type: 'json_object' },
    });
  });

  it('reports a malformed answer clearly instead of returning undefined fields', async () => {
    const bodies = [
      '{"choices": [{"message": {"content": 42}}]}',
      '{"choices": []}',
      'not json at all',
      '{"id": "x"}',
    ];
    let next = 0;
    const server = await serve(
      startNimServer({
        chat: (_request, response) => {
          response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'bad-1' });
          response.end(bodies[next++]);
        },
      }),
    );
    const client = clientFor(server.origin);
    for (const body of bodies) {
      const error = await failure(client.chat(hello));
      expect(error.code, body).toBe('MALFORMED_RESPONSE');
      expect(error.requestId).toBe('bad-1');
    }
  });

  it('carries status, request id and the server message for each flavour of error body', async () => {
    const cases: { status: number; body: unknown; headers: Record<string, string>; message: string }[] = [
      {
        status: 400,
        body: errorBodies.openAi('max_tokens is too large'),
        headers: { 'x-request-id': 'openai-1' },
        message: 'max_tokens is too large',
      },
      {
        status: 400,
        body: errorBodies.vllm('This model only supports 131072 tokens', 400),
        headers: { 'x-request-id': 'vllm-1' },
        message: 'This model only supports 131072 tokens',
      },
      {
        status: 422,
        body: errorBodies.nvcf('Unprocessable Entity', 'messages: field required', 422),
        headers: { 'nvcf-reqid': 'nvcf-1' },
        message: 'Unprocessable Entity: messages: field required',
      },
      {
        status: 404,
        body: { detail: 'Not Found' },
        headers: { 'x-request-id': 'fastapi-1' },
        message: 'Not Found',
      },
    ];
    let next = 0;
    const server = await serve(
      startNimServer({
        chat: (_request, response) => {
          const current = cases[next++];
          if (current !== undefined) sendJson(response, current.status, current.body, current.headers);
        },
      }),
    );
    const client = clientFor(server.origin);
    for (const current of cases) {
      const error = await failure(client.chat(hello));
      expect(error).toMatchObject({
        code: 'HTTP_ERROR',
        status: current.status,
        serverMessage: current.message,
        attempts: 1,
      });
      expect(error.requestId).toBe(Object.values(current.headers)[0]);
      expect(error.message).toContain(current.message);
    }
  });
});

describe('retries', () => {
  it('retries a 429 after the Retry-After seconds it names, then succeeds', async () => {
    const times: number[] = [];
    const server = await serve(
      startNimServer({
        chat: (_request, response) => {
          times.push(Date.now());
          if (times.length === 1)
            sendJson(response, 429, errorBodies.openAi('slow down'), { 'retry-after': '1' });
          else sendJson(response, 200, chatCompletionBody({ content: 'ok' }));
        },
      }),
    );
    const result = await clientFor(server.origin).chat(hello);
    expect(result.content).toBe('ok');
    expect(times).toHaveLength(2);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('honours a Retry-After HTTP-date', async () => {
    let calls = 0;
    const server = await serve(
      startNimServer({
        chat: (_request, response) => {
          calls += 1;
          if (calls === 1)
            sendJson(response, 503, errorBodies.vllm('loading', 503), {
              'retry-after': new Date(Date.now() - 1000).toUTCString(),
            });
          else sendJson(response, 200, chatCompletionBody({ content: 'ok' }));
        },
      }),
    );
    expect((await clientFor(server.origin).chat(hello)).content).toBe('ok');
    expect(calls).toBe(2);
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    let calls = 0;
    const server = await serve(
      startNimServer({
        chat: (_request, response) => {
          calls += 1;
          if (calls < 3) sendJson(response, 500, errorBodies.vllm('internal', 500));
          else sendJson(response, 200, chatCompletionBody({ content: 'third time' }));
        },
      }),
    );
    expect((await clientFor(server.origin).chat(hello)).content).toBe('third time');
    expect(calls).toBe(3);
  });

  it('retries a connection reset before any response, then succeeds', async () => {
    let calls = 0;
    const server = await serve(
      startNimServer({
        chat: (_request, response) => {
          calls += 1;
          if (calls === 1) response.socket?.destroy();
          else sendJson(response, 200, chatCompletionBody({ content: 'after reset' }));
        },
      }),
    );
    expect((await clientFor(server.origin).chat(hello)).content).toBe('after reset');
    expect(calls).toBe(2);
  });

  it('does not retry 501 or 4xx, and gives up after maxRetries with the last answer', async () => {
    let calls = 0;
    const server = await serve(
      startNimServer({
        chat: (request, response) => {
          calls += 1;
          const model = (request.json as { model: string }).model;
          if (model === 'not-implemented') sendJson(response, 501, errorBodies.openAi('nope'));
          else
            sendJson(response, 503, errorBodies.vllm('overloaded', 503), { 'x-request-id': `try-${calls}` });
        },
      }),
    );
    const client = clientFor(server.origin, { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    expect(await failure(client.chat({ ...hello, model: 'not-implemented' }))).toMatchObject({
      code: 'SERVER_ERROR',
      status: 501,
      attempts: 1,
    });
    expect(calls).toBe(1);
    const error = await failure(client.chat(hello));
    expect(error).toMatchObject({
      code: 'SERVER_ERROR',
      status: 503,
      attempts: 3,
      requestId: 'try-4',
      serverMessage: 'overloaded',
    });
    expect(calls).toBe(4);
  });

  it('fails at once when Retry-After exceeds what the policy allows', async () => {
    const server = await serve(
      startNimServer({
        chat: (_request, response) =>
          sendJson(response, 429, errorBodies.openAi('quota'), { 'retry-after': '3600' }),
      }),
    );
    const error = await failure(clientFor(server.origin).chat(hello));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, attempts: 1 });
    expect(error.message).toMatch(/Retry-After asks for 3600 s/);
    expect(server.requests).toHaveLength(1);
  });

  it('stops waiting for a retry when the signal aborts', async () => {
    const server = await serve(
      startNimServer({
        chat: (_request, response) =>
          sendJson(response, 429, errorBodies.openAi('wait'), { 'retry-after': '30' }),
      }),
    );
    const controller = new AbortController();
    const pending = clientFor(server.origin).chat(hello, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await failure(pending)).toMatchObject({ code: 'ABORTED' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('embeddings, models and health', () => {
  it('embeds with input_type and returns vectors in input order', async () => {
    const server = await serve(startNimServer());
    const result = await clientFor(server.origin).embed({
      model: 'nvidia/llama-3.2-nv-embedqa-1b-v2',
      input: ['a', 'b'],
      inputType: 'query',
    });
    expect(result.embeddings).toEqual([
      [0, 0.5, -0.25],
      [1, 0.5, -0.25],
    ]);
    expect(result.promptTokens).toBe(6);
    expect(server.requests[0]?.json).toMatchObject({
      input: ['a', 'b'],
      input_type: 'query',
      encoding_format: 'float',
    });
  });

  it('lists models with their context windows', async () => {
    const server = await serve(startVllmServer({ models: ['a', 'b'] }));
    const client = new NemotronClient({ profile: vllmProfile({ baseUrl: `${server.origin}/v1` }), ...fast });
    clients.push(client);
    expect(await client.listModels()).toEqual([
      { id: 'a', ownedBy: 'vllm', contextWindow: 131_072, sizeBytes: undefined },
      { id: 'b', ownedBy: 'vllm', contextWindow: 131_072, sizeBytes: undefined },
    ]);
  });

  it('reports readiness per flavour and never throws for a dead server', async () => {
    const ready = await serve(startNimServer());
    const notReady = await serve(startNimServer({ ready: false }));
    const vllm = await serve(startVllmServer());
    expect(await clientFor(ready.origin).health()).toMatchObject({ ready: true, status: 200 });
    expect(await clientFor(notReady.origin).health()).toMatchObject({
      ready: false,
      status: 503,
      code: 'SERVER_ERROR',
    });
    expect(notReady.requests.filter((request) => request.path === '/v1/health/ready')).toHaveLength(1);
    const vllmClient = new NemotronClient({
      profile: vllmProfile({ baseUrl: `${vllm.origin}/v1` }),
      ...fast,
    });
    clients.push(vllmClient);
    expect(await vllmClient.health()).toMatchObject({ ready: true });
    expect(vllm.requests.at(-1)?.path).toBe('/health');
    const dead = await startLoopbackServer(() => undefined);
    const deadOrigin = dead.origin;
    await dead.close();
    expect(await clientFor(deadOrigin).health()).toMatchObject({ ready: false, code: 'CONNECTION_FAILED' });
  });

  it('checks the NVIDIA API profile through GET /models with the key', async () => {
    const server = await serve(startNimServer());
    const client = new NemotronClient({
      profile: nvidiaApiProfile({ baseUrl: `${server.origin}/v1` }),
      environment: { NVIDIA_API_KEY: 'nvapi-test' },
      ...fast,
    });
    clients.push(client);
    expect(await client.health()).toMatchObject({ ready: true });
    expect(server.requests[0]).toMatchObject({ path: '/v1/models' });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer nvapi-test');
  });
});
