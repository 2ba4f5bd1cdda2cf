import { type ChildProcess, spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { PassThrough, type Readable, Transform, type Writable } from 'node:stream';
import { type BuildPlanOptions, buildPlan, type SkippedPath } from './build-plan.js';
import { launcherLinePrefix, setupStageOfExitCode } from './exit-codes.js';
import type { LaunchPlan } from './launch-plan.js';
import { locateLauncher } from './locate-launcher.js';
import { NativeError, SandboxSetupError } from './native-error.js';
import { resolveAbiOverride } from './probe.js';
import type { SandboxPolicy } from './sandbox-policy.js';

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

/** Options of {@link spawnSandboxed}: the plan inputs (see {@link BuildPlanOptions}) and how to run. */
export interface SpawnSandboxedOptions
  extends Omit<BuildPlanOptions, 'command' | 'home' | 'env' | 'keepFds'>,
    SpawnPlanOptions {
  /** The home directory `~` expands to (default: `os.homedir()`). */
  home?: string;
  /** The environment `process.env.allow` picks from (default: `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Runs `command` inside the kernel sandbox the policy describes: builds the plan
 * ({@link buildPlan}), starts `nemoclaw-sandbox-exec` and hands it the plan through a pipe on
 * fd 3. The Landlock ABI override comes from `abiOverride`, else `NEMOCLAW_LANDLOCK_ABI`.
 *
 * The launcher's stderr is always relayed through this process (to `process.stderr` with
 * `stdio: 'inherit'`) so that a setup failure can be recognised by its one line; use `pty: true`
 * for interactive programs that need a terminal.
 *
 * @throws {@link NativeError} synchronously when the plan cannot be built or the launcher is missing.
 */
export function spawnSandboxed(
  policy: SandboxPolicy,
  command: readonly string[],
  options: SpawnSandboxedOptions,
): SandboxedProcess {
  const environment = options.env ?? process.env;
  const { plan, skipped } = buildPlan(policy, {
    ...options,
    command,
    home: options.home ?? homedir(),
    env: environment,
    abiOverride: resolveAbiOverride(options.abiOverride, environment),
  });
  return spawnWithPlan(
    plan,
    { ...options, launcherPath: options.launcherPath ?? locateLauncher({ env: environment }) },
    skipped,
  );
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

/**
 * Runs a command to completion in the sandbox and collects its output (UTF-8). `input` is
 * written to its stdin. Rejects like {@link SandboxedProcess.exited}.
 */
export async function runSandboxed(
  policy: SandboxPolicy,
  command: readonly string[],
  options: Omit<SpawnSandboxedOptions, 'stdio'> & { input?: string | Uint8Array },
): Promise<SandboxRunResult> {
  const handle = spawnSandboxed(policy, command, { ...options, stdio: 'pipe' });
  return collect(handle, options.input);
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
