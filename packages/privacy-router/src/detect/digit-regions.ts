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

/** A maximal stretch of digits joined by at most two separators in a row (start and end exclusive of margins). */
interface Stretch {
  start: number;
  end: number;
  digits: number;
}

// One entry: the number-shaped recognizers of a scan (phone, card, SSN) share one pass.
let lastText: string | undefined;
let lastStretches: Stretch[] = [];

function stretchesOf(text: string): Stretch[] {
  if (text === lastText) return lastStretches;
  const stretches: Stretch[] = [];
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
    stretches.push({ start, end, digits });
  }
  lastText = text;
  lastStretches = stretches;
  return stretches;
}

/** Forgets the last text's stretches (called at the end of a scan: no text outlives it). */
export function releaseDigitStretches(): void {
  lastText = undefined;
  lastStretches = [];
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
  for (const stretch of stretchesOf(text)) {
    if (stretch.digits < minimumDigits) continue;
    const region = {
      start: Math.max(0, stretch.start - margin),
      end: Math.min(length, stretch.end + margin),
      digits: stretch.digits,
    };
    const last = regions[regions.length - 1];
    // Nearby regions are scanned together: fewer calls into RE2.
    if (last !== undefined && region.start <= last.end + 64) {
      last.end = Math.max(last.end, region.end);
      last.digits += stretch.digits;
    } else regions.push(region);
  }
  return regions;
}
