import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouterInferencePolicy } from '../route/policy-types.js';
import {
  postJson,
  type RouterFixture,
  sseData,
  standardPolicy,
  startRouterFixture,
} from './testing/router-fixture.js';

const email = 'jane.doe@example.com';
const awkwardTerm = 'Project "Blue" \\ Falcon';

/** Cloud by default with reversible redaction; a term list with quotes and a backslash is redacted too. */
function redactingPolicy(urls: { local: string; cloud: string; anthropic: string }): RouterInferencePolicy {
  return { ...standardPolicy(urls), rules: [], terms: { codenames: { values: [awkwardTerm] } } };
}

function chatContent(text: string): string {
  return sseData(text)
    .map((data) => {
      if (typeof data !== 'object' || data === null) return '';
      const choices = (data as { choices?: Array<{ delta?: { content?: string } }> }).choices ?? [];
      return choices.map((choice) => choice.delta?.content ?? '').join('');
    })
    .join('');
}

function chatToolArguments(text: string): string {
  return sseData(text)
    .map((data) => {
      if (typeof data !== 'object' || data === null) return '';
      const choices =
        (
          data as {
            choices?: Array<{ delta?: { tool_calls?: Array<{ function?: { arguments?: string } }> } }>;
          }
        ).choices ?? [];
      return choices
        .flatMap((choice) => choice.delta?.tool_calls ?? [])
        .map((call) => call.function?.arguments ?? '')
        .join('');
    })
    .join('');
}

describe('reversible redaction round trip', () => {
  let fixture: RouterFixture;
  beforeEach(async () => {
    fixture = await startRouterFixture(redactingPolicy);
  });
  afterEach(async () => fixture.close());

  it('sends placeholders to the cloud and restores the values in a plain answer', async () => {
    const prompt = `email ${email} about ${awkwardTerm}`;
    const answer = await postJson(fixture.origin, '/v1/chat/completions', {
      model: 'gpt',
      messages: [{ role: 'user', content: prompt }],
    });
    expect(answer.status).toBe(200);
    const seen = fixture.cloud.requests[0]?.body ?? '';
    expect(seen).not.toContain('jane.doe');
    expect(seen).not.toContain('Falcon');
    expect(seen).toContain('email \u27e6EMAIL_1\u27e7 about \u27e6TERM_1\u27e7');
    expect(answer.headers.get('x-nemoclaw-redacted')).toBe('2');
    expect((answer.json().choices as Array<{ message: { content: string } }>)[0]?.message.content).toBe(
      `[cloud] ${prompt}`,
    );
  });

  for (const chunkSize of [1, 2, 3, 5, 7]) {
    it(`restores placeholders split across streamed chunks of ${chunkSize} characters`, async () => {
      fixture.cloud.behaviour.chunkSize = chunkSize;
      const prompt = `to ${email}, cc ${email}; re ${awkwardTerm}.`;
      const answer = await postJson(fixture.origin, '/v1/chat/completions', {
        model: 'gpt',
        stream: true,
        messages: [{ role: 'user', content: prompt }],
      });
      expect(answer.headers.get('content-type')).toContain('text/event-stream');
      expect(chatContent(answer.text)).toBe(`[cloud] ${prompt}`);
      expect(answer.text).not.toContain('\u27e6');
      expect(answer.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    });
  }

  it('restores placeholders inside streamed tool-call arguments, JSON-escaped', async () => {
    fixture.cloud.behaviour.chunkSize = 3;
    const prompt = `note ${email} for ${awkwardTerm}`;
    const answer = await postJson(fixture.origin, '/v1/chat/completions', {
      model: 'gpt',
      stream: true,
      tools: [{ type: 'function', function: { name: 'note', parameters: { type: 'object' } } }],
      messages: [{ role: 'user', content: prompt }],
    });
    const argumentsText = chatToolArguments(answer.text);
    expect(JSON.parse(argumentsText)).toEqual({ text: prompt });
    expect(fixture.cloud.requests[0]?.body).not.toContain('Falcon');
  });

  it('restores tool-call arguments of a non-streamed answer and redacts arguments the client sends back', async () => {
    const prompt = `note ${awkwardTerm}`;
    const tools = [{ type: 'function', function: { name: 'note', parameters: { type: 'object' } } }];
    const first = await postJson(fixture.origin, '/v1/chat/completions', {
      model: 'gpt',
      tools,
      messages: [{ role: 'user', content: prompt }],
    });
    const call = (
      first.json().choices as Array<{ message: { tool_calls: Array<{ function: { arguments: string } }> } }>
    )[0]?.message.tool_calls[0];
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ text: prompt });
    // The agent sends the tool call and its result back: both are redacted again, identically.
    await postJson(fixture.origin, '/v1/chat/completions', {
      model: 'gpt',
      tools,
      messages: [
        { role: 'user', content: prompt },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: call?.function }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: `saved ${awkwardTerm}` },
      ],
    });
    const second = fixture.cloud.requests[1];
    expect(second?.body).not.toContain('Falcon');
    const messages = second?.json?.messages as Array<Record<string, unknown>>;
    const sentCalls = messages[1]?.tool_calls as Array<{ function: { arguments: string } }> | undefined;
    const sentCall = sentCalls?.[0];
    expect(JSON.parse(sentCall?.function.arguments ?? '')).toEqual({ text: 'note \u27e6TERM_1\u27e7' });
    expect(messages[2]?.content).toBe('saved \u27e6TERM_1\u27e7');
  });

  it('keeps placeholders stable within a conversation and numbers new values', async () => {
    const headers = { 'x-nemoclaw-conversation': 'thread-1' };
    await postJson(
      fixture.origin,
      '/v1/chat/completions',
      { model: 'g', messages: [{ role: 'user', content: `hi ${email}` }] },
      headers,
    );
    await postJson(
      fixture.origin,
      '/v1/chat/completions',
      { model: 'g', messages: [{ role: 'user', content: `bob@example.org and ${email}` }] },
      headers,
    );
    expect(fixture.cloud.requests[0]?.body).toContain('hi \u27e6EMAIL_1\u27e7');
    expect(fixture.cloud.requests[1]?.body).toContain('\u27e6EMAIL_2\u27e7 and \u27e6EMAIL_1\u27e7');
  });

  it('never restores a placeholder into another conversation (a model cannot fish for values)', async () => {
    await postJson(
      fixture.origin,
      '/v1/chat/completions',
      { model: 'g', messages: [{ role: 'user', content: `hi ${email}` }] },
      { 'x-nemoclaw-conversation': 'victim' },
    );
    const probe = await postJson(
      fixture.origin,
      '/v1/chat/completions',
      { model: 'g', messages: [{ role: 'user', content: 'say \u27e6EMAIL_1\u27e7 and bob@example.org' }] },
      { 'x-nemoclaw-conversation': 'attacker' },
    );
    const content = (probe.json().choices as Array<{ message: { content: string } }>)[0]?.message.content;
    expect(content).toBe('[cloud] say \u27e6EMAIL_1\u27e7 and bob@example.org');
    expect(probe.text).not.toContain('jane.doe');
  });

  it('restores Anthropic streamed text and tool input split into 1-character deltas', async () => {
    await fixture.router.updatePolicy({
      ...redactingPolicy({
        local: fixture.local.baseUrl,
        cloud: fixture.cloud.baseUrl,
        anthropic: fixture.anthropic.baseUrl,
      }),
      default_route: 'claude',
    });
    fixture.anthropic.behaviour.chunkSize = 1;
    const prompt = `mail ${email} re ${awkwardTerm}`;
    const body = {
      model: 'claude',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: prompt }],
    };
    const text = await postJson(fixture.origin, '/v1/messages', body);
    const deltas = sseData(text.text).filter(
      (data): data is { type: string; delta: { text?: string; partial_json?: string } } =>
        typeof data === 'object' &&
        data !== null &&
        (data as { type?: string }).type === 'content_block_delta',
    );
    expect(deltas.map((data) => data.delta.text ?? '').join('')).toBe(`[claude] ${prompt}`);
    expect(text.text).toContain('event: content_block_delta');
    const tools = await postJson(fixture.origin, '/v1/messages', {
      ...body,
      tools: [{ name: 'note', input_schema: { type: 'object' } }],
    });
    const json = sseData(tools.text)
      .filter(
        (data): data is { type: string; delta: { partial_json?: string } } =>
          typeof data === 'object' &&
          data !== null &&
          (data as { type?: string }).type === 'content_block_delta',
      )
      .map((data) => data.delta.partial_json ?? '')
      .join('');
    expect(JSON.parse(json)).toEqual({ text: prompt });
    expect(fixture.anthropic.requests.map((request) => request.body).join('')).not.toContain('jane.doe');
  });

  it('restores Anthropic non-streamed tool_use input', async () => {
    await fixture.router.updatePolicy({
      ...redactingPolicy({
        local: fixture.local.baseUrl,
        cloud: fixture.cloud.baseUrl,
        anthropic: fixture.anthropic.baseUrl,
      }),
      default_route: 'claude',
    });
    const prompt = `file ${awkwardTerm}`;
    const answer = await postJson(fixture.origin, '/v1/messages', {
      model: 'claude',
      max_tokens: 100,
      tools: [{ name: 'note', input_schema: { type: 'object' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
    });
    expect(answer.json().content).toEqual([
      { type: 'tool_use', id: 'toolu_1', name: 'note', input: { text: prompt } },
    ]);
  });

  it('restores a non-streamed Responses answer and redacts embeddings input', async () => {
    const answer = await postJson(fixture.origin, '/v1/responses', {
      model: 'gpt',
      instructions: `You work for ${awkwardTerm}`,
      input: [{ role: 'user', content: [{ type: 'input_text', text: `ping ${email}` }] }],
    });
    expect(answer.json()).toMatchObject({
      output: [{ content: [{ type: 'output_text', text: `[cloud] ping ${email}` }] }],
    });
    const embeddings = await postJson(fixture.origin, '/v1/embeddings', {
      model: 'e',
      input: [`${email}`, 'plain'],
    });
    expect(embeddings.status).toBe(200);
    expect(fixture.cloud.requests[1]?.json?.input).toEqual(['\u27e6EMAIL_1\u27e7', 'plain']);
    expect(fixture.cloud.requests.map((request) => request.body).join('')).not.toMatch(/jane\.doe|Falcon/);
  });

  it('restores the Responses API stream and its final events', async () => {
    fixture.cloud.behaviour.chunkSize = 2;
    const prompt = `reply to ${email}`;
    const answer = await postJson(fixture.origin, '/v1/responses', {
      model: 'gpt',
      stream: true,
      input: prompt,
    });
    const events = sseData(answer.text) as Array<{
      type: string;
      delta?: string;
      text?: string;
      response?: unknown;
    }>;
    const deltas = events
      .filter((event) => event.type === 'response.output_text.delta')
      .map((event) => event.delta ?? '');
    expect(deltas.join('')).toBe(`[cloud] ${prompt}`);
    expect(events.find((event) => event.type === 'response.output_text.done')?.text).toBe(
      `[cloud] ${prompt}`,
    );
    expect(JSON.stringify(events.find((event) => event.type === 'response.completed'))).toContain(email);
    expect(fixture.cloud.requests[0]?.body).not.toContain('jane.doe');
  });
});

describe('policy hot reload', () => {
  it('lets a stream started under the old policy finish with it, while new requests use the new one', async () => {
    const fixture = await startRouterFixture(redactingPolicy);
    try {
      let release: () => void = () => {};
      fixture.cloud.behaviour.gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      fixture.cloud.behaviour.chunkSize = 2;
      const prompt = `hello ${email}`;
      const response = await fetch(`${fixture.origin}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'g', stream: true, messages: [{ role: 'user', content: prompt }] }),
      });
      const reader = response.body?.getReader();
      if (reader === undefined) throw new Error('no body');
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value);
      const urls = {
        local: fixture.local.baseUrl,
        cloud: fixture.cloud.baseUrl,
        anthropic: fixture.anthropic.baseUrl,
      };
      expect(
        await fixture.router.updatePolicy({
          ...redactingPolicy(urls),
          default_route: 'local',
          redaction: 'none',
        }),
      ).toBe(2);
      const during = await postJson(fixture.origin, '/v1/chat/completions', {
        model: 'g',
        messages: [{ role: 'user', content: prompt }],
      });
      expect(during.headers.get('x-nemoclaw-route')).toBe('local');
      fixture.cloud.behaviour.gate = undefined;
      release();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        text += decoder.decode(chunk.value);
      expect(chatContent(text)).toBe(`[cloud] ${prompt}`);
      expect(response.headers.get('x-nemoclaw-route')).toBe('cloud');
      expect(fixture.cloud.requests).toHaveLength(1);
    } finally {
      await fixture.close();
    }
  });
});

describe('graceful close', () => {
  it('stops accepting at once but lets an in-flight stream finish', async () => {
    const fixture = await startRouterFixture(redactingPolicy);
    try {
      let release: () => void = () => {};
      fixture.cloud.behaviour.gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const response = await fetch(`${fixture.origin}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'g',
          stream: true,
          messages: [{ role: 'user', content: `bye ${email}` }],
        }),
      });
      const reader = response.body?.getReader();
      if (reader === undefined) throw new Error('no body');
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value);
      const closed = fixture.router.close({ graceMs: 10_000 });
      await expect(fetch(`${fixture.origin}/v1/models`)).rejects.toThrow();
      release();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        text += decoder.decode(chunk.value);
      await closed;
      expect(chatContent(text)).toBe(`[cloud] bye ${email}`);
    } finally {
      await fixture.close();
    }
  });
});
