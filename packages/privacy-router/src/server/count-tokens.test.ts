import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RouterInferencePolicy } from '../route/policy-types.js';
import { estimateAnthropicInputTokens } from './estimate-tokens.js';
import { decisionToOcsfEvent } from './ocsf-event.js';
import { loopbackTokenCount } from './testing/loopback-provider.js';
import {
  cloudKeys,
  postJson,
  type RouterFixture,
  standardPolicy,
  startRouterFixture,
} from './testing/router-fixture.js';

/** A valid (Luhn, Visa range) card number that is not a published test number: routes local. */
const card = '4539 1488 0343 6467';
const email = 'jane.doe@example.com';

type Json = Record<string, unknown>;
type Urls = { local: string; cloud: string; anthropic: string };

/** Cards go local (Nemotron-like, chat only); the rest to a chat-only cloud, redacted. */
function countPolicy(urls: Urls): RouterInferencePolicy {
  const policy = standardPolicy(urls);
  const cloud = policy.providers.cloud;
  if (cloud === undefined) throw new Error('the standard policy has a cloud provider');
  return { ...policy, providers: { ...policy.providers, cloud: { ...cloud, apis: ['openai-chat'] } } };
}

/** A Claude Code-like count request: system, tools, a tool round trip and the new user turn. */
function countRequest(text: string): Json {
  return {
    model: 'claude-sonnet-4',
    system: [{ type: 'text', text: 'You are a coding agent.' }],
    tools: [{ name: 'read_file', description: 'Read a file.', input_schema: { type: 'object' } }],
    messages: [
      { role: 'user', content: 'open the notes' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 't1', name: 'read_file', input: { path: 'notes.md' } }],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: 'no notes yet' },
          { type: 'text', text },
        ],
      },
    ],
  };
}

describe('POST /v1/messages/count_tokens for providers without Anthropic Messages', () => {
  let fixture: RouterFixture;
  const urls = (): Urls => ({
    local: fixture.local.baseUrl,
    cloud: fixture.cloud.baseUrl,
    anthropic: fixture.anthropic.baseUrl,
  });
  beforeAll(async () => {
    fixture = await startRouterFixture(countPolicy);
  });
  afterAll(async () => fixture.close());
  beforeEach(async () => {
    for (const provider of [fixture.local, fixture.cloud]) {
      provider.requests.length = 0;
      provider.behaviour.tokenizer = undefined;
      provider.behaviour.fail = undefined;
    }
    fixture.decisions.length = 0;
    // A new policy generation: forgets which providers have no tokenizer.
    await fixture.router.updatePolicy(countPolicy(urls()));
  });

  it("counts with a vLLM-like provider's /tokenize: chat messages, tools, generation prompt", async () => {
    fixture.local.behaviour.tokenizer = { servedModel: 'nemotron-nano' };
    const answer = await postJson(
      fixture.origin,
      '/v1/messages/count_tokens',
      countRequest(`refund ${card}`),
      {
        'anthropic-version': '2023-06-01',
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-nemoclaw-route')).toBe('local');
    expect(answer.headers.get('x-nemoclaw-token-count')).toBe('tokenizer');
    const seen = fixture.local.requests[0];
    expect(seen?.path).toBe('/tokenize');
    expect(seen?.json).toEqual({
      model: 'nemotron-nano',
      add_generation_prompt: true,
      messages: [
        { role: 'system', content: 'You are a coding agent.' },
        { role: 'user', content: 'open the notes' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 't1', type: 'function', function: { name: 'read_file', arguments: '{"path":"notes.md"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 't1', content: 'no notes yet' },
        { role: 'user', content: `refund ${card}` },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'read_file', parameters: { type: 'object' }, description: 'Read a file.' },
        },
      ],
    });
    expect(answer.json()).toEqual({ input_tokens: loopbackTokenCount(seen?.json ?? {}) });
    expect(fixture.local.requests).toHaveLength(1);
    const decision = fixture.decisions[0];
    expect(decision).toMatchObject({ outcome: 'forwarded', tokenCount: 'tokenizer', route: 'local' });
    expect(decision === undefined ? undefined : decisionToOcsfEvent(decision).api).toMatchObject({
      operation: 'messages.count_tokens->tokenize',
    });
  });

  it('sends the cloud tokenizer the redacted request, with the provider key', async () => {
    fixture.cloud.behaviour.tokenizer = { servedModel: 'gpt' };
    const answer = await postJson(fixture.origin, '/v1/messages/count_tokens', countRequest(`mail ${email}`));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-nemoclaw-route')).toBe('cloud');
    expect(answer.headers.get('x-nemoclaw-redacted')).toBe('1');
    expect(answer.headers.get('x-nemoclaw-token-count')).toBe('tokenizer');
    const seen = fixture.cloud.requests[0];
    expect(seen?.path).toBe('/tokenize');
    expect(seen?.headers.authorization).toBe(`Bearer ${cloudKeys.openai}`);
    expect(seen?.body).not.toContain('jane.doe');
    expect(seen?.body).toContain('\u27e6EMAIL_1\u27e7');
    // No provider model: `model` is left out (vLLM would refuse the Anthropic model name).
    expect(seen?.json?.model).toBeUndefined();
    expect(answer.json()).toEqual({ input_tokens: loopbackTokenCount(seen?.json ?? {}) });
  });

  it('estimates locally, and says so, when the provider has no /tokenize; asks once per policy generation', async () => {
    const body = countRequest(`refund ${card}`);
    const first = await postJson(fixture.origin, '/v1/messages/count_tokens', body);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-nemoclaw-token-count')).toBe('estimated');
    expect(first.json()).toEqual({ input_tokens: estimateAnthropicInputTokens(body) });
    // Reply 3, system 3+7, tools 346+3+4+10, messages 3+3, 3+(3+3+11), 3+(3+3)+10.
    expect(first.json().input_tokens).toBe(421);
    expect(fixture.local.requests.map((request) => request.path)).toEqual(['/tokenize']);
    const second = await postJson(fixture.origin, '/v1/messages/count_tokens', body);
    expect(second.json()).toEqual(first.json());
    expect(fixture.local.requests).toHaveLength(1);
    expect(fixture.decisions[1]).toMatchObject({ outcome: 'answered', tokenCount: 'estimated' });
    // The next policy generation asks again (the provider may have been replaced by a vLLM).
    await fixture.router.updatePolicy(countPolicy(urls()));
    fixture.local.behaviour.tokenizer = { servedModel: 'nemotron-nano' };
    const third = await postJson(fixture.origin, '/v1/messages/count_tokens', body);
    expect(third.headers.get('x-nemoclaw-token-count')).toBe('tokenizer');
  });

  it('estimates, without remembering, when the tokenizer fails or answers out of contract', async () => {
    fixture.local.behaviour.tokenizer = { servedModel: 'nemotron-nano' };
    fixture.local.behaviour.fail = { status: 500, body: '{"error": "engine dead"}' };
    const body = countRequest(`refund ${card}`);
    const failed = await postJson(fixture.origin, '/v1/messages/count_tokens', body);
    expect(failed.headers.get('x-nemoclaw-token-count')).toBe('estimated');
    fixture.local.behaviour.fail = { status: 200, body: '{"count": "many"}' };
    const odd = await postJson(fixture.origin, '/v1/messages/count_tokens', body);
    expect(odd.headers.get('x-nemoclaw-token-count')).toBe('estimated');
    expect(odd.json()).toEqual({ input_tokens: estimateAnthropicInputTokens(body) });
    fixture.local.behaviour.fail = undefined;
    const recovered = await postJson(fixture.origin, '/v1/messages/count_tokens', body);
    expect(recovered.headers.get('x-nemoclaw-token-count')).toBe('tokenizer');
    expect(fixture.local.requests).toHaveLength(3);
  });

  it('estimates when the local provider is down: a count sends nothing anywhere else', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await fixture.router.updatePolicy(countPolicy({ ...urls(), local: `http://127.0.0.1:${port}/v1` }));
    const answer = await postJson(
      fixture.origin,
      '/v1/messages/count_tokens',
      countRequest(`refund ${card}`),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-nemoclaw-route')).toBe('local');
    expect(answer.headers.get('x-nemoclaw-token-count')).toBe('estimated');
    expect(fixture.cloud.requests).toHaveLength(0);
  });

  it('still blocks a count the policy blocks', async () => {
    await fixture.router.updatePolicy({
      ...countPolicy(urls()),
      rules: [{ when: { entities: ['EMAIL'] }, route: 'block' }],
    });
    const answer = await postJson(fixture.origin, '/v1/messages/count_tokens', countRequest(`mail ${email}`));
    expect(answer.status).toBe(403);
    expect(answer.json()).toMatchObject({ type: 'error', error: { code: 'blocked_by_policy' } });
    expect(fixture.cloud.requests).toHaveLength(0);
  });
});
