import type { FileHandle } from 'node:fs/promises';

/** The last line of a file and, when the file does not end with `\n`, where the partial tail starts. */
export interface LastLine {
  /** The last complete line, without its newline; undefined for an empty file. */
  line: string | undefined;
  /** Byte offset of an incomplete final line (no trailing newline), if any. */
  incompleteFrom: number | undefined;
}

/** Reads the last complete line of the file behind `handle` (of `size` bytes) from the end. */
export async function readLastLine(handle: FileHandle, size: number): Promise<LastLine> {
  if (size === 0) return { line: undefined, incompleteFrom: undefined };
  const chunkSize = 64 * 1024;
  let end = size;
  let tail = Buffer.alloc(0);
  let incompleteFrom: number | undefined;
  const lastByte = Buffer.alloc(1);
  await handle.read(lastByte, 0, 1, size - 1);
  const endsWithNewline = lastByte[0] === 0x0a;
  // Collect bytes backwards until we hold the newline before the last complete line.
  for (;;) {
    const start = Math.max(0, end - chunkSize);
    const chunk = Buffer.alloc(end - start);
    await handle.read(chunk, 0, chunk.length, start);
    tail = Buffer.concat([chunk, tail]);
    end = start;
    const tailStart = end;
    let lineEnd = tail.length;
    if (endsWithNewline) lineEnd = tail.length - 1;
    else {
      const lastNewline = tail.lastIndexOf(0x0a);
      if (lastNewline === -1 && start > 0) continue;
      incompleteFrom = lastNewline === -1 ? 0 : tailStart + lastNewline + 1;
      lineEnd = lastNewline;
      if (lineEnd === -1) return { line: undefined, incompleteFrom };
    }
    const previousNewline = lineEnd <= 0 ? -1 : tail.lastIndexOf(0x0a, lineEnd - 1);
    if (previousNewline === -1 && start > 0) continue;
    return { line: tail.subarray(previousNewline + 1, lineEnd).toString('utf8'), incompleteFrom };
  }
}
