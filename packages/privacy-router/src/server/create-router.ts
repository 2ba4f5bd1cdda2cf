import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { PrivacyRouterError } from '../privacy-router-error.js';
import type { RedactionVault } from '../redact/redaction-vault.js';
import { BoundedLruMap } from '../route/bounded-lru-map.js';
import type { ClientApi } from '../route/conversation-id.js';
import type { RouterInferencePolicy } from '../route/policy-types.js';
import { type ErrorFormat, sendError } from './client-errors.js';
import type { DecisionListener } from './decision-event.js';
import { handleInference } from './handle-inference.js';
import { handleModels } from './handle-models.js';
import { type RouterLogger, silentLogger } from './router-logger.js';
import type { RouterLimits, RouterRuntime } from './router-runtime.js';
import { loadRouterState, type RouterState } from './router-state.js';
import { type RouterStatus, routerStatus } from './router-status.js';

/** Options of {@link createRouter}. */
export interface RouterOptions {
  /** The policy's `inference` domain (validated by `@nemoclaw/policy`). */
  policy: RouterInferencePolicy;
  /** Directory that relative term files are resolved against (default: the working directory). */
  policyDir?: string | undefined;
  /** Where API keys are read from (default `process.env`). The agent never sees them. */
  environment?: Readonly<Record<string, string | undefined>> | undefined;
  /** Called once per routed request when its response ends (see {@link RouteDecisionEvent}). */
  onDecision?: DecisionListener | undefined;
  /** A pino-compatible logger (default: silent). */
  logger?: RouterLogger | undefined;
  /** Minimum detector score for a finding to count (default: the detector's). */
  minScore?: number | undefined;
  /** Limits and timeouts; defaults in {@link defaultRouterLimits}. */
  limits?: Partial<RouterLimits> | undefined;
  /** Conversations remembered for sticky routing and placeholders (default 10 000, 24 h idle). */
  conversations?: { maxEntries?: number; ttlMs?: number } | undefined;
}

/** Defaults of {@link RouterOptions.limits}. */
export const defaultRouterLimits: RouterLimits = {
  maxBodyBytes: 16 * 1024 * 1024,
  maxResponseBytes: 64 * 1024 * 1024,
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 300_000,
  idleTimeoutMs: 120_000,
  modelsTimeoutMs: 5_000,
};

/** Where a started router listens. */
export interface RouterAddress {
  host: string;
  port: number;
  /** Base URL for clients, e.g. `http://127.0.0.1:4000/v1`. */
  url: string;
}

/** A privacy router: an OpenAI- and Anthropic-compatible HTTP endpoint that routes by sensitivity. */
export interface PrivacyRouter {
  /** Starts listening (default 127.0.0.1 and a free port). */
  listen(port?: number, host?: string): Promise<RouterAddress>;
  /**
   * Stops accepting connections and waits up to `graceMs` (default 10 s) for in-flight requests,
   * then closes what is left and the upstream pools. Calling it again returns the same promise.
   */
  close(options?: { graceMs?: number }): Promise<void>;
  /**
   * Loads a new inference policy atomically. New requests use it; requests in flight (streams
   * included) finish with the one they started with. On error it throws and the previous policy
   * stays (last-known-good). Resolves to the new generation number.
   */
  updatePolicy(next: RouterInferencePolicy, options?: { policyDir?: string }): Promise<number>;
  /** Counters, policy summary and uptime (also at `GET /v1/nemoclaw/status`). */
  status(): RouterStatus;
  /** The underlying node:http server. */
  readonly server: Server;
}

const inferenceRoutes: Record<string, ClientApi> = {
  '/v1/chat/completions': 'openai-chat',
  '/v1/responses': 'openai-responses',
  '/v1/embeddings': 'openai-embeddings',
  '/v1/messages': 'anthropic-messages',
  '/v1/messages/count_tokens': 'anthropic-messages',
};

function formatOf(request: IncomingMessage, path: string): ErrorFormat {
  return path.startsWith('/v1/messages') || request.headers['anthropic-version'] !== undefined
    ? 'anthropic'
    : 'openai';
}

/**
 * Creates a privacy router for the given inference policy (reads its term files and builds the
 * detector; rejects an invalid policy with {@link PrivacyRouterError}). Call `listen` to serve.
 */
export async function createRouter(options: RouterOptions): Promise<PrivacyRouter> {
  let state: RouterState = await loadRouterState(options.policy, 1, {
    policyDir: options.policyDir,
    minScore: options.minScore,
  });
  const limits: RouterLimits = { ...defaultRouterLimits, ...options.limits };
  const conversations = {
    maxEntries: options.conversations?.maxEntries ?? 10_000,
    ttlMs: options.conversations?.ttlMs ?? 86_400_000,
  };
  const runtime: RouterRuntime = {
    current: () => state,
    sticky: new BoundedLruMap<string>(conversations),
    vaults: new BoundedLruMap<RedactionVault>(conversations),
    agent: new Agent({
      connect: { timeout: limits.connectTimeoutMs },
      headersTimeout: limits.headersTimeoutMs,
      bodyTimeout: limits.idleTimeoutMs,
      keepAliveTimeout: 30_000,
      connections: 256,
    }),
    limits,
    environment: options.environment ?? process.env,
    logger: options.logger ?? silentLogger,
    onDecision: options.onDecision,
    counters: { requests: 0, inFlight: 0, blocked: 0, redacted: 0, failed: 0, byRoute: {} },
    startedAt: Date.now(),
  };
  let closing = false;
  let closed: Promise<void> | undefined;
  const shutDown = async (graceMs: number): Promise<void> => {
    closing = true;
    const stopped = new Promise<void>((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
    });
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    await stopped;
    clearTimeout(timer);
    await runtime.agent.close();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const query = queryAt === -1 ? '' : url.slice(queryAt);
    const format = formatOf(request, path);
    if (closing) {
      sendError(response, format, 503, 'router_closing', 'the router is shutting down', {
        connection: 'close',
      });
      return;
    }
    const api = inferenceRoutes[path];
    if (api !== undefined) {
      if (request.method !== 'POST') {
        sendError(response, format, 405, 'method_not_allowed', `${path} accepts POST only`, {
          allow: 'POST',
        });
        return;
      }
      await handleInference(runtime, request, response, api, path, query);
      return;
    }
    if (path === '/v1/models' || path === '/v1/nemoclaw/status') {
      if (request.method !== 'GET') {
        sendError(response, format, 405, 'method_not_allowed', `${path} accepts GET only`, { allow: 'GET' });
        return;
      }
      if (path === '/v1/models') {
        await handleModels(runtime, request.headers, response);
        return;
      }
      const text = JSON.stringify(routerStatus(runtime));
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
      return;
    }
    request.resume();
    sendError(
      response,
      format,
      404,
      'unknown_route',
      `unknown route ${request.method ?? 'GET'} ${path}; the router serves /v1/chat/completions, /v1/responses, /v1/embeddings, /v1/messages, /v1/messages/count_tokens, /v1/models and /v1/nemoclaw/status`,
    );
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      runtime.logger.error(
        { error: error instanceof Error ? error.message : String(error) },
        'router failed to handle a request',
      );
      if (!response.headersSent) {
        sendError(
          response,
          formatOf(request, request.url ?? '/'),
          500,
          'upstream_error',
          'internal router error',
        );
      } else response.destroy();
    });
  });
  // Time for a client to send its request headers and its whole body (not the answer).
  server.headersTimeout = 60_000;
  server.requestTimeout = 120_000;

  return {
    server,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const onError = (error: Error): void => {
          reject(
            new PrivacyRouterError('LISTEN_FAILED', `cannot listen on ${host}:${port}: ${error.message}`, {
              cause: error,
            }),
          );
        };
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({
            host: address.address,
            port: address.port,
            url: `http://${shownHost}:${address.port}/v1`,
          });
        });
      });
    },
    close(closeOptions = {}) {
      closed ??= shutDown(closeOptions.graceMs ?? 10_000);
      return closed;
    },
    async updatePolicy(next, updateOptions = {}) {
      const loaded = await loadRouterState(next, state.generation + 1, {
        policyDir: updateOptions.policyDir ?? options.policyDir,
        minScore: options.minScore,
      });
      state = loaded;
      runtime.logger.info({ generation: loaded.generation }, 'inference policy loaded');
      return loaded.generation;
    },
    status: () => routerStatus(runtime),
  };
}
