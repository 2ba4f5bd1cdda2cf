import { createHash } from 'node:crypto';
import type { EgressDecision } from '../proxy/egress-proxy-types.js';

/** Reasons a policy change can fix (address refusals, malformed requests and upstream failures cannot). */
const approvableReasons = ['host-not-allowed', 'port-not-allowed', 'binary-not-allowed'] as const;

/** A denied destination waiting for a person's decision. */
export interface PendingApproval {
  /** Stable id: the first 12 hex digits of SHA-256 of `host:port:binary`. */
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** The executable that asked, or null when unknown. */
  readonly binary: string | null;
  /** The proxy's deny reason of the latest attempt, e.g. `host-not-allowed: evil.com:443`. */
  readonly reason: string;
  /** ISO time of the first and latest attempt. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** How many denied attempts were folded into this entry. */
  readonly attempts: number;
}

/** Default bound of the pending list. */
export const defaultMaximumPendingApprovals = 100;

/** The id of the approval for `host:port:binary`. */
export function approvalId(host: string, port: number, binary: string | null): string {
  return createHash('sha256')
    .update(`${host}:${port}:${binary ?? '-'}`)
    .digest('hex')
    .slice(0, 12);
}

/**
 * The pending approvals of one sandbox: denied requests that a policy change could allow,
 * de-duplicated by `host:port:binary` and bounded (the least recently seen entry is dropped when
 * full, so a flood of distinct denials cannot grow memory).
 */
export class ApprovalQueue {
  private readonly entries = new Map<string, PendingApproval>();

  /** @param maximum - most pending entries kept (default {@link defaultMaximumPendingApprovals}). */
  constructor(private readonly maximum: number = defaultMaximumPendingApprovals) {}

  /**
   * Records a proxy decision when it is a denial a policy change could fix. Returns the entry, or
   * null when the decision was not recorded (allowed, audit mode, or a non-approvable reason).
   */
  record(decision: EgressDecision): PendingApproval | null {
    if (decision.allowed || decision.reason === null) return null;
    const reason = decision.reason;
    if (!approvableReasons.some((prefix) => reason.startsWith(prefix))) return null;
    const id = approvalId(decision.host, decision.port, decision.binary);
    const now = new Date(decision.timestamp).toISOString();
    const existing = this.entries.get(id);
    const entry: PendingApproval = {
      id,
      host: decision.host,
      port: decision.port,
      binary: decision.binary,
      reason,
      firstSeen: existing?.firstSeen ?? now,
      lastSeen: now,
      attempts: (existing?.attempts ?? 0) + 1,
    };
    // Re-insert so that Map order is least recently seen first.
    this.entries.delete(id);
    this.entries.set(id, entry);
    while (this.entries.size > this.maximum) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    return entry;
  }

  /** The pending entries, least recently seen first. */
  list(): PendingApproval[] {
    return [...this.entries.values()];
  }

  /** The entry with `id`, if pending. */
  get(id: string): PendingApproval | undefined {
    return this.entries.get(id);
  }

  /** Removes and returns the entry with `id`. */
  take(id: string): PendingApproval | undefined {
    const entry = this.entries.get(id);
    this.entries.delete(id);
    return entry;
  }
}
