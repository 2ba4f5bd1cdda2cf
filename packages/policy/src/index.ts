/**
 * The NemoClaw policy language: schema, YAML loading with line:col errors, presets and `extends`,
 * locked-vs-hot diff, OpenShell import, JSON Schema export.
 *
 * @packageDocumentation
 */

export { type EntityType, entityTypes } from './entity-types.js';
export { hostPatternProblem, isLoopbackHost } from './host-pattern.js';
export {
  defaultEnvAllow,
  type FilesystemPolicy,
  filesystemPolicySchema,
  type InferencePolicy,
  type InferenceProvider,
  type InferenceRule,
  inferencePolicySchema,
  inferenceProviderSchema,
  inferenceRuleSchema,
  type LandlockPolicy,
  landlockPolicySchema,
  type NetworkEndpoint,
  type NetworkPolicies,
  type NetworkPolicy,
  networkEndpointSchema,
  networkPoliciesSchema,
  networkPolicySchema,
  type Policy,
  type PolicyInput,
  type ProcessPolicy,
  policySchema,
  processPolicySchema,
  type SyscallPolicy,
  syscallPolicySchema,
} from './policy-schema.js';
export {
  isKnownSyscall,
  knownSyscallNames,
  type SyscallArchitecture,
  syscallNumber,
} from './syscall-names.js';
