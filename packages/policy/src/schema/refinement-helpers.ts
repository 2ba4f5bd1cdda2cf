/** Helpers shared by the section schemas. */

/**
 * Cross-field checks run even when other fields of the same object failed (`when`), so that one
 * round of errors shows every problem. They therefore see unvalidated data and guard every access.
 */
export const alwaysCheck = { when: () => true };

/** A non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The string items of `value` (if it is an array) with their indexes. */
export function stringEntries(value: unknown): [string, number][] {
  return Array.isArray(value)
    ? value.flatMap((item, index): [string, number][] => (typeof item === 'string' ? [[item, index]] : []))
    : [];
}

/** The object-valued entries of `value` (if it is a mapping). */
export function objectEntries(value: unknown): [string, Record<string, unknown>][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, item]): [string, Record<string, unknown>][] =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? [[key, item as Record<string, unknown>]]
      : [],
  );
}
