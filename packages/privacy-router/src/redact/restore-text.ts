import { jsonPlaceholderPattern, plainPlaceholderPattern } from './placeholder.js';
import type { RedactionVault } from './redaction-vault.js';

/**
 * How a text is restored: `plain` inserts values as they are; `json` is for JSON text such as
 * OpenAI tool-call `arguments`: it also recognises `\u`-escaped brackets and inserts each value
 * JSON-string-escaped, so the arguments stay valid JSON whatever the value contains.
 */
export type RestoreMode = 'plain' | 'json';

/** Escapes `value` for insertion inside a JSON string literal. */
export function jsonStringEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * Replaces the placeholders `vault` made with their original values. Placeholders the vault did
 * not make (invented by the model, or from another conversation) are left as they are.
 */
export function restoreText(text: string, vault: RedactionVault, mode: RestoreMode = 'plain'): string {
  if (vault.size === 0) return text;
  const pattern = mode === 'json' ? jsonPlaceholderPattern : plainPlaceholderPattern;
  if (mode === 'plain' && !text.includes('\u27e6')) return text;
  return text.replace(pattern, (match, name: string) => {
    const value = vault.valueOf(name);
    if (value === undefined) return match;
    return mode === 'json' ? jsonStringEscape(value) : value;
  });
}
