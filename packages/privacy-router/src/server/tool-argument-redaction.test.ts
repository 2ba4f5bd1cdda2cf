import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterInferencePolicy } from '../route/policy-types.js';
import {
  postJson,
  type RouterFixture,
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
