/**
 * The NemoClaw sandbox core (lifecycle, supervisor, egress proxy, hot reload, approvals) and the OpenClaw plugin.
 *
 * @packageDocumentation
 */

export {
  ApprovalQueue,
  approvalId,
  defaultMaximumPendingApprovals,
  type PendingApproval,
} from './approvals/approval-queue.js';
export { approvalRule, approvalRuleKey, persistApprovalRule } from './approvals/approval-rules.js';
export { sendControlRequest } from './lifecycle/control-client.js';
export { type CreatedSandbox, type CreateSandboxOptions, createSandbox } from './lifecycle/create-sandbox.js';
export { type EphemeralNetwork, startEphemeralNetwork } from './lifecycle/ephemeral-network.js';
export { type ExecInSandboxOptions, execInSandbox, launcherSupportsJoin } from './lifecycle/join-sandbox.js';
export {
  childProcesses,
  identifyProcess,
  isSameProcess,
  type ProcessIdentity,
  processCommandLine,
  processStartTime,
  sandboxInitPid,
} from './lifecycle/process-identity.js';
export {
  defaultBridgeListen,
  policyHasNetwork,
  proxyEnvironment,
  sandboxLaunchPolicy,
  withProxyEnvironment,
} from './lifecycle/proxy-environment.js';
export {
  assertSandboxName,
  type SandboxNameResult,
  sandboxNamePattern,
  validateSandboxName,
} from './lifecycle/sandbox-name.js';
export {
  approvalPresetPath,
  maximumSocketPathBytes,
  nemoclawHome,
  type SandboxPaths,
  sandboxesDirectory,
  sandboxPaths,
} from './lifecycle/sandbox-paths.js';
export {
  inspectSandbox,
  listSandboxes,
  type SandboxStatus,
  type SandboxSummary,
  supervisorMarker,
} from './lifecycle/sandbox-registry.js';
export { readSandboxState, type SandboxState, sandboxStateSchema } from './lifecycle/sandbox-state.js';
export {
  destroySandbox,
  type StopResult,
  type StopSandboxOptions,
  stopSandbox,
} from './lifecycle/stop-sandbox.js';
export {
  createNemoclawPlugin,
  type NemoclawPlugin,
  type NemoclawPluginHost,
  nemoclawPluginId,
  type RegisterSandboxBackend,
} from './plugin/nemoclaw-plugin.js';
export {
  type PluginConfig,
  type PluginConfigResult,
  parsePluginConfig,
  pluginConfigJsonSchema,
  sandboxedToolNames,
} from './plugin/plugin-config.js';
export {
  type DenialRecord,
  PluginRuntime,
  type PluginRuntimeOptions,
  type Readiness,
} from './plugin/plugin-runtime.js';
export { createNemoclawSandbox, nemoclawBackendId } from './plugin/sandbox-backend.js';
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
export {
  type ControlCommand,
  type ControlRequest,
  type ControlResponse,
  controlRequestSchema,
} from './supervisor/control-protocol.js';
export {
  type PolicyApplyReport,
  PolicyController,
  type ReportedChange,
} from './supervisor/policy-controller.js';
export {
  runSupervisor,
  type SupervisorReadyMessage,
  type SupervisorRequest,
} from './supervisor/supervisor.js';
export { parseSupervisorRequest } from './supervisor/supervisor-request.js';

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/sandbox';
