import { AuditError } from '../audit-error.js';
import {
  createBaseEvent,
  type EventOptions,
  type OcsfClassIdentity,
  withoutUndefined,
} from './base-event.js';
import { ActionId, DispositionId, SeverityId, StatusId } from './constants.js';
import { type EndpointInput, type ProcessInput, toOcsfEndpoint, toOcsfProcess } from './inputs.js';
import type { NetworkActivityEvent, OcsfPolicy } from './types.js';

const networkActivity: OcsfClassIdentity = {
  classUid: 4001,
  className: 'Network Activity',
  categoryUid: 4,
  categoryName: 'Network Activity',
};

/** What happened to a connection: opened (allowed), refused by policy, or failed to connect. */
export type NetworkOutcome = 'open' | 'refuse' | 'fail' | 'close';

const outcomes = {
  open: { activityId: 1, name: 'Open', severity: SeverityId.Informational, status: StatusId.Success },
  close: { activityId: 2, name: 'Close', severity: SeverityId.Informational, status: StatusId.Success },
  fail: { activityId: 4, name: 'Fail', severity: SeverityId.Low, status: StatusId.Failure },
  refuse: { activityId: 5, name: 'Refuse', severity: SeverityId.Medium, status: StatusId.Failure },
} as const;

/** Input of {@link buildNetworkActivityEvent}. */
export interface NetworkActivityInput extends EventOptions {
  outcome: NetworkOutcome;
  /** Where the connection came from (e.g. the in-sandbox bridge). */
  source?: EndpointInput;
  /** Where it was going. */
  destination: EndpointInput;
  /** Transport, `tcp` unless stated. */
  protocol?: 'tcp' | 'udp';
  /** The executable inside the sandbox that opened the connection, when attributed. */
  binary?: ProcessInput;
  /** The policy entry that decided (e.g. `network_policies.github`). */
  policy?: OcsfPolicy;
  /** Why it was refused or failed, e.g. `host not in network_policies`. */
  reason?: string;
}

/**
 * Builds a Network Activity event (4001): `open` (1) for an allowed connection, `refuse` (5) for
 * one the policy refused, `fail` (4) when dialing failed, `close` (2). Refusals carry
 * `action_id` Denied and `disposition_id` Blocked; opens carry Allowed.
 */
export function buildNetworkActivityEvent(input: NetworkActivityInput): NetworkActivityEvent {
  const outcome = outcomes[input.outcome];
  if (outcome === undefined) {
    throw new AuditError('INVALID_EVENT_INPUT', `unknown network outcome "${String(input.outcome)}"`);
  }
  const decision =
    input.outcome === 'refuse'
      ? { actionId: ActionId.Denied, dispositionId: DispositionId.Blocked }
      : input.outcome === 'open'
        ? { actionId: ActionId.Allowed, dispositionId: DispositionId.Allowed }
        : input.outcome === 'fail'
          ? { actionId: ActionId.Allowed, dispositionId: DispositionId.Error }
          : {};
  const profiles = ['security_control'];
  if (input.binary !== undefined) profiles.push('host');
  const base = createBaseEvent(
    {
      identity: networkActivity,
      activityId: outcome.activityId,
      activityName: outcome.name,
      severityId: outcome.severity,
      statusId: outcome.status,
      statusDetail: input.reason,
      ...decision,
      policy: input.policy,
      profiles,
    },
    input,
  );
  const protocol = input.protocol ?? 'tcp';
  return withoutUndefined({
    ...base,
    class_uid: 4001,
    actor: input.binary === undefined ? undefined : { process: toOcsfProcess(input.binary, input.sandbox) },
    src_endpoint: input.source === undefined ? undefined : toOcsfEndpoint('source', input.source),
    dst_endpoint: toOcsfEndpoint('destination', input.destination),
    connection_info: {
      direction_id: 2,
      direction: 'Outbound',
      protocol_name: protocol,
      protocol_num: protocol === 'tcp' ? 6 : 17,
    },
  });
}
