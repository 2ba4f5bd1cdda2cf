import { z } from 'zod';

/** Schema of `landlock` (LOCKED). */
export const landlockPolicySchema = z
  .strictObject({
    compatibility: z
      .enum(['hard_requirement', 'best_effort'])
      .default('hard_requirement')
      .describe(
        'hard_requirement (default): refuse to start when the kernel cannot enforce the policy. ' +
          'best_effort (OpenShell default): run with what the kernel supports and report what is missing.',
      ),
  })
  .describe('Landlock settings. LOCKED.');
