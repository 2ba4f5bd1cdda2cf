import { z } from 'zod';
import { closestMatch } from '../did-you-mean.js';
import { maximumPathsPerList, pathProblem } from '../path-rules.js';
import { isKnownSyscall, knownSyscallNames } from '../syscall-names.js';

/** A policy path as written (absolute, `~` or a `${VARIABLE}` start). */
export const policyPath = z
  .string()
  .superRefine((value, context) => {
    const problem = pathProblem(value);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  })
  .describe(
    'An absolute path. May start with "~" (the home directory) or a $' +
      '{VARIABLE} from the closed list ' +
      '(HOME, USER, WORKDIR, POLICY_DIR, XDG_CONFIG_HOME, XDG_CACHE_HOME, XDG_DATA_HOME); "..", NUL and ' +
      'relative paths are refused.',
  );

/** A list of policy paths, at most 256, default empty. */
export const pathList = (description: string) =>
  z
    .array(policyPath)
    .max(maximumPathsPerList, { message: `at most ${maximumPathsPerList} paths are allowed` })
    .default([])
    .describe(description);

/** An environment variable name. */
export const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    message: 'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)',
  })
  .describe('An environment variable name.');

/** A syscall name known on x86_64 or aarch64. */
export const syscallName = z
  .string()
  .superRefine((value, context) => {
    if (!isKnownSyscall(value)) {
      const suggestion = closestMatch(value, knownSyscallNames);
      context.addIssue({
        code: 'custom',
        message: `unknown syscall "${value}" (not in the x86_64 or aarch64 tables)${
          suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`
        }`,
      });
    }
  })
  .describe('A Linux system call name, checked against the x86_64 and aarch64 syscall tables.');

/** `sandbox` or a uid/gid 1..4294967294 (root refused). */
export const userOrGroupId = z
  .union([z.string(), z.number()])
  .superRefine((value, context) => {
    if (value === 'sandbox') return;
    if (value === 0 || value === 'root')
      context.addIssue({ code: 'custom', message: 'root is refused; use "sandbox" or an id 1..4294967294' });
    else if (typeof value === 'string')
      context.addIssue({
        code: 'custom',
        message: `must be "sandbox" or a numeric id 1..4294967294, got the string ${JSON.stringify(value)}`,
      });
    else if (!Number.isInteger(value) || value < 1 || value > 4294967294)
      context.addIssue({
        code: 'custom',
        message: `must be "sandbox" or a numeric id 1..4294967294, got ${value}`,
      });
  })
  .transform((value) => value as 'sandbox' | number)
  .describe(
    '"sandbox" (an unprivileged identity the sandbox maps) or a numeric id 1..4294967294. Root is refused.',
  );
