import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterInferencePolicy } from '../route/policy-types.js';
import {
  postJson,
  type RouterFixture,
  sseData,
  standardPolicy,
  startRouterFixture,
} from './testing/router-fixture.js';

/** Valid Luhn, Visa range, not a published test number. */
const cardNumber = 4539148803436467;

/** Everything goes to the cloud with reversible redaction (no rule sends cards local). */
function cloudPolicy(urls: { local: string; cloud: string; anthropic: string }): RouterInferencePolicy {
  return { ...standardPolicy(urls), rules: [] };
}

type Json = Record<string, unknown>;

/** The last assistant tool call's `arguments` (chat) or `tool_use.input` (Messages) the provider received. */
function echoToolInput(body: Json): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  for (const message of [...messages].reverse()) {
    const calls = message.tool_calls as Array<{ function: { arguments: string } }> | undefined;
    if (calls?.[0] !== undefined) return calls[0].function.arguments;
    const blocks = Array.isArray(message.content) ? (message.content as Json[]) : [];
    const use = blocks.find((block) => block.type === 'tool_use');
    if (use !== undefined) return JSON.stringify(use.input);
  }
  return '';
}

describe('attack: a card number carried as a JSON number in tool-call arguments', () => {
  let fixture: RouterFixture;
  beforeAll(async () => {
    fixture = await startRouterFixture(cloudPolicy);
    fixture.cloud.behaviour.answer = echoToolInput;
    fixture.anthropic.behaviour.answer = echoToolInput;
  });
  afterAll(async () => fixture.close());

  it('never reaches the OpenAI-like cloud, and the answer restores it', async () => {
    const answer = await postJson(fixture.origin, '/v1/chat/completions', {
      model: 'gpt',
      messages: [
        { role: 'user', content: 'pay the invoice' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'pay', arguments: `{"card": ${cardNumber}, "cents": 1250}` },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'declined' },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-nemoclaw-route')).toBe('cloud');
    expect(answer.headers.get('x-nemoclaw-reason')).toContain('CREDIT_CARD:1');
    const received = fixture.cloud.requests.at(-1)?.body ?? '';
    expect(received).not.toContain('4539');
    const sentArguments = (
      (fixture.cloud.requests.at(-1)?.json?.messages ?? []) as Array<{
        tool_calls?: Array<{ function: { arguments: string } }>;
      }>
    )[1]?.tool_calls?.[0]?.function.arguments;
    expect(JSON.parse(sentArguments ?? '')).toEqual({ card: '\u27e6CREDIT_CARD_1\u27e7', cents: 1250 });
    const content = (answer.json().choices as Array<{ message: { content: string } }>)[0]?.message.content;
    expect(content).toBe(`[cloud] {"card": "${cardNumber}", "cents": 1250}`);
  });

  it('never reaches the Anthropic-like cloud as a number in tool_use.input, and the answer restores it', async () => {
    await fixture.router.updatePolicy({
      ...cloudPolicy({
        local: fixture.local.baseUrl,
        cloud: fixture.cloud.baseUrl,
        anthropic: fixture.anthropic.baseUrl,
      }),
      default_route: 'claude',
    });
    const answer = await postJson(fixture.origin, '/v1/messages', {
      model: 'claude',
      max_tokens: 50,
      messages: [
        { role: 'user', content: 'pay the invoice' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 't1', name: 'pay', input: { card: cardNumber } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'declined' }] },
      ],
    });
    expect(answer.status).toBe(200);
    expect(fixture.anthropic.requests.at(-1)?.body).not.toContain('4539');
    expect(answer.json().content).toEqual([{ type: 'text', text: `[claude] {"card":"${cardNumber}"}` }]);
  });
});

/** The concatenated tool-call argument text of a chat completion stream. */
function streamedChatArguments(text: string): string {
  return sseData(text)
    .flatMap((data) => {
      const choices = (
        data as { choices?: Array<{ delta?: { tool_calls?: Array<{ function?: { arguments?: string } }> } }> }
      ).choices;
      return choices?.[0]?.delta?.tool_calls?.map((call) => call.function?.arguments ?? '') ?? [];
    })
    .join('');
}

/** The concatenated `input_json_delta` text of an Anthropic stream. */
function streamedAnthropicInput(text: string): string {
  return sseData(text)
    .map((data) => (data as { delta?: { type?: string; partial_json?: string } }).delta)
    .filter((delta) => delta?.type === 'input_json_delta')
    .map((delta) => delta?.partial_json ?? '')
    .join('');
}

describe('a number redacted in tool-call arguments comes back to the client as a number', () => {
  let fixture: RouterFixture;
  const chatTools = [{ type: 'function', function: { name: 'pay', parameters: { type: 'object' } } }];
  const anthropicTools = [{ name: 'pay', input_schema: { type: 'object' } }];
  const chatBody = {
    model: 'gpt',
    tools: chatTools,
    messages: [
      { role: 'user', content: 'pay the invoice' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'pay', arguments: `{"card": ${cardNumber}, "cents": 1250}` },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'declined, retry' },
    ],
  };
  const anthropicBody = {
    model: 'claude',
    max_tokens: 50,
    tools: anthropicTools,
    messages: [
      { role: 'user', content: 'pay the invoice' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 't1', name: 'pay', input: { card: cardNumber, cents: 1250 } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'declined, retry' }] },
    ],
  };
  const expected = { card: cardNumber, cents: 1250 };
  const policyWith = (defaultRoute: string): RouterInferencePolicy => ({
    ...cloudPolicy({
      local: fixture.local.baseUrl,
      cloud: fixture.cloud.baseUrl,
      anthropic: fixture.anthropic.baseUrl,
    }),
    default_route: defaultRoute,
  });
  beforeAll(async () => {
    fixture = await startRouterFixture(cloudPolicy);
    // The "model" calls the tool again with the arguments it was shown (placeholders included).
    fixture.cloud.behaviour.toolArguments = echoToolInput;
    fixture.anthropic.behaviour.toolArguments = echoToolInput;
    fixture.cloud.behaviour.chunkSize = 1;
    fixture.anthropic.behaviour.chunkSize = 1;
  });
  afterAll(async () => fixture.close());

  it('OpenAI chat, native: non-streamed and streamed in 1-character deltas', async () => {
    await fixture.router.updatePolicy(policyWith('cloud'));
    const answer = await postJson(fixture.origin, '/v1/chat/completions', chatBody);
    expect(answer.status).toBe(200);
    expect(fixture.cloud.requests.at(-1)?.body).not.toContain('4539');
    const argumentsText = (
      answer.json().choices as Array<{ message: { tool_calls: Array<{ function: { arguments: string } }> } }>
    )[0]?.message.tool_calls[0]?.function.arguments;
    expect(JSON.parse(argumentsText ?? '')).toEqual(expected);
    const streamed = await postJson(fixture.origin, '/v1/chat/completions', { ...chatBody, stream: true });
    expect(streamed.text).not.toContain('\u27e6');
    expect(JSON.parse(streamedChatArguments(streamed.text))).toEqual(expected);
  });

  it('Anthropic Messages, native: tool_use.input non-streamed, input_json_delta streamed', async () => {
    await fixture.router.updatePolicy(policyWith('claude'));
    const answer = await postJson(fixture.origin, '/v1/messages', anthropicBody);
    expect(answer.status).toBe(200);
    expect(fixture.anthropic.requests.at(-1)?.body).not.toContain('4539');
    expect(answer.json().content).toEqual([
      { type: 'tool_use', id: 'toolu_1', name: 'note', input: expected },
    ]);
    const streamed = await postJson(fixture.origin, '/v1/messages', { ...anthropicBody, stream: true });
    expect(JSON.parse(streamedAnthropicInput(streamed.text))).toEqual(expected);
  });

  it('translated both ways (Anthropic client -> chat provider, chat client -> Anthropic provider)', async () => {
    await fixture.router.updatePolicy(policyWith('cloud'));
    const toChat = await postJson(fixture.origin, '/v1/messages', anthropicBody);
    expect(toChat.headers.get('x-nemoclaw-translation')).toBe('anthropic-messages->openai-chat');
    expect(fixture.cloud.requests.at(-1)?.body).not.toContain('4539');
    expect(toChat.json().content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'note', input: expected },
    ]);
    const toChatStream = await postJson(fixture.origin, '/v1/messages', { ...anthropicBody, stream: true });
    expect(JSON.parse(streamedAnthropicInput(toChatStream.text))).toEqual(expected);

    await fixture.router.updatePolicy(policyWith('claude'));
    const toAnthropic = await postJson(fixture.origin, '/v1/chat/completions', chatBody);
    expect(toAnthropic.headers.get('x-nemoclaw-translation')).toBe('openai-chat->anthropic-messages');
    expect(fixture.anthropic.requests.at(-1)?.body).not.toContain('4539');
    const argumentsText = (
      toAnthropic.json().choices as Array<{
        message: { tool_calls: Array<{ function: { arguments: string } }> };
      }>
    )[0]?.message.tool_calls[0]?.function.arguments;
    expect(JSON.parse(argumentsText ?? '')).toEqual(expected);
    const toAnthropicStream = await postJson(fixture.origin, '/v1/chat/completions', {
      ...chatBody,
      stream: true,
    });
    expect(JSON.parse(streamedChatArguments(toAnthropicStream.text))).toEqual(expected);
  });

  it('Responses client translated to a chat-only provider: function_call arguments, streamed and not', async () => {
    const policy = policyWith('cloud');
    const cloud = policy.providers.cloud;
    if (cloud === undefined) throw new Error('the test policy has a cloud provider');
    await fixture.router.updatePolicy({
      ...policy,
      providers: { ...policy.providers, cloud: { ...cloud, apis: ['openai-chat'] } },
    });
    const body = {
      model: 'gpt',
      tools: [{ type: 'function', name: 'pay', parameters: { type: 'object' } }],
      input: [
        { role: 'user', content: 'pay the invoice' },
        {
          type: 'function_call',
          call_id: 'call_1',
          name: 'pay',
          arguments: `{"card": ${cardNumber}, "cents": 1250}`,
        },
        { type: 'function_call_output', call_id: 'call_1', output: 'declined, retry' },
      ],
    };
    const answer = await postJson(fixture.origin, '/v1/responses', body);
    expect(answer.headers.get('x-nemoclaw-translation')).toBe('openai-responses->openai-chat');
    expect(fixture.cloud.requests.at(-1)?.body).not.toContain('4539');
    const item = (answer.json().output as Array<{ type: string; arguments: string }>)[0];
    expect(item?.type).toBe('function_call');
    expect(JSON.parse(item?.arguments ?? '')).toEqual(expected);
    const streamed = await postJson(fixture.origin, '/v1/responses', { ...body, stream: true });
    const events = sseData(streamed.text) as Array<{ type?: string; delta?: string; arguments?: string }>;
    const deltas = events
      .filter((event) => event.type === 'response.function_call_arguments.delta')
      .map((event) => event.delta ?? '')
      .join('');
    expect(JSON.parse(deltas)).toEqual(expected);
    const done = events.find((event) => event.type === 'response.function_call_arguments.done');
    expect(JSON.parse(done?.arguments ?? '')).toEqual(expected);
  });

  it('a model that writes the placeholder inside a string gets the string form back', async () => {
    await fixture.router.updatePolicy(policyWith('cloud'));
    fixture.cloud.behaviour.toolArguments = (body) => {
      const card = (JSON.parse(echoToolInput(body)) as { card: string }).card;
      return JSON.stringify({ note: `retry card ${card}`, card });
    };
    try {
      const streamed = await postJson(fixture.origin, '/v1/chat/completions', { ...chatBody, stream: true });
      expect(JSON.parse(streamedChatArguments(streamed.text))).toEqual({
        note: `retry card ${cardNumber}`,
        card: cardNumber,
      });
    } finally {
      fixture.cloud.behaviour.toolArguments = echoToolInput;
    }
  });
});
