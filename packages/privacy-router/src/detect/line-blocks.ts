/** A stretch of whole lines of a text. */
export interface LineBlock {
  start: number;
  end: number;
}

const cache = new WeakMap<object, LineBlock[]>();

/**
 * Splits `text` into stretches of whole lines of about `size` characters (a longer line is a block
 * of its own). Patterns that cannot match across a line break run block by block, so each call
 * into RE2 works on a short string. Cached per `owner` (the scan input).
 */
export function lineBlocks(owner: object, text: string, size = 2048): LineBlock[] {
  const cached = cache.get(owner);
  if (cached) return cached;
  const blocks: LineBlock[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    if (end < text.length) {
      const newline = text.indexOf('\n', end);
      end = newline === -1 ? text.length : newline + 1;
    }
    blocks.push({ start, end });
    start = end;
  }
  cache.set(owner, blocks);
  return blocks;
}
