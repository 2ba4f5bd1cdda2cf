import { formatPlaceholder, placeholderClose, placeholderOpen } from './placeholder.js';

/**
 * The two-way map between sensitive values and their placeholders for one conversation: the same
 * value always gets the same placeholder, so a conversation's history redacts identically on every
 * turn and the model sees consistent names. Lives in memory only, never logged or persisted.
 */
export class RedactionVault {
  readonly #placeholderByValue = new Map<string, string>();
  readonly #valueByName = new Map<string, string>();
  readonly #counters = new Map<string, number>();
  readonly #reserved = new Set<string>();

  /**
   * Marks a placeholder name (e.g. `EMAIL_1`) that occurs literally in the client's own text, so
   * the vault never assigns it: restoring must not turn the client's literal text into a value.
   */
  reserve(name: string): void {
    if (!this.#valueByName.has(name)) this.#reserved.add(name);
  }

  /** The placeholder for `value` of entity `type`, creating one on first use. */
  placeholderFor(type: string, value: string): string {
    const key = `${type}\u0000${value}`;
    const existing = this.#placeholderByValue.get(key);
    if (existing !== undefined) return existing;
    let ordinal = this.#counters.get(type) ?? 0;
    let placeholder: string;
    do {
      ordinal++;
      placeholder = formatPlaceholder(type, ordinal);
    } while (this.#reserved.has(placeholder.slice(placeholderOpen.length, -placeholderClose.length)));
    this.#counters.set(type, ordinal);
    this.#placeholderByValue.set(key, placeholder);
    this.#valueByName.set(placeholder.slice(placeholderOpen.length, -placeholderClose.length), value);
    return placeholder;
  }

  /** The original value of the placeholder named `name` (e.g. `EMAIL_1`), if this vault made it. */
  valueOf(name: string): string | undefined {
    return this.#valueByName.get(name);
  }

  /** How many distinct values the vault holds. */
  get size(): number {
    return this.#valueByName.size;
  }
}
