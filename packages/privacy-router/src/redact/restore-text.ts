import {
  jsonPlaceholderPattern,
  plainPlaceholderPattern,
  quotedJsonPlaceholderPattern,
} from './placeholder.js';
import type { RedactionVault } from './redaction-vault.js';

/**
 * How a text is restored: `plain` inserts values as they are; `json` is for JSON text such as
 * OpenAI tool-call `arguments`: it also recognises `\u`-escaped brackets and inserts each value
 * JSON-string-escaped, so the arguments stay valid JSON whatever the value contains; a placeholder
 * that replaced a JSON number and stands as a whole JSON string value (`"⟦CREDIT_CARD_1⟧"`, not a
 * key) becomes that number again, quotes included.
 */
export type RestoreMode = 'plain' | 'json';

/** Escapes `value` for insertion inside a JSON string literal. */
export function jsonStringEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * Replaces the placeholders `vault` made with their original values. Placeholders the vault did
 * not make (invented by the model, or from another conversation) are left as they are.
 * `previous` is the character that preceded `text` (a streamed piece of JSON text): a backslash
 * there escapes a leading quote, which then cannot open a string.
 */
export function restoreText(
  text: string,
  vault: RedactionVault,
  mode: RestoreMode = 'plain',
  previous = '',
): string {
  if (vault.size === 0) return text;
  if (mode === 'plain' && !text.includes('\u27e6')) return text;
  let source = text;
  if (mode === 'json' && text.includes('"')) {
    source = text.replace(quotedJsonPlaceholderPattern, (match, name: string, offset: number) => {
      if (offset === 0 && previous === '\\') return match;
      return vault.numberOf(name) ?? match;
    });
  }
  const pattern = mode === 'json' ? jsonPlaceholderPattern : plainPlaceholderPattern;
  return source.replace(pattern, (match, name: string) => {
    const value = vault.valueOf(name);
    if (value === undefined) return match;
    return mode === 'json' ? jsonStringEscape(value) : value;
  });
}
