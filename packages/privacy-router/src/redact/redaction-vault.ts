import { formatPlaceholder, placeholderClose, placeholderOpen } from './placeholder.js';

/**
 * What a placeholder stands for: `text` (a span of a string) or `number` (a whole JSON number of a
 * tool-call input, restored as a number where the model puts the placeholder as a whole string).
 */
export type RedactedForm = 'text' | 'number';

/** A JSON number literal (RFC 8259). */
const jsonNumberLiteral = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

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
  readonly #numbers = new Set<string>();

  /**
   * Marks a placeholder name (e.g. `EMAIL_1`) that occurs literally in the client's own text, so
   * the vault never assigns it: restoring must not turn the client's literal text into a value.
   */
  reserve(name: string): void {
    if (!this.#valueByName.has(name)) this.#reserved.add(name);
  }

  /**
   * The placeholder for `value` of entity `type`, creating one on first use. With `form` `number`
   * (`value` must then be a JSON number literal, else it is treated as text) the placeholder is
   * distinct from the one of the same digits as text, and {@link numberOf} reports it.
   */
  placeholderFor(type: string, value: string, form: RedactedForm = 'text'): string {
    const numeric = form === 'number' && jsonNumberLiteral.test(value);
    const key = `${numeric ? 'number' : 'text'}\u0000${type}\u0000${value}`;
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
    const name = placeholder.slice(placeholderOpen.length, -placeholderClose.length);
    this.#valueByName.set(name, value);
    if (numeric) this.#numbers.add(name);
    return placeholder;
  }

  /**
   * The JSON number literal the placeholder named `name` replaced, when it replaced a whole JSON
   * number (made with form `number`); undefined for text values and unknown names.
   */
  numberOf(name: string): string | undefined {
    return this.#numbers.has(name) ? this.#valueByName.get(name) : undefined;
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
