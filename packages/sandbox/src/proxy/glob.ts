/** A compiled slash-separated glob (request paths, binary paths). */
export interface PathGlob {
  /** The pattern text, for messages. */
  readonly text: string;
  /** Whether the whole of `value` matches. */
  matches(value: string): boolean;
}

/**
 * Compiles a glob over `/`-separated paths: `*` matches any characters within one segment (never
 * `/`), `**` as a whole segment matches zero or more segments (`/api/**` matches `/api`,
 * `/api/` and `/api/a/b`; `/**` matches every absolute path). Every other character is literal.
 *
 * @param pattern - the glob, normally starting with `/`
 * @returns the compiled glob, or an error message for an empty pattern or a `**` that is not a whole segment
 */
export function compileGlob(pattern: string): { ok: true; value: PathGlob } | { ok: false; error: string } {
  if (pattern.length === 0) {
    return { ok: false, error: 'empty glob' };
  }
  if (pattern === '*' || pattern === '**') {
    return { ok: true, value: { text: pattern, matches: () => true } };
  }
  const segments = pattern.split('/');
  let expression = '';
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index] ?? '';
    const isLast = index === segments.length - 1;
    if (segment === '**') {
      // "/**" at the end: nothing or "/" followed by anything; in the middle: zero or more segments.
      expression += isLast ? '(?:/.*)?' : '(?:/[^/]*)*';
      continue;
    }
    if (segment.includes('**')) {
      return { ok: false, error: `glob "${pattern}": '**' must be a whole path segment` };
    }
    const literal = segment
      .split('*')
      .map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'))
      .join('[^/]*');
    expression += index === 0 ? literal : `/${literal}`;
  }
  const compiled = new RegExp(`^${expression}$`, 'su');
  return { ok: true, value: { text: pattern, matches: (value) => compiled.test(value) } };
}
