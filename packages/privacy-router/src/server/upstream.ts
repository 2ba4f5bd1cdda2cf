import type { Dispatcher } from 'undici';
import type { ResolvedProvider } from '../route/resolve-providers.js';

/** How an upstream call failed. */
export type UpstreamFailure =
  | 'unavailable'
  | 'connect-timeout'
  | 'headers-timeout'
  | 'idle-timeout'
  | 'aborted'
  | 'failed';

const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: unknown }).cause;
  return cause === error ? undefined : codeOf(cause);
}

/** Classifies an error of undici (or of a body stream) into what the router reports. */
export function classifyUpstreamError(error: unknown): UpstreamFailure {
  const code = codeOf(error);
  if (code !== undefined && unavailableCodes.has(code)) return 'unavailable';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect-timeout';
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'headers-timeout';
  if (code === 'UND_ERR_BODY_TIMEOUT') return 'idle-timeout';
  if (code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') return 'aborted';
  if (error instanceof Error && error.name === 'AbortError') return 'aborted';
  return 'failed';
}

/** Request headers the client may pass to the provider; everything else (Authorization ...) is dropped. */
const forwardedRequestHeaders = ['anthropic-version', 'anthropic-beta', 'openai-beta', 'accept'] as const;

/** Response headers passed back to the client. */
const forwardedResponseHeader =
  /^(?:content-type|cache-control|x-request-id|request-id|openai-processing-ms|openai-version|retry-after|x-ratelimit-[a-z-]+|anthropic-ratelimit-[a-z-]+)$/;

/** The outcome of {@link upstreamHeaders}. */
export type UpstreamHeadersResult =
  | { ok: true; value: Record<string, string> }
  | { ok: false; error: string };

/**
 * The headers sent to `provider`: a short allowlist from the client, identity encoding (the router
 * must read what it restores), and the provider's key from the environment variable the policy
 * names (`x-api-key` for Anthropic, a Bearer token otherwise). The client's own credentials never
 * pass: the agent holds no cloud key.
 */
export function upstreamHeaders(
  provider: ResolvedProvider,
  clientHeaders: Record<string, string | string[] | undefined>,
  environment: Readonly<Record<string, string | undefined>>,
): UpstreamHeadersResult {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'accept-encoding': 'identity',
    'user-agent': 'nemoclaw-privacy-router',
  };
  for (const name of forwardedRequestHeaders) {
    const value = clientHeaders[name];
    if (typeof value === 'string') headers[name] = value;
  }
  if (provider.kind === 'anthropic' && headers['anthropic-version'] === undefined) {
    headers['anthropic-version'] = '2023-06-01';
  }
  if (provider.apiKeyEnv !== undefined) {
    const key = environment[provider.apiKeyEnv];
    if (key === undefined || key === '') {
      return {
        ok: false,
        error: `provider "${provider.id}" needs its API key in the environment variable ${provider.apiKeyEnv}, which is not set for the router`,
      };
    }
    if (provider.kind === 'anthropic') headers['x-api-key'] = key;
    else headers.authorization = `Bearer ${key}`;
  }
  return { ok: true, value: headers };
}

/** The upstream response headers to pass to the client (allowlisted). */
export function clientResponseHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !forwardedResponseHeader.test(name)) continue;
    result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

/** The upstream path for a client path under `/v1`: the provider's base path + the rest + query. */
export function upstreamPath(provider: ResolvedProvider, clientPath: string, query: string): string {
  const base = provider.baseUrl.pathname.replace(/\/+$/, '');
  const rest = clientPath.replace(/^\/v1(?=\/)/, '');
  return `${base}${rest}${query}`;
}
