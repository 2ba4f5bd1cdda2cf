import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { redactRequest, scanRequestTexts } from '../redact/redact-request.js';
import { RedactionVault } from '../redact/redaction-vault.js';
import { createEventStreamRestorer } from '../redact/restore-event-stream.js';
import { restoreJson } from '../redact/restore-json.js';
import { restoreText } from '../redact/restore-text.js';
import { type ClientApi, conversationDigest, conversationIdOf } from '../route/conversation-id.js';
import {
  decideLocalUnavailable,
  decideRoute,
  formatRouteReason,
  type RouteDecision,
} from '../route/decide-route.js';
import type { ResolvedProvider } from '../route/resolve-providers.js';
import { type ErrorFormat, type RouterErrorCode, sendError, streamErrorEvent } from './client-errors.js';
import type { RouteDecisionEvent } from './decision-event.js';
import { estimateAnthropicInputTokens } from './estimate-tokens.js';
import { countWithProviderTokenizer } from './provider-tokenizer.js';
import { readBody } from './read-body.js';
import { checkRequestShape } from './request-shapes.js';
import type { RouterRuntime } from './router-runtime.js';
import type { RouterState } from './router-state.js';
import { type ApiTranslation, planTranslation, translationLabel } from './translate/api-translation.js';
import { chatCompletionAsStream } from './translate/chat-completion-as-stream.js';
import { providerErrorMessage } from './translate/provider-error-message.js';
import {
  classifyUpstreamError,
  clientResponseHeaders,
  type UpstreamFailure,
  upstreamHeaders,
  upstreamPath,
} from './upstream.js';

/** One request's context while it is handled. */
interface Exchange {
  runtime: RouterRuntime;
  state: RouterState;
  request: IncomingMessage;
  response: ServerResponse;
  api: ClientApi;
  format: ErrorFormat;
  path: string;
  query: string;
  requestId: string;
  arrivedAt: number;
  time: string;
  abort: AbortController;
}

type Attempt =
  | {
      ok: true;
      upstream: Dispatcher.ResponseData;
      vault: RedactionVault;
      redacted: number;
      translation: ApiTranslation | undefined;
    }
  | { ok: false; failure: UpstreamFailure; error: unknown }
  | { ok: false; failure: 'credentials'; error: string }
  | { ok: false; failure: 'translation'; status: number; code: RouterErrorCode; error: string };

function failureStatus(failure: UpstreamFailure): { status: number; code: RouterErrorCode; message: string } {
  switch (failure) {
    case 'unavailable':
      return {
        status: 502,
        code: 'upstream_unreachable',
        message: 'the provider refused or could not be reached',
      };
    case 'connect-timeout':
      return {
        status: 504,
        code: 'upstream_connect_timeout',
        message: 'connecting to the provider timed out',
      };
    case 'headers-timeout':
      return { status: 504, code: 'upstream_timeout', message: 'the provider did not answer in time' };
    case 'idle-timeout':
      return {
        status: 504,
        code: 'upstream_idle_timeout',
        message: 'the provider stopped sending mid-response',
      };
    default:
      return { status: 502, code: 'upstream_error', message: 'the provider connection failed' };
  }
}

function routeHeaders(
  exchange: Exchange,
  decision: RouteDecision,
  redacted: number,
  translation?: ApiTranslation | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    'x-nemoclaw-request-id': exchange.requestId,
    'x-nemoclaw-route': decision.route === 'block' ? 'block' : decision.route.id,
    'x-nemoclaw-reason': formatRouteReason(decision.reason),
  };
  if (decision.redact) headers['x-nemoclaw-redacted'] = String(redacted);
  if (translation !== undefined) headers['x-nemoclaw-translation'] = translationLabel(translation);
  return headers;
}

/** The placeholders of a conversation (a fresh vault for a request without a conversation). */
function conversationVault(runtime: RouterRuntime, conversationId: string | undefined): RedactionVault {
  if (conversationId === undefined) return new RedactionVault();
  const known = runtime.vaults.get(conversationId);
  if (known !== undefined) return known;
  const vault = new RedactionVault();
  runtime.vaults.set(conversationId, vault);
  return vault;
}

/** The Anthropic token counting path. */
const countTokensPath = '/v1/messages/count_tokens';

/**
 * Answers `POST /v1/messages/count_tokens` routed to a provider that does not serve Anthropic
 * Messages: the request (redacted when the route says so) is counted by the provider's own
 * tokenizer when it has one (vLLM's `/tokenize`), else estimated locally
 * (`estimateAnthropicInputTokens`); `x-nemoclaw-token-count` says which. Nothing is refused: a
 * count is advisory, and an estimate sends nothing anywhere.
 */
async function answerTokenCount(
  exchange: Exchange,
  provider: ResolvedProvider,
  decision: RouteDecision,
  body: Record<string, unknown>,
  scan: ReturnType<typeof scanRequestTexts>,
  conversationId: string | undefined,
): Promise<{ outcome: RouteDecisionEvent['outcome']; method: 'tokenizer' | 'estimated'; redacted: number }> {
  const { runtime, response } = exchange;
  let outgoing = body;
  let redacted = 0;
  if (decision.redact && scan.findings.length > 0) {
    const result = redactRequest(body, scan, conversationVault(runtime, conversationId));
    outgoing = result.body;
    redacted = result.redacted;
  }
  const counted = await countWithProviderTokenizer(
    runtime,
    exchange.state,
    provider,
    outgoing,
    exchange.request.headers,
    exchange.abort.signal,
  );
  if (!counted.ok && counted.miss === 'aborted') return { outcome: 'aborted', method: 'estimated', redacted };
  if (!counted.ok) {
    runtime.logger.info(
      { requestId: exchange.requestId, provider: provider.id, miss: counted.miss },
      'token count estimated locally',
    );
  }
  const method = counted.ok ? 'tokenizer' : 'estimated';
  const text = JSON.stringify({
    input_tokens: counted.ok ? counted.count : estimateAnthropicInputTokens(outgoing),
  });
  response.writeHead(200, {
    ...routeHeaders(exchange, decision, redacted),
    'x-nemoclaw-token-count': method,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  response.end(text);
  return { outcome: counted.ok ? 'forwarded' : 'answered', method, redacted };
}

async function sendUpstream(
  exchange: Exchange,
  provider: ResolvedProvider,
  decision: RouteDecision,
  body: Record<string, unknown>,
  raw: Buffer,
  scan: ReturnType<typeof scanRequestTexts>,
  conversationId: string | undefined,
): Promise<Attempt> {
  const { runtime } = exchange;
  const plan = planTranslation(exchange.api, exchange.path, provider);
  if (plan.kind === 'unsupported') {
    return {
      ok: false,
      failure: 'translation',
      status: 502,
      code: 'provider_api_unsupported',
      error: plan.message,
    };
  }
  const translation = plan.kind === 'translate' ? plan.translation : undefined;
  const headers = upstreamHeaders(provider, exchange.request.headers, runtime.environment);
  if (!headers.ok) return { ok: false, failure: 'credentials', error: headers.error };
  let vault = new RedactionVault();
  let outgoing: Record<string, unknown> | undefined;
  let redacted = 0;
  if (decision.redact && scan.findings.length > 0) {
    vault = conversationVault(runtime, conversationId);
    const result = redactRequest(body, scan, vault);
    outgoing = result.body;
    redacted = result.redacted;
  }
  if (translation !== undefined) {
    const translated = translation.request(outgoing ?? body);
    if (!translated.ok) {
      return {
        ok: false,
        failure: 'translation',
        status: 400,
        code: 'unsupported_content',
        error: `provider "${provider.id}" speaks ${translation.to} and this request cannot be translated: ${translated.error}`,
      };
    }
    outgoing = translated.value;
  }
  if (provider.model !== undefined && (outgoing ?? body).model !== provider.model) {
    outgoing = { ...(outgoing ?? body), model: provider.model };
  }
  try {
    const upstream = await runtime.agent.request({
      origin: provider.baseUrl.origin,
      // A translated request goes to the provider's own endpoint, without the client's query.
      path:
        translation === undefined
          ? upstreamPath(provider, exchange.path, exchange.query)
          : upstreamPath(provider, translation.path, ''),
      method: 'POST',
      headers: headers.value,
      body: outgoing === undefined ? raw : JSON.stringify(outgoing),
      signal: exchange.abort.signal,
      headersTimeout: runtime.limits.headersTimeoutMs,
      bodyTimeout: runtime.limits.idleTimeoutMs,
    });
    return { ok: true, upstream, vault, redacted, translation };
  } catch (error) {
    return { ok: false, failure: classifyUpstreamError(error), error };
  }
}

/** Copies `source` to the client with backpressure; an idle upstream ends an SSE stream with an error event. */
function relay(
  exchange: Exchange,
  source: Readable,
  isEventStream: boolean,
  done: (ok: boolean) => void,
): void {
  const { response } = exchange;
  source.on('data', (chunk: Buffer | string) => {
    if (!response.write(chunk)) source.pause();
  });
  response.on('drain', () => source.resume());
  source.on('end', () => {
    response.end();
    done(true);
  });
  source.on('error', (error: unknown) => {
    const failure = classifyUpstreamError(error);
    if (failure === 'aborted' || response.destroyed) {
      done(false);
      return;
    }
    const { code, message } = failureStatus(failure);
    exchange.runtime.logger.warn(
      { requestId: exchange.requestId, failure },
      'upstream body failed mid-response',
    );
    if (isEventStream && !response.writableEnded) {
      response.end(streamErrorEvent(exchange.format, code, message));
    } else response.destroy();
    done(false);
  });
}

async function readAll(source: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) {
      source.destroy();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}

/** Largest error body of a provider read to tell the client what went wrong. */
const maxErrorBodyBytes = 64 * 1024;

/**
 * Answers the client of a translated request: a provider error status becomes 502 (429 stays 429)
 * in the client's format with the provider's message; a stream goes provider events -> restorer
 * (in the provider's API) -> translator -> client; a JSON answer is restored, then translated.
 * Returns the outcome for the decision event.
 */
async function sendTranslatedResponse(
  exchange: Exchange,
  decision: RouteDecision,
  attempt: Extract<Attempt, { ok: true }>,
  translation: ApiTranslation,
  request: Record<string, unknown>,
): Promise<RouteDecisionEvent['outcome']> {
  const { response, runtime, format } = exchange;
  const { upstream, vault, redacted } = attempt;
  const providerId = decision.route === 'block' ? 'block' : decision.route.id;
  const headers = {
    ...clientResponseHeaders(upstream.headers),
    ...routeHeaders(exchange, decision, redacted, translation),
  };
  delete headers['content-type'];
  const fail = (status: number, code: RouterErrorCode, message: string): RouteDecisionEvent['outcome'] => {
    sendError(response, format, status, code, message, headers);
    return 'failed';
  };
  const isEventStream = String(upstream.headers['content-type'] ?? '').includes('text/event-stream');
  if (upstream.statusCode < 200 || upstream.statusCode >= 300 || !isEventStream) {
    let buffered: Buffer | undefined;
    try {
      buffered = await readAll(
        upstream.body,
        upstream.statusCode >= 300 ? maxErrorBodyBytes : runtime.limits.maxResponseBytes,
      );
    } catch (error) {
      const failure = classifyUpstreamError(error);
      if (failure === 'aborted') return 'aborted';
      const { status, code, message } = failureStatus(failure);
      return fail(status, code, message);
    }
    if (upstream.statusCode < 200 || upstream.statusCode >= 300) {
      const detail = restoreText(providerErrorMessage(buffered?.toString('utf8') ?? ''), vault);
      runtime.logger.warn(
        {
          requestId: exchange.requestId,
          status: upstream.statusCode,
          translation: translationLabel(translation),
        },
        'provider refused a translated request',
      );
      return fail(
        upstream.statusCode === 429 ? 429 : 502,
        'upstream_status',
        `provider "${providerId}" answered ${upstream.statusCode} to the request translated to ${translation.to}: ${detail}`,
      );
    }
    if (buffered === undefined) {
      return fail(
        502,
        'upstream_response_too_large',
        `the provider's response exceeds ${runtime.limits.maxResponseBytes} bytes`,
      );
    }
    let answer: unknown;
    try {
      answer = JSON.parse(buffered.toString('utf8'));
    } catch {
      return fail(502, 'upstream_error', `provider "${providerId}" answered with a body that is not JSON`);
    }
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
      return fail(
        502,
        'upstream_error',
        `provider "${providerId}" answered with a body that is not a JSON object`,
      );
    }
    const restored = restoreJson(answer, vault) as Record<string, unknown>;
    if (request.stream === true && translation.to === 'openai-chat') {
      // The client asked for a stream and the provider answered in one body: stream it all the same.
      const translator = translation.stream(request);
      response.writeHead(200, {
        ...headers,
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
      });
      relay(exchange, translator, true, () => {});
      translator.end(chatCompletionAsStream(restored));
      return 'forwarded';
    }
    const text = JSON.stringify(translation.response(restored, request));
    response.writeHead(200, {
      ...headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
    });
    response.end(text);
    return 'forwarded';
  }
  const translator = translation.stream(request);
  if (redacted > 0) {
    const restorer = createEventStreamRestorer(translation.to, vault);
    upstream.body.on('error', (error) => restorer.destroy(error));
    restorer.on('error', (error) => translator.destroy(error));
    upstream.body.pipe(restorer).pipe(translator);
  } else {
    upstream.body.on('error', (error) => translator.destroy(error));
    upstream.body.pipe(translator);
  }
  response.writeHead(200, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  relay(exchange, translator, true, () => {});
  return 'forwarded';
}

/**
 * Handles one inference call (`/v1/chat/completions`, `/v1/responses`, `/v1/embeddings`,
 * `/v1/messages`): read and check the body, scan, decide, redact, forward, restore, report.
 */
export async function handleInference(
  runtime: RouterRuntime,
  request: IncomingMessage,
  response: ServerResponse,
  api: ClientApi,
  path: string,
  query: string,
): Promise<void> {
  const exchange: Exchange = {
    runtime,
    state: runtime.current(),
    request,
    response,
    api,
    format: api === 'anthropic-messages' ? 'anthropic' : 'openai',
    path,
    query,
    requestId: randomUUID(),
    arrivedAt: performance.now(),
    time: new Date().toISOString(),
    abort: new AbortController(),
  };
  response.on('close', () => {
    if (!response.writableFinished) exchange.abort.abort();
  });
  const { format } = exchange;
  const read = await readBody(request, runtime.limits.maxBodyBytes);
  if (!read.ok) {
    if (read.error === 'too-large') {
      sendError(
        response,
        format,
        413,
        'request_too_large',
        `request body exceeds the router's limit of ${runtime.limits.maxBodyBytes} bytes`,
        { connection: 'close' },
      );
    }
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.value.toString('utf8'));
  } catch (error) {
    sendError(
      response,
      format,
      400,
      'invalid_json',
      `request body is not valid JSON: ${error instanceof Error ? error.message : 'parse error'}`,
    );
    return;
  }
  const shape = checkRequestShape(api, parsed, path);
  if (!shape.ok) {
    sendError(response, format, 400, 'invalid_request', `invalid ${path} request: ${shape.error}`);
    return;
  }
  const body = shape.value;
  const { state } = exchange;
  const conversationId = conversationIdOf(request.headers, body, api);
  const scan = scanRequestTexts(body, api, state.detector);
  let decision = decideRoute(scan.findings, state.policy, {
    conversation:
      conversationId === undefined
        ? undefined
        : { id: conversationId, localProvider: runtime.sticky.get(conversationId) },
  });
  runtime.counters.requests++;
  runtime.counters.inFlight++;
  let redactedCount = 0;
  let translated: ApiTranslation | undefined;
  let tokenCount: RouteDecisionEvent['tokenCount'];
  let outcome: RouteDecisionEvent['outcome'] = 'failed';
  response.on('close', () => {
    runtime.counters.inFlight--;
    if (outcome === 'failed') runtime.counters.failed++;
    if (!response.writableFinished && outcome === 'forwarded') outcome = 'aborted';
    const route = decision.route === 'block' ? 'block' : decision.route.id;
    runtime.counters.byRoute[route] = (runtime.counters.byRoute[route] ?? 0) + 1;
    const event: RouteDecisionEvent = {
      time: exchange.time,
      requestId: exchange.requestId,
      api,
      model:
        decision.route !== 'block' && decision.route.model !== undefined
          ? decision.route.model
          : String(body.model),
      client: { ip: request.socket.remoteAddress ?? '', port: request.socket.remotePort ?? 0 },
      route,
      provider:
        decision.route === 'block'
          ? undefined
          : {
              id: decision.route.id,
              kind: decision.route.kind,
              local: decision.route.local,
              host: decision.route.baseUrl.host,
            },
      redact: decision.redact,
      redactedValues: redactedCount,
      translation: translated === undefined ? undefined : { from: translated.from, to: translated.to },
      tokenCount,
      reason: decision.reason,
      reasonText: formatRouteReason(decision.reason),
      sticky: decision.sticky,
      conversation:
        conversationId === undefined || runtime.onDecision === undefined
          ? undefined
          : conversationDigest(conversationId),
      policyGeneration: state.generation,
      status: response.headersSent ? response.statusCode : 0,
      outcome,
      durationMs: Math.round((performance.now() - exchange.arrivedAt) * 1000) / 1000,
    };
    runtime.logger.info(
      {
        requestId: event.requestId,
        api,
        route,
        status: event.status,
        outcome,
        reason: event.reasonText,
        redacted: redactedCount,
        durationMs: event.durationMs,
      },
      'inference request',
    );
    if (runtime.onDecision !== undefined) {
      try {
        runtime.onDecision(event);
      } catch (error) {
        runtime.logger.error(
          { requestId: event.requestId, error: error instanceof Error ? error.message : String(error) },
          'onDecision listener threw',
        );
      }
    }
  });

  let attempt: Attempt | undefined;
  for (let round = 0; round < 2; round++) {
    const route = decision.route;
    if (route === 'block') {
      runtime.counters.blocked++;
      outcome = 'blocked';
      const localDown = decision.reason.basis === 'local-unavailable';
      sendError(
        response,
        format,
        localDown ? 503 : 403,
        localDown ? 'local_model_unavailable' : 'blocked_by_policy',
        localDown
          ? 'the local model is unavailable and the policy (on_local_unavailable: block) forbids sending this request elsewhere'
          : `request blocked by the inference policy (${formatRouteReason(decision.reason)})`,
        routeHeaders(exchange, decision, 0),
      );
      return;
    }
    if (path === countTokensPath && !route.apis.has('anthropic-messages')) {
      const counted = await answerTokenCount(exchange, route, decision, body, scan, conversationId);
      outcome = counted.outcome;
      tokenCount = counted.method;
      redactedCount = counted.redacted;
      if (counted.redacted > 0) runtime.counters.redacted++;
      return;
    }
    attempt = await sendUpstream(exchange, route, decision, body, read.value, scan, conversationId);
    if (
      attempt.ok ||
      !route.local ||
      (attempt.failure !== 'unavailable' && attempt.failure !== 'connect-timeout')
    ) {
      break;
    }
    runtime.logger.warn({ requestId: exchange.requestId, provider: route.id }, 'local provider unavailable');
    decision = decideLocalUnavailable(decision, state.policy);
  }
  if (attempt === undefined) return;
  if (!attempt.ok) {
    const headers = routeHeaders(exchange, decision, 0);
    if (attempt.failure === 'credentials') {
      sendError(response, format, 500, 'provider_credentials_missing', attempt.error, headers);
      return;
    }
    if (attempt.failure === 'translation') {
      sendError(response, format, attempt.status, attempt.code, attempt.error, headers);
      return;
    }
    if (attempt.failure === 'aborted') {
      outcome = 'aborted';
      return;
    }
    const { status, code, message } = failureStatus(attempt.failure);
    runtime.logger.warn(
      { requestId: exchange.requestId, failure: attempt.failure },
      'upstream request failed',
    );
    sendError(response, format, status, code, message, headers);
    return;
  }
  const { upstream, vault, redacted, translation } = attempt;
  redactedCount = redacted;
  translated = translation;
  if (redacted > 0) runtime.counters.redacted++;
  if (decision.sticky && conversationId !== undefined && decision.route !== 'block') {
    runtime.sticky.set(conversationId, decision.route.id);
  }
  if (translation !== undefined) {
    outcome = await sendTranslatedResponse(exchange, decision, attempt, translation, body);
    return;
  }
  const headers = {
    ...clientResponseHeaders(upstream.headers),
    ...routeHeaders(exchange, decision, redacted),
  };
  const contentType = String(upstream.headers['content-type'] ?? '');
  const isEventStream = contentType.includes('text/event-stream');
  if (redacted === 0) {
    response.writeHead(upstream.statusCode, headers);
    outcome = 'forwarded';
    relay(exchange, upstream.body, isEventStream, () => {});
    return;
  }
  if (isEventStream) {
    const restorer = createEventStreamRestorer(api, vault);
    upstream.body.on('error', (error) => restorer.destroy(error));
    upstream.body.pipe(restorer);
    response.writeHead(upstream.statusCode, headers);
    outcome = 'forwarded';
    relay(exchange, restorer, true, () => {});
    return;
  }
  let buffered: Buffer | undefined;
  try {
    buffered = await readAll(upstream.body, runtime.limits.maxResponseBytes);
  } catch (error) {
    const failure = classifyUpstreamError(error);
    if (failure === 'aborted') return;
    const { status, code, message } = failureStatus(failure);
    sendError(response, format, status, code, message, routeHeaders(exchange, decision, redacted));
    return;
  }
  if (buffered === undefined) {
    sendError(
      response,
      format,
      502,
      'upstream_response_too_large',
      `the provider's response exceeds ${runtime.limits.maxResponseBytes} bytes`,
      routeHeaders(exchange, decision, redacted),
    );
    return;
  }
  let text = buffered.toString('utf8');
  try {
    text = JSON.stringify(restoreJson(JSON.parse(text), vault));
  } catch {
    text = restoreText(text, vault);
  }
  outcome = 'forwarded';
  response.writeHead(upstream.statusCode, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
  response.end(text);
}
