import { type ChildProcess, spawn } from 'node:child_process';
import { PassThrough, type Readable, Transform, type Writable } from 'node:stream';
import type { SkippedPath } from './build-plan.js';
import { launcherLinePrefix, setupStageOfExitCode } from './exit-codes.js';
import type { LaunchPlan } from './launch-plan.js';
import { locateLauncher } from './locate-launcher.js';
import { NativeError, SandboxSetupError } from './native-error.js';

// Starting the launcher with a plan that is already built: no schema, no policy code (this module
// is part of the zod-free `@nemoclaw/native/launch` entry that `nemoclaw run` loads on start-up).

/** How the sandboxed command exited: its code, or the signal that killed the launcher. */
export interface SandboxExit {
  /** The command's exit code (128+N when the command was killed by signal N); null if `signal`. */
  readonly code: number | null;
  /** The signal that killed the launcher itself, if any. */
  readonly signal: NodeJS.Signals | null;
}

/** A running sandboxed command, shaped like a `ChildProcess`. */
export interface SandboxedProcess {
  /** The launcher's process id (signals sent to it are forwarded to the command). */
  readonly pid: number | undefined;
  /** The command's stdin with `stdio: 'pipe'`, else null. */
  readonly stdin: Writable | null;
  /** The command's stdout with `stdio: 'pipe'`, else null. */
  readonly stdout: Readable | null;
  /** The command's stderr with `stdio: 'pipe'`, else null. */
  readonly stderr: Readable | null;
  /** The plan the launcher was given (null when a raw string was sent with {@link spawnWithPlan}). */
  readonly plan: LaunchPlan | null;
  /** Policy paths left out of the plan, and why. */
  readonly skipped: readonly SkippedPath[];
  /**
   * Resolves when the launcher has exited and its output is drained. Rejects with
   * {@link SandboxSetupError} when the sandbox could not be set up (launcher exit 120-125 with its
   * `nemoclaw-sandbox-exec: <stage>: <reason>` line), or {@link NativeError} `LAUNCHER_FAILED`
   * when the launcher could not be started.
   */
  readonly exited: Promise<SandboxExit>;
  /** Sends a signal to the launcher, which forwards it to the command (default SIGTERM). */
  kill(signal?: NodeJS.Signals | number): boolean;
}

/** Options of {@link spawnWithPlan}. */
export interface SpawnPlanOptions {
  /** `pipe` (default): streams on the handle; `inherit`: the command uses this process's stdin/stdout/stderr. */
  stdio?: 'pipe' | 'inherit';
  /** The launcher binary (default: {@link locateLauncher}). */
  launcherPath?: string;
}

/**
 * Starts the launcher with a ready-made plan. `plan` may also be a raw string, sent as is: the
 * launcher must reject anything that is not a valid plan with exit 120 (tests of that contract).
 *
 * @throws {@link NativeError} `LAUNCHER_NOT_FOUND` when no launcher is given or found.
 */
export function spawnWithPlan(
  plan: LaunchPlan | string,
  options: SpawnPlanOptions = {},
  skipped: readonly SkippedPath[] = [],
): SandboxedProcess {
  const launcherPath = options.launcherPath ?? locateLauncher();
  const stdioMode = options.stdio ?? 'pipe';
  const child: ChildProcess = spawn(launcherPath, ['--plan-fd', '3'], {
    stdio: [stdioMode, stdioMode, 'pipe', 'pipe'],
    env: {},
  });
  const planStream = child.stdio[3] as Writable | null | undefined;
  planStream?.on('error', () => {
    // The launcher may exit before reading the whole plan; its exit code says why.
  });
  planStream?.end(typeof plan === 'string' ? plan : JSON.stringify(plan));

  const watcher = new LauncherLineWatcher();
  const stderrOut = stdioMode === 'pipe' ? new PassThrough() : null;
  child.stderr?.pipe(watcher).pipe(stderrOut ?? process.stderr, { end: stderrOut !== null });

  const exited = new Promise<SandboxExit>((resolvePromise, reject) => {
    let failed = false;
    child.once('error', (error) => {
      failed = true;
      reject(
        new NativeError('LAUNCHER_FAILED', `cannot start ${launcherPath}: ${error.message}`, {
          cause: error,
        }),
      );
    });
    child.once('close', (code, signal) => {
      if (failed) return;
      const stage = code === null ? undefined : setupStageOfExitCode(code);
      const line = watcher.lastLine;
      if (code !== null && stage !== undefined && line !== null) {
        reject(new SandboxSetupError(code, stage, line));
        return;
      }
      resolvePromise({ code, signal });
    });
  });
  // Callers that only use kill() must not crash the process with an unhandled rejection.
  exited.catch(() => undefined);

  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: stderrOut,
    plan: typeof plan === 'string' ? null : plan,
    skipped,
    exited,
    kill: (signal = 'SIGTERM') => child.kill(signal),
  };
}

/** Result of {@link runSandboxed}. */
export interface SandboxRunResult extends SandboxExit {
  readonly stdout: string;
  readonly stderr: string;
}

/** Collects the output of a handle started with `stdio: 'pipe'`. */
export async function collect(
  handle: SandboxedProcess,
  input?: string | Uint8Array,
): Promise<SandboxRunResult> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  handle.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  handle.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  handle.stdin?.on('error', () => undefined);
  handle.stdin?.end(input);
  const exit = await handle.exited;
  return {
    ...exit,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
  };
}

/** Passes stderr through unchanged while remembering the launcher's own last `<stage>: <reason>` line. */
class LauncherLineWatcher extends Transform {
  lastLine: string | null = null;
  private pending = '';
  private seen = 0;

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null, data?: Buffer) => void,
  ): void {
    // Setup lines come before the command runs: only the first 64 KiB are inspected.
    if (this.seen < 65_536) {
      this.seen += chunk.length;
      this.pending += chunk.toString('utf8');
      const lines = this.pending.split('\n');
      this.pending = lines.pop() ?? '';
      for (const line of lines) this.inspect(line);
      if (this.pending.length > 4096) this.pending = '';
    }
    callback(null, chunk);
  }

  override _flush(callback: (error?: Error | null) => void): void {
    this.inspect(this.pending);
    callback();
  }

  private inspect(line: string): void {
    if (line.startsWith(launcherLinePrefix)) this.lastLine = line.slice(launcherLinePrefix.length).trim();
  }
}
