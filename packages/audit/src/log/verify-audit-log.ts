import { timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import { listLogFiles } from './audit-log-files.js';
import { type AuditRecord, computeRecordHash, genesisHash } from './audit-record.js';
import { readAuditLogLines } from './read-audit-log.js';

/** Why verification failed. */
export type AuditVerifyFailureCode =
  | 'NOT_JSON'
  | 'NOT_A_RECORD'
  | 'NOT_CANONICAL'
  | 'SEQ_MISMATCH'
  | 'PREV_HASH_MISMATCH'
  | 'HASH_MISMATCH'
  | 'INCOMPLETE_LINE'
  | 'KEY_REQUIRED'
  | 'KEY_MISMATCH';

/** Result of {@link verifyAuditLog}. */
export type AuditVerifyResult =
  | {
      ok: true;
      /** Number of records checked. */
      records: number;
      /** Files checked, in chain order. */
      files: string[];
      /** Hash of the last record (an anchor to compare against later), genesis when empty. */
      lastHash: string;
    }
  | {
      ok: false;
      /** Records verified before the first bad line. */
      records: number;
      files: string[];
      /** The first bad line: file and 1-based line number. */
      file: string;
      line: number;
      code: AuditVerifyFailureCode;
      /** One sentence saying what is wrong with that line. */
      reason: string;
    };

/** Options of {@link verifyAuditLog}. */
export interface AuditVerifyOptions {
  /** The HMAC key the log was written with; required for keyed logs, refused for unkeyed ones. */
  hmacKey?: Uint8Array;
}

/**
 * Verifies the hash chain of the log at `activePath` across its rotated files. Detects an edited
 * record (hash mismatch), a deleted, inserted or reordered record (seq or prev_hash mismatch), a
 * line cut in the middle (not JSON), and a missing rotated file (chain break at the next file).
 * Stops at the first bad line and names it. It cannot see records removed from the END of the
 * log: compare `lastHash`/`records` with an anchor kept elsewhere (a SIEM that received the events).
 */
export async function verifyAuditLog(
  activePath: string,
  options: AuditVerifyOptions = {},
): Promise<AuditVerifyResult> {
  const files = await listLogFiles(activePath);
  let expectedSeq = 0;
  let previousHash = genesisHash;
  const fail = (
    file: string,
    line: number,
    code: AuditVerifyFailureCode,
    reason: string,
  ): AuditVerifyResult => ({
    ok: false,
    records: expectedSeq,
    files,
    file,
    line,
    code,
    reason,
  });
  for await (const { file, line, text, complete } of readAuditLogLines(activePath)) {
    if (!complete) {
      return fail(
        file,
        line,
        'INCOMPLETE_LINE',
        'the last line has no newline: an append was interrupted or the file was cut',
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return fail(file, line, 'NOT_JSON', 'the line is not valid JSON (edited or truncated)');
    }
    if (!isRecord(parsed)) {
      return fail(
        file,
        line,
        'NOT_A_RECORD',
        'the line is not an audit record {seq, prev_hash, hash, event}',
      );
    }
    let canonicalRecord: string;
    let canonicalEvent: string;
    try {
      canonicalRecord = canonicalJson(parsed);
      canonicalEvent = canonicalJson(parsed.event);
    } catch {
      return fail(file, line, 'NOT_A_RECORD', 'the record cannot be canonicalised');
    }
    if (canonicalRecord !== text) {
      return fail(file, line, 'NOT_CANONICAL', 'the line is not in canonical form (re-serialised or edited)');
    }
    if (parsed.seq !== expectedSeq) {
      return fail(
        file,
        line,
        'SEQ_MISMATCH',
        `expected seq ${expectedSeq} but found ${parsed.seq}: a record was deleted, inserted or moved`,
      );
    }
    if (parsed.prev_hash !== previousHash) {
      return fail(
        file,
        line,
        'PREV_HASH_MISMATCH',
        `prev_hash does not match the hash of record ${expectedSeq - 1}: the chain is broken here`,
      );
    }
    const keyed = parsed.mac === 'hmac-sha256';
    if (keyed && options.hmacKey === undefined) {
      return fail(file, line, 'KEY_REQUIRED', 'the record is HMAC-keyed; verify with the key (--key-file)');
    }
    if (!keyed && options.hmacKey !== undefined) {
      return fail(
        file,
        line,
        'KEY_MISMATCH',
        'a key was given but the record is not HMAC-keyed (keyed chain replaced?)',
      );
    }
    const expected = computeRecordHash(
      parsed.seq,
      parsed.prev_hash,
      canonicalEvent,
      keyed ? options.hmacKey : undefined,
    );
    if (!sameHex(expected, parsed.hash)) {
      return fail(
        file,
        line,
        'HASH_MISMATCH',
        `record ${parsed.seq} does not match its hash: its content was changed`,
      );
    }
    previousHash = parsed.hash;
    expectedSeq += 1;
  }
  return { ok: true, records: expectedSeq, files, lastHash: previousHash };
}

function isRecord(value: unknown): value is AuditRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const allowed = new Set(['seq', 'prev_hash', 'hash', 'mac', 'event']);
  if (Object.keys(record).some((key) => !allowed.has(key))) return false;
  return (
    Number.isSafeInteger(record.seq) &&
    typeof record.prev_hash === 'string' &&
    /^[0-9a-f]{64}$/.test(record.prev_hash) &&
    typeof record.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(record.hash) &&
    (record.mac === undefined || record.mac === 'hmac-sha256') &&
    record.event !== null &&
    typeof record.event === 'object' &&
    !Array.isArray(record.event)
  );
}

function sameHex(left: string, right: string): boolean {
  const a = Buffer.from(left, 'hex');
  const b = Buffer.from(right, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Formats a failed result as `file:line: reason` (what `nemoclaw audit verify` prints). */
export function describeVerifyFailure(result: AuditVerifyResult): string {
  if (result.ok) return `intact: ${result.records} records in ${result.files.length} file(s)`;
  return `${result.file}:${result.line}: ${result.reason} [${result.code}]`;
}
