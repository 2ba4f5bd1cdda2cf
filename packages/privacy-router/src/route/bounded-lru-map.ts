/** Options of {@link BoundedLruMap}. */
export interface BoundedLruMapOptions {
  /** At most this many entries are kept; the least recently used goes first. */
  maxEntries: number;
  /** Entries unused for longer than this are forgotten (milliseconds; 0 = never). */
  ttlMs: number;
  /** The clock, for tests (default `Date.now`). */
  now?: () => number;
}

interface Entry<Value> {
  value: Value;
  touchedAt: number;
}

/**
 * A map bounded in size and age, used for per-conversation state (sticky routes, redaction
 * vaults) so a client that invents conversation ids cannot grow the router's memory without bound.
 */
export class BoundedLruMap<Value> {
  readonly #entries = new Map<string, Entry<Value>>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: BoundedLruMapOptions) {
    this.#maxEntries = Math.max(1, options.maxEntries);
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  /** The value of `key`, refreshing its age, or undefined when absent or expired. */
  get(key: string): Value | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    const now = this.#now();
    if (this.#ttlMs > 0 && now - entry.touchedAt > this.#ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    this.#entries.delete(key);
    entry.touchedAt = now;
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` under `key`, evicting the least recently used entry when full. */
  set(key: string, value: Value): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, touchedAt: this.#now() });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** Forgets `key`. */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** The number of entries currently held (expired ones included until touched). */
  get size(): number {
    return this.#entries.size;
  }
}
