import { AuditError } from './audit-error.js';

/** A JSON value as the audit log stores it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Serialises `value` as canonical JSON: object keys sorted by UTF-16 code units (as in RFC 8785,
 * JCS), no insignificant whitespace, numbers and strings as `JSON.stringify` writes them (which
 * matches JCS for the integers and finite numbers events contain). `undefined` object members are
 * skipped. Throws {@link AuditError} `NOT_CANONICALIZABLE` for non-finite numbers, functions,
 * symbols, bigints and cycles, so a hash is never computed over an ambiguous form.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, new Set<object>(), '$');
}

function serialize(value: unknown, seen: Set<object>, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new AuditError('NOT_CANONICALIZABLE', `${path} is a non-finite number`);
      }
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new AuditError('NOT_CANONICALIZABLE', `${path} has unsupported type ${typeof value}`);
  }
  if (seen.has(value)) throw new AuditError('NOT_CANONICALIZABLE', `${path} is a cycle`);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item, index) => serialize(item ?? null, seen, `${path}[${index}]`)).join(',')}]`;
    }
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries
      .map(([key, member]) => `${JSON.stringify(key)}:${serialize(member, seen, `${path}.${key}`)}`)
      .join(',')}}`;
  } finally {
    seen.delete(value);
  }
}
