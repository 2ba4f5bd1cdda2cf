import { hostname } from 'node:os';
import { AuditError } from '../audit-error.js';
import {
  createBaseEvent,
  type EventOptions,
  type OcsfClassIdentity,
  withoutUndefined,
} from './base-event.js';
import { ActionId, DispositionId, SeverityId, StatusId } from './constants.js';
import type { PolicyChangeEvent } from './types.js';

const deviceConfigStateChange: OcsfClassIdentity = {
  classUid: 5019,
  className: 'Device Config State Change',
  categoryUid: 5,
  categoryName: 'Discovery',
};

/**
 * What happened to a policy: `load` (a sandbox started with it), `apply` (hot domains applied to a
 * running sandbox), `reject` (refused: invalid, or a LOCKED domain changed) or `fail` (valid but
 * could not be applied; last-known-good kept).
 */
export type PolicyChangeKind = 'load' | 'apply' | 'reject' | 'fail';

/** Input of {@link buildPolicyChangeEvent}. */
export interface PolicyChangeInput extends EventOptions {
  kind: PolicyChangeKind;
  /** Policy identity: a name (file name or preset), its SHA-256 and optional version. */
  policy: { name: string; sha256: string; version?: string };
  /** Policy domains the change touched, e.g. `['network_policies']`. */
  changedDomains?: readonly string[];
  /** Why a change was rejected or failed, e.g. the LOCKED-field diff summary. */
  reason?: string;
}

const kinds = {
  load: { state: 'Loaded', applied: true },
  apply: { state: 'Applied', applied: true },
  reject: { state: 'Rejected', applied: false },
  fail: { state: 'Failed (last-known-good kept)', applied: false },
} as const;

/**
 * Builds a Device Config State Change event (5019, activity 1 Log) for a policy load or apply.
 * Success: `state_id` 2 (Enabled), `status_id` Success, `policy.is_applied` true. Rejection or
 * failure: `state_id` 99 (Other) with the state named, `status_id` Failure, `action_id` Denied /
 * `disposition_id` Rejected, and the reason in `status_detail`. See the README for why this class.
 */
export function buildPolicyChangeEvent(input: PolicyChangeInput): PolicyChangeEvent {
  const kind = kinds[input.kind];
  if (kind === undefined) {
    throw new AuditError('INVALID_EVENT_INPUT', `unknown policy change kind "${String(input.kind)}"`);
  }
  if (!/^[0-9a-f]{64}$/.test(input.policy.sha256)) {
    throw new AuditError('INVALID_EVENT_INPUT', 'policy.sha256 must be 64 lowercase hex digits');
  }
  const domains = input.changedDomains === undefined ? '' : ` (${input.changedDomains.join(', ')})`;
  const base = createBaseEvent(
    {
      identity: deviceConfigStateChange,
      activityId: 1,
      activityName: 'Log',
      severityId: kind.applied ? SeverityId.Informational : SeverityId.Medium,
      statusId: kind.applied ? StatusId.Success : StatusId.Failure,
      statusDetail: input.reason,
      actionId: kind.applied ? ActionId.Allowed : ActionId.Denied,
      dispositionId: kind.applied ? DispositionId.Allowed : DispositionId.Rejected,
      policy: {
        name: input.policy.name,
        uid: input.policy.sha256,
        version: input.policy.version,
        desc: `${kind.state}${domains}`,
        is_applied: kind.applied,
      },
      profiles: ['security_control'],
    },
    input,
  );
  return withoutUndefined({
    ...base,
    class_uid: 5019,
    device: { hostname: hostname(), name: input.sandbox, type_id: 0 },
    state_id: kind.applied ? 2 : 99,
    state: kind.applied ? 'Enabled' : kind.state,
  });
}
