/** A stretch `[start, end)` of a text (UTF-16 indices). */
export interface TextRegion {
  start: number;
  end: number;
}

/** Space, tab, line feed, vertical tab, form feed, carriage return: never a word character. */
export function isAsciiSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/**
 * The words (stretches between ASCII white space) of `text` that hold an occurrence of one of
 * `needles` in `haystack` (`text` itself or its same-length lower-cased copy), in text order, for
 * patterns whose every match holds a needle and no white space: such a pattern finds the same
 * matches in these words as in the whole text (a word's edges touch white space or the text's
 * ends, where `\b` sees the same), and most of a text is never handed to RE2. `accept`, if given,
 * is asked about each occurrence (its index in `haystack`) and can turn it down (e.g. a `.` that
 * is not between digits). Linear in the length of the text.
 */
export function wordsHolding(
  text: string,
  haystack: string,
  needles: readonly string[],
  accept?: (index: number) => boolean,
): TextRegion[] {
  const words: TextRegion[] = [];
  // Next occurrence of each needle at or after `searchFrom` (-1: none left).
  const next = needles.map(() => -2);
  let searchFrom = 0;
  for (;;) {
    let at = -1;
    for (let index = 0; index < needles.length; index += 1) {
      let position = next[index] ?? -1;
      if (position === -2 || (position >= 0 && position < searchFrom)) {
        position = haystack.indexOf(needles[index] ?? '', searchFrom);
        next[index] = position;
      }
      if (position >= 0 && (at < 0 || position < at)) at = position;
    }
    if (at < 0) return words;
    if (accept !== undefined && !accept(at)) {
      searchFrom = at + 1;
      continue;
    }
    let start = at;
    const previous = words[words.length - 1];
    const floor = previous === undefined ? 0 : previous.end;
    while (start > floor && !isAsciiSpace(text.charCodeAt(start - 1))) start -= 1;
    let end = at;
    while (end < text.length && !isAsciiSpace(text.charCodeAt(end))) end += 1;
    words.push({ start, end });
    searchFrom = end;
  }
}
