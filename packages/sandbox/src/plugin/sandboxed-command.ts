import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlan, type LaunchPlan, resolveAbiOverride, spawnWithPlan } from '@nemoclaw/native';
import type { Policy } from '@nemoclaw/policy';
import { proxyEnvironment } from '../lifecycle/proxy-environment.js';
import { SandboxError } from '../sandbox-error.js';
import { type PlanBase, PlanCache } from './plan-cache.js';
import { bridgeListen, type PluginRuntime, type PolicyScope, type ReadyState } from './plugin-runtime.js';

/** Inputs of {@link planCommand}. */
export interface PlanCommandOptions {
  /** Which policy applies (`exec`, `read` or `write`; see `toolPolicies`). */
  readonly scope: PolicyScope;
  readonly argv: readonly string[];
  /** The sandbox's workdir (granted read+write by `include_workdir`). */
  readonly workdir: string;
  /** The command's working directory (default: the workdir). */
  readonly cwd?: string;
  /** The caller's environment; the policy's `process.env.allow` picks from it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Connect the sandbox to the egress proxy (default true). */
  readonly network?: boolean;
}

/**
 * Plans shared by every sandbox handle and fs bridge of this process (keyed by the policy object,
 * so a policy re-applied with `PluginRuntime.recheck` never reuses a plan of the one before).
 */
export const sharedPlanCache = new PlanCache();

/**
 * The launch plan of one command under the plugin's policy for `scope`. With a `cache` (the default
 * {@link sharedPlanCache}), the plan is built once per policy, workdir and environment and reused
 * while every path it was built from is unchanged (see {@link PlanCache}); `null` builds it afresh.
 */
export function planCommand(
  runtime: PluginRuntime,
  ready: ReadyState,
  options: PlanCommandOptions,
  cache: PlanCache | null = sharedPlanCache,
): LaunchPlan {
  const policy: Policy = ready.policies[options.scope];
  const network = options.network ?? true;
  const base: PlanBase = {
    workdir: options.workdir,
    home: runtime.home,
    env: options.env,
    bridge: network ? { listen: bridgeListen, unix_socket: runtime.proxySocketPath } : null,
    abiOverride: resolveAbiOverride(undefined, runtime.env),
  };
  const withProxy = (plan: LaunchPlan): LaunchPlan =>
    network ? { ...plan, env: { ...plan.env, ...proxyEnvironment(bridgeListen) } } : plan;
  const cwd = options.cwd === undefined ? {} : { cwd: options.cwd };
  if (cache !== null) return cache.plan(policy, base, { argv: options.argv, ...cwd }, withProxy);
  const { plan } = buildPlan(policy, { ...base, command: options.argv, ...cwd });
  return withProxy(plan);
}

/** Plan directories already created by this process. */
const planDirectories = new Set<string>();

/**
 * Writes `plan` to a fresh 0600 file (`O_EXCL`) in a 0700 directory of the plugin's state dir, for
 * the launcher's `--plan-file`. The plan holds nothing the sandboxed command does not already have
 * (its own argv, environment and the policy), and the backend removes it in `finalizeExec`.
 */
export function writePlanFile(runtime: PluginRuntime, plan: LaunchPlan): string {
  const directory = join(runtime.stateDir, 'run', 'plans');
  const path = join(directory, `${randomBytes(12).toString('hex')}.json`);
  const text = JSON.stringify(plan);
  if (planDirectories.has(directory)) {
    try {
      writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
      return path;
    } catch (error) {
      // The directory was removed since (state dir cleaned up): create it again below.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  planDirectories.add(directory);
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  return path;
}

/** Removes a plan file (already gone is fine). */
export function removePlanFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Removes plan files older than `maximumAgeMs` (default one hour) left by processes that ended
 * before `finalizeExec` ran.
 */
export function removeStalePlanFiles(runtime: PluginRuntime, maximumAgeMs = 60 * 60 * 1000): void {
  const directory = join(runtime.stateDir, 'run', 'plans');
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  const cutoff = Date.now() - maximumAgeMs;
  for (const name of names) {
    const path = join(directory, name);
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { force: true });
    } catch {
      // Already gone.
    }
  }
}

/** The argv OpenClaw spawns for one sandboxed exec: the launcher reading the plan file. */
export function launcherArgv(launcherPath: string, planPath: string): string[] {
  return [launcherPath, '--plan-file', planPath];
}

/** What a buffered sandboxed command produced. */
export interface CommandOutput {
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly code: number;
}

/** Options of {@link runPlanned}. */
export interface RunPlannedOptions {
  readonly stdin?: Buffer | string;
  readonly signal?: AbortSignal;
  /** Largest stdout kept (default 64 MiB); beyond it the command is killed. */
  readonly maxOutputBytes?: number;
}

/**
 * Runs a planned command under the launcher and buffers its output.
 *
 * @throws {@link SandboxError} `plugin-sandbox-setup` when the sandbox could not be set up
 * (the launcher's one-line reason), `plugin-command-aborted` when `signal` fires.
 */
export async function runPlanned(
  launcherPath: string,
  plan: LaunchPlan,
  options: RunPlannedOptions = {},
): Promise<CommandOutput> {
  const maxOutputBytes = options.maxOutputBytes ?? 64 * 1024 * 1024;
  if (options.signal?.aborted === true) {
    throw new SandboxError('plugin-command-aborted', 'the sandboxed command was aborted before it started');
  }
  const child = spawnWithPlan(plan, { launcherPath });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let stdoutBytes = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    if (stdoutBytes > maxOutputBytes) {
      child.kill('SIGKILL');
      return;
    }
    stdout.push(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
  });
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(options.stdin ?? '');
  const onAbort = (): void => {
    child.kill('SIGKILL');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const exit = await child.exited;
    if (wasAborted(options.signal)) {
      throw new SandboxError('plugin-command-aborted', 'the sandboxed command was aborted');
    }
    if (stdoutBytes > maxOutputBytes) {
      throw new SandboxError(
        'plugin-output-too-large',
        `the sandboxed command wrote more than ${maxOutputBytes} bytes`,
      );
    }
    return {
      stdout: Buffer.concat(stdout),
      stderr: Buffer.concat(stderr),
      code: exit.code ?? 128 + 9,
    };
  } catch (error) {
    if (error instanceof SandboxError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new SandboxError('plugin-sandbox-setup', `the sandbox could not be set up: ${message}`, {
      cause: error,
    });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function wasAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
