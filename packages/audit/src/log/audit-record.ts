import { createHash, createHmac } from 'node:crypto';
import { canonicalJson, type JsonValue } from '../canonical-json.js';

/** `prev_hash` of the first record of a log (64 zeros). */
export const genesisHash = '0'.repeat(64);

/** Domain-separation prefix of the hash input, versioned with the record format. */
export const hashDomain = 'nemoclaw-audit-v1';

/**
 * One line of the audit log. The line is the canonical JSON of this object followed by `\n`.
 *
 * `hash = SHA-256( "nemoclaw-audit-v1\n" + seq + "\n" + prev_hash + "\n" + canonicalJson(event) )`
 * as lowercase hex; with an HMAC key the same input goes through HMAC-SHA-256 and the record
 * carries `"mac": "hmac-sha256"`.
 */
export interface AuditRecord {
  /** 0 for the first record of the log, then +1 per record, across rotated files. */
  seq: number;
  /** `hash` of the previous record, {@link genesisHash} for seq 0. */
  prev_hash: string;
  hash: string;
  /** Present (`hmac-sha256`) when the chain is keyed. */
  mac?: 'hmac-sha256';
  /** The OCSF event. */
  event: { [key: string]: JsonValue };
}

/** Computes the chain hash of a record (see {@link AuditRecord}). */
export function computeRecordHash(
  seq: number,
  previousHash: string,
  canonicalEvent: string,
  hmacKey?: Uint8Array,
): string {
  const input = `${hashDomain}\n${seq}\n${previousHash}\n${canonicalEvent}`;
  const digest = hmacKey === undefined ? createHash('sha256') : createHmac('sha256', hmacKey);
  return digest.update(input, 'utf8').digest('hex');
}

/** Serialises a record as its log line (canonical JSON + newline). */
export function recordLine(record: AuditRecord): string {
  return `${canonicalJson(record)}\n`;
}
