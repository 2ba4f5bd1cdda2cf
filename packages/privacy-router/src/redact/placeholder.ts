/**
 * Placeholders replace sensitive values in requests sent to cloud providers, e.g. `⟦EMAIL_1⟧`.
 *
 * The form: U+27E6 and U+27E7 (mathematical white square brackets) around `<TYPE>_<n>`. Models
 * copy such bracketed upper-case tokens verbatim, and these brackets essentially never occur in
 * real text, so restoring them cannot alter anything the model wrote on its own. In JSON text
 * (tool-call arguments) the brackets may arrive escaped as `\u27e6` / `\u27e7`; both forms are
 * restored.
 */

/** Opening bracket of a placeholder (U+27E6). */
export const placeholderOpen = '\u27e6';
/** Closing bracket of a placeholder (U+27E7). */
export const placeholderClose = '\u27e7';
/** Longest placeholder name (between the brackets) the restorer waits for while streaming. */
export const maxPlaceholderNameLength = 48;

/** The placeholder for the `ordinal`-th distinct value of `type` in a conversation. */
export function formatPlaceholder(type: string, ordinal: number): string {
  const name = type.toUpperCase().replace(/[^A-Z_]/g, '_');
  return `${placeholderOpen}${name}_${ordinal}${placeholderClose}`;
}

/** Matches complete placeholders in plain text; group 1 is the name, e.g. `EMAIL_1`. */
export const plainPlaceholderPattern = /\u27e6([A-Z][A-Z_]*_\d+)\u27e7/g;

/** Matches complete placeholders in JSON text, bracket characters raw or `\u`-escaped. */
export const jsonPlaceholderPattern = /(?:\u27e6|\\u27[eE]6)([A-Z][A-Z_]*_\d+)(?:\u27e7|\\u27[eE]7)/g;

/**
 * Matches, in JSON text, a placeholder that is a whole JSON string (`"⟦CREDIT_CARD_1⟧"`, brackets
 * raw or escaped) and is not an object key (no `:` follows) nor preceded by a backslash (an escaped
 * quote inside a longer string); group 1 is the name. Where such a placeholder stood for a JSON
 * number, restoring puts the number back in place of the string.
 */
export const quotedJsonPlaceholderPattern =
  /(?<!\\)"(?:\u27e6|\\u27[eE]6)([A-Z][A-Z_]*_\d+)(?:\u27e7|\\u27[eE]7)"(?!\s*:)/g;
