import { readdirSync, statSync } from 'node:fs';
import { isSameProcess } from './process-identity.js';
import { validateSandboxName } from './sandbox-name.js';
import { type SandboxPaths, sandboxesDirectory, sandboxPaths } from './sandbox-paths.js';
import { readLockFile, readSandboxState, type SandboxState } from './sandbox-state.js';

/**
 * What `list` and `status` show. `running` / `starting` / `stopping`: the supervisor is alive.
 * `exited`: it ended cleanly (the command finished or was stopped). `dead`: the recorded supervisor
 * is gone without cleaning up (killed): never shown as running.
 */
export type SandboxStatus = 'starting' | 'running' | 'stopping' | 'exited' | 'dead';

/** One sandbox as seen from outside its supervisor. */
export interface SandboxSummary {
  readonly name: string;
  readonly status: SandboxStatus;
  /** The live supervisor's pid, or null. */
  readonly supervisorPid: number | null;
  readonly state: SandboxState | null;
  readonly paths: SandboxPaths;
}

/** The command-line argument that identifies the supervisor of `name` in `/proc/<pid>/cmdline`. */
export function supervisorMarker(name: string): string {
  return `--sandbox-supervisor=${name}`;
}

/** A lock file younger than this without readable content belongs to a supervisor still starting. */
const startingGraceMs = 10_000;

/**
 * Looks at one sandbox's state directory and decides its status from the lock file and the
 * liveness **and identity** of the recorded supervisor (pid, start time, command-line marker), so a
 * reused pid or a killed supervisor is never reported as running. Returns null when there is no
 * such sandbox.
 */
export function inspectSandbox(home: string, name: string): SandboxSummary | null {
  const paths = sandboxPaths(home, name);
  try {
    if (!statSync(paths.directory).isDirectory()) return null;
  } catch {
    return null;
  }
  const state = readSandboxState(paths.stateFile);
  const lock = readLockFile(paths.lockFile);
  if (lock !== null) {
    if (isSameProcess(lock, supervisorMarker(name))) {
      const phase = state?.phase;
      const status: SandboxStatus =
        phase === 'running' || phase === 'stopping' ? phase : phase === 'exited' ? 'stopping' : 'starting';
      return { name, status, supervisorPid: lock.pid, state, paths };
    }
    return { name, status: 'dead', supervisorPid: null, state, paths };
  }
  const lockAge = lockFileAge(paths.lockFile);
  if (lockAge !== null) {
    // The lock exists but has no content yet: a supervisor between open(O_EXCL) and write.
    return {
      name,
      status: lockAge < startingGraceMs ? 'starting' : 'dead',
      supervisorPid: null,
      state,
      paths,
    };
  }
  if (state === null) return { name, status: 'dead', supervisorPid: null, state, paths };
  return { name, status: state.phase === 'exited' ? 'exited' : 'dead', supervisorPid: null, state, paths };
}

/** Every sandbox under `home`, sorted by name (directories that are not valid names are ignored). */
export function listSandboxes(home: string): SandboxSummary[] {
  let entries: string[];
  try {
    entries = readdirSync(sandboxesDirectory(home));
  } catch {
    return [];
  }
  const summaries: SandboxSummary[] = [];
  for (const entry of entries.sort()) {
    if (!validateSandboxName(entry).ok) continue;
    const summary = inspectSandbox(home, entry);
    if (summary !== null) summaries.push(summary);
  }
  return summaries;
}

function lockFileAge(path: string): number | null {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return null;
  }
}
