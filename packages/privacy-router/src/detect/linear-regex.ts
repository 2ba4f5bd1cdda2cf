import RE2 from 're2';
import { PrivacyRouterError } from '../privacy-router-error.js';

/** A compiled linear-time (RE2) regular expression, always global and Unicode-aware. */
export type LinearRegex = InstanceType<typeof RE2>;

/** One match of a {@link LinearRegex}: offsets are UTF-16 string indices. */
export interface RegexMatch {
  start: number;
  end: number;
  /** Capture groups by number (index 0 is the whole match); undefined when a group did not take part. */
  readonly groups: readonly (string | undefined)[];
  /** Spans of the capture groups, when the regex was compiled with the `d` flag. */
  readonly spans: readonly (readonly [number, number] | undefined)[];
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
 * The UTF-8 form of a text, made once per text and shared by every pattern of a scan: RE2 works
 * on UTF-8, and handing it a JavaScript string makes each pattern encode its own copy (per
 * window, per line), which cost about a quarter of the time of a small search plus a native
 * buffer for the garbage collector each time. With the bytes made once, every search runs on a
 * view of them; for a text with non-ASCII characters an offset table translates between UTF-16
 * indices and UTF-8 byte offsets.
 */
interface Utf8View {
  text: string;
  bytes: Buffer<ArrayBuffer>;
  /**
   * Byte offset of each UTF-16 index (index `text.length` included), ascending; undefined for
   * ASCII text. Byte offsets of matches map back by binary search (a match is a handful of
   * lookups; a table the size of the bytes would cost 4 bytes per byte).
   */
  byteOf: Int32Array | undefined;
}

// One entry: `scan` is synchronous and all recognizers of a scan see the same text.
let lastView: Utf8View | undefined;

function utf8View(text: string): Utf8View {
  if (lastView !== undefined && lastView.text === text) return lastView;
  const bytes = Buffer.from(text, 'utf8');
  let byteOf: Int32Array | undefined;
  if (bytes.length !== text.length) {
    // Same encoding rules as Buffer.from: surrogate pairs take 4 bytes, lone surrogates 3 (U+FFFD).
    byteOf = new Int32Array(text.length + 1);
    let byte = 0;
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      byteOf[index] = byte;
      if (code < 0x80) byte += 1;
      else if (code < 0x800) byte += 2;
      else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
        const next = text.charCodeAt(index + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          // The low surrogate's index maps past the pair: a region never starts inside it.
          byteOf[index + 1] = byte + 4;
          byte += 4;
          index += 1;
        } else byte += 3;
      } else byte += 3;
    }
    byteOf[text.length] = byte;
  }
  lastView = { text, bytes, byteOf };
  return lastView;
}

/** What RE2's `exec` returns for a Buffer (groups as Buffers, offsets in bytes). */
interface ByteExecResult {
  index: number;
  length: number;
  [group: number]: Buffer | undefined;
  indices?: ArrayLike<readonly [number, number] | undefined>;
}

/** RE2's `exec` on bytes (its typings only name the string form once RegExp's are merged in). */
type ByteExec = (this: LinearRegex, input: Buffer) => ByteExecResult | null;

/** A match found on the UTF-8 bytes; groups and spans are translated to the text on first use. */
class ByteMatch implements RegexMatch {
  start: number;
  end: number;
  readonly #raw: ByteExecResult;
  readonly #view: Utf8View;
  readonly #base: number;
  #groups: (string | undefined)[] | undefined;
  #spans: (readonly [number, number] | undefined)[] | undefined;

  constructor(start: number, end: number, raw: ByteExecResult, view: Utf8View, base: number) {
    this.start = start;
    this.end = end;
    this.#raw = raw;
    this.#view = view;
    this.#base = base;
  }

  get spans(): readonly (readonly [number, number] | undefined)[] {
    if (this.#spans === undefined) {
      const spans: (readonly [number, number] | undefined)[] = [];
      const indices = this.#raw.indices;
      if (indices !== undefined) {
        for (let group = 0; group < indices.length; group += 1) {
          const span = indices[group];
          spans.push(
            span
              ? [charIndex(this.#view, this.#base + span[0]), charIndex(this.#view, this.#base + span[1])]
              : undefined,
          );
        }
      }
      this.#spans = spans;
    }
    return this.#spans;
  }

  get groups(): readonly (string | undefined)[] {
    if (this.#groups === undefined) {
      const groups: (string | undefined)[] = [];
      const spans = this.#raw.indices === undefined ? undefined : this.spans;
      for (let group = 0; group < this.#raw.length; group += 1) {
        if (group === 0) groups.push(this.#view.text.slice(this.start, this.end));
        else if (spans !== undefined) {
          const span = spans[group];
          groups.push(span ? this.#view.text.slice(span[0], span[1]) : undefined);
        } else groups.push(this.#raw[group]?.toString('utf8'));
      }
      this.#groups = groups;
    }
    return this.#groups;
  }
}

function charIndex(view: Utf8View, byte: number): number {
  const byteOf = view.byteOf;
  if (byteOf === undefined) return byte;
  // The last UTF-16 index at or before `byte` (matches start and end on character boundaries; a
  // low surrogate shares the offset of the character after its pair, which this skips).
  let low = 0;
  let high = byteOf.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((byteOf[middle] ?? 0) <= byte) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/** Drops the shared UTF-8 copy of the last text (called at the end of a scan: no text outlives it). */
export function releaseSharedBytes(): void {
  lastView = undefined;
}

function byteIndex(view: Utf8View, index: number): number {
  return view.byteOf === undefined ? index : (view.byteOf[index] ?? 0);
}

/**
 * Calls `visit` for every match of `regex` in `text.slice(from, to)` (as if that slice were the
 * whole input: `^`, `$` and `\b` see its ends), with offsets relative to `text`; stops when
 * `visit` returns `false`, resumes at the index `visit` returns as a number (at least one byte
 * after the match's start), otherwise after the match. Runs on the shared UTF-8 bytes of `text` (see {@link Utf8View}).
 * With `resumeGroup`, the search resumes at the end of that capture group (needs the `d` flag).
 */
export function forEachMatch(
  regex: LinearRegex,
  text: string,
  from: number,
  to: number,
  visit: (match: RegexMatch) => boolean | number | undefined,
  resumeGroup?: number,
): void {
  if (from >= to) return;
  const view = utf8View(text);
  const byteFrom = byteIndex(view, from);
  const byteTo = byteIndex(view, to);
  const part =
    byteFrom === 0 && byteTo === view.bytes.length ? view.bytes : view.bytes.subarray(byteFrom, byteTo);
  const length = byteTo - byteFrom;
  regex.lastIndex = 0;
  for (;;) {
    const raw = (regex.exec as unknown as ByteExec).call(regex, part);
    if (raw === null) return;
    const matchLength = raw[0]?.length ?? 0;
    const byteStart = raw.index;
    const byteEnd = byteStart + matchLength;
    let resume = byteEnd;
    if (resumeGroup !== undefined) {
      const span = raw.indices?.[resumeGroup];
      if (span !== undefined) resume = span[1];
    }
    resume = resume > byteStart ? resume : byteStart + 1;
    if (matchLength > 0) {
      const match = new ByteMatch(
        charIndex(view, byteFrom + byteStart),
        charIndex(view, byteFrom + byteEnd),
        raw,
        view,
        byteFrom,
      );
      const next = visit(match);
      if (next === false) return;
      if (typeof next === 'number') {
        // The visitor chose where the search goes on (a UTF-16 index of `text`).
        if (next >= to) return;
        resume = Math.max(byteIndex(view, Math.max(next, from)) - byteFrom, byteStart + 1);
      }
    }
    if (resume > length) return;
    // Resuming inside a multi-byte character: move to the next character start.
    if (view.byteOf !== undefined)
      while (resume < length && ((view.bytes[byteFrom + resume] ?? 0) & 0xc0) === 0x80) resume += 1;
    regex.lastIndex = resume;
  }
}

/**
 * {@link matchAll} restricted to `regions` of `text` (sorted, non-overlapping): offsets, group
 * spans included, are relative to `text`. Used with cheap pre-scans (digit regions, keyword
 * windows) so that a pattern runs only where it can match. Runs on the shared UTF-8 bytes of
 * `text` (see {@link forEachMatch}).
 */
export function matchAllIn(
  regex: LinearRegex,
  text: string,
  regions: readonly { start: number; end: number }[],
  resumeGroup?: number,
): RegexMatch[] {
  const matches: RegexMatch[] = [];
  for (const region of regions)
    forEachMatch(
      regex,
      text,
      region.start,
      region.end,
      (match) => {
        matches.push(match);
        return true;
      },
      resumeGroup,
    );
  return matches;
}
