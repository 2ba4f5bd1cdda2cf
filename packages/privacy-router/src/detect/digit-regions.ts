/** A stretch of text holding digits joined by number separators. */
export interface DigitRegion {
  start: number;
  end: number;
  /** How many digits it holds. */
  digits: number;
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

// One entry: the number-shaped recognizers of a scan (phone, card, SSN) share one pass. The
// stretches (start, end, digit count) are kept as triples in a reused typed array: a text holds
// a stretch per number, and objects for each cost the garbage collector more than the pass.
let lastText: string | undefined;
let stretches = new Int32Array(3 * 256);
let stretchCount = 0;

function findStretches(text: string): void {
  if (text === lastText) return;
  stretchCount = 0;
  let index = 0;
  const length = text.length;
  while (index < length) {
    if (!isDigitCode(text.charCodeAt(index))) {
      index += 1;
      continue;
    }
    const start = index;
    let digits = 0;
    let end = index;
    let gap = 0;
    while (index < length) {
      const code = text.charCodeAt(index);
      if (isDigitCode(code)) {
        digits += 1;
        gap = 0;
        end = index + 1;
      } else if (
        gap < 2 &&
        (code === 32 ||
          code === 46 ||
          code === 45 ||
          code === 47 ||
          code === 40 ||
          code === 41 ||
          code === 0x2011)
      ) {
        gap += 1;
      } else break;
      index += 1;
    }
    if (3 * (stretchCount + 1) > stretches.length) {
      const grown = new Int32Array(stretches.length * 2);
      grown.set(stretches);
      stretches = grown;
    }
    stretches[3 * stretchCount] = start;
    stretches[3 * stretchCount + 1] = end;
    stretches[3 * stretchCount + 2] = digits;
    stretchCount += 1;
  }
  lastText = text;
}

/** Forgets the last text's stretches (called at the end of a scan: no text outlives it). */
export function releaseDigitStretches(): void {
  lastText = undefined;
  stretchCount = 0;
  if (stretches.length > 3 * 4096) stretches = new Int32Array(3 * 256);
}

/**
 * Stretches of at least `minimumDigits` digits joined by at most two separators in a row (space,
 * `.`, `-`, `/`, parentheses, U+2011), widened by `margin` characters on both sides (for a `+`
 * prefix, an extension, or the boundary the patterns check). Number-shaped recognizers run their
 * patterns only there: text without such numbers costs one character scan, shared by all of them
 * (the stretches of the last text are kept). No regular expression.
 */
export function digitRegions(text: string, minimumDigits: number, margin = 3): DigitRegion[] {
  const regions: DigitRegion[] = [];
  const length = text.length;
  findStretches(text);
  for (let stretch = 0; stretch < stretchCount; stretch += 1) {
    const digits = stretches[3 * stretch + 2] ?? 0;
    if (digits < minimumDigits) continue;
    const start = Math.max(0, (stretches[3 * stretch] ?? 0) - margin);
    const end = Math.min(length, (stretches[3 * stretch + 1] ?? 0) + margin);
    const last = regions[regions.length - 1];
    // Nearby regions are scanned together: fewer calls into RE2.
    if (last !== undefined && start <= last.end + 64) {
      last.end = Math.max(last.end, end);
      last.digits += digits;
    } else regions.push({ start, end, digits });
  }
  return regions;
}
