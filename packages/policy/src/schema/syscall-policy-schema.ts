import { z } from 'zod';
import { syscallName } from './field-schemas.js';
import { alwaysCheck, isPlainObject, stringEntries } from './refinement-helpers.js';

/** Schema of `syscalls` (LOCKED). */
export const syscallPolicySchema = z
  .strictObject({
    profile: z
      .enum(['default', 'strict'])
      .default('default')
      .describe(
        'default: OpenShell-equivalent deny list (ptrace, bpf, mount, unshare of user namespaces, ...). ' +
          'strict: additionally denies rarely needed syscalls.',
      ),
    allow: z
      .array(syscallName)
      .default([])
      .describe(
        'Syscalls the profile denies that this policy re-allows (e.g. ptrace for a debugger). Audited.',
      ),
    deny: z.array(syscallName).default([]).describe('Additional syscalls to deny (EPERM).'),
    allow_unix_sockets: z
      .boolean()
      .default(false)
      .describe('Allow socket(AF_UNIX). Default false: Unix sockets are denied unless re-allowed here.'),
  })
  .superRefine((value, context) => {
    if (!isPlainObject(value)) return;
    const allowed = new Set(stringEntries(value.allow).map(([name]) => name));
    for (const [name, index] of stringEntries(value.deny)) {
      if (allowed.has(name))
        context.addIssue({
          code: 'custom',
          path: ['deny', index],
          message: `"${name}" is listed in both syscalls.allow and syscalls.deny`,
        });
    }
  }, alwaysCheck)
  .describe('The seccomp filter. LOCKED.');
