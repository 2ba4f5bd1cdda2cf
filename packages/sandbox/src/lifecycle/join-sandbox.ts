import { execFileSync, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { buildPlan, locateLauncher, resolveAbiOverride } from '@nemoclaw/native';
import { loadPolicyFile } from '@nemoclaw/policy';
import { SandboxError } from '../sandbox-error.js';
import { isSameProcess, sandboxInitPid } from './process-identity.js';
import { sandboxLaunchPolicy } from './proxy-environment.js';
import { inspectSandbox } from './sandbox-registry.js';

/**
 * True when the launcher at `launcherPath` implements join mode (`--join-pid`, native/PLAN.md
 * "Join mode"): its `--help` mentions the option.
 */
export function launcherSupportsJoin(launcherPath: string): boolean {
  try {
    const help = execFileSync(launcherPath, ['--help'], {
      encoding: 'utf8',
      env: {},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return help.includes('--join-pid');
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    return `${output.stdout ?? ''}${output.stderr ?? ''}`.includes('--join-pid');
  }
}

/** Options of {@link execInSandbox}. */
export interface ExecInSandboxOptions {
  /** The command's working directory inside the sandbox (default: the sandbox's workdir). */
  readonly cwd?: string;
  /** The caller's environment (`process.env.allow` picks from it); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `inherit` (default): the caller's terminal; `pipe`: streams on the returned child. */
  readonly stdio?: 'inherit' | 'pipe';
  /** The launcher binary (default: `locateLauncher`). */
  readonly launcherPath?: string;
}

/**
 * Runs `command` inside the running sandbox `name` with the launcher's join mode: the same
 * namespaces (joined with setns), and the same Landlock ruleset, seccomp filter, rlimits and
 * environment (including the proxy variables) as the sandbox's own command, built from the policy
 * in force (`policy.yaml` in the state directory). Returns the launcher child process.
 *
 * @throws {@link SandboxError} `sandbox-not-found`, `sandbox-not-running`, `sandbox-join-unsupported`
 * (the launcher lacks `--join-pid`), `sandbox-invalid-policy`.
 */
export function execInSandbox(
  home: string,
  name: string,
  command: readonly string[],
  options: ExecInSandboxOptions = {},
) {
  const summary = inspectSandbox(home, name);
  if (summary === null) throw new SandboxError('sandbox-not-found', `no sandbox named ${name}`);
  const state = summary.state;
  if (summary.status !== 'running' || state === null || state.launcher === null) {
    throw new SandboxError('sandbox-not-running', `sandbox ${name} is ${summary.status}, not running`);
  }
  // Re-check that the recorded launcher is still that process, then find its PID 1 now.
  if (!isSameProcess(state.launcher))
    throw new SandboxError('sandbox-not-running', `sandbox ${name} has no running launcher`);
  const initPid = sandboxInitPid(state.launcher.pid);
  if (initPid === null) throw new SandboxError('sandbox-not-running', `sandbox ${name} has no PID 1 to join`);
  const env = options.env ?? process.env;
  const launcherPath = options.launcherPath ?? locateLauncher({ env });
  if (!launcherSupportsJoin(launcherPath)) {
    throw new SandboxError(
      'sandbox-join-unsupported',
      `the launcher ${launcherPath} does not support join mode (--join-pid); rebuild it from a newer native/`,
    );
  }
  const sandboxHome = env.HOME?.startsWith('/') === true ? env.HOME : '/';
  const loaded = loadPolicyFile(summary.paths.policyFile, { workdir: state.workdir, home: sandboxHome });
  if (!loaded.ok)
    throw new SandboxError('sandbox-invalid-policy', loaded.error.message, { cause: loaded.error });
  const { plan } = buildPlan(sandboxLaunchPolicy(loaded.value, home, state.bridge), {
    command,
    workdir: state.workdir,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    home: sandboxHome,
    env,
    bridge: { listen: state.bridge, unix_socket: summary.paths.proxySocket },
    hostname: name,
    abiOverride: resolveAbiOverride(undefined, env),
  });
  const stdio = options.stdio ?? 'inherit';
  const child = spawn(launcherPath, ['--join-pid', String(initPid), '--plan-fd', '3'], {
    stdio: [stdio, stdio, stdio, 'pipe'],
    env: {},
  });
  const planStream = child.stdio[3] as Writable | null | undefined;
  planStream?.on('error', () => undefined);
  planStream?.end(JSON.stringify(plan));
  return child;
}
