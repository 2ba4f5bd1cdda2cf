import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RouterInferencePolicy } from '../route/policy-types.js';
import { decisionToOcsfEvent } from './ocsf-event.js';
import {
  postJson,
  type RouterFixture,
  sseData,
  standardPolicy,
  startRouterFixture,
} from './testing/router-fixture.js';

/** A valid (Luhn, Visa range) card number that is not a published test number: routes local. */
const card = '4539 1488 0343 6467';
const email = 'jane.doe@example.com';

/** Cards go to the local Nemotron-like provider, which serves chat completions only; the rest to the cloud, redacted. */
function translationPolicy(urls: { local: string; cloud: string; anthropic: string }): RouterInferencePolicy {
  return { ...standardPolicy(urls), rules: [{ when: { entities: ['CREDIT_CARD'] }, route: 'local' }] };
}

type Json = Record<string, unknown>;

/** The event names (`event:` lines) of an SSE text. */
function eventNames(text: string): string[] {
  return [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1] ?? '');
}

function records(text: string): Json[] {
  return sseData(text).filter((data): data is Json => typeof data === 'object' && data !== null);
}

describe('API translation: Anthropic Messages and OpenAI Responses clients, chat-completions-only provider', () => {
  let fixture: RouterFixture;
  beforeAll(async () => {
    fixture = await startRouterFixture(translationPolicy);
  });
  afterAll(async () => fixture.close());
  beforeEach(() => {
    fixture.local.requests.length = 0;
    fixture.cloud.requests.length = 0;
    fixture.decisions.length = 0;
    fixture.local.behaviour.paths = ['/chat/completions', '/models'];
    fixture.local.behaviour.fail = undefined;
    fixture.local.behaviour.finishReason = undefined;
    fixture.local.behaviour.ignoreStream = undefined;
    fixture.local.behaviour.streamError = undefined;
    fixture.local.behaviour.stallAfterFirstEvent = false;
    fixture.local.behaviour.reasoning = undefined;
    fixture.local.behaviour.chunkSize = 4;
    fixture.cloud.behaviour.chunkSize = 4;
  });

  it('translates a non-streamed Anthropic request to chat and the answer back, and says so', async () => {
    const prompt = `refund card ${card}`;
    const answer = await postJson(
      fixture.origin,
      '/v1/messages',
      {
        model: 'claude-sonnet',
        max_tokens: 64,
        temperature: 0.2,
        stop_sequences: ['END'],
        system: [{ type: 'text', text: 'You are terse.' }],
        messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
      },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-nemoclaw-route')).toBe('local');
    expect(answer.headers.get('x-nemoclaw-translation')).toBe('anthropic-messages->openai-chat');
    expect(answer.json()).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'nemotron-nano',
      content: [{ type: 'text', text: `[local] ${prompt}` }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 11, output_tokens: 7 },
    });
    const seen = fixture.local.requests[0];
    expect(seen?.path).toBe('/v1/chat/completions');
    expect(seen?.json).toEqual({
      model: 'nemotron-nano',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: prompt },
      ],
      max_tokens: 64,
      temperature: 0.2,
      stop: ['END'],
    });
    const decision = fixture.decisions[0];
    expect(decision?.translation).toEqual({ from: 'anthropic-messages', to: 'openai-chat' });
    expect(decision === undefined ? undefined : decisionToOcsfEvent(decision).api).toMatchObject({
      operation: 'messages->chat.completions',
    });
  });

  it('translates an Anthropic stream: message_start, block events with text_delta, message_delta, message_stop', async () => {
    fixture.local.behaviour.chunkSize = 3;
    const prompt = `card ${card} please`;
    const answer = await postJson(fixture.origin, '/v1/messages', {
      model: 'claude-sonnet',
      max_tokens: 64,
      stream: true,
      messages: [{ role: 'user', content: prompt }],
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/event-stream');
    expect(fixture.local.requests[0]?.json).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    const names = eventNames(answer.text);
    expect(names[0]).toBe('message_start');
    expect(names[1]).toBe('content_block_start');
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    const events = records(answer.text);
    const text = events
      .filter((event) => event.type === 'content_block_delta')
      .map((event) => {
        const delta = event.delta as { type: string; text: string };
        expect(delta.type).toBe('text_delta');
        return delta.text;
      })
      .join('');
    expect(text).toBe(`[local] ${prompt}`);
    expect(events.find((event) => event.type === 'message_delta')).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 11, output_tokens: 7 },
    });
  });

  it('returns the model reasoning as thinking blocks only when the Anthropic request enabled thinking', async () => {
    fixture.local.behaviour.reasoning = 'Let me think.';
    const body = { model: 'c', max_tokens: 500, messages: [{ role: 'user', content: `card ${card}` }] };
    const thinking = { type: 'enabled', budget_tokens: 200 };
    expect((await postJson(fixture.origin, '/v1/messages', { ...body, thinking })).json().content).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: '' },
      { type: 'text', text: `[local] card ${card}` },
    ]);
    expect((await postJson(fixture.origin, '/v1/messages', body)).json().content).toEqual([
      { type: 'text', text: `[local] card ${card}` },
    ]);
    const streamed = await postJson(fixture.origin, '/v1/messages', { ...body, thinking, stream: true });
    const starts = records(streamed.text).filter((event) => event.type === 'content_block_start');
    expect(starts.map((event) => (event.content_block as Json).type)).toEqual(['thinking', 'text']);
    expect(records(streamed.text).find((event) => event.type === 'content_block_delta')).toEqual({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'thinking_delta', thinking: 'Let me think.' },
    });
    const plain = await postJson(fixture.origin, '/v1/messages', { ...body, stream: true });
    expect(plain.text).not.toContain('thinking');
  });

  it('returns the model reasoning to a Responses client as a reasoning item, streamed and not', async () => {
    fixture.local.behaviour.reasoning = 'Let me think.';
    const body = { model: 'gpt', input: `card ${card}` };
    const answer = await postJson(fixture.origin, '/v1/responses', body);
    expect(answer.json().output).toEqual([
      {
        type: 'reasoning',
        id: 'rs_1',
        summary: [],
        content: [{ type: 'reasoning_text', text: 'Let me think.' }],
        status: 'completed',
      },
      {
        type: 'message',
        id: 'msg_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: `[local] card ${card}`, annotations: [] }],
      },
    ]);
    const streamed = await postJson(fixture.origin, '/v1/responses', { ...body, stream: true });
    expect(eventNames(streamed.text).slice(0, 9)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.reasoning_text.delta',
      'response.reasoning_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
    ]);
    const events = records(streamed.text);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events[2]).toMatchObject({
      output_index: 0,
      item: { type: 'reasoning', summary: [], content: [], status: 'in_progress' },
    });
    expect(events[4]).toMatchObject({ output_index: 0, content_index: 0, delta: 'Let me think.' });
    expect(events[5]).toMatchObject({ text: 'Let me think.' });
    expect(events.at(-1)).toMatchObject({
      type: 'response.completed',
      response: {
        output: [
          { type: 'reasoning', content: [{ type: 'reasoning_text', text: 'Let me think.' }] },
          { type: 'message', content: [{ text: `[local] card ${card}` }] },
        ],
      },
    });
    const finalOutput = ((events.at(-1)?.response ?? {}) as { output?: Json[] }).output ?? [];
    expect(finalOutput[1]?.id).not.toBe(finalOutput[0]?.id);
  });

  it('restores placeholders in reasoning a cloud model returns to a Responses client', async () => {
    // The cloud model reasons about the placeholder it saw; the client reads the real value.
    fixture.cloud.behaviour.reasoning = 'The user wrote \u27e6EMAIL_1\u27e7.';
    const urls = {
      local: fixture.local.baseUrl,
      cloud: fixture.cloud.baseUrl,
      anthropic: fixture.anthropic.baseUrl,
    };
    const policy = translationPolicy(urls);
    const cloud = policy.providers.cloud;
    if (cloud === undefined) throw new Error('the test policy has a cloud provider');
    await fixture.router.updatePolicy({
      ...policy,
      providers: { ...policy.providers, cloud: { ...cloud, apis: ['openai-chat'] } },
    });
    try {
      const body = { model: 'gpt', input: `mail ${email}` };
      const answer = await postJson(fixture.origin, '/v1/responses', body);
      expect(answer.headers.get('x-nemoclaw-translation')).toBe('openai-responses->openai-chat');
      expect(fixture.cloud.requests.at(-1)?.body).not.toContain('jane.doe');
      expect(answer.json().output).toMatchObject([
        { type: 'reasoning', content: [{ type: 'reasoning_text', text: `The user wrote ${email}.` }] },
        { type: 'message', content: [{ text: `[cloud] mail ${email}` }] },
      ]);
      const streamed = await postJson(fixture.origin, '/v1/responses', { ...body, stream: true });
      expect(streamed.text).not.toContain('\u27e6');
      expect(
        records(streamed.text).find((event) => event.type === 'response.reasoning_text.done'),
      ).toMatchObject({
        text: `The user wrote ${email}.`,
      });
    } finally {
      fixture.cloud.behaviour.reasoning = undefined;
      await fixture.router.updatePolicy(policy);
    }
  });

  it('round-trips a tool call: tools -> functions, tool_calls -> tool_use, tool_use/tool_result -> chat messages', async () => {
    const tools = [{ name: 'note', description: 'Save a note', input_schema: { type: 'object' } }];
    const prompt = `save card ${card}`;
    const request = {
      model: 'claude-sonnet',
      max_tokens: 64,
      tools,
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [{ role: 'user', content: prompt }],
    };
    const first = await postJson(fixture.origin, '/v1/messages', request);
    expect(first.json()).toMatchObject({
      content: [{ type: 'tool_use', id: 'call_1', name: 'note', input: { text: prompt } }],
      stop_reason: 'tool_use',
    });
    expect(fixture.local.requests[0]?.json).toMatchObject({
      tools: [
        {
          type: 'function',
          function: { name: 'note', description: 'Save a note', parameters: { type: 'object' } },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });

    const streamed = await postJson(fixture.origin, '/v1/messages', { ...request, stream: true });
    const events = records(streamed.text);
    expect(events.find((event) => event.type === 'content_block_start')).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: 'call_1', name: 'note', input: {} },
    });
    const partial = events
      .filter((event) => event.type === 'content_block_delta')
      .map((event) => (event.delta as { type: string; partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(partial)).toEqual({ text: prompt });
    expect(events.find((event) => event.type === 'message_delta')?.delta).toEqual({
      stop_reason: 'tool_use',
      stop_sequence: null,
    });

    // The agent runs the tool and sends the call and its result back.
    const second = await postJson(fixture.origin, '/v1/messages', {
      ...request,
      messages: [
        { role: 'user', content: prompt },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Saving.' },
            { type: 'tool_use', id: 'call_1', name: 'note', input: { text: prompt } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: 'saved' }] },
            { type: 'text', text: 'thanks' },
          ],
        },
      ],
    });
    expect(second.status).toBe(200);
    expect(fixture.local.requests[2]?.json?.messages).toEqual([
      { role: 'user', content: prompt },
      {
        role: 'assistant',
        content: 'Saving.',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'note', arguments: JSON.stringify({ text: prompt }) },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'saved' },
      { role: 'user', content: 'thanks' },
    ]);
  });

  it('maps finish reasons: length -> max_tokens (Anthropic) and incomplete (Responses)', async () => {
    fixture.local.behaviour.finishReason = 'length';
    const body = { model: 'c', max_tokens: 5, messages: [{ role: 'user', content: `card ${card}` }] };
    const plain = await postJson(fixture.origin, '/v1/messages', body);
    expect(plain.json().stop_reason).toBe('max_tokens');
    const streamed = await postJson(fixture.origin, '/v1/messages', { ...body, stream: true });
    expect(records(streamed.text).find((event) => event.type === 'message_delta')?.delta).toEqual({
      stop_reason: 'max_tokens',
      stop_sequence: null,
    });
    const responses = await postJson(fixture.origin, '/v1/responses', {
      model: 'gpt',
      max_output_tokens: 5,
      input: `card ${card}`,
    });
    expect(responses.json()).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
    expect(fixture.local.requests[2]?.json).toMatchObject({ max_tokens: 5 });
  });

  it('refuses content it cannot translate with 400 in the client format, before contacting the provider', async () => {
    const pdf = await postJson(fixture.origin, '/v1/messages', {
      model: 'c',
      max_tokens: 5,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: `card ${card}` },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
          ],
        },
      ],
    });
    expect(pdf.status).toBe(400);
    expect(pdf.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'unsupported_content' },
    });
    expect(String((pdf.json().error as Json).message)).toContain('messages.0.content.1');
    const builtIn = await postJson(fixture.origin, '/v1/responses', {
      model: 'gpt',
      tools: [{ type: 'web_search' }],
      input: `card ${card}`,
    });
    expect(builtIn.status).toBe(400);
    expect(builtIn.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'unsupported_content', param: null },
    });
    expect(fixture.local.requests).toHaveLength(0);
  });

  it('sends the images of tool results in a user message after the tool messages, unscanned and intact', async () => {
    // Base64 of an image whose alphabet happens to spell a valid card number: a payload, not text.
    const png = `iVBORw0KGgoAAAANSUhEUgAA${card.replaceAll(' ', '')}AAAAAElFTkSuQmCC`;
    const answer = await postJson(fixture.origin, '/v1/messages', {
      model: 'claude-sonnet',
      max_tokens: 64,
      tools: [{ name: 'screenshot', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: 'look at my inbox' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 't1', name: 'screenshot', input: {} },
            { type: 'tool_use', id: 't2', name: 'screenshot', input: { page: 2 } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              content: [
                { type: 'text', text: `Inbox of ${email}` },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
              ],
            },
            {
              type: 'tool_result',
              tool_use_id: 't2',
              content: [
                {
                  type: 'image',
                  source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQSkZJRg==' },
                },
              ],
            },
            { type: 'text', text: 'what do you see?' },
          ],
        },
      ],
    });
    expect(answer.status).toBe(200);
    // Not routed local: the base64 payload was not scanned as text (no card found in it).
    expect(answer.headers.get('x-nemoclaw-route')).toBe('cloud');
    expect(answer.headers.get('x-nemoclaw-redacted')).toBe('1');
    const messages = fixture.cloud.requests[0]?.json?.messages as Json[];
    expect(messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 't1', content: 'Inbox of \u27e6EMAIL_1\u27e7' },
      { role: 'tool', tool_call_id: 't2', content: '(the result is the image in the next user message)' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Result of tool call t1 (image):' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
          { type: 'text', text: 'Result of tool call t2 (image):' },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==' } },
          { type: 'text', text: 'what do you see?' },
        ],
      },
    ]);
    expect(messages[1]).toMatchObject({ role: 'assistant', tool_calls: [{ id: 't1' }, { id: 't2' }] });
  });

  it('sends the images of Responses function_call_output items in a user message after the tool messages', async () => {
    const image = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA';
    const answer = await postJson(fixture.origin, '/v1/responses', {
      model: 'gpt',
      input: [
        { role: 'user', content: `screenshot the payment page for ${card}` },
        { type: 'function_call', call_id: 'c1', name: 'screenshot', arguments: '{}' },
        { type: 'function_call', call_id: 'c2', name: 'screenshot', arguments: '{"page":2}' },
        {
          type: 'function_call_output',
          call_id: 'c1',
          output: [
            { type: 'input_text', text: 'page 1' },
            { type: 'input_image', image_url: image },
          ],
        },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_image', image_url: image }] },
        { role: 'user', content: 'what do you see?' },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-nemoclaw-translation')).toBe('openai-responses->openai-chat');
    const messages = fixture.local.requests[0]?.json?.messages as Json[];
    expect(messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'c1', content: 'page 1' },
      { role: 'tool', tool_call_id: 'c2', content: '(the result is the image in the next user message)' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Result of tool call c1 (image):' },
          { type: 'image_url', image_url: { url: image } },
          { type: 'text', text: 'Result of tool call c2 (image):' },
          { type: 'image_url', image_url: { url: image } },
          { type: 'text', text: 'what do you see?' },
        ],
      },
    ]);
  });

  it('still refuses a PDF inside a tool result, naming the field', async () => {
    const refused = await postJson(fixture.origin, '/v1/messages', {
      model: 'c',
      max_tokens: 5,
      messages: [
        { role: 'user', content: 'read it' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'read', input: {} }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              content: [
                { type: 'text', text: 'the file' },
                {
                  type: 'document',
                  source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({ type: 'error', error: { code: 'unsupported_content' } });
    expect(String((refused.json().error as Json).message)).toContain('messages.2.content.0.content.1');
    expect(fixture.cloud.requests).toHaveLength(0);
  });

  it('answers a provider error with 502 in the client format, with the provider message', async () => {
    fixture.local.behaviour.fail = {
      status: 500,
      body: JSON.stringify({ error: { message: 'CUDA out of memory', type: 'server_error' } }),
    };
    const anthropic = await postJson(fixture.origin, '/v1/messages', {
      model: 'c',
      max_tokens: 5,
      stream: true,
      messages: [{ role: 'user', content: `card ${card}` }],
    });
    expect(anthropic.status).toBe(502);
    expect(anthropic.headers.get('content-type')).toContain('application/json');
    expect(anthropic.json()).toMatchObject({
      type: 'error',
      error: { type: 'api_error', code: 'upstream_status' },
    });
    expect(String((anthropic.json().error as Json).message)).toContain('answered 500');
    expect(String((anthropic.json().error as Json).message)).toContain('CUDA out of memory');
    const responses = await postJson(fixture.origin, '/v1/responses', { model: 'g', input: `card ${card}` });
    expect(responses.status).toBe(502);
    expect(responses.json()).toMatchObject({ error: { type: 'server_error', code: 'upstream_status' } });
  });

  it('ends a translated stream with an error event in the client format when the provider fails mid-stream', async () => {
    fixture.local.behaviour.streamError = 'engine died';
    const body = {
      model: 'c',
      max_tokens: 5,
      stream: true,
      messages: [{ role: 'user', content: `card ${card}` }],
    };
    const anthropic = await postJson(fixture.origin, '/v1/messages', body);
    expect(anthropic.status).toBe(200);
    const names = eventNames(anthropic.text);
    expect(names.at(-1)).toBe('error');
    expect(names).not.toContain('message_stop');
    expect(records(anthropic.text).at(-1)).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'the provider failed mid-stream: engine died' },
    });
    const responses = await postJson(fixture.origin, '/v1/responses', {
      model: 'g',
      stream: true,
      input: `card ${card}`,
    });
    expect(eventNames(responses.text).slice(-2)).toEqual(['error', 'response.failed']);
  });

  it('streams to the client even when the provider answers a streamed request with one JSON body', async () => {
    fixture.local.behaviour.ignoreStream = true;
    const answer = await postJson(fixture.origin, '/v1/messages', {
      model: 'c',
      max_tokens: 5,
      stream: true,
      messages: [{ role: 'user', content: `card ${card}` }],
    });
    expect(answer.headers.get('content-type')).toContain('text/event-stream');
    expect(eventNames(answer.text)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(records(answer.text)[2]).toMatchObject({
      delta: { type: 'text_delta', text: `[local] card ${card}` },
    });
  });

  it('propagates a client abort through a translated stream to the provider', async () => {
    fixture.local.behaviour.stallAfterFirstEvent = true;
    const controller = new AbortController();
    const response = await fetch(`${fixture.origin}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'c',
        max_tokens: 5,
        stream: true,
        messages: [{ role: 'user', content: `card ${card}` }],
      }),
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('event: message_start');
    const closed = fixture.local.nextEarlyClose();
    controller.abort();
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fixture.decisions.at(-1)?.outcome).toBe('aborted');
  });

  it('answers token counting for a chat-only provider itself (estimated: this provider has no /tokenize)', async () => {
    const count = await postJson(fixture.origin, '/v1/messages/count_tokens', {
      model: 'c',
      messages: [{ role: 'user', content: `card ${card}` }],
    });
    expect(count.status).toBe(200);
    expect(count.headers.get('x-nemoclaw-token-count')).toBe('estimated');
    expect(count.json()).toEqual({ input_tokens: 3 + 3 + 1 + 8 });
    expect(fixture.local.requests.map((request) => request.path)).toEqual(['/tokenize']);
  });

  it('translates a Responses request (items, function calls, outputs) and its answer', async () => {
    const prompt = `charge ${card}`;
    const answer = await postJson(fixture.origin, '/v1/responses', {
      model: 'gpt',
      instructions: 'Be brief.',
      max_output_tokens: 50,
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' } }],
      tool_choice: { type: 'function', name: 'lookup' },
      input: [
        { role: 'developer', content: 'Use tools.' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'look it up' }] },
        { type: 'function_call', call_id: 'call_9', name: 'lookup', arguments: '{"q":"x"}' },
        { type: 'function_call_output', call_id: 'call_9', output: 'found' },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { role: 'user', content: prompt },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-nemoclaw-translation')).toBe('openai-responses->openai-chat');
    expect(fixture.local.requests[0]?.json).toEqual({
      model: 'nemotron-nano',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'Use tools.' },
        { role: 'user', content: 'look it up' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_9', content: 'found' },
        { role: 'user', content: prompt },
      ],
      max_tokens: 50,
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
    });
    expect(answer.json()).toMatchObject({
      object: 'response',
      status: 'completed',
      output: [
        {
          type: 'function_call',
          call_id: 'call_1',
          name: 'note',
          arguments: JSON.stringify({ text: prompt }),
          status: 'completed',
        },
      ],
      usage: { input_tokens: 11, output_tokens: 7, total_tokens: 18 },
    });
  });

  it('translates a chat stream to Responses events, text and function calls', async () => {
    const prompt = `pay ${card}`;
    const text = await postJson(fixture.origin, '/v1/responses', {
      model: 'gpt',
      stream: true,
      input: prompt,
    });
    expect(eventNames(text.text)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array<string>(Math.ceil(`[local] ${prompt}`.length / 4)).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const events = records(text.text);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events.find((event) => event.type === 'response.output_text.done')?.text).toBe(
      `[local] ${prompt}`,
    );
    expect(events.at(-1)).toMatchObject({
      type: 'response.completed',
      response: {
        status: 'completed',
        output: [{ type: 'message', content: [{ type: 'output_text', text: `[local] ${prompt}` }] }],
        usage: { input_tokens: 11, output_tokens: 7 },
      },
    });
    const tools = await postJson(fixture.origin, '/v1/responses', {
      model: 'gpt',
      stream: true,
      tools: [{ type: 'function', name: 'note', parameters: { type: 'object' } }],
      input: prompt,
    });
    const toolEvents = records(tools.text);
    const deltas = toolEvents
      .filter((event) => event.type === 'response.function_call_arguments.delta')
      .map((event) => String(event.delta))
      .join('');
    expect(JSON.parse(deltas)).toEqual({ text: prompt });
    expect(
      toolEvents.find((event) => event.type === 'response.function_call_arguments.done')?.arguments,
    ).toBe(deltas);
    expect(toolEvents.at(-1)).toMatchObject({
      type: 'response.completed',
      response: { output: [{ type: 'function_call', call_id: 'call_1', name: 'note', arguments: deltas }] },
    });
  });

  it('redacts before translating and restores placeholders in translated streams split into 1-character deltas', async () => {
    fixture.cloud.behaviour.chunkSize = 1;
    const prompt = `mail ${email} today`;
    const streamed = await postJson(fixture.origin, '/v1/messages', {
      model: 'claude-sonnet',
      max_tokens: 64,
      stream: true,
      messages: [{ role: 'user', content: prompt }],
    });
    // openai-compatible serves chat and Responses but not Messages: translated, and redacted for the cloud.
    expect(streamed.headers.get('x-nemoclaw-route')).toBe('cloud');
    expect(streamed.headers.get('x-nemoclaw-translation')).toBe('anthropic-messages->openai-chat');
    expect(streamed.headers.get('x-nemoclaw-redacted')).toBe('1');
    const seen = fixture.cloud.requests[0];
    expect(seen?.path).toBe('/v1/chat/completions');
    expect(seen?.body).not.toContain('jane.doe');
    expect(seen?.body).toContain('\u27e6EMAIL_1\u27e7');
    const text = records(streamed.text)
      .filter((event) => event.type === 'content_block_delta')
      .map((event) => (event.delta as { text: string }).text)
      .join('');
    expect(text).toBe(`[cloud] ${prompt}`);
    expect(streamed.text).not.toContain('\u27e6');

    const tools = await postJson(fixture.origin, '/v1/messages', {
      model: 'claude-sonnet',
      max_tokens: 64,
      tools: [{ name: 'note', input_schema: { type: 'object' } }],
      messages: [{ role: 'user', content: prompt }],
    });
    expect(tools.json().content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'note', input: { text: prompt } },
    ]);
  });
});

describe('API translation: OpenAI chat and Responses clients, Anthropic-only provider', () => {
  let fixture: RouterFixture;
  beforeAll(async () => {
    fixture = await startRouterFixture((urls) => ({
      ...standardPolicy(urls),
      rules: [],
      default_route: 'claude',
    }));
    fixture.anthropic.behaviour.paths = ['/messages', '/models'];
  });
  afterAll(async () => fixture.close());
  beforeEach(() => {
    fixture.anthropic.requests.length = 0;
    fixture.anthropic.behaviour.chunkSize = 4;
  });

  it('translates a chat request to Messages, redacted, and the answer back to a chat completion', async () => {
    const prompt = `write to ${email}`;
    const answer = await postJson(fixture.origin, '/v1/chat/completions', {
      model: 'gpt',
      temperature: 1.5,
      stop: 'END',
      user: 'u1',
      messages: [
        { role: 'system', content: 'Be kind.' },
        { role: 'user', content: prompt },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-nemoclaw-translation')).toBe('openai-chat->anthropic-messages');
    const seen = fixture.anthropic.requests[0];
    expect(seen?.path).toBe('/v1/messages');
    expect(seen?.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen?.json).toEqual({
      model: 'gpt',
      max_tokens: 4096,
      system: 'Be kind.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'write to \u27e6EMAIL_1\u27e7' }] }],
      temperature: 1,
      stop_sequences: ['END'],
      metadata: { user_id: 'u1' },
    });
    expect(answer.json()).toMatchObject({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: `[claude] ${prompt}` }, finish_reason: 'stop' },
      ],
    });
  });

  it('translates Messages streams to chat chunks, text and tool calls, restoring split placeholders', async () => {
    fixture.anthropic.behaviour.chunkSize = 1;
    const prompt = `note ${email}`;
    const body = { model: 'gpt', stream: true, messages: [{ role: 'user', content: prompt }] };
    const text = await postJson(fixture.origin, '/v1/chat/completions', body);
    const chunks = records(text.text) as Array<{
      choices: Array<{ delta: Json; finish_reason: string | null }>;
    }>;
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(`[claude] ${prompt}`);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(text.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(text.text).not.toContain('\u27e6');

    const tools = await postJson(fixture.origin, '/v1/chat/completions', {
      ...body,
      stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'note', parameters: { type: 'object' } } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(fixture.anthropic.requests[1]?.json).toMatchObject({
      tools: [{ name: 'note', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    const toolChunks = records(tools.text) as Array<{
      choices: Array<{
        delta: { tool_calls?: Array<{ id?: string; function: { name?: string; arguments: string } }> };
      }>;
      usage?: Json;
    }>;
    const calls = toolChunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ id: 'toolu_1', function: { name: 'note' } });
    expect(JSON.parse(calls.map((call) => call.function.arguments).join(''))).toEqual({ text: prompt });
    expect(toolChunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 1, completion_tokens: 5 });
  });

  it('sends chat tool calls and tool results as tool_use and tool_result blocks', async () => {
    await postJson(fixture.origin, '/v1/chat/completions', {
      model: 'gpt',
      messages: [
        { role: 'user', content: 'look up' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'toolu_7', type: 'function', function: { name: 'find', arguments: '{"q":"a"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_7', content: 'found' },
        { role: 'user', content: 'and?' },
      ],
    });
    expect(fixture.anthropic.requests[0]?.json?.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'look up' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_7', name: 'find', input: { q: 'a' } }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_7', content: 'found' },
          { type: 'text', text: 'and?' },
        ],
      },
    ]);
  });

  it('translates Responses to Messages through chat, stream included', async () => {
    const plain = await postJson(fixture.origin, '/v1/responses', { model: 'gpt', input: 'hello' });
    expect(plain.headers.get('x-nemoclaw-translation')).toBe('openai-responses->anthropic-messages');
    expect(plain.json()).toMatchObject({
      object: 'response',
      status: 'completed',
      output: [{ type: 'message', content: [{ type: 'output_text', text: '[claude] hello' }] }],
    });
    const streamed = await postJson(fixture.origin, '/v1/responses', {
      model: 'gpt',
      stream: true,
      input: 'hello',
    });
    const events = records(streamed.text);
    expect(events[0]?.type).toBe('response.created');
    expect(events.at(-1)).toMatchObject({
      type: 'response.completed',
      response: { output: [{ type: 'message', content: [{ text: '[claude] hello' }] }] },
    });
  });
});
