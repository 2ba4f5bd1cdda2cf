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

  /** The placeholder for `value` of entity `type`, creating one on first use. */
  placeholderFor(type: string, value: string): string {
    const key = `${type}\u0000${value}`;
    const existing = this.#placeholderByValue.get(key);
    if (existing !== undefined) return existing;
    const ordinal = (this.#counters.get(type) ?? 0) + 1;
    this.#counters.set(type, ordinal);
    const placeholder = formatPlaceholder(type, ordinal);
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
