import { placeholderClose, placeholderOpen } from './placeholder.js';
import type { RedactionVault } from './redaction-vault.js';
import { restoreText } from './restore-text.js';

/** Keys whose string value is JSON text (OpenAI tool-call arguments, Anthropic partial input). */
const jsonTextKeys = new Set(['arguments', 'partial_json']);

const wholePlaceholder = /^\u27e6([A-Z][A-Z_]*_\d+)\u27e7$/;

/**
 * The number a whole-string placeholder of a tool input stood for, or undefined: when the vault
 * made it for a JSON number and JavaScript holds that number exactly (an integer beyond 2^53 would
 * be rounded: it stays a string of its exact digits).
 */
function numberFor(text: string, vault: RedactionVault): number | undefined {
  if (!text.startsWith(placeholderOpen) || !text.endsWith(placeholderClose)) return undefined;
  const name = wholePlaceholder.exec(text)?.[1];
  const literal = name === undefined ? undefined : vault.numberOf(name);
  if (literal === undefined) return undefined;
  const value = Number(literal);
  if (!Number.isFinite(value)) return undefined;
  if (/^-?\d+$/.test(literal) && !Number.isSafeInteger(value)) return undefined;
  return value;
}

/** Where a value is a tool-call input as JSON (Anthropic `tool_use.input`). */
function isToolInput(key: string, record: Record<string, unknown>): boolean {
  return key === 'input' && typeof record.type === 'string' && record.type.endsWith('tool_use');
}

function restoreValue(value: unknown, vault: RedactionVault, depth: number, inToolInput: boolean): unknown {
  if (typeof value === 'string') {
    if (inToolInput) {
      const number = numberFor(value, vault);
      if (number !== undefined) return number;
    }
    return restoreText(value, vault);
  }
  if (depth > 128 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++)
      value[index] = restoreValue(value[index], vault, depth + 1, inToolInput);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const [key, item] of Object.entries(record)) {
    if (typeof item === 'string' && jsonTextKeys.has(key)) record[key] = restoreText(item, vault, 'json');
    else record[key] = restoreValue(item, vault, depth + 1, inToolInput || isToolInput(key, record));
  }
  return value;
}

/**
 * Restores placeholders in every string of a parsed JSON response, in place: JSON-text fields
 * (`arguments`, `partial_json`) in JSON mode, all others as plain text. Inside tool inputs that are
 * JSON values (Anthropic `tool_use.input`), a string that is exactly a placeholder made for a JSON
 * number becomes that number again. Returns `value`.
 */
export function restoreJson(value: unknown, vault: RedactionVault): unknown {
  if (vault.size === 0) return value;
  return restoreValue(value, vault, 0, false);
}
