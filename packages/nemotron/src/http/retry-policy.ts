import { NemotronError } from '../errors.js';

/** When and how often a failed request is tried again. */
export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying). Default 3. */
  readonly maxRetries: number;
  /** Backoff base: the cap for the first retry's random delay. Default 500 ms. */
  readonly baseDelayMs: number;
  /** Upper bound of any backoff delay. Default 20 s. */
  readonly maxDelayMs: number;
  /**
   * Longest `Retry-After` the client will honour; a server asking for more makes the request fail
   * at once (with the server's answer) instead of hanging. Default 60 s.
   */
  readonly maxRetryAfterMs: number;
}

/** The defaults of {@link RetryPolicy}. */
export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

/** A parse result: the value, or why there is none. */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

/**
 * Parses a `Retry-After` header (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date.
 * Returns the wait in milliseconds from `now` (0 for a date in the past).
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): ParseResult<number> {
  if (value === undefined) return { ok: false, error: 'no Retry-After header' };
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return { ok: true, value: Number(trimmed) * 1000 };
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) {
    return {
      ok: false,
      error: `Retry-After is neither seconds nor an IMF-fixdate HTTP-date: "${trimmed.slice(0, 60)}"`,
    };
  }
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return { ok: false, error: `Retry-After date is not a valid date: "${trimmed}"` };
  return { ok: true, value: Math.max(0, date - now) };
}

/**
 * Exponential backoff with full jitter: a uniformly random delay in
 * `[0, min(maxDelayMs, baseDelayMs * 2^retry))` for the zero-based `retry`.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** True for the statuses worth retrying: 429 and every 5xx except 501 Not Implemented. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

/** Validates a partial retry policy against the defaults; throws `INVALID_OPTION` on nonsense. */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy = { ...defaultRetryPolicy, ...partial };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new NemotronError(
        'INVALID_OPTION',
        `retry.${name} must be a finite number >= 0, got ${String(value)}`,
      );
    }
  }
  if (!Number.isInteger(policy.maxRetries)) {
    throw new NemotronError(
      'INVALID_OPTION',
      `retry.maxRetries must be an integer, got ${policy.maxRetries}`,
    );
  }
  return policy;
}

/** Waits `milliseconds`, or rejects with `ABORTED` as soon as `signal` fires. */
export function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new NemotronError('ABORTED', 'the request was aborted', { cause: signal.reason }));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(
        new NemotronError('ABORTED', 'the request was aborted while waiting to retry', {
          cause: signal?.reason,
        }),
      );
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
