import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { z } from 'zod';
import type { ProcessIdentity } from './process-identity.js';

const identitySchema = z.object({
  pid: z.number().int().positive(),
  startTime: z.number().int().nonnegative(),
});

/** What a supervisor records in `state.json`. */
export const sandboxStateSchema = z.object({
  name: z.string(),
  /** `starting`, `running`, `stopping`, or `exited` (the supervisor ended cleanly). */
  phase: z.enum(['starting', 'running', 'stopping', 'exited']),
  supervisor: identitySchema,
  /** The launcher process (`nemoclaw-sandbox-exec`), a child of the supervisor. */
  launcher: identitySchema.nullable(),
  /** The host pid of the sandbox's PID 1 (what `sandbox exec` joins). */
  initPid: z.number().int().positive().nullable(),
  workdir: z.string(),
  command: z.array(z.string()),
  /** The policy file the sandbox was created from (the resolved copy is policy.yaml). */
  policySource: z.string(),
  /** The in-sandbox proxy address, e.g. `127.0.0.1:3128`. */
  bridge: z.string(),
  createdAt: z.string(),
  exitedAt: z.string().nullable(),
  /** The command's exit code (128+N for signal N) once it ended; null before. */
  exitCode: z.number().int().nullable(),
});

/** The contents of `state.json`. */
export type SandboxState = z.infer<typeof sandboxStateSchema>;

/** Writes `value` as JSON to `path` atomically (temporary file, 0600, rename). */
export function writeJsonFile(path: string, value: unknown): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(value, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** Reads `state.json`; null when missing or not a valid state (never throws). */
export function readSandboxState(path: string): SandboxState | null {
  try {
    const parsed = sandboxStateSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Reads the supervisor lock file (`{ pid, startTime }`); null when missing or unreadable. */
export function readLockFile(path: string): ProcessIdentity | null {
  try {
    const parsed = identitySchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
