import { writeSync } from 'node:fs';
import { type FileHandle, mkdir, open, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AuditError } from '../audit-error.js';
import { canonicalJson, type JsonValue } from '../canonical-json.js';
import { isMissing, listRotatedFiles, rotatedPath } from './audit-log-files.js';
import { type AuditRecord, computeRecordHash, genesisHash } from './audit-record.js';
import { readLastLine } from './read-last-line.js';

/**
 * When appended lines are forced to disk:
 * - `always`: `fdatasync` after every line, before `append` resolves (nothing acknowledged is lost
 *   on power failure; the default).
 * - `interval`: at most every `fsyncIntervalMs` (default 1000 ms) and on close/rotation; a crash of
 *   the machine can lose the last interval, a crash of the process loses nothing written.
 * - `never`: leave it to the kernel.
 */
export type FsyncPolicy = 'always' | 'interval' | 'never';

/** Options of {@link AuditLog.open}. */
export interface AuditLogOptions {
  /** Rotate the active file before a line would make it larger than this (default 16 MiB). */
  maxFileBytes?: number;
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
  /** Key the chain with HMAC-SHA-256 so it cannot be recomputed without the key. */
  hmacKey?: Uint8Array;
}

const defaultMaxFileBytes = 16 * 1024 * 1024;

/**
 * An append-only, hash-chained JSONL audit log (see README "Log format"). One process writes a
 * log; appends from that process are serialised, so concurrent `append` calls keep the chain
 * intact and get consecutive `seq` numbers in call order. Each line is written with a single
 * `write(2)` on an `O_APPEND` descriptor.
 */
export class AuditLog {
  readonly path: string;
  readonly #maxFileBytes: number;
  readonly #fsync: FsyncPolicy;
  readonly #fsyncIntervalMs: number;
  readonly #hmacKey: Uint8Array | undefined;
  #handle: FileHandle | undefined;
  #size: number;
  #nextSeq: number;
  #lastHash: string;
  #queue: Promise<unknown> = Promise.resolve();
  #dirty = false;
  #syncTimer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(
    path: string,
    handle: FileHandle,
    size: number,
    state: { nextSeq: number; lastHash: string },
    options: AuditLogOptions,
  ) {
    this.path = path;
    this.#handle = handle;
    this.#size = size;
    this.#nextSeq = state.nextSeq;
    this.#lastHash = state.lastHash;
    this.#maxFileBytes = options.maxFileBytes ?? defaultMaxFileBytes;
    this.#fsync = options.fsync ?? 'always';
    this.#fsyncIntervalMs = options.fsyncIntervalMs ?? 1000;
    this.#hmacKey = options.hmacKey;
  }

  /**
   * Opens (creating with mode 0600 in a 0700 directory) the log at `path` and resumes its chain
   * from the last record (of the active file, or of the newest rotated file when the active one
   * is empty). An incomplete final line, left by a crash in the middle of a write, was never
   * acknowledged and is cut off. Throws `LOG_CORRUPT` when the last complete line is not a record.
   */
  static async open(path: string, options: AuditLogOptions = {}): Promise<AuditLog> {
    if (options.maxFileBytes !== undefined && !(options.maxFileBytes >= 1024)) {
      throw new AuditError('INVALID_EVENT_INPUT', 'maxFileBytes must be at least 1024');
    }
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const handle = await open(path, 'a+', 0o600);
      try {
        let size = (await handle.stat()).size;
        const last = await readLastLine(handle, size);
        if (last.incompleteFrom !== undefined) {
          await handle.truncate(last.incompleteFrom);
          size = last.incompleteFrom;
        }
        let state = parseState(path, last.line);
        if (state === undefined) {
          const rotated = (await listRotatedFiles(path)).pop();
          if (rotated !== undefined) {
            const rotatedHandle = await open(rotated.path, 'r');
            try {
              const rotatedLast = await readLastLine(rotatedHandle, (await rotatedHandle.stat()).size);
              state = parseState(rotated.path, rotatedLast.line);
            } finally {
              await rotatedHandle.close();
            }
          }
        }
        return new AuditLog(path, handle, size, state ?? { nextSeq: 0, lastHash: genesisHash }, options);
      } catch (error) {
        await handle.close();
        throw error;
      }
    } catch (error) {
      if (error instanceof AuditError) throw error;
      throw new AuditError('LOG_IO', `cannot open audit log ${path}: ${describe(error)}`, { cause: error });
    }
  }

  /** The `seq` the next appended record gets. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /**
   * Appends `event` as the next record and resolves to it once written (and, with fsync `always`,
   * on disk). The event must be JSON (canonicalisable); it is stored exactly as canonical JSON.
   */
  append(event: object): Promise<AuditRecord> {
    const result = this.#queue.then(() => this.#write(event));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** Flushes to disk. */
  async sync(): Promise<void> {
    await this.#queue;
    await this.#syncNow();
  }

  /** Waits for pending appends, syncs and closes. Further appends reject with `LOG_CLOSED`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    if (this.#syncTimer !== undefined) clearTimeout(this.#syncTimer);
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle !== undefined) {
      if (this.#fsync !== 'never') await handle.datasync();
      await handle.close();
    }
  }

  async #write(event: object): Promise<AuditRecord> {
    const handle = this.#handle;
    if (this.#closed || handle === undefined) {
      throw new AuditError('LOG_CLOSED', `audit log ${this.path} is closed`);
    }
    const canonicalEvent = canonicalJson(event);
    const seq = this.#nextSeq;
    const hash = computeRecordHash(seq, this.#lastHash, canonicalEvent, this.#hmacKey);
    // The canonical form of the record (keys sorted: event, hash, mac, prev_hash, seq), built
    // around the already-canonical event text.
    const mac = this.#hmacKey === undefined ? '' : '"mac":"hmac-sha256",';
    const line = Buffer.from(
      `{"event":${canonicalEvent},"hash":"${hash}",${mac}"prev_hash":"${this.#lastHash}","seq":${seq}}\n`,
      'utf8',
    );
    try {
      if (this.#size > 0 && this.#size + line.length > this.#maxFileBytes) await this.#rotate();
      const active = this.#handle ?? handle;
      // One write(2) per line on an O_APPEND descriptor (synchronous, like pino's sync mode: a
      // local append takes microseconds, and no other append can interleave with it).
      let offset = 0;
      while (offset < line.length) offset += writeSync(active.fd, line, offset, line.length - offset);
      this.#size += line.length;
    } catch (error) {
      throw new AuditError('LOG_IO', `cannot append to audit log ${this.path}: ${describe(error)}`, {
        cause: error,
      });
    }
    const record: AuditRecord = {
      seq,
      prev_hash: this.#lastHash,
      hash,
      event: JSON.parse(canonicalEvent) as { [key: string]: JsonValue },
    };
    if (this.#hmacKey !== undefined) record.mac = 'hmac-sha256';
    this.#nextSeq = seq + 1;
    this.#lastHash = hash;
    this.#dirty = true;
    if (this.#fsync === 'always') await this.#syncNow();
    else if (this.#fsync === 'interval' && this.#syncTimer === undefined) {
      this.#syncTimer = setTimeout(() => {
        this.#syncTimer = undefined;
        void this.#syncNow().catch(() => undefined);
      }, this.#fsyncIntervalMs);
      this.#syncTimer.unref();
    }
    return record;
  }

  async #syncNow(): Promise<void> {
    if (!this.#dirty || this.#handle === undefined) return;
    this.#dirty = false;
    await this.#handle.datasync();
  }

  async #rotate(): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined) return;
    if (this.#fsync !== 'never') await handle.datasync();
    await handle.close();
    this.#handle = undefined;
    const newest = (await listRotatedFiles(this.path)).pop();
    const target = rotatedPath(this.path, (newest?.index ?? 0) + 1);
    try {
      await stat(target);
      throw new AuditError('LOG_IO', `refusing to rotate over existing ${target}`);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    await rename(this.path, target);
    this.#handle = await open(this.path, 'a', 0o600);
    this.#size = 0;
    this.#dirty = false;
  }
}

function parseState(
  file: string,
  line: string | undefined,
): { nextSeq: number; lastHash: string } | undefined {
  if (line === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    parsed = undefined;
  }
  if (
    parsed === null ||
    typeof parsed !== 'object' ||
    typeof (parsed as AuditRecord).seq !== 'number' ||
    typeof (parsed as AuditRecord).hash !== 'string'
  ) {
    throw new AuditError(
      'LOG_CORRUPT',
      `the last line of ${file} is not an audit record; run \`nemoclaw audit verify --file ${file}\``,
    );
  }
  const record = parsed as AuditRecord;
  return { nextSeq: record.seq + 1, lastHash: record.hash };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
