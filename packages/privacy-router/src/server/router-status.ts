import { providersOf } from '../route/decide-route.js';
import type { RouterCounters, RouterRuntime } from './router-runtime.js';

/** What `GET /v1/nemoclaw/status` reports (no secrets: key variable names, never keys). */
export interface RouterStatus {
  /** Always `ok` while the router serves. */
  status: 'ok';
  /** Seconds since the router started. */
  uptimeSeconds: number;
  /** The loaded inference policy. */
  policy: {
    generation: number;
    loadedAt: string;
    defaultRoute: string;
    rules: number;
    redaction: 'reversible' | 'none';
    onLocalUnavailable: 'block' | 'redact_and_cloud';
    providers: Array<{
      id: string;
      kind: string;
      baseUrl: string;
      local: boolean;
      model: string | null;
      /** The APIs the provider serves; requests in others are translated. */
      apis: string[];
    }>;
  };
  /** Request counters since start. */
  counters: RouterCounters;
  /** Conversations currently pinned to a local provider. */
  stickyConversations: number;
}

/** The current status of the router behind `runtime`. */
export function routerStatus(runtime: RouterRuntime): RouterStatus {
  const state = runtime.current();
  return {
    status: 'ok',
    uptimeSeconds: Math.round((Date.now() - runtime.startedAt) / 1000),
    policy: {
      generation: state.generation,
      loadedAt: state.loadedAt,
      defaultRoute: state.policy.default_route,
      rules: state.policy.rules?.length ?? 0,
      redaction: state.policy.redaction ?? 'reversible',
      onLocalUnavailable: state.policy.on_local_unavailable ?? 'block',
      providers: [...providersOf(state.policy).values()].map((provider) => ({
        id: provider.id,
        kind: provider.kind,
        baseUrl: provider.baseUrl.href,
        local: provider.local,
        model: provider.model ?? null,
        apis: [...provider.apis],
      })),
    },
    counters: { ...runtime.counters, byRoute: { ...runtime.counters.byRoute } },
    stickyConversations: runtime.sticky.size,
  };
}
