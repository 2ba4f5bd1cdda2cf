import RE2 from 're2';
import { PrivacyRouterError } from '../privacy-router-error.js';

/** A compiled linear-time (RE2) regular expression, always global and Unicode-aware. */
export type LinearRegex = InstanceType<typeof RE2>;

/** One match of a {@link LinearRegex}: offsets are UTF-16 string indices. */
export interface RegexMatch {
  start: number;
  end: number;
  /** Capture groups by number (index 0 is the whole match); undefined when a group did not take part. */
  groups: readonly (string | undefined)[];
  /** Spans of the capture groups, when the regex was compiled with the `d` flag. */
  spans: readonly (readonly [number, number] | undefined)[];
}

/**
 * Compiles `pattern` with RE2 (linear time: no input can make it backtrack catastrophically).
 * Throws {@link PrivacyRouterError} `PATTERN_UNSUPPORTED` for patterns RE2 cannot run (back-references, look-around); the
 * engine compiles every built-in pattern once at load time, so such a pattern fails the build
 * and the tests, never a request.
 */
export function compileLinear(pattern: string, flags = ''): LinearRegex {
  const unique = new Set(`${flags}gu`);
  try {
    return new RE2(pattern, [...unique].join(''));
  } catch (error) {
    throw new PrivacyRouterError(
      'PATTERN_UNSUPPORTED',
      `pattern ${JSON.stringify(pattern.slice(0, 80))} cannot run in RE2 (linear time): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/**
 * Iterates over all matches of `regex` in `text`. With `resumeGroup`, the search resumes at the
 * end of that capture group rather than the whole match (for patterns that consume a boundary
 * character after the interesting part; needs the `d` flag).
 */
export function* matchAll(regex: LinearRegex, text: string, resumeGroup?: number): Generator<RegexMatch> {
  regex.lastIndex = 0;
  for (;;) {
    const match = regex.exec(text);
    if (match === null) return;
    const whole = match[0];
    const spans: (readonly [number, number] | undefined)[] = match.indices
      ? Array.from(match.indices, (span) => (span ? ([span[0], span[1]] as const) : undefined))
      : [];
    const end = match.index + whole.length;
    let resume = end;
    if (resumeGroup !== undefined) {
      const span = spans[resumeGroup];
      if (span !== undefined) resume = span[1];
    }
    regex.lastIndex = resume > match.index ? resume : match.index + 1;
    if (whole.length > 0) yield { start: match.index, end, groups: [...match], spans };
    if (regex.lastIndex > text.length) return;
  }
}

/**
 * {@link matchAll} restricted to `regions` of `text` (sorted, non-overlapping): offsets, group
 * spans included, are relative to `text`. Used with cheap pre-scans (digit regions, keyword
 * windows) so that a pattern runs only where it can match.
 */
export function* matchAllIn(
  regex: LinearRegex,
  text: string,
  regions: readonly { start: number; end: number }[],
  resumeGroup?: number,
): Generator<RegexMatch> {
  for (const region of regions) {
    const part =
      region.start === 0 && region.end === text.length ? text : text.slice(region.start, region.end);
    for (const match of matchAll(regex, part, resumeGroup)) {
      yield {
        start: match.start + region.start,
        end: match.end + region.start,
        groups: match.groups,
        spans: match.spans.map((span) =>
          span ? ([span[0] + region.start, span[1] + region.start] as const) : undefined,
        ),
      };
    }
  }
}
