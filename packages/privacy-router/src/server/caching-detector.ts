import { createHash } from 'node:crypto';
import type { Detector } from '../detect/create-detector.js';
import type { Finding } from '../detect/finding.js';
import { BoundedLruMap } from '../route/bounded-lru-map.js';

/** Options of {@link createCachingDetector}. */
export interface CachingDetectorOptions {
  /** Texts shorter than this are scanned every time (hashing would cost about as much). */
  minLength?: number;
  /** Most texts remembered (least recently used forgotten first). */
  maxEntries?: number;
}

/**
 * Wraps a detector with a cache of findings keyed by the SHA-256 of each text. Chat clients resend
 * the system prompt, tool definitions and the whole history on every turn; with the cache only the
 * new message is scanned. The cache holds digests and offsets, never the texts. One cache per
 * detector: a new policy (new term lists) gets a new detector and an empty cache.
 */
export function createCachingDetector(detector: Detector, options: CachingDetectorOptions = {}): Detector {
  const minLength = options.minLength ?? 512;
  const cache = new BoundedLruMap<readonly Finding[]>({ maxEntries: options.maxEntries ?? 20_000, ttlMs: 0 });
  return {
    scan(text: string): Finding[] {
      if (text.length < minLength) return detector.scan(text);
      const key = createHash('sha256').update(text).digest('base64');
      const cached = cache.get(key);
      if (cached !== undefined) return cached.map((finding) => ({ ...finding }));
      const findings = detector.scan(text);
      cache.set(
        key,
        findings.map((finding) => ({ ...finding })),
      );
      return findings;
    },
  };
}
