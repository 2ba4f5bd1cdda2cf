import { z } from 'zod';
import { filesystemPolicySchema } from './schema/filesystem-policy-schema.js';
import {
  inferencePolicySchema,
  type inferenceProviderSchema,
  type inferenceRuleSchema,
} from './schema/inference-policy-schema.js';
import { landlockPolicySchema } from './schema/landlock-policy-schema.js';
import {
  type networkEndpointSchema,
  networkPoliciesSchema,
  type networkPolicySchema,
} from './schema/network-policy-schema.js';
import { processPolicySchema } from './schema/process-policy-schema.js';
import { syscallPolicySchema } from './schema/syscall-policy-schema.js';

export { filesystemPolicySchema } from './schema/filesystem-policy-schema.js';
export {
  inferencePolicySchema,
  inferenceProviderSchema,
  inferenceRuleSchema,
} from './schema/inference-policy-schema.js';
export { landlockPolicySchema } from './schema/landlock-policy-schema.js';
export {
  networkEndpointSchema,
  networkPoliciesSchema,
  networkPolicySchema,
} from './schema/network-policy-schema.js';
export { defaultEnvAllow, processPolicySchema } from './schema/process-policy-schema.js';
export { syscallPolicySchema } from './schema/syscall-policy-schema.js';

/** Schema of the whole policy file (after `extends` is resolved and variables are expanded). */
export const policySchema = z
  .strictObject({
    version: z.literal(1, { message: 'version must be 1' }).describe('Policy format version. Must be 1.'),
    extends: z
      .union([z.string().min(1), z.array(z.string().min(1))])
      .optional()
      .describe(
        'Policies this one builds on: names under the policies directory (e.g. "default", "presets/npm") or ' +
          'paths relative to this file. Removed from the resolved policy.',
      ),
    preset: z
      .strictObject({
        name: z.string().min(1).describe('Preset name.'),
        description: z.string().optional().describe('What the preset allows.'),
      })
      .optional()
      .describe('Marks a preset file (OpenShell format): metadata only.'),
    filesystem_policy: filesystemPolicySchema.prefault({}),
    landlock: landlockPolicySchema.prefault({}),
    process: processPolicySchema.prefault({}),
    syscalls: syscallPolicySchema.prefault({}),
    network_policies: networkPoliciesSchema.default({}),
    network_middlewares: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('OpenShell network middlewares: accepted and passed through unchanged (HOT).'),
    inference: inferencePolicySchema.optional(),
  })
  .describe('A NemoClaw policy (an OpenShell-compatible superset).');

/** The resolved, validated policy (defaults applied, variables expanded, `extends` merged). */
export type Policy = z.output<typeof policySchema>;
/** A policy as written in a file (before defaults). */
export type PolicyInput = z.input<typeof policySchema>;
/** The `filesystem_policy` section of a resolved policy. */
export type FilesystemPolicy = Policy['filesystem_policy'];
/** The `landlock` section of a resolved policy. */
export type LandlockPolicy = Policy['landlock'];
/** The `process` section of a resolved policy. */
export type ProcessPolicy = Policy['process'];
/** The `syscalls` section of a resolved policy. */
export type SyscallPolicy = Policy['syscalls'];
/** The `network_policies` section of a resolved policy. */
export type NetworkPolicies = Policy['network_policies'];
/** One entry of `network_policies`. */
export type NetworkPolicy = z.output<typeof networkPolicySchema>;
/** One endpoint of a network policy entry. */
export type NetworkEndpoint = z.output<typeof networkEndpointSchema>;
/** The `inference` section of a resolved policy. */
export type InferencePolicy = z.output<typeof inferencePolicySchema>;
/** One inference provider. */
export type InferenceProvider = z.output<typeof inferenceProviderSchema>;
/** One inference routing rule. */
export type InferenceRule = z.output<typeof inferenceRuleSchema>;
