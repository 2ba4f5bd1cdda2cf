import type { RedactionVault } from './redaction-vault.js';
import { restoreText } from './restore-text.js';

/** Keys whose string value is JSON text (OpenAI tool-call arguments, Anthropic partial input). */
const jsonTextKeys = new Set(['arguments', 'partial_json']);

/**
 * Restores placeholders in every string of a parsed JSON response, in place: JSON-text fields
 * (`arguments`, `partial_json`) in JSON mode, all others as plain text. Returns `value`.
 */
export function restoreJson(value: unknown, vault: RedactionVault, depth = 0): unknown {
  if (vault.size === 0 || depth > 128) return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      value[index] =
        typeof item === 'string' ? restoreText(item, vault) : restoreJson(item, vault, depth + 1);
    }
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const [key, item] of Object.entries(record)) {
      if (typeof item === 'string')
        record[key] = restoreText(item, vault, jsonTextKeys.has(key) ? 'json' : 'plain');
      else if (typeof item === 'object' && item !== null) restoreJson(item, vault, depth + 1);
    }
  }
  return value;
}
