/**
 * The NemoClaw sandbox core (lifecycle, supervisor, egress proxy, hot reload, approvals) and the OpenClaw plugin.
 *
 * @packageDocumentation
 */

export {
  type AddressClassification,
  type BlockedAddressCategory,
  classifyAddress,
} from './proxy/address-classification.js';
export { type DecisionAuditOptions, egressDecisionToAuditEvent } from './proxy/decision-audit-event.js';
export { denyReasonHeader } from './proxy/deny-response.js';
export { createEgressProxy } from './proxy/egress-proxy.js';
export type {
  EgressDecision,
  EgressProxy,
  EgressProxyLimits,
  EgressProxyListen,
  EgressProxyOptions,
  PeerPreambleMode,
  PolicyUpdateResult,
} from './proxy/egress-proxy-types.js';
export { compileHostPattern, type HostPattern } from './proxy/host-pattern.js';
export { type PeerIdentity, parsePeerPreamble } from './proxy/peer-preamble.js';
export { type EgressResolver, systemResolver } from './proxy/upstream-address.js';
export { ProxyPolicyError, SandboxError } from './sandbox-error.js';

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/sandbox';
