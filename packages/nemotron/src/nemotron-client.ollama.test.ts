import { afterEach, describe, expect, it } from 'vitest';
import { ollamaProfile } from './endpoint-profile.js';
import { NemotronError } from './errors.js';
import { NemotronClient } from './nemotron-client.js';
import { startOllamaServer } from './testing/flavour-servers.js';
import { type LoopbackServer, splitBytes, writePieces } from './testing/loopback-server.js';
import { errorBodies, sendJson } from './testing/wire-format.js';

const fast = {
  retry: { baseDelayMs: 1, maxDelayMs: 5 },
  timeouts: { connectMs: 2000, headersMs: 5000, idleMs: 5000 },
};
const hello = { model: 'nemotron-3-nano:30b', messages: [{ role: 'user' as const, content: 'Hi' }] };

let servers: LoopbackServer[] = [];
let clients: NemotronClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
  clients = [];
});

async function ollama(
  handlers: Parameters<typeof startOllamaServer>[0] = {},
  protocol: 'ollama' | 'openai' = 'ollama',
) {
  const server = await startOllamaServer(handlers);
  servers.push(server);
  const client = new NemotronClient({
    profile: ollamaProfile({ baseUrl: server.origin, protocol }),
    ...fast,
  });
  clients.push(client);
  return { server, client };
}

const line = (message: Record<string, unknown>, done = false, extra: Record<string, unknown> = {}): string =>
  `${JSON.stringify({ model: 'nemotron-3-nano:30b', created_at: '2026-11-30T05:00:00Z', message: { role: 'assistant', ...message }, done, ...extra })}\n`;

describe('Ollama native API', () => {
  it('streams NDJSON cut at arbitrary bytes, with thinking separated and usage reported', async () => {
    const wire = Buffer.from(
      [
        line({ content: '', thinking: 'Überlegen…' }),
        line({ content: 'Grüß' }),
        line({ content: 'e 🎉' }),
        line({ content: '' }, true, { done_reason: 'stop', prompt_eval_count: 5, eval_count: 3 }),
      ].join(''),
    );
    const { server, client } = await ollama({
      chat: async (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/x-ndjson' });
        await writePieces(
          response,
          splitBytes(wire, [
            10,
            wire.indexOf('…') + 1,
            wire.indexOf('ß') + 1,
            wire.indexOf('🎉') + 2,
            wire.length - 2,
          ]),
        );
        response.end();
      },
    });
    const result = await (await client.chatStream({ ...hello, reasoning: true, maxTokens: 20 })).collect();
    expect(result).toMatchObject({ content: 'Grüße 🎉', reasoning: 'Überlegen…', finishReason: 'stop' });
    expect(result.usage).toEqual({ promptTokens: 5, completionTokens: 3, totalTokens: 8 });
    expect(server.requests[0]).toMatchObject({ path: '/api/chat' });
    expect(server.requests[0]?.json).toMatchObject({
      stream: true,
      think: true,
      options: { num_predict: 20 },
    });
  });

  it('returns whole tool calls (arguments as objects) and sends structured output as `format`', async () => {
    const { server, client } = await ollama({
      chat: (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          line(
            { content: '', tool_calls: [{ function: { name: 'lookup', arguments: { city: 'Zürich' } } }] },
            true,
            { done_reason: 'stop' },
          ),
        );
      },
    });
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    const result = await client.chat({
      ...hello,
      responseFormat: { type: 'json_schema', jsonSchema: { name: 'x', schema } },
    });
    expect(result.toolCalls).toEqual([
      { id: 'call_0', type: 'function', function: { name: 'lookup', arguments: '{"city":"Zürich"}' } },
    ]);
    expect(result.finishReason).toBe('tool_calls');
    expect(server.requests[0]?.json).toMatchObject({ stream: false, format: schema });
  });

  it('streams tool calls as fragments the assembler completes', async () => {
    const { client } = await ollama({
      chat: async (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/x-ndjson' });
        await writePieces(response, [
          line({ content: '', tool_calls: [{ function: { name: 'a', arguments: { x: 1 } } }] }),
          line({ content: '', tool_calls: [{ function: { name: 'b', arguments: {} } }] }),
          line({ content: '' }, true, { done_reason: 'stop' }),
        ]);
        response.end();
      },
    });
    const result = await (await client.chatStream(hello)).collect();
    expect(result.toolCalls.map((call) => [call.function.name, call.function.arguments])).toEqual([
      ['a', '{"x":1}'],
      ['b', '{}'],
    ]);
  });

  it('reports Ollama error bodies, in-stream errors and truncated streams', async () => {
    let calls = 0;
    const { client } = await ollama({
      chat: async (_request, response) => {
        calls += 1;
        if (calls === 1) {
          sendJson(
            response,
            404,
            errorBodies.ollama("model 'nemotron-3-nano:30b' not found, try pulling it first"),
          );
          return;
        }
        response.writeHead(200, { 'content-type': 'application/x-ndjson' });
        await writePieces(
          response,
          calls === 2
            ? [
                line({ content: 'a' }),
                `${JSON.stringify(errorBodies.ollama('llama runner process has terminated'))}\n`,
              ]
            : [line({ content: 'a' })],
        );
        response.end();
      },
    });
    const notFound = await client.chat(hello).catch((error: unknown) => error);
    expect(notFound).toBeInstanceOf(NemotronError);
    expect(notFound).toMatchObject({
      code: 'HTTP_ERROR',
      status: 404,
      serverMessage: "model 'nemotron-3-nano:30b' not found, try pulling it first",
    });
    await expect((await client.chatStream(hello)).collect()).rejects.toMatchObject({
      code: 'STREAM_ERROR',
      serverMessage: 'llama runner process has terminated',
    });
    await expect((await client.chatStream(hello)).collect()).rejects.toMatchObject({
      code: 'STREAM_INTERRUPTED',
    });
  });

  it('lists tags, embeds through /api/embed and checks health through /api/version', async () => {
    const { server, client } = await ollama({ models: ['nemotron-3-nano:30b', 'nemotron-mini:4b'] });
    expect((await client.listModels()).map((model) => model.id)).toEqual([
      'nemotron-3-nano:30b',
      'nemotron-mini:4b',
    ]);
    expect(await client.embed({ model: 'nomic-embed-text', input: 'x' })).toMatchObject({
      embeddings: [[0.1, 0.2]],
      promptTokens: 4,
    });
    expect(await client.health()).toMatchObject({ ready: true });
    expect(server.requests.map((request) => request.path)).toEqual([
      '/api/tags',
      '/api/embed',
      '/api/version',
    ]);
  });

  it('also speaks Ollama’s OpenAI-compatible /v1', async () => {
    const { server, client } = await ollama({}, 'openai');
    expect((await (await client.chatStream(hello)).collect()).content).toBe('Hello there');
    expect(server.requests[0]?.path).toBe('/v1/chat/completions');
  });
});
