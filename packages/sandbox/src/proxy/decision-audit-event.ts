import {
  buildHttpActivityEvent,
  buildNetworkActivityEvent,
  type HttpActivityEvent,
  type NetworkActivityEvent,
  redactSecrets,
} from '@nemoclaw/audit';
import type { EgressDecision } from './egress-proxy-types.js';

/** Options of {@link egressDecisionToAuditEvent}. */
export interface DecisionAuditOptions {
  /** The sandbox name, recorded as the `sandbox` tag. */
  readonly sandbox?: string;
}

function policyOf(decision: EgressDecision) {
  return decision.ruleId === null
    ? undefined
    : { name: `network_policies: ${decision.ruleId}`, uid: decision.ruleId };
}

function binaryOf(decision: EgressDecision) {
  if (decision.binary === null) {
    return undefined;
  }
  return { executable: decision.binary, ...(decision.peer === null ? {} : { pid: decision.peer.pid }) };
}

/**
 * Turns one proxy decision into its OCSF event (the audit seam of {@link createEgressProxy}):
 * a CONNECT tunnel becomes Network Activity 4001 (Open, Refuse, or Fail when the upstream could
 * not be reached), an absolute-form request becomes HTTP Activity 4002 (Allowed, Denied, or
 * Logged for `enforcement: audit`). Secret-looking parts of reasons and paths are masked.
 *
 * @example
 * ```ts
 * createEgressProxy({ policies, listen, onDecision: (d) => log.append(egressDecisionToAuditEvent(d, { sandbox: 'dev' })) });
 * ```
 */
export function egressDecisionToAuditEvent(
  decision: EgressDecision,
  options: DecisionAuditOptions = {},
): NetworkActivityEvent | HttpActivityEvent {
  const reason = decision.reason === null ? undefined : redactSecrets(decision.reason);
  const common = {
    time: decision.timestamp,
    ...(options.sandbox === undefined ? {} : { sandbox: options.sandbox }),
    policy: policyOf(decision),
    reason,
    binary: binaryOf(decision),
  };
  if (decision.kind === 'connect') {
    const outcome = decision.allowed
      ? 'open'
      : decision.status === 403 || decision.status === 503
        ? 'refuse'
        : 'fail';
    return buildNetworkActivityEvent({
      ...common,
      outcome,
      destination: {
        hostname: decision.host,
        port: decision.port,
        ...(decision.address === null ? {} : { ip: decision.address }),
      },
    });
  }
  return buildHttpActivityEvent({
    ...common,
    method: decision.method ?? 'GET',
    scheme: 'http',
    host: decision.host,
    port: decision.port,
    ...(decision.path === undefined ? {} : { path: decision.path }),
    decision: !decision.allowed ? 'deny' : decision.enforcement === 'audit' ? 'audit' : 'allow',
    responseCode: decision.status,
    ...(decision.address === null ? {} : { resolvedAddress: decision.address }),
  });
}
