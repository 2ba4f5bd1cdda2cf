import type { Finding } from '../detect/finding.js';
import type { RedactionVault } from './redaction-vault.js';

/**
 * Replaces every finding's span in `text` with its placeholder from `vault`. Overlapping findings
 * are merged into the first (earliest) one so no fragment of a value survives.
 */
export function redactText(text: string, findings: readonly Finding[], vault: RedactionVault): string {
  if (findings.length === 0) return text;
  const sorted = [...findings].sort((left, right) => left.start - right.start || right.end - left.end);
  let result = '';
  let cursor = 0;
  let index = 0;
  while (index < sorted.length) {
    const first = sorted[index];
    if (first === undefined) break;
    let end = first.end;
    index++;
    for (let next = sorted[index]; next !== undefined && next.start < end; next = sorted[index]) {
      end = Math.max(end, next.end);
      index++;
    }
    const start = Math.max(first.start, cursor);
    if (end <= start) continue;
    result += text.slice(cursor, start);
    result += vault.placeholderFor(first.type, text.slice(start, end));
    cursor = end;
  }
  return result + text.slice(cursor);
}
