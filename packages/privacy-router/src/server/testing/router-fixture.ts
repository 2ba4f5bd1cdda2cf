import type { RouterInferencePolicy } from '../../route/policy-types.js';
import { createRouter, type PrivacyRouter, type RouterOptions } from '../create-router.js';
import type { RouteDecisionEvent } from '../decision-event.js';
import { type LoopbackProvider, startLoopbackProvider } from './loopback-provider.js';

/** The cloud keys the loopback cloud providers require and the router holds. */
export const cloudKeys = { openai: 'sk-test-cloud-0123456789', anthropic: 'sk-ant-test-0123456789' } as const;

/** Three real loopback providers (local Nemotron-like, cloud OpenAI-like, cloud Anthropic-like) and a router. */
export interface RouterFixture {
  local: LoopbackProvider;
  cloud: LoopbackProvider;
  anthropic: LoopbackProvider;
  router: PrivacyRouter;
  /** `http://127.0.0.1:<port>` of the router (no `/v1`). */
  origin: string;
  decisions: RouteDecisionEvent[];
  close(): Promise<void>;
}

/** Starts the providers, then a router with the policy `makePolicy` builds from their URLs. */
export async function startRouterFixture(
  makePolicy: (urls: { local: string; cloud: string; anthropic: string }) => RouterInferencePolicy,
  options: Partial<RouterOptions> = {},
): Promise<RouterFixture> {
  const local = await startLoopbackProvider({ api: 'openai', name: 'local' });
  const cloud = await startLoopbackProvider({ api: 'openai', name: 'cloud', apiKey: cloudKeys.openai });
  const anthropic = await startLoopbackProvider({
    api: 'anthropic',
    name: 'claude',
    apiKey: cloudKeys.anthropic,
  });
  const decisions: RouteDecisionEvent[] = [];
  const router = await createRouter({
    policy: makePolicy({ local: local.baseUrl, cloud: cloud.baseUrl, anthropic: anthropic.baseUrl }),
    environment: { TEST_CLOUD_KEY: cloudKeys.openai, TEST_ANTHROPIC_KEY: cloudKeys.anthropic },
    onDecision: (event) => decisions.push(event),
    ...options,
  });
  const address = await router.listen(0, '127.0.0.1');
  return {
    local,
    cloud,
    anthropic,
    router,
    origin: `http://127.0.0.1:${address.port}`,
    decisions,
    async close() {
      await router.close({ graceMs: 100 });
      await Promise.all([local.close(), cloud.close(), anthropic.close()]);
    },
  };
}

/** The standard test policy: cards and customer names go local, the rest to the OpenAI-like cloud, redacted. */
export function standardPolicy(urls: {
  local: string;
  cloud: string;
  anthropic: string;
}): RouterInferencePolicy {
  return {
    providers: {
      local: { kind: 'nemotron', base_url: urls.local, model: 'nemotron-nano' },
      // The "cloud" providers listen on loopback too; `local: false` makes the router treat them as cloud.
      cloud: { kind: 'openai-compatible', base_url: urls.cloud, api_key_env: 'TEST_CLOUD_KEY', local: false },
      claude: {
        kind: 'anthropic',
        base_url: urls.anthropic,
        api_key_env: 'TEST_ANTHROPIC_KEY',
        local: false,
      },
    },
    default_route: 'cloud',
    rules: [
      { when: { entities: ['CREDIT_CARD'] }, route: 'local' },
      { when: { terms: ['customers'] }, route: 'local' },
    ],
    terms: { customers: { values: ['Acme Corp'] } },
    redaction: 'reversible',
    on_local_unavailable: 'block',
  };
}

/** POSTs JSON to the router and returns status, headers and the body text. */
export async function postJson(
  origin: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => Record<string, unknown> }> {
  const response = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

/** The `data:` payloads of an SSE text, parsed (non-JSON payloads such as `[DONE]` as strings). */
export function sseData(text: string): unknown[] {
  return text
    .split('\n\n')
    .flatMap((block) => block.split('\n').filter((line) => line.startsWith('data: ')))
    .map((line) => line.slice('data: '.length))
    .map((data) => {
      try {
        return JSON.parse(data) as unknown;
      } catch {
        return data;
      }
    });
}
