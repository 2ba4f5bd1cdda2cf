import { z } from 'zod';
import { envName, userOrGroupId } from './field-schemas.js';

/** Environment variables a sandboxed process inherits when `process.env.allow` is not given. */
export const defaultEnvAllow: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'TERM',
  'TZ',
];

const processLimitsSchema = z
  .strictObject({
    nofile: z
      .number()
      .int()
      .min(1)
      .max(1_048_576)
      .default(1024)
      .describe('RLIMIT_NOFILE: open files. Default 1024.'),
    nproc: z
      .number()
      .int()
      .min(1)
      .max(4_194_304)
      .default(512)
      .describe('RLIMIT_NPROC: processes. Default 512.'),
    wall_seconds: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Kill the sandboxed command after this many seconds of wall-clock time; 0 = no limit.'),
    cpu_seconds: z.number().int().min(1).optional().describe('RLIMIT_CPU: CPU seconds. Absent = unlimited.'),
    file_size_bytes: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('RLIMIT_FSIZE: largest file the sandbox may write. Absent = unlimited.'),
    address_space_bytes: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('RLIMIT_AS: virtual memory. Absent = unlimited.'),
    core_bytes: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('RLIMIT_CORE: core dump size. Absent = 0 (no core dumps) is decided by the launcher.'),
  })
  .describe('Resource limits (setrlimit) applied inside the sandbox.');

/** Schema of `process` (LOCKED). */
export const processPolicySchema = z
  .strictObject({
    run_as_user: userOrGroupId
      .optional()
      .describe('User the command runs as: "sandbox" or a uid 1..4294967294.'),
    run_as_group: userOrGroupId
      .optional()
      .describe('Group the command runs as: "sandbox" or a gid 1..4294967294.'),
    env: z
      .strictObject({
        allow: z
          .array(envName)
          .default([...defaultEnvAllow])
          .describe(
            `Variables passed through from the caller's environment. Default: ${defaultEnvAllow.join(' ')}.`,
          ),
        set: z
          .record(envName, z.string())
          .default({})
          .describe('Variables set to a fixed value inside the sandbox (override the allowed ones).'),
      })
      .prefault({})
      .describe('Environment hygiene: nothing but these variables reaches the sandboxed command.'),
    limits: processLimitsSchema.prefault({}),
  })
  .describe('Process identity, environment and limits. LOCKED.');
