import { STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { Agent, buildConnector, errors as undiciErrors, request as undiciRequest } from 'undici';
import { NemotronError, type NemotronErrorCode } from '../errors.js';
import { extractServerMessage } from '../protocol/server-message.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter, type RetryPolicy, sleep } from './retry-policy.js';

/** Time limits of one HTTP exchange. */
export interface Timeouts {
  /** Establishing the connection (TCP, and TLS for https). Default 10 s. */
  readonly connectMs: number;
  /**
   * Waiting for response headers after the request was sent. A non-streamed completion sends its
   * headers only when the whole answer is ready, so this is generous by default: 300 s.
   */
  readonly headersMs: number;
  /** Longest silence allowed between two pieces of a response body (a stalled stream). Default 60 s. */
  readonly idleMs: number;
}

/** The defaults of {@link Timeouts}. */
export const defaultTimeouts: Timeouts = { connectMs: 10_000, headersMs: 300_000, idleMs: 60_000 };

/** Validates a partial timeouts object against the defaults; throws `INVALID_OPTION` on nonsense. */
export function resolveTimeouts(
  partial: Partial<Timeouts> | undefined,
  base: Timeouts = defaultTimeouts,
): Timeouts {
  const timeouts = { ...base, ...partial };
  for (const [name, value] of Object.entries(timeouts)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new NemotronError(
        'INVALID_OPTION',
        `timeouts.${name} must be a positive number of milliseconds, got ${String(value)}`,
      );
    }
  }
  return timeouts;
}

/** One request as the transport sends it. */
export interface HttpExchange {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal | undefined;
  readonly timeouts: Timeouts;
  /** Values (API keys) to blank out of anything the server echoes into an error. */
  readonly secrets?: readonly string[];
}

/** Replaces every occurrence of each secret in `text` with `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[] | undefined): string {
  let clean = text;
  for (const secret of secrets ?? []) {
    if (secret.length > 0) clean = clean.split(secret).join('[redacted]');
  }
  return clean;
}

/** A successful (2xx) response whose body has not been read yet. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Readable & { text(): Promise<string> };
  readonly requestId: string | undefined;
  /** Watches the body for silence; call `touch()` whenever bytes arrive. */
  readonly watchdog: IdleWatchdog;
}

/**
 * Enforces the idle (between-chunks) timeout of a response body with millisecond precision
 * (undici's own timers tick once a second). One timer, re-armed only when it fires, so marking
 * activity costs a clock read. Stops by itself when the body closes.
 */
export class IdleWatchdog {
  readonly #idleMs: number;
  readonly #onIdle: (error: NemotronError) => void;
  readonly #target: string;
  #last = performance.now();
  #timer: NodeJS.Timeout | undefined;
  #fired: NemotronError | undefined;
  #waiting = true;

  /**
   * @param idleMs - longest allowed silence
   * @param target - `METHOD url` for the error message
   * @param onIdle - called once with the `IDLE_TIMEOUT` error (aborts the exchange)
   */
  constructor(idleMs: number, target: string, onIdle: (error: NemotronError) => void) {
    this.#idleMs = idleMs;
    this.#target = target;
    this.#onIdle = onIdle;
    this.#arm(idleMs);
  }

  /** Marks activity: bytes arrived. */
  touch(): void {
    this.#last = performance.now();
  }

  /**
   * The reader stopped waiting for bytes (it is busy with what it got). Silence while nobody is
   * waiting is backpressure from a slow consumer, not a stalled server, so it is not counted.
   */
  pause(): void {
    this.#waiting = false;
  }

  /** The reader is waiting for bytes again; the silence clock restarts now. */
  resume(): void {
    this.#waiting = true;
    this.#last = performance.now();
  }

  /** Stops watching. */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The timeout error, if the watchdog fired. */
  get fired(): NemotronError | undefined {
    return this.#fired;
  }

  #arm(delayMs: number): void {
    this.#timer = setTimeout(() => this.#check(), Math.max(1, Math.ceil(delayMs)));
    this.#timer.unref();
  }

  #check(): void {
    if (!this.#waiting) {
      this.#arm(this.#idleMs);
      return;
    }
    const silence = performance.now() - this.#last;
    if (silence + 1 < this.#idleMs) {
      this.#arm(this.#idleMs - silence);
      return;
    }
    this.#timer = undefined;
    this.#fired = new NemotronError(
      'IDLE_TIMEOUT',
      `${this.#target}: the response went silent for more than ${this.#idleMs} ms (idle timeout)`,
    );
    this.#onIdle(this.#fired);
  }
}

/** Default cap on a whole (non-streamed) answer: 128 MiB. */
export const defaultMaxResponseBytes = 128 * 1024 * 1024;

/**
 * Reads a whole body as UTF-8 text, keeping its idle watchdog informed. A body larger than
 * `maxBytes` is abandoned (connection closed) with `MALFORMED_RESPONSE` rather than buffered.
 */
export async function readBodyText(
  response: HttpResponse,
  signal: AbortSignal | undefined,
  target: string,
  maxBytes: number = defaultMaxResponseBytes,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      response.watchdog.touch();
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > maxBytes) {
        response.body.destroy();
        throw new NemotronError(
          'MALFORMED_RESPONSE',
          `${target}: the answer is larger than ${maxBytes} bytes; refusing to buffer it`,
          {
            status: response.status,
            requestId: response.requestId,
          },
        );
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof NemotronError && error.code === 'MALFORMED_RESPONSE') throw error;
    throw response.watchdog.fired ?? mapTransportError(error, signal, target, 'body');
  } finally {
    response.watchdog.stop();
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** First value of a response header. */
export function headerValue(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function requestIdOf(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  return headerValue(headers, 'x-request-id') ?? headerValue(headers, 'nvcf-reqid');
}

const resetCodes = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED']);
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

function errorCodeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string')
    return error.code;
  return undefined;
}

/**
 * Turns whatever undici or the socket threw into a {@link NemotronError} with a distinct code.
 * `phase` says whether the response had started (then a reset is an interrupted stream).
 */
export function mapTransportError(
  error: unknown,
  signal: AbortSignal | undefined,
  target: string,
  phase: 'request' | 'body',
): NemotronError {
  if (error instanceof NemotronError) return error;
  if (error instanceof Error && error.cause instanceof NemotronError) return error.cause;
  if (signal?.aborted)
    return new NemotronError('ABORTED', `${target}: aborted by the caller`, { cause: error });
  const code = errorCodeOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  let mapped: NemotronErrorCode;
  let message: string;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    mapped = 'CONNECT_TIMEOUT';
    message = 'could not connect in time (connect timeout)';
  } else if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    mapped = 'HEADERS_TIMEOUT';
    message = 'the server sent no response headers in time (headers timeout)';
  } else if (code === 'UND_ERR_BODY_TIMEOUT') {
    mapped = 'IDLE_TIMEOUT';
    message = 'the response went silent for longer than allowed (idle timeout)';
  } else if (code === 'UND_ERR_ABORTED' || (error instanceof Error && error.name === 'AbortError')) {
    mapped = 'ABORTED';
    message = 'the request was aborted';
  } else if (phase === 'body') {
    mapped = 'STREAM_INTERRUPTED';
    message = `the response was cut off before it was complete (${detail})`;
  } else if (code !== undefined && resetCodes.has(code)) {
    mapped = 'CONNECTION_RESET';
    message = `the connection was closed before a response arrived (${detail})`;
  } else if (code !== undefined && unreachableCodes.has(code)) {
    mapped = 'CONNECTION_FAILED';
    message = `the server could not be reached (${code})`;
  } else {
    mapped = 'CONNECTION_FAILED';
    message = `the request failed (${detail})`;
  }
  return new NemotronError(mapped, `${target}: ${message}`, { cause: error });
}

/** Reads at most `limit` bytes of a body as text, then drops the rest. Never throws. */
async function readCapped(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      chunks.push(buffer);
      size += buffer.length;
      if (size >= limit) break;
    }
  } catch {
    // A broken error body still leaves the status to report.
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function statusCodeFor(status: number): NemotronErrorCode {
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'SERVER_ERROR';
  return 'HTTP_ERROR';
}

/**
 * undici's connector with a connect timeout of millisecond precision (undici's own timer ticks
 * once a second, so 300 ms would become about 1 s). On expiry the half-open socket is destroyed
 * and undici gets its usual `UND_ERR_CONNECT_TIMEOUT` error.
 */
function preciseConnector(timeoutMs: number): buildConnector.connector {
  const base = buildConnector({ timeout: timeoutMs + 2000 });
  return (options, callback) => {
    let settled = false;
    // undici's connector returns the socket it is connecting even though its type says void.
    let pending: unknown;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      if (pending instanceof Socket) pending.destroy();
      callback(new undiciErrors.ConnectTimeoutError(`connect timeout after ${timeoutMs} ms`), null);
    }, timeoutMs);
    pending = base(options, (...result) => {
      if (settled) {
        result[1]?.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      callback(...result);
    });
  };
}

/**
 * The HTTP layer of the client: one undici `Agent` (connection pool), per-request header and idle
 * timeouts, and retries with exponential backoff and full jitter on 429, 5xx (not 501) and
 * connections reset before any response. A response that has started (2xx headers received) is
 * handed to the caller and never retried.
 */
export class HttpTransport {
  readonly #agent: Agent;

  /** @param connectTimeoutMs - limit for establishing each connection */
  constructor(connectTimeoutMs: number) {
    this.#agent = new Agent({ connect: preciseConnector(connectTimeoutMs), keepAliveTimeout: 4_000 });
  }

  /** Sends `exchange`, retrying under `policy`; resolves with the first 2xx response. */
  async send(exchange: HttpExchange, policy: RetryPolicy): Promise<HttpResponse> {
    const target = `${exchange.method} ${exchange.url.origin}${exchange.url.pathname}`;
    for (let attempt = 1; ; attempt += 1) {
      const retriesLeft = attempt <= policy.maxRetries;
      // Our own controller carries the precise timeouts; the caller's signal is combined with it.
      const attemptController = new AbortController();
      const signal =
        exchange.signal === undefined
          ? attemptController.signal
          : AbortSignal.any([exchange.signal, attemptController.signal]);
      const headersTimer = setTimeout(() => {
        attemptController.abort(
          new NemotronError(
            'HEADERS_TIMEOUT',
            `${target}: the server sent no response headers within ${exchange.timeouts.headersMs} ms (headers timeout)`,
          ),
        );
      }, exchange.timeouts.headersMs);
      let response: Awaited<ReturnType<typeof undiciRequest>>;
      try {
        response = await undiciRequest(exchange.url, {
          dispatcher: this.#agent,
          method: exchange.method,
          headers: exchange.headers,
          body: exchange.body,
          signal,
          // Backstops only: undici's timers have one-second resolution; ours above and below are exact.
          headersTimeout: exchange.timeouts.headersMs + 2000,
          bodyTimeout: exchange.timeouts.idleMs + 2000,
        });
      } catch (error) {
        clearTimeout(headersTimer);
        const reason: unknown = attemptController.signal.reason;
        const mapped =
          exchange.signal?.aborted !== true && reason instanceof NemotronError
            ? reason
            : mapTransportError(error, exchange.signal, target, 'request');
        if (mapped.code === 'CONNECTION_RESET' && retriesLeft) {
          await sleep(backoffDelay(policy, attempt - 1), exchange.signal);
          continue;
        }
        throw new NemotronError(
          mapped.code,
          attempt > 1 ? `${mapped.message} (after ${attempt} attempts)` : mapped.message,
          {
            cause: mapped.cause,
            attempts: attempt,
          },
        );
      }
      clearTimeout(headersTimer);
      const headers = response.headers;
      const requestId = requestIdOf(headers);
      const status = response.statusCode;
      if (status >= 200 && status < 300) {
        const watchdog = new IdleWatchdog(exchange.timeouts.idleMs, target, (error) =>
          attemptController.abort(error),
        );
        response.body.once('close', () => watchdog.stop());
        return { status, headers, body: response.body, requestId, watchdog };
      }
      const rawBody = await readCapped(response.body, 64 * 1024);
      const serverMessage = extractServerMessage(redactSecrets(rawBody, exchange.secrets));
      let waitTooLong: number | undefined;
      if (isRetryableStatus(status) && retriesLeft) {
        const retryAfter = parseRetryAfter(headerValue(headers, 'retry-after'));
        if (!retryAfter.ok || retryAfter.value <= policy.maxRetryAfterMs) {
          await sleep(retryAfter.ok ? retryAfter.value : backoffDelay(policy, attempt - 1), exchange.signal);
          continue;
        }
        waitTooLong = retryAfter.value;
      }
      const reason = STATUS_CODES[status] ?? 'Error';
      const parts = [`${target}: the server answered ${status} ${reason}`];
      if (serverMessage !== undefined) parts.push(`: ${serverMessage}`);
      if (requestId !== undefined) parts.push(` (request id ${requestId})`);
      if (attempt > 1) parts.push(` after ${attempt} attempts`);
      if (waitTooLong !== undefined) {
        parts.push(
          `; not retried: Retry-After asks for ${Math.ceil(waitTooLong / 1000)} s, more than retry.maxRetryAfterMs`,
        );
      }
      throw new NemotronError(statusCodeFor(status), parts.join(''), {
        status,
        requestId,
        serverMessage,
        attempts: attempt,
      });
    }
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await this.#agent.close();
  }
}
