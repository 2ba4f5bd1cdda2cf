import { homedir } from 'node:os';
import { type BuildPlanOptions, buildPlan } from './build-plan.js';
import { locateLauncher } from './locate-launcher.js';
import { resolveAbiOverride } from './probe.js';
import type { SandboxPolicy } from './sandbox-policy.js';
import {
  collect,
  type SandboxedProcess,
  type SandboxRunResult,
  type SpawnPlanOptions,
  spawnWithPlan,
} from './spawn-with-plan.js';

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
