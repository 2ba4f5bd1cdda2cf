import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startHungListener } from './testing/hung-listener.js';
import {
  postJson,
  type RouterFixture,
  sseData,
  standardPolicy,
  startRouterFixture,
} from './testing/router-fixture.js';

let fixture: RouterFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const chat = { model: 'g', messages: [{ role: 'user', content: 'hello' }] };
const messages = { model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'hello' }] };

/** Sends a body without content-length (chunked), as a client streaming its upload would. */
function postChunked(origin: string, path: string, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    const piece = 'x'.repeat(256);
    for (let sent = 0; sent < size; sent += piece.length) request.write(piece);
    request.end();
  });
}

describe('bad input gets a clear 4xx in the client format, and never reaches a provider', () => {
  it('refuses malformed JSON (OpenAI and Anthropic formats)', async () => {
    fixture = await startRouterFixture(standardPolicy);
    const openai = await postJson(fixture.origin, '/v1/chat/completions', '{"model": "g", "messages": [');
    expect(openai.status).toBe(400);
    expect(openai.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_json' } });
    const anthropic = await postJson(fixture.origin, '/v1/messages', 'not json');
    expect(anthropic.status).toBe(400);
    expect(anthropic.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'invalid_json' },
    });
    expect(
      fixture.cloud.requests.length + fixture.local.requests.length + fixture.anthropic.requests.length,
    ).toBe(0);
  });

  it('refuses wrong shapes naming the field', async () => {
    fixture = await startRouterFixture(standardPolicy);
    const noMessages = await postJson(fixture.origin, '/v1/chat/completions', { model: 'g', messages: [] });
    expect(noMessages.status).toBe(400);
    expect((noMessages.json().error as { message: string }).message).toContain('messages');
    const noMaxTokens = await postJson(fixture.origin, '/v1/messages', {
      model: 'c',
      messages: messages.messages,
    });
    expect(noMaxTokens.status).toBe(400);
    expect(noMaxTokens.json()).toMatchObject({
      type: 'error',
      error: { message: expect.stringContaining('max_tokens') },
    });
    const notAnObject = await postJson(fixture.origin, '/v1/embeddings', '[1,2]');
    expect(notAnObject.status).toBe(400);
    expect(fixture.cloud.requests).toHaveLength(0);
  });

  it('refuses oversized bodies with 413, declared or streamed', async () => {
    fixture = await startRouterFixture(standardPolicy, { limits: { maxBodyBytes: 4096 } });
    const declared = await postJson(fixture.origin, '/v1/chat/completions', {
      ...chat,
      messages: [{ role: 'user', content: 'x'.repeat(5000) }],
    });
    expect(declared.status).toBe(413);
    expect(declared.json()).toMatchObject({ error: { code: 'request_too_large' } });
    const streamed = await postChunked(fixture.origin, '/v1/messages', 20_000);
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    const fits = await postJson(fixture.origin, '/v1/chat/completions', chat);
    expect(fits.status).toBe(200);
    expect(fixture.cloud.requests).toHaveLength(1);
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    fixture = await startRouterFixture(standardPolicy);
    const unknown = await postJson(fixture.origin, '/v1/completions', chat);
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'unknown_route' } });
    const unknownAnthropic = await fetch(`${fixture.origin}/v1/complete`, {
      headers: { 'anthropic-version': '2023-06-01' },
    });
    expect(await unknownAnthropic.json()).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error' },
    });
    const wrongMethod = await fetch(`${fixture.origin}/v1/chat/completions`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});

describe('upstream failures', () => {
  it('answers 502 in the client format when a cloud provider is unreachable', async () => {
    fixture = await startRouterFixture((urls) => ({ ...standardPolicy(urls), default_route: 'claude' }));
    await fixture.anthropic.close();
    const answer = await postJson(fixture.origin, '/v1/messages', messages);
    expect(answer.status).toBe(502);
    expect(answer.json()).toMatchObject({
      type: 'error',
      error: { type: 'api_error', code: 'upstream_unreachable' },
    });
  });

  it('distinguishes a provider that never accepts the connection: 504 for the cloud, fail closed for local', async () => {
    const hung = await startHungListener();
    try {
      const hungUrl = `http://127.0.0.1:${hung.port}/v1`;
      fixture = await startRouterFixture(
        (urls) => ({
          ...standardPolicy(urls),
          providers: {
            ...standardPolicy(urls).providers,
            local: { kind: 'nemotron', base_url: hungUrl },
            cloud: { kind: 'openai-compatible', base_url: hungUrl, local: false },
          },
        }),
        { limits: { connectTimeoutMs: 300 } },
      );
      const cloud = await postJson(fixture.origin, '/v1/chat/completions', chat);
      expect(cloud.status).toBe(504);
      expect(cloud.json()).toMatchObject({ error: { code: 'upstream_connect_timeout' } });
      const local = await postJson(fixture.origin, '/v1/chat/completions', {
        ...chat,
        messages: [{ role: 'user', content: 'card 4539 1488 0343 6467' }],
      });
      expect(local.status).toBe(503);
      expect(local.json()).toMatchObject({ error: { code: 'local_model_unavailable' } });
    } finally {
      await hung.close();
    }
  });

  it('passes a provider error status and body through', async () => {
    fixture = await startRouterFixture(standardPolicy);
    fixture.cloud.behaviour.fail = {
      status: 429,
      body: '{"error":{"message":"slow down","type":"rate_limit"}}',
    };
    const answer = await postJson(fixture.origin, '/v1/chat/completions', chat);
    expect(answer.status).toBe(429);
    expect(answer.json()).toMatchObject({ error: { message: 'slow down' } });
  });

  it('answers 504 upstream_timeout when the provider sends no headers in time', async () => {
    fixture = await startRouterFixture(standardPolicy, { limits: { headersTimeoutMs: 150 } });
    fixture.cloud.behaviour.headersDelayMs = 2_000;
    const answer = await postJson(fixture.origin, '/v1/chat/completions', chat);
    expect(answer.status).toBe(504);
    expect(answer.json()).toMatchObject({ error: { code: 'upstream_timeout' } });
  });

  it('ends a stream whose provider goes silent with an idle-timeout error event (not a 504)', async () => {
    fixture = await startRouterFixture(standardPolicy, { limits: { idleTimeoutMs: 150 } });
    fixture.cloud.behaviour.stallAfterFirstEvent = true;
    const answer = await postJson(fixture.origin, '/v1/chat/completions', { ...chat, stream: true });
    expect(answer.status).toBe(200);
    const events = sseData(answer.text);
    expect(events[0]).toMatchObject({ object: 'chat.completion.chunk' });
    expect(events.at(-1)).toMatchObject({ error: { code: 'upstream_idle_timeout' } });
  });

  it('ends an Anthropic stream with an Anthropic error event on idle timeout', async () => {
    fixture = await startRouterFixture((urls) => ({ ...standardPolicy(urls), default_route: 'claude' }), {
      limits: { idleTimeoutMs: 150 },
    });
    fixture.anthropic.behaviour.stallAfterFirstEvent = true;
    const answer = await postJson(fixture.origin, '/v1/messages', { ...messages, stream: true });
    expect(answer.text).toContain('event: error');
    expect(sseData(answer.text).at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'upstream_idle_timeout' },
    });
  });
});

describe('streaming', () => {
  it('passes a local stream through unchanged, event by event', async () => {
    fixture = await startRouterFixture((urls) => ({ ...standardPolicy(urls), default_route: 'local' }));
    fixture.local.behaviour.chunkSize = 3;
    const answer = await postJson(fixture.origin, '/v1/chat/completions', { ...chat, stream: true });
    const direct = await postJson(fixture.local.baseUrl.replace(/\/v1$/, ''), '/v1/chat/completions', {
      ...chat,
      model: 'nemotron-nano',
      stream: true,
    });
    expect(answer.text).toBe(direct.text);
    expect(answer.headers.get('x-request-id')).toBe('req-upstream');
  });

  it('applies backpressure: a client that does not read stops the provider, a reading one gets everything', async () => {
    fixture = await startRouterFixture((urls) => ({ ...standardPolicy(urls), default_route: 'local' }));
    const total = 64 * 1024 * 1024;
    fixture.local.behaviour.largeStreamBytes = total;
    const received = await new Promise<{ pausedAt: number; bytes: number }>((resolve, reject) => {
      const request = httpRequest(`${fixture?.origin}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      request.on('error', reject);
      request.on('response', (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        response.pause();
        // While the client reads nothing, the provider can only fill the socket and stream buffers.
        setTimeout(() => {
          const pausedAt = fixture?.local.streamedBytes ?? 0;
          response.resume();
          response.on('end', () => resolve({ pausedAt, bytes }));
        }, 2_000);
      });
      request.end(JSON.stringify({ ...chat, stream: true }));
    });
    expect(received.pausedAt).toBeGreaterThan(0);
    expect(received.pausedAt).toBeLessThan(16 * 1024 * 1024);
    expect(received.bytes).toBeGreaterThan(total);
  });

  it('propagates a client abort to the provider (the provider sees its connection close)', async () => {
    fixture = await startRouterFixture(standardPolicy);
    fixture.cloud.behaviour.stallAfterFirstEvent = true;
    const controller = new AbortController();
    const response = await fetch(`${fixture.origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...chat, stream: true }),
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    await reader?.read();
    const closed = fixture.cloud.nextEarlyClose();
    controller.abort();
    await closed;
    expect(fixture.cloud.clientClosedEarly).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fixture.decisions.at(-1)?.outcome).toBe('aborted');
  });
});
