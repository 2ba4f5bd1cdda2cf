import { afterEach, describe, expect, it } from 'vitest';
import { nimProfile } from './endpoint-profile.js';
import { NemotronError } from './errors.js';
import { NemotronClient } from './nemotron-client.js';
import { type FlavourHandlers, startNimServer } from './testing/flavour-servers.js';
import { delay, type LoopbackServer, splitBytes, writePieces } from './testing/loopback-server.js';
import { errorBodies, sendJson, sseChunk, sseDone, startSse } from './testing/wire-format.js';
import type { ChatStreamEvent } from './types.js';

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

async function nim(chat: NonNullable<FlavourHandlers['chat']>) {
  const server = await startNimServer({ chat });
  servers.push(server);
  const client = new NemotronClient({ profile: nimProfile({ baseUrl: `${server.origin}/v1` }), ...fast });
  clients.push(client);
  return { server, client };
}

async function events(stream: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const seen: ChatStreamEvent[] = [];
  for await (const event of stream) seen.push(event);
  return seen;
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

describe('NemotronClient.chatStream', () => {
  it('decodes a stream cut inside SSE lines and inside multi-byte UTF-8 characters, with keep-alives', async () => {
    const text = ['Grüße ', '— 世界 ', '🎉 done'];
    const wire = Buffer.from(
      [
        ': ping\n\n',
        sseChunk({ role: 'assistant', content: '' }),
        ...text.map((piece) => sseChunk({ content: piece })),
        ': ping\n\n',
        sseChunk({}, 'stop'),
        sseDone,
      ].join(''),
    );
    // Boundaries: inside "data:", inside the JSON, and inside each multi-byte character.
    const offsets = [
      3,
      20,
      wire.indexOf('ü') + 1,
      wire.indexOf('—') + 1,
      wire.indexOf('—') + 2,
      wire.indexOf('世') + 2,
      wire.indexOf('🎉') + 1,
      wire.indexOf('🎉') + 3,
      wire.length - 4,
    ];
    const { server, client } = await nim(async (_request, response) => {
      startSse(response, { 'x-request-id': 'stream-1' });
      await writePieces(response, splitBytes(wire, offsets));
      response.end();
    });
    const stream = await client.chatStream(hello);
    expect(stream.requestId).toBe('stream-1');
    const result = await stream.collect();
    expect(result.content).toBe(text.join(''));
    expect(result.finishReason).toBe('stop');
    expect(result.id).toBe('chatcmpl-test');
    expect(server.requests[0]?.json).toMatchObject({ stream: true });
  });

  it('yields typed deltas: reasoning (reasoning_content and <think> split across chunks), content, finish, usage', async () => {
    const { client } = await nim(async (request, response) => {
      startSse(response);
      const style = (request.json as { messages: { content: string }[] }).messages[0]?.content;
      const pieces =
        style === 'field'
          ? [
              sseChunk({ reasoning_content: 'Think ' }),
              sseChunk({ reasoning_content: 'hard.' }),
              sseChunk({ content: 'Answer.' }),
            ]
          : [
              sseChunk({ content: '<thi' }),
              sseChunk({ content: 'nk>Think ' }),
              sseChunk({ content: 'hard.</th' }),
              sseChunk({ content: 'ink>\n\nAnswer.' }),
            ];
      await writePieces(response, [
        ...pieces,
        sseChunk({}, 'stop'),
        `data: ${JSON.stringify({ id: 'x', choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } })}\n\n`,
        sseDone,
      ]);
      response.end();
    });
    for (const style of ['field', 'tags']) {
      const seen = await events(
        await client.chatStream({
          ...hello,
          messages: [{ role: 'user', content: style }],
          includeUsage: true,
        }),
      );
      const reasoning = seen.flatMap((event) => (event.type === 'reasoning' ? [event.text] : [])).join('');
      const content = seen.flatMap((event) => (event.type === 'content' ? [event.text] : [])).join('');
      expect({ reasoning, content }, style).toEqual({ reasoning: 'Think hard.', content: 'Answer.' });
      expect(seen.at(-2)).toEqual({ type: 'finish', finishReason: 'stop' });
      expect(seen.at(-1)).toEqual({
        type: 'usage',
        usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
      });
    }
  });

  it('assembles interleaved tool-call argument fragments by index', async () => {
    const { client } = await nim(async (_request, response) => {
      startSse(response);
      await writePieces(response, [
        sseChunk({
          role: 'assistant',
          tool_calls: [
            { index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
        }),
        sseChunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
        sseChunk({
          tool_calls: [
            { index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"tz"' } },
          ],
        }),
        sseChunk({ tool_calls: [{ index: 0, function: { arguments: '"Zürich"}' } }] }),
        sseChunk({ tool_calls: [{ index: 1, function: { arguments: ':"CET"}' } }] }),
        sseChunk({}, 'tool_calls'),
        sseDone,
      ]);
      response.end();
    });
    const result = await (await client.chatStream(hello)).collect();
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Zürich"}' } },
      { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } },
    ]);
  });

  it('fails a silent stream with IDLE_TIMEOUT, distinct from the headers timeout', async () => {
    const { client } = await nim(async (request, response) => {
      if ((request.json as { model: string }).model === 'slow-headers') {
        await delay(700);
        if (!response.destroyed) sendJson(response, 200, {});
        return;
      }
      startSse(response);
      await writePieces(response, [sseChunk({ content: 'first' })]);
      await delay(700);
      if (!response.destroyed) response.end(sseDone);
    });
    const timeouts = { idleMs: 200, headersMs: 200 };
    const stream = await client.chatStream(hello, { timeouts });
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const event of stream) if (event.type === 'content') seen.push(event.text);
      })(),
    );
    expect(error.code).toBe('IDLE_TIMEOUT');
    expect(seen).toEqual(['first']);
    const headersError = await failure(
      client.chatStream({ ...hello, model: 'slow-headers' }, { timeouts, retry: { maxRetries: 0 } }),
    );
    expect(headersError.code).toBe('HEADERS_TIMEOUT');
  });

  it('does not count a slow consumer as an idle server', async () => {
    const { client } = await nim(async (_request, response) => {
      startSse(response);
      await writePieces(response, [
        sseChunk({ content: 'a' }),
        sseChunk({ content: 'b' }),
        sseChunk({ content: 'c' }),
        sseChunk({}, 'stop'),
        sseDone,
      ]);
      response.end();
    });
    const stream = await client.chatStream(hello, { timeouts: { idleMs: 150 } });
    const seen: string[] = [];
    for await (const event of stream) {
      if (event.type === 'content') seen.push(event.text);
      await delay(400); // the consumer is slower than the idle limit; the server is not silent
    }
    expect(seen.join('')).toBe('abc');
  });

  it('does not retry a stream that failed after it started', async () => {
    const { server, client } = await nim(async (_request, response) => {
      startSse(response, { 'x-request-id': 'midway' });
      await writePieces(response, [sseChunk({ content: 'partial' })]);
      response.socket?.destroy();
    });
    const stream = await client.chatStream(hello);
    const error = await failure(stream.collect());
    expect(error.code).toBe('STREAM_INTERRUPTED');
    expect(error.requestId).toBe('midway');
    await delay(50);
    expect(server.requests).toHaveLength(1);
  });

  it('reports a stream that ended cleanly but before finish_reason/[DONE] as interrupted', async () => {
    const { client } = await nim(async (_request, response) => {
      startSse(response);
      await writePieces(response, [sseChunk({ content: 'cut' })]);
      response.end();
    });
    expect(await failure((await client.chatStream(hello)).collect())).toMatchObject({
      code: 'STREAM_INTERRUPTED',
    });
  });

  it('turns an error event inside the stream into STREAM_ERROR with the server message', async () => {
    const { client } = await nim(async (_request, response) => {
      startSse(response);
      await writePieces(response, [
        sseChunk({ content: 'ok so far' }),
        `data: ${JSON.stringify(errorBodies.vllm('CUDA out of memory', 500))}\n\n`,
      ]);
      response.end();
    });
    const error = await failure((await client.chatStream(hello)).collect());
    expect(error).toMatchObject({ code: 'STREAM_ERROR', serverMessage: 'CUDA out of memory' });
  });

  it('rejects malformed chunks clearly', async () => {
    const { client } = await nim(async (request, response) => {
      startSse(response);
      const kind = (request.json as { model: string }).model;
      const bad =
        kind === 'not-json'
          ? 'data: {"choices": [\n\n'
          : `data: ${JSON.stringify({ choices: [{ delta: { content: 7 } }] })}\n\n`;
      await writePieces(response, [sseChunk({ content: 'x' }), bad, sseDone]);
      response.end();
    });
    expect(await failure((await client.chatStream({ ...hello, model: 'not-json' })).collect())).toMatchObject(
      { code: 'MALFORMED_RESPONSE' },
    );
    const wrongShape = await failure((await client.chatStream({ ...hello, model: 'wrong-shape' })).collect());
    expect(wrongShape.code).toBe('MALFORMED_RESPONSE');
    expect(wrongShape.message).toMatch(/choices\.0\.delta\.content/);
  });

  it('refuses a JSON answer where a stream was asked for', async () => {
    const { client } = await nim((_request, response) => sendJson(response, 200, { not: 'a stream' }));
    expect(await failure(client.chatStream(hello))).toMatchObject({ code: 'MALFORMED_RESPONSE' });
  });

  it('retries 429 before the stream starts, then streams', async () => {
    let calls = 0;
    const { client } = await nim(async (_request, response) => {
      calls += 1;
      if (calls === 1) {
        sendJson(response, 429, errorBodies.openAi('busy'), { 'retry-after': '0' });
        return;
      }
      startSse(response);
      await writePieces(response, [sseChunk({ content: 'streamed' }), sseChunk({}, 'stop'), sseDone]);
      response.end();
    });
    expect((await (await client.chatStream(hello)).collect()).content).toBe('streamed');
    expect(calls).toBe(2);
  });
});

describe('cancellation closes the upstream connection', () => {
  async function endlessServer() {
    return nim(async (_request, response) => {
      startSse(response);
      for (let index = 0; index < 2000 && !response.destroyed; index += 1) {
        response.write(sseChunk({ content: `token${index} ` }));
        await delay(5);
      }
      if (!response.destroyed) response.end(sseDone);
    });
  }

  it('aborting the signal mid-stream ends the loop with ABORTED and the server sees the close', async () => {
    const { server, client } = await endlessServer();
    const controller = new AbortController();
    const stream = await client.chatStream(hello, { signal: controller.signal });
    const closed = server.nextAbandonedResponse();
    let received = 0;
    const error = await failure(
      (async () => {
        for await (const event of stream) {
          if (event.type === 'content') received += 1;
          if (received === 3) controller.abort();
        }
      })(),
    );
    expect(error.code).toBe('ABORTED');
    await closed;
    expect(server.abandonedResponses()).toBe(1);
  });

  it('aborting while waiting for a whole answer closes the connection', async () => {
    const { server, client } = await nim(async (_request, response) => {
      await delay(2000);
      if (!response.destroyed) sendJson(response, 200, {});
    });
    const controller = new AbortController();
    const closed = server.nextAbandonedResponse();
    const pending = client.chat(hello, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await failure(pending)).toMatchObject({ code: 'ABORTED' });
    await closed;
    expect(server.abandonedResponses()).toBe(1);
  });

  it('breaking out of the loop closes the connection too', async () => {
    const { server, client } = await endlessServer();
    const stream = await client.chatStream(hello);
    const closed = server.nextAbandonedResponse();
    for await (const event of stream) {
      if (event.type === 'content') break;
    }
    await closed;
    expect(server.abandonedResponses()).toBe(1);
  });

  it('cancel() closes the connection', async () => {
    const { server, client } = await endlessServer();
    const stream = await client.chatStream(hello);
    const closed = server.nextAbandonedResponse();
    stream.cancel();
    await closed;
    expect(server.abandonedResponses()).toBe(1);
  });
});
