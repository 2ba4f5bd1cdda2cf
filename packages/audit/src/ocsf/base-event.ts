import { randomUUID } from 'node:crypto';
import { AuditError } from '../audit-error.js';
import { assertNoSecret } from '../redaction-guard.js';
import {
  type ActionId,
  actionCaption,
  type DispositionId,
  dispositionCaption,
  ocsfSchemaVersion,
  productName,
  productVersion,
  type SeverityId,
  type StatusId,
  severityCaption,
  statusCaption,
} from './constants.js';
import type { OcsfBaseEvent, OcsfMetadata, OcsfPolicy } from './types.js';

/** Options every builder accepts. */
export interface EventOptions {
  /** When it happened; defaults to now. */
  time?: Date | number;
  /** The sandbox the event is about; recorded as the `sandbox` tag of `metadata.tags`. */
  sandbox?: string;
  /** Links related events (e.g. a run id), `metadata.correlation_uid`. */
  correlationUid?: string;
  /** Overrides `metadata.product.version` (the NemoClaw version). */
  productVersion?: string;
  /** A short human-readable summary. Refused when it looks like it contains a secret. */
  message?: string;
}

/** Identity of an OCSF class: its uid, name and category. */
export interface OcsfClassIdentity {
  classUid: number;
  className: string;
  categoryUid: number;
  categoryName: string;
}

/** Inputs of {@link createBaseEvent}. */
export interface BaseEventInput {
  identity: OcsfClassIdentity;
  activityId: number;
  activityName: string;
  severityId: SeverityId;
  statusId?: StatusId;
  statusDetail?: string;
  statusCode?: string;
  actionId?: ActionId;
  dispositionId?: DispositionId;
  policy?: OcsfPolicy;
  profiles: string[];
}

/**
 * Builds the base-event part shared by every class: classification (with `type_uid =
 * class_uid * 100 + activity_id`), time, severity, status, the Security Control attributes and
 * `metadata` (product, schema version, a fresh random `uid`). Free-text fields go through the
 * redaction guard.
 */
export function createBaseEvent(input: BaseEventInput, options: EventOptions): OcsfBaseEvent {
  const { identity } = input;
  const metadata: OcsfMetadata = {
    product: {
      name: productName,
      vendor_name: productName,
      version: options.productVersion ?? productVersion,
    },
    version: ocsfSchemaVersion,
    uid: randomUUID(),
    log_name: 'nemoclaw-audit',
  };
  if (input.profiles.length > 0) metadata.profiles = [...input.profiles].sort();
  if (options.correlationUid !== undefined) metadata.correlation_uid = options.correlationUid;
  if (options.sandbox !== undefined) metadata.tags = [{ name: 'sandbox', value: options.sandbox }];
  const event: OcsfBaseEvent = {
    activity_id: input.activityId,
    activity_name: input.activityName,
    category_uid: identity.categoryUid,
    category_name: identity.categoryName,
    class_uid: identity.classUid,
    class_name: identity.className,
    type_uid: identity.classUid * 100 + input.activityId,
    type_name: `${identity.className}: ${input.activityName}`,
    time: toEpochMilliseconds(options.time),
    severity_id: input.severityId,
    severity: severityCaption[input.severityId],
    metadata,
  };
  if (input.statusId !== undefined) {
    event.status_id = input.statusId;
    event.status = statusCaption[input.statusId];
  }
  if (input.statusCode !== undefined) event.status_code = input.statusCode;
  if (input.statusDetail !== undefined) {
    event.status_detail = assertNoSecret('status_detail', input.statusDetail);
  }
  if (options.message !== undefined) event.message = assertNoSecret('message', options.message);
  if (input.actionId !== undefined) {
    event.action_id = input.actionId;
    event.action = actionCaption[input.actionId];
  }
  if (input.dispositionId !== undefined) {
    event.disposition_id = input.dispositionId;
    event.disposition = dispositionCaption[input.dispositionId];
  }
  if (input.policy !== undefined) event.policy = input.policy;
  return event;
}

function toEpochMilliseconds(time: Date | number | undefined): number {
  if (time === undefined) return Date.now();
  const value = typeof time === 'number' ? time : time.getTime();
  if (!Number.isInteger(value) || value < 0) {
    throw new AuditError('INVALID_EVENT_INPUT', `event time must be a valid date (got ${String(time)})`);
  }
  return value;
}

/** Throws `INVALID_EVENT_INPUT` unless `value` is a non-negative safe integer. */
export function requireCount(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AuditError('INVALID_EVENT_INPUT', `${field} must be a non-negative integer (got ${value})`);
  }
  return value;
}

/** Throws `INVALID_EVENT_INPUT` unless `value` is a TCP/UDP port. */
export function requirePort(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new AuditError('INVALID_EVENT_INPUT', `${field} must be a port number 0-65535 (got ${value})`);
  }
  return value;
}

/** Removes `undefined` members recursively so events serialise identically everywhere. */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutUndefined(item)) as T;
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) result[key] = withoutUndefined(member);
    }
    return result as T;
  }
  return value;
}
