import { rmSync } from 'node:fs';
import { SandboxError } from '../sandbox-error.js';
import { sendControlRequest } from './control-client.js';
import { isSameProcess } from './process-identity.js';
import { inspectSandbox, type SandboxSummary, supervisorMarker } from './sandbox-registry.js';
import { readLockFile, writeJsonFile } from './sandbox-state.js';

/** Options of {@link stopSandbox}. */
export interface StopSandboxOptions {
  /** How long to wait for a graceful stop before SIGKILL (default 10 s). */
  readonly timeoutMs?: number;
}

/** What {@link stopSandbox} did. */
export interface StopResult {
  readonly name: string;
  /** `stopped` gracefully, `killed` after the timeout, `cleaned` a dead supervisor's leftovers, `not-running`. */
  readonly outcome: 'stopped' | 'killed' | 'cleaned' | 'not-running';
}

/**
 * Stops sandbox `name`: asks its supervisor to stop (it sends SIGTERM to the sandbox and SIGKILL
 * after its own grace period), SIGTERMs the supervisor when the control socket does not answer, and
 * SIGKILLs it after `timeoutMs` (the launcher dies with it: PR_SET_PDEATHSIG). Signals go only to a
 * pid whose start time and command line still identify the supervisor. A dead supervisor's stale
 * lock and sockets are cleaned (its logs and audit log stay).
 *
 * @throws {@link SandboxError} `sandbox-not-found`.
 */
export async function stopSandbox(
  home: string,
  name: string,
  options: StopSandboxOptions = {},
): Promise<StopResult> {
  const summary = inspectSandbox(home, name);
  if (summary === null) throw new SandboxError('sandbox-not-found', `no sandbox named ${name}`);
  if (summary.status === 'exited') return { name, outcome: 'not-running' };
  if (summary.status === 'dead') {
    cleanDead(summary);
    return { name, outcome: 'cleaned' };
  }
  const lock = readLockFile(summary.paths.lockFile);
  const alive = () => lock !== null && isSameProcess(lock, supervisorMarker(name));
  try {
    await sendControlRequest(summary.paths.controlSocket, { op: 'stop' }, 2000);
  } catch {
    if (lock !== null && alive()) process.kill(lock.pid, 'SIGTERM');
  }
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (alive() && Date.now() < deadline) await delay(25);
  if (alive() && lock !== null) {
    process.kill(lock.pid, 'SIGKILL');
    while (alive()) await delay(10);
    const after = inspectSandbox(home, name);
    if (after !== null && after.status === 'dead') cleanDead(after);
    return { name, outcome: 'killed' };
  }
  return { name, outcome: 'stopped' };
}

/**
 * Removes sandbox `name` entirely (stopping it first): its state directory with the policy, logs
 * and audit log. A persisted approvals preset in `<home>/presets` is the user's and stays.
 */
export async function destroySandbox(
  home: string,
  name: string,
  options: StopSandboxOptions = {},
): Promise<StopResult> {
  const result = await stopSandbox(home, name, options);
  const summary = inspectSandbox(home, name);
  if (summary !== null) rmSync(summary.paths.directory, { recursive: true, force: true });
  return result;
}

function cleanDead(summary: SandboxSummary): void {
  const { paths, state } = summary;
  if (state !== null) {
    writeJsonFile(paths.stateFile, {
      ...state,
      phase: 'exited',
      exitedAt: state.exitedAt ?? new Date().toISOString(),
    });
  }
  rmSync(paths.controlSocket, { force: true });
  rmSync(paths.proxySocket, { force: true });
  rmSync(paths.lockFile, { force: true });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
