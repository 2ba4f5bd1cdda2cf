import { type FileHandle, open, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { isMissing, listLogFiles } from './audit-log-files.js';

/** Options of {@link followAuditLog}. */
export interface FollowOptions {
  /** Stop following when aborted. */
  signal?: AbortSignal;
  /** Start at this byte offset of the active file (default: its current end). */
  fromOffset?: number;
  /** Poll interval in milliseconds (default 200). */
  pollMs?: number;
}

/**
 * Calls `onLine` for each complete line appended to the active log file from now on (like
 * `tail -F`), following it across rotation: the renamed file is drained to its end before the
 * new active file is opened. Resolves when `signal` aborts.
 */
export async function followAuditLog(
  activePath: string,
  onLine: (text: string) => void,
  options: FollowOptions = {},
): Promise<void> {
  const pollMs = options.pollMs ?? 200;
  let handle: FileHandle | undefined;
  let position = 0;
  let pending = '';
  let first = true;
  const signal = options.signal;
  try {
    while (signal?.aborted !== true) {
      if (handle === undefined) {
        try {
          handle = await open(activePath, 'r');
          position = first ? (options.fromOffset ?? (await handle.stat()).size) : 0;
          first = false;
          pending = '';
        } catch (error) {
          if (!isMissing(error)) throw error;
          first = false;
          await sleep(pollMs, signal);
          continue;
        }
      }
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead > 0) {
        position += bytesRead;
        pending += buffer.subarray(0, bytesRead).toString('utf8');
        let newline = pending.indexOf('\n');
        while (newline !== -1) {
          onLine(pending.slice(0, newline));
          pending = pending.slice(newline + 1);
          newline = pending.indexOf('\n');
        }
        continue;
      }
      // At the end of what we hold: was it rotated away? Then continue with the file that
      // follows it in chain order (the next rotated file, or the active file), from its start.
      const held = await handle.stat();
      const next = await nextFileAfter(activePath, held.ino);
      if (next !== undefined) {
        // The held file was rotated, so it is complete now (the writer closes a file before
        // renaming it); drain what was appended between our last read and the rotation.
        const rest = await handle.read(buffer, 0, buffer.length, position);
        if (rest.bytesRead > 0) continue;
        const following = await open(next.path, 'r').catch(() => undefined);
        // The name may have moved on (another rotation) between listing and opening: retry.
        if (following !== undefined && (await following.stat()).ino !== next.inode) {
          await following.close();
          continue;
        }
        if (following !== undefined) {
          await handle.close();
          handle = following;
          position = 0;
          pending = '';
          continue;
        }
      }
      await sleep(pollMs, signal);
    }
  } finally {
    await handle?.close();
  }
}

async function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(milliseconds, undefined, { signal });
  } catch {
    // aborted
  }
}

/** The file after the one with inode `inode` in chain order; undefined when it is the active file. */
async function nextFileAfter(
  activePath: string,
  inode: number,
): Promise<{ path: string; inode: number } | undefined> {
  const files = await listLogFiles(activePath);
  const inodes = await Promise.all(
    files.map((file) =>
      stat(file).then(
        (info) => info.ino,
        () => undefined,
      ),
    ),
  );
  let index = inodes.indexOf(inode);
  if (index === files.length - 1) return undefined;
  // A held file that is gone (deleted) continues with the active file.
  if (index === -1) index = files.length - 2;
  const path = files[index + 1];
  const nextInode = inodes[index + 1];
  // Mid-rotation the active file is briefly missing: wait for it rather than skip ahead.
  return path === undefined || nextInode === undefined ? undefined : { path, inode: nextInode };
}
