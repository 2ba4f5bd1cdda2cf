import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { isMissing, listLogFiles } from './audit-log-files.js';

/** One raw line of a log, with where it is. */
export interface AuditLogLine {
  file: string;
  /** 1-based line number within `file`. */
  line: number;
  text: string;
  /** False when the file ended without a newline after this line. */
  complete: boolean;
}

/**
 * Yields every line of the log at `activePath` in chain order (rotated files oldest first, then
 * the active file). Missing files are skipped (the active file may not exist yet).
 */
export async function* readAuditLogLines(activePath: string): AsyncGenerator<AuditLogLine> {
  for (const file of await listLogFiles(activePath)) {
    yield* readFileLines(file);
  }
}

async function* readFileLines(file: string): AsyncGenerator<AuditLogLine> {
  try {
    await stat(file);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  const stream = createReadStream(file);
  let endsWithNewline = true;
  stream.on('data', (chunk) => {
    if (chunk.length > 0) endsWithNewline = chunk[chunk.length - 1] === 0x0a;
  });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let pending: AuditLogLine | undefined;
  let number = 0;
  try {
    for await (const text of lines) {
      if (pending !== undefined) yield pending;
      number += 1;
      pending = { file, line: number, text, complete: true };
    }
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  if (pending !== undefined) {
    pending.complete = endsWithNewline;
    yield pending;
  }
}

/** Returns the last `count` lines of the log (across rotated files), oldest first. */
export async function tailAuditLog(activePath: string, count: number): Promise<AuditLogLine[]> {
  const kept: AuditLogLine[] = [];
  if (count <= 0) return kept;
  for await (const line of readAuditLogLines(activePath)) {
    kept.push(line);
    if (kept.length > count) kept.shift();
  }
  return kept;
}
