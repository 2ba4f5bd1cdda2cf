import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrivacyRouterError } from '../privacy-router-error.js';
import { createRouter } from './create-router.js';
import type { RouteDecisionEvent } from './decision-event.js';
import { decisionToOcsfEvent } from './ocsf-event.js';
import { startLoopbackProvider } from './testing/loopback-provider.js';
import {
  cloudKeys,
  postJson,
  type RouterFixture,
  standardPolicy,
  startRouterFixture,
} from './testing/router-fixture.js';

const card = '4539 1488 0343 6467';

function chat(text: string, extra: Record<string, unknown> = {}) {
  return { model: 'any-model', messages: [{ role: 'user', content: text }], ...extra };
}

function answerOf(json: Record<string, unknown>): unknown {
  const choices = json.choices as Array<{ message: { content: unknown } }>;
  return choices[0]?.message.content;
}

describe('routing by the inference policy', () => {
  let fixture: RouterFixture;
  beforeEach(async () => {
    fixture = await startRouterFixture(standardPolicy);
  });
  afterEach(async () => fixture.close());

  it('sends a request with a card number to the local provider only, with its model, and explains why', async () => {
    const answer = await postJson(fixture.origin, '/v1/chat/completions', chat(`charge ${card} please`));
    expect(answer.status).toBe(200);
    expect(answerOf(answer.json())).toBe(`[local] charge ${card} please`);
    expect(answer.headers.get('x-nemoclaw-route')).toBe('local');
    expect(answer.headers.get('x-nemoclaw-reason')).toBe('rule=0; sensitivity=high; entities=CREDIT_CARD:1');
    expect(fixture.cloud.requests).toHaveLength(0);
    expect(fixture.local.requests[0]?.json?.model).toBe('nemotron-nano');
  });

  it('matches policy term lists (rule 1)', async () => {
    const answer = await postJson(fixture.origin, '/v1/chat/completions', chat('renewal for Acme Corp'));
    expect(answer.headers.get('x-nemoclaw-route')).toBe('local');
    expect(answer.headers.get('x-nemoclaw-reason')).toContain('rule=1');
    expect(answer.headers.get('x-nemoclaw-reason')).toContain('TERM:customers:1');
  });

  it('sends a request without findings to the default route with the key injected, and the client key dropped', async () => {
    const answer = await postJson(fixture.origin, '/v1/chat/completions', chat('write a haiku'), {
      authorization: 'Bearer sk-agent-should-never-pass',
      'x-api-key': 'agent-key',
      cookie: 'session=1',
    });
    expect(answer.status).toBe(200);
    expect(answerOf(answer.json())).toBe('[cloud] write a haiku');
    expect(answer.headers.get('x-nemoclaw-route')).toBe('cloud');
    expect(answer.headers.get('x-nemoclaw-reason')).toBe('default; sensitivity=none; entities=none');
    const seen = fixture.cloud.requests[0];
    expect(seen?.headers.authorization).toBe(`Bearer ${cloudKeys.openai}`);
    expect(seen?.headers['x-api-key']).toBeUndefined();
    expect(seen?.headers.cookie).toBeUndefined();
    expect(seen?.json?.model).toBe('any-model');
    expect(fixture.local.requests).toHaveLength(0);
  });

  it('keeps a conversation local once it went local (sticky by header)', async () => {
    const headers = { 'x-nemoclaw-conversation': 'conv-42' };
    await postJson(fixture.origin, '/v1/chat/completions', chat(`card ${card}`), headers);
    const followUp = await postJson(
      fixture.origin,
      '/v1/chat/completions',
      chat('and what about tomorrow?'),
      headers,
    );
    expect(followUp.headers.get('x-nemoclaw-route')).toBe('local');
    expect(followUp.headers.get('x-nemoclaw-reason')).toMatch(/^sticky; /);
    expect(fixture.cloud.requests).toHaveLength(0);
    // Another conversation is not affected.
    const other = await postJson(fixture.origin, '/v1/chat/completions', chat('and what about tomorrow?'), {
      'x-nemoclaw-conversation': 'conv-43',
    });
    expect(other.headers.get('x-nemoclaw-route')).toBe('cloud');
  });

  it('keeps a conversation local without the header, by user id and first user message', async () => {
    const first = { model: 'm', user: 'agent-7', messages: [{ role: 'user', content: `pay with ${card}` }] };
    await postJson(fixture.origin, '/v1/chat/completions', first);
    const second = {
      ...first,
      messages: [
        { role: 'user', content: `pay with ${card}` },
        { role: 'assistant', content: 'done' },
        { role: 'user', content: 'thanks, anything else?' },
      ],
    };
    // The history still carries the card; drop it to prove stickiness, not detection, keeps it local.
    const withoutCard = {
      ...second,
      messages: [{ role: 'user', content: `pay with ${card}` }, ...second.messages.slice(1)],
    };
    const answer = await postJson(fixture.origin, '/v1/chat/completions', withoutCard);
    expect(answer.headers.get('x-nemoclaw-route')).toBe('local');
    expect(fixture.cloud.requests).toHaveLength(0);
  });

  it('reports every decision with entity types and counts, never values', async () => {
    await postJson(
      fixture.origin,
      '/v1/chat/completions',
      chat('mail jane.doe@example.com and bob@example.org'),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const event = fixture.decisions[0];
    expect(event?.route).toBe('cloud');
    expect(event?.reason.entities).toEqual({ EMAIL: 2 });
    expect(event?.redactedValues).toBe(2);
    expect(event?.outcome).toBe('forwarded');
    expect(event?.status).toBe(200);
    expect(JSON.stringify(fixture.decisions)).not.toContain('example.com');
    const ocsf = decisionToOcsfEvent(fixture.decisions[0] as RouteDecisionEvent, { sandbox: 'dev' });
    expect(ocsf).toMatchObject({
      class_uid: 6003,
      api: { operation: 'chat.completions', service: { name: 'cloud' } },
      unmapped: { route: 'cloud', redacted_count: 2 },
      resources: [{ data_classifications: [{ discovery_details: [{ type: 'EMAIL', count: 2 }] }] }],
    });
    expect(JSON.stringify(ocsf)).not.toContain('example.com');
  });

  it('reports blocked and local decisions as OCSF events with rule and TERM counts', async () => {
    await postJson(fixture.origin, '/v1/chat/completions', chat('Acme Corp renewal'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ocsf = decisionToOcsfEvent(fixture.decisions[0] as RouteDecisionEvent);
    expect(ocsf).toMatchObject({
      unmapped: { route: 'local' },
      resources: [{ data_classifications: [{ discovery_details: [{ type: 'TERM', count: 1 }] }] }],
    });
    expect(JSON.stringify(ocsf)).toContain('inference.rules[1]');
    expect(JSON.stringify(ocsf)).not.toContain('Acme');
  });

  it('lists the models of all providers merged, and its status', async () => {
    const models = await fetch(`${fixture.origin}/v1/models`);
    const list = (await models.json()) as { data: Array<{ id: string }> };
    expect(list.data.map((model) => model.id).sort()).toEqual([
      'claude-model',
      'cloud-model',
      'local-model',
      'nemotron-nano',
    ]);
    const status = (await (await fetch(`${fixture.origin}/v1/nemoclaw/status`)).json()) as Record<
      string,
      unknown
    >;
    expect(status.status).toBe('ok');
    expect(JSON.stringify(status)).not.toContain(cloudKeys.openai);
  });

  it('answers embeddings through the same routing', async () => {
    const answer = await postJson(fixture.origin, '/v1/embeddings', {
      model: 'e',
      input: [`card ${card}`, 'x'],
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-nemoclaw-route')).toBe('local');
  });
});

describe('when the local provider is down', () => {
  it('fails closed with 503 and never contacts the cloud (on_local_unavailable: block)', async () => {
    const fixture = await startRouterFixture(standardPolicy);
    try {
      await fixture.local.close();
      const answer = await postJson(fixture.origin, '/v1/chat/completions', chat(`card ${card}`));
      expect(answer.status).toBe(503);
      expect(answer.json()).toMatchObject({
        error: { code: 'local_model_unavailable', type: 'server_error' },
      });
      expect(answer.headers.get('x-nemoclaw-route')).toBe('block');
      expect(fixture.cloud.requests).toHaveLength(0);
      // Anthropic clients get the Anthropic error object.
      const anthropic = await postJson(fixture.origin, '/v1/messages', {
        model: 'm',
        max_tokens: 10,
        messages: [{ role: 'user', content: `card ${card}` }],
      });
      expect(anthropic.status).toBe(503);
      expect(anthropic.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    } finally {
      await fixture.close();
    }
  });

  it('redacts and goes to the cloud instead with on_local_unavailable: redact_and_cloud', async () => {
    const fixture = await startRouterFixture((urls) => ({
      ...standardPolicy(urls),
      on_local_unavailable: 'redact_and_cloud',
    }));
    try {
      await fixture.local.close();
      const answer = await postJson(
        fixture.origin,
        '/v1/chat/completions',
        chat(`card ${card} for Acme Corp`),
      );
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-nemoclaw-route')).toBe('cloud');
      expect(answer.headers.get('x-nemoclaw-reason')).toMatch(/^local-unavailable; rule=0/);
      expect(answerOf(answer.json())).toBe(`[cloud] card ${card} for Acme Corp`);
      const sent = fixture.cloud.requests[0]?.body ?? '';
      expect(sent).not.toContain('4539');
      expect(sent).not.toContain('Acme');
      expect(sent).toContain('\u27e6CREDIT_CARD_1\u27e7');
    } finally {
      await fixture.close();
    }
  });
});

describe('routing rules', () => {
  it('blocks with 403 when a rule says block, in the client format', async () => {
    const fixture = await startRouterFixture((urls) => ({
      ...standardPolicy(urls),
      rules: [{ when: { entities: ['EMAIL'] }, route: 'block' }],
    }));
    try {
      const answer = await postJson(fixture.origin, '/v1/chat/completions', chat('write to a@example.com'));
      expect(answer.status).toBe(403);
      expect(answer.json()).toMatchObject({ error: { code: 'blocked_by_policy', type: 'permission_error' } });
      expect(answer.headers.get('x-nemoclaw-route')).toBe('block');
      expect(fixture.cloud.requests).toHaveLength(0);
      expect(fixture.local.requests).toHaveLength(0);
    } finally {
      await fixture.close();
    }
  });

  it('sends the client to the cloud unredacted when redaction is none', async () => {
    const fixture = await startRouterFixture((urls) => ({ ...standardPolicy(urls), redaction: 'none' }));
    try {
      const answer = await postJson(fixture.origin, '/v1/chat/completions', chat('write to a@example.com'));
      expect(answer.headers.get('x-nemoclaw-redacted')).toBeNull();
      expect(fixture.cloud.requests[0]?.body).toContain('a@example.com');
    } finally {
      await fixture.close();
    }
  });

  it('refuses to forward when the key variable is missing (fail closed, no unauthenticated call)', async () => {
    const fixture = await startRouterFixture(standardPolicy, { environment: {} });
    try {
      const answer = await postJson(fixture.origin, '/v1/chat/completions', chat('hello'), {
        authorization: `Bearer ${cloudKeys.openai}`,
      });
      expect(answer.status).toBe(500);
      expect(answer.json()).toMatchObject({ error: { code: 'provider_credentials_missing' } });
      expect(answer.text).toContain('TEST_CLOUD_KEY');
      expect(fixture.cloud.requests).toHaveLength(0);
    } finally {
      await fixture.close();
    }
  });

  it('routes Anthropic clients to an Anthropic provider with x-api-key', async () => {
    const fixture = await startRouterFixture((urls) => ({
      ...standardPolicy(urls),
      default_route: 'claude',
    }));
    try {
      const answer = await postJson(
        fixture.origin,
        '/v1/messages',
        { model: 'claude-x', max_tokens: 20, messages: [{ role: 'user', content: 'hi there' }] },
        { 'x-api-key': 'agent-key-must-not-pass', 'anthropic-version': '2023-06-01' },
      );
      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({ content: [{ type: 'text', text: '[claude] hi there' }] });
      expect(fixture.anthropic.requests[0]?.headers['x-api-key']).toBe(cloudKeys.anthropic);
      expect(fixture.anthropic.requests[0]?.headers.authorization).toBeUndefined();
      // Token counting carries the same content: scanned, routed and redacted like a message.
      const count = await postJson(fixture.origin, '/v1/messages/count_tokens', {
        model: 'claude-x',
        messages: [{ role: 'user', content: 'count jane@example.com' }],
      });
      expect(count.status).toBe(200);
      expect(count.json()).toEqual({ input_tokens: 'count \u27e6EMAIL_1\u27e7'.length });
      expect(fixture.anthropic.requests[1]?.path).toBe('/v1/messages/count_tokens');
      expect(fixture.anthropic.requests[1]?.body).not.toContain('jane@');
    } finally {
      await fixture.close();
    }
  });
});

describe('createRouter and updatePolicy', () => {
  it('rejects a policy whose route names no provider', async () => {
    await expect(createRouter({ policy: { providers: {}, default_route: 'cloud' } })).rejects.toMatchObject({
      code: 'INVALID_POLICY',
      message: expect.stringContaining('inference.default_route'),
    });
  });

  it('reads term files relative to policyDir and reports an unreadable one', async () => {
    const error = await createRouter({
      policy: {
        providers: { local: { kind: 'ollama', base_url: 'http://127.0.0.1:1/v1' } },
        default_route: 'local',
        terms: { customers: { file: 'no-such-terms.txt' } },
      },
      policyDir: '/nonexistent-dir',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PrivacyRouterError);
    expect((error as PrivacyRouterError).code).toBe('TERMS_FILE_UNREADABLE');
  });

  it('keeps the last good policy when an update is invalid, applies a valid one to new requests', async () => {
    const fixture = await startRouterFixture(standardPolicy);
    try {
      await expect(
        fixture.router.updatePolicy({
          ...standardPolicy({ local: 'x', cloud: 'y', anthropic: 'z' }),
          default_route: 'nowhere',
        }),
      ).rejects.toMatchObject({ code: 'INVALID_POLICY' });
      expect(fixture.router.status().policy.generation).toBe(1);
      const next = standardPolicy({
        local: fixture.local.baseUrl,
        cloud: fixture.cloud.baseUrl,
        anthropic: fixture.anthropic.baseUrl,
      });
      expect(await fixture.router.updatePolicy({ ...next, default_route: 'local' })).toBe(2);
      const answer = await postJson(fixture.origin, '/v1/chat/completions', chat('hello'));
      expect(answer.headers.get('x-nemoclaw-route')).toBe('local');
    } finally {
      await fixture.close();
    }
  });
});

describe('a loopback provider that only listens', () => {
  it('is detected as local by its host', async () => {
    const provider = await startLoopbackProvider({ api: 'openai', name: 'p' });
    const router = await createRouter({
      policy: { providers: { p: { kind: 'ollama', base_url: provider.baseUrl } }, default_route: 'p' },
    });
    try {
      expect(router.status().policy.providers[0]?.local).toBe(true);
    } finally {
      await router.close();
      await provider.close();
    }
  });
});
