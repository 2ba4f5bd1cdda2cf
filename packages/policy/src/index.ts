/**
 * The NemoClaw policy language: schema, YAML loading with line:col errors, presets and `extends`,
 * locked-vs-hot diff, OpenShell import, JSON Schema export.
 *
 * @packageDocumentation
 */

export { type EntityType, entityTypes } from './entity-types.js';
export { hostPatternProblem, isLoopbackHost } from './host-pattern.js';
export { policyJsonSchema, policyJsonSchemaId } from './json-schema.js';
export {
  loadPolicyFile,
  maximumExtendsDepth,
  type PolicyFileRead,
  type PolicyLoadOptions,
  parsePolicy,
} from './load-policy.js';
export { mergeRules, notInheritedKeys } from './merge-policies.js';
export {
  type ImportedPolicy,
  type ImportNote,
  type ImportOptions,
  importOpenShellPolicy,
} from './openshell-import.js';
export {
  type ChangeClass,
  diffPolicies,
  domainClasses,
  type PolicyChange,
  type PolicyDiff,
} from './policy-diff.js';
export {
  formatDiagnostic,
  formatKeyPath,
  type PolicyDiagnostic,
  PolicyError,
  type PolicyErrorCode,
  PolicyLoadError,
  type PolicyResult,
  type SourcePosition,
} from './policy-error.js';
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
export { shippedPoliciesDir } from './shipped-policies.js';
export { stringifyPolicy } from './stringify-policy.js';
export {
  isKnownSyscall,
  knownSyscallNames,
  type SyscallArchitecture,
  syscallNumber,
} from './syscall-names.js';
export {
  expandVariables,
  type PolicyVariableName,
  type PolicyVariables,
  policyVariableNames,
} from './variables.js';
export {
  clearPolicyParseCache,
  maximumPolicyBytes,
  maximumPolicyDepth,
  maximumPolicyNodes,
  parseCacheLimits,
} from './yaml-tree.js';
