import { describe, expect, it } from 'vitest';
import { NemotronError } from '../errors.js';
import {
  backoffDelay,
  defaultRetryPolicy,
  isRetryableStatus,
  parseRetryAfter,
  resolveRetryPolicy,
  sleep,
} from './retry-policy.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-30T05:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('7', now)).toEqual({ ok: true, value: 7000 });
  });

  it('reads an HTTP-date relative to now, and a past date as zero', () => {
    expect(parseRetryAfter('Mon, 30 Nov 2026 05:00:03 GMT', now)).toEqual({ ok: true, value: 3000 });
    expect(parseRetryAfter('Mon, 30 Nov 2026 04:00:00 GMT', now)).toEqual({ ok: true, value: 0 });
  });

  it('rejects negative numbers, fractions and garbage with a reason', () => {
    for (const value of ['-1', '1.5', 'soon', '', 'Mon, 30 Nov 2026']) {
      const result = parseRetryAfter(value, now);
      expect(result.ok, value).toBe(false);
    }
    expect(parseRetryAfter(undefined, now).ok).toBe(false);
  });
});

describe('backoffDelay (full jitter)', () => {
  it('stays within [0, min(cap, base * 2^retry))', () => {
    const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(policy, 0, () => 0)).toBe(0);
    expect(backoffDelay(policy, 0, () => 0.999)).toBe(99);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(400);
    expect(backoffDelay(policy, 10, () => 0.999)).toBe(999);
  });
});

describe('isRetryableStatus', () => {
  it('retries 429 and 5xx but not 501 or 4xx', () => {
    expect([429, 500, 502, 503, 504, 599].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 404, 422, 501].some(isRetryableStatus)).toBe(false);
  });
});

describe('resolveRetryPolicy and sleep', () => {
  it('refuses nonsense values', () => {
    expect(() => resolveRetryPolicy({ maxRetries: -1 })).toThrow(NemotronError);
    expect(() => resolveRetryPolicy({ maxRetries: 1.5 })).toThrow(/integer/);
    expect(() => resolveRetryPolicy({ baseDelayMs: Number.NaN })).toThrow(/finite/);
  });

  it('rejects a sleep with ABORTED when the signal fires', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
