import { maxPlaceholderNameLength, placeholderOpen } from './placeholder.js';
import type { RedactionVault } from './redaction-vault.js';
import { type RestoreMode, restoreText } from './restore-text.js';

/** In JSON text: a whole-string placeholder at the end, maybe awaiting its closing quote. */
const trailingQuotedPlaceholder = /(?<!\\)"(?:\u27e6|\\u27[eE]6)([A-Z][A-Z_]*_\d+)(?:\u27e7|\\u27[eE]7)"?$/;
const escapedOpen = '\\u27e6';
const escapedClose = '\\u27e7';
const nameCharacter = /^[A-Z0-9_]$/;

/** True if `fragment` is a (case-insensitive for hex digits) prefix of `sequence`. */
function isEscapePrefix(fragment: string, sequence: string): boolean {
  return fragment.length <= sequence.length && sequence.startsWith(fragment.toLowerCase());
}

/**
 * True if `tail` could be the beginning of a placeholder not yet complete: an opening bracket
 * (or in JSON mode a prefix of its escape), then name characters, then in JSON mode possibly a
 * prefix of the escaped closing bracket.
 */
function isPlaceholderPrefix(tail: string, mode: RestoreMode): boolean {
  let position: number;
  if (tail.startsWith(placeholderOpen)) position = placeholderOpen.length;
  else if (mode === 'json' && tail.startsWith('\\')) {
    if (tail.length < escapedOpen.length) return isEscapePrefix(tail, escapedOpen);
    if (tail.slice(0, escapedOpen.length).toLowerCase() !== escapedOpen) return false;
    position = escapedOpen.length;
  } else return false;
  const nameStart = position;
  while (position < tail.length && nameCharacter.test(tail.charAt(position))) position++;
  if (position - nameStart > maxPlaceholderNameLength) return false;
  if (position === tail.length) return true;
  const rest = tail.slice(position);
  return (
    mode === 'json' &&
    position > nameStart &&
    rest.length < escapedClose.length &&
    isEscapePrefix(rest, escapedClose)
  );
}

/**
 * Restores placeholders in a text that arrives in pieces (streamed deltas). A piece ending in what
 * may be the start of a placeholder (`⟦EMA`) is held back until the next piece completes or rules
 * it out, so a placeholder split across SSE chunks is restored all the same; everything else is
 * passed on at once. In JSON mode a trailing quote that may open a whole-string placeholder, and a
 * whole-string placeholder of a JSON number until what follows shows it is not an object key, are
 * held back too, so such a placeholder becomes its number however the pieces are cut.
 */
export class StreamingRestorer {
  readonly #vault: RedactionVault;
  readonly #mode: RestoreMode;
  #held = '';
  /** The last raw character passed on (a backslash escapes a quote that starts the next piece). */
  #previous = '';

  constructor(vault: RedactionVault, mode: RestoreMode = 'plain') {
    this.#vault = vault;
    this.#mode = mode;
  }

  /** Takes the next piece; returns the restored text that can be emitted now. */
  push(piece: string): string {
    const text = this.#held + piece;
    this.#held = '';
    const cut = this.#holdBackIndex(text);
    const ready = cut === -1 ? text : text.slice(0, cut);
    if (cut !== -1) this.#held = text.slice(cut);
    const previous = this.#previous;
    if (ready !== '') this.#previous = ready.charAt(ready.length - 1);
    return restoreText(ready, this.#vault, this.#mode, previous);
  }

  /** The text still held back (at the end of the stream); the restorer is empty afterwards. */
  flush(): string {
    const rest = this.#held;
    this.#held = '';
    const previous = this.#previous;
    this.#previous = '';
    return restoreText(rest, this.#vault, this.#mode, previous);
  }

  /** Whether text is being held back. */
  get pending(): boolean {
    return this.#held.length > 0;
  }

  #holdBackIndex(text: string): number {
    const json = this.#mode === 'json';
    const window = maxPlaceholderNameLength + escapedOpen.length + escapedClose.length + (json ? 1 : 0);
    const from = Math.max(0, text.length - window);
    let candidate = -1;
    // The earliest position in the window from which the rest is a placeholder prefix (in JSON
    // mode also a quote followed by nothing yet or by a placeholder prefix).
    for (let index = text.length - 1; index >= from; index--) {
      const character = text.charAt(index);
      if (json && character === '"') {
        const rest = text.slice(index + 1);
        if (rest === '' || isPlaceholderPrefix(rest, 'json')) candidate = index;
        continue;
      }
      if (character !== placeholderOpen && !(json && character === '\\')) continue;
      if (isPlaceholderPrefix(text.slice(index), this.#mode)) candidate = index;
    }
    if (json) {
      // A whole-string number placeholder, then maybe whitespace: held until what follows shows
      // whether it is an object key (a `:`), which must stay a string.
      let end = text.length;
      while (end > 0 && /\s/.test(text.charAt(end - 1))) end--;
      const start = Math.max(0, end - window - 2);
      const complete = trailingQuotedPlaceholder.exec(text.slice(start, end));
      const name = complete?.[1];
      if (complete !== null && name !== undefined && this.#vault.numberOf(name) !== undefined) {
        const index = start + complete.index;
        candidate = candidate === -1 ? index : Math.min(candidate, index);
      }
    }
    return candidate;
  }
}
