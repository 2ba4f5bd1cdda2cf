// `@nemoclaw/policy/shipped`: where the shipped policies are, without the schemas or the YAML
// parser (`nemoclaw run` finds default.yaml with this on a plan-cache hit).
export { shippedPoliciesDir } from './shipped-policies.js';
