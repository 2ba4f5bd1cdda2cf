import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { providersOf } from '../route/decide-route.js';
import type { ResolvedProvider } from '../route/resolve-providers.js';
import type { RouterRuntime } from './router-runtime.js';
import { upstreamHeaders, upstreamPath } from './upstream.js';

/** One model in the merged list. */
interface ListedModel {
  id: string;
  created: number;
  owned_by: string;
  provider: string;
}

async function modelsOf(
  runtime: RouterRuntime,
  provider: ResolvedProvider,
  clientHeaders: IncomingHttpHeaders,
) {
  const listed: ListedModel[] = [];
  const headers = upstreamHeaders(
    provider,
    { 'anthropic-version': clientHeaders['anthropic-version'] },
    runtime.environment,
  );
  if (headers.ok) {
    try {
      const upstream = await runtime.agent.request({
        origin: provider.baseUrl.origin,
        path: upstreamPath(provider, '/v1/models', ''),
        method: 'GET',
        headers: { ...headers.value, accept: 'application/json' },
        headersTimeout: runtime.limits.modelsTimeoutMs,
        bodyTimeout: runtime.limits.modelsTimeoutMs,
        signal: AbortSignal.timeout(runtime.limits.modelsTimeoutMs),
      });
      const text = await upstream.body.text();
      if (upstream.statusCode === 200) {
        const parsed: unknown = JSON.parse(text);
        const data =
          typeof parsed === 'object' && parsed !== null ? (parsed as { data?: unknown }).data : undefined;
        if (Array.isArray(data)) {
          for (const model of data) {
            if (typeof model !== 'object' || model === null) continue;
            const { id, created, owned_by: ownedBy } = model as Record<string, unknown>;
            if (typeof id !== 'string') continue;
            listed.push({
              id,
              created: typeof created === 'number' ? created : 0,
              owned_by: typeof ownedBy === 'string' ? ownedBy : provider.id,
              provider: provider.id,
            });
          }
        }
      } else {
        runtime.logger.warn({ provider: provider.id, status: upstream.statusCode }, 'listing models failed');
      }
    } catch (error) {
      runtime.logger.warn(
        { provider: provider.id, error: error instanceof Error ? error.message : String(error) },
        'listing models failed',
      );
    }
  }
  if (provider.model !== undefined && !listed.some((model) => model.id === provider.model)) {
    listed.push({ id: provider.model, created: 0, owned_by: provider.id, provider: provider.id });
  }
  return listed;
}

/**
 * `GET /v1/models`: the models of every provider of the current policy, merged (first provider
 * wins on duplicate ids), in OpenAI's list format — or Anthropic's when the client sends
 * `anthropic-version`. A provider that cannot be listed contributes its configured `model` only.
 */
export async function handleModels(
  runtime: RouterRuntime,
  headers: IncomingHttpHeaders,
  response: ServerResponse,
): Promise<void> {
  const providers = [...providersOf(runtime.current().policy).values()];
  const lists = await Promise.all(providers.map((provider) => modelsOf(runtime, provider, headers)));
  const seen = new Set<string>();
  const merged: ListedModel[] = [];
  for (const model of lists.flat()) {
    if (seen.has(model.id)) continue;
    seen.add(model.id);
    merged.push(model);
  }
  const body =
    headers['anthropic-version'] === undefined
      ? {
          object: 'list',
          data: merged.map((model) => ({
            id: model.id,
            object: 'model',
            created: model.created,
            owned_by: model.owned_by,
          })),
        }
      : {
          data: merged.map((model) => ({
            type: 'model',
            id: model.id,
            display_name: model.id,
            created_at: new Date(model.created * 1000).toISOString(),
          })),
          has_more: false,
          first_id: merged[0]?.id ?? null,
          last_id: merged.at(-1)?.id ?? null,
        };
  const text = JSON.stringify(body);
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
