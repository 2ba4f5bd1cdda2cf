import { z } from 'zod';
import { normalizePath } from '../path-rules.js';
import { pathList } from './field-schemas.js';
import { alwaysCheck, isPlainObject, stringEntries } from './refinement-helpers.js';

/** Schema of `filesystem_policy` (LOCKED at sandbox creation). */
export const filesystemPolicySchema = z
  .strictObject({
    include_workdir: z
      .boolean()
      .default(true)
      .describe('Grant read-write access to the working directory the sandbox is started in. Default true.'),
    read_only: pathList(
      'Paths the sandbox may read (and execute, unless listed in no_execute). Landlock rules.',
    ),
    read_write: pathList(
      'Paths the sandbox may read and write (and execute, unless listed in no_execute). "/" is refused.',
    ),
    deny: pathList(
      'Paths hidden from the sandbox (masked in its mount namespace), even inside an allowed directory. ' +
        'Landlock cannot deny a sub-path, so NemoClaw masks them. "~" is allowed.',
    ),
    no_execute: pathList(
      'Paths from read_only/read_write where executing files is NOT allowed. Each must itself be listed ' +
        'in read_only or read_write: Landlock cannot remove a right from a sub-path.',
    ),
    private_tmp: z
      .boolean()
      .default(true)
      .describe('Mount a private, empty /tmp inside the sandbox. Default true.'),
  })
  .superRefine((value, context) => {
    if (!isPlainObject(value)) return;
    for (const [path, index] of stringEntries(value.read_write)) {
      if (normalizePath(path) === '/')
        context.addIssue({
          code: 'custom',
          path: ['read_write', index],
          message: '"/" cannot be read-write: it would give the sandbox the whole filesystem',
        });
    }
    const granted = new Set(
      [...stringEntries(value.read_only), ...stringEntries(value.read_write)].map(([path]) =>
        normalizePath(path),
      ),
    );
    for (const [path, index] of stringEntries(value.no_execute)) {
      if (!granted.has(normalizePath(path)))
        context.addIssue({
          code: 'custom',
          path: ['no_execute', index],
          message: `"${path}" must also be listed in read_only or read_write (Landlock cannot remove execute from a sub-path)`,
        });
    }
  }, alwaysCheck)
  .describe('Filesystem access (Landlock) and masking. LOCKED: fixed when a sandbox is created.');
