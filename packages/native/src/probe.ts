import { execFile } from 'node:child_process';
import { z } from 'zod';
import { locateLauncher } from './locate-launcher.js';
import { NativeError } from './native-error.js';

/** The JSON object `nemoclaw-sandbox-exec --probe` prints (native/PLAN.md). Extra keys are ignored. */
const optionalReason = z.string().nullable().optional();

export const launcherProbeSchema = z.object({
  version: z.string().optional(),
  kernel: z.string(),
  arch: z.string(),
  landlock_abi: z.number().int().min(0),
  seccomp: z.boolean(),
  seccomp_filter: z.boolean(),
  user_namespaces: z.boolean(),
  user_namespaces_reason: optionalReason,
  net_namespaces: z.boolean(),
  net_namespaces_reason: optionalReason,
  mount_namespaces: z.boolean().optional(),
  mount_namespaces_reason: optionalReason,
  pid_namespaces: z.boolean().optional(),
  pid_namespaces_reason: optionalReason,
  ipc_namespaces: z.boolean().optional(),
  ipc_namespaces_reason: optionalReason,
  uts_namespaces: z.boolean().optional(),
  uts_namespaces_reason: optionalReason,
  cgroup_namespaces: z.boolean().optional(),
  cgroup_namespaces_reason: optionalReason,
  proc_mount: z.boolean().optional(),
  proc_mount_reason: optionalReason,
  apparmor_userns_restricted: z.boolean(),
  no_new_privs: z.boolean(),
});

/** The namespaces the launcher creates. */
export type NamespaceName = 'user' | 'mount' | 'pid' | 'net' | 'ipc' | 'uts' | 'cgroup';

/** Whether one namespace (or mount) could be created, tried for real; `available` null = not reported. */
export interface ProbeCapability {
  readonly available: boolean | null;
  readonly reason: string | null;
}

/** What this machine's kernel can enforce, as {@link probe} reports it. */
export interface ProbeReport {
  /** The launcher's version, when it reports one. */
  readonly launcherVersion: string | null;
  /** Kernel release, e.g. `6.18.44`. */
  readonly kernel: string;
  /** Machine architecture, e.g. `x86_64`. */
  readonly arch: string;
  /** The Landlock ABI the sandbox will use: the kernel's, or the override when one is set. */
  readonly landlockAbi: number;
  /** The Landlock ABI the kernel itself reports (0 = Landlock unavailable). */
  readonly kernelLandlockAbi: number;
  /** The ABI override in force (`abiOverride` or `NEMOCLAW_LANDLOCK_ABI`), or null. */
  readonly abiOverride: number | null;
  /** seccomp is available. */
  readonly seccomp: boolean;
  /** seccomp BPF filters (SECCOMP_MODE_FILTER) are available. */
  readonly seccompFilter: boolean;
  /** An unprivileged user namespace could be created (tried for real). */
  readonly userNamespaces: boolean;
  /** Why not, when `userNamespaces` is false. */
  readonly userNamespacesReason: string | null;
  /** A network namespace could be created inside the user namespace (tried for real). */
  readonly netNamespaces: boolean;
  /** Why not, when `netNamespaces` is false. */
  readonly netNamespacesReason: string | null;
  /** Every namespace the sandbox uses, as the launcher found it by creating one. */
  readonly namespaces: Readonly<Record<NamespaceName, ProbeCapability>>;
  /** A fresh procfs could be mounted inside the new PID namespace. */
  readonly procMount: ProbeCapability;
  /** Ubuntu's `kernel.apparmor_restrict_unprivileged_userns` restriction is active. */
  readonly apparmorUsernsRestricted: boolean;
  /** prctl(PR_SET_NO_NEW_PRIVS) works. */
  readonly noNewPrivs: boolean;
  /** The launcher that answered. */
  readonly launcherPath: string;
}

/** Options of {@link probe}. */
export interface ProbeOptions {
  /** The launcher to ask (default: {@link locateLauncher}). */
  launcherPath?: string;
  /** Report this Landlock ABI (1..7) instead of the kernel's; default: `NEMOCLAW_LANDLOCK_ABI`. */
  abiOverride?: number | null;
  /** Environment for `NEMOCLAW_LANDLOCK_ABI` and `NEMOCLAW_SANDBOX_EXEC` (default: `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Give up after this many milliseconds (default 10 000). */
  timeoutMs?: number;
}

/**
 * Asks the launcher what this machine can enforce (`nemoclaw-sandbox-exec --probe`): the Landlock
 * ABI, seccomp, user and network namespaces (found by actually creating them) and whether
 * AppArmor blocks them, and the kernel version. The answer is validated before it is returned.
 *
 * @throws {@link NativeError} `LAUNCHER_NOT_FOUND`, `LAUNCHER_FAILED` (it did not exit 0) or
 * `PROBE_INVALID` (its output is not the documented JSON).
 */
export async function probe(options: ProbeOptions = {}): Promise<ProbeReport> {
  const env = options.env ?? process.env;
  const abiOverride = resolveAbiOverride(options.abiOverride, env);
  const launcherPath = options.launcherPath ?? locateLauncher({ env });
  const stdout = await new Promise<string>((resolvePromise, reject) => {
    execFile(
      launcherPath,
      ['--probe'],
      { timeout: options.timeoutMs ?? 10_000, env: {}, maxBuffer: 1 << 20 },
      (error, out, errorOutput) => {
        if (error) {
          const detail = errorOutput.trim().split('\n')[0] ?? '';
          reject(
            new NativeError(
              'LAUNCHER_FAILED',
              `${launcherPath} --probe failed: ${detail === '' ? error.message : detail}`,
              { cause: error },
            ),
          );
          return;
        }
        resolvePromise(out);
      },
    );
  });
  return parseProbeOutput(stdout, { launcherPath, abiOverride });
}

/**
 * Validates the launcher's `--probe` output and turns it into a {@link ProbeReport}.
 *
 * @throws {@link NativeError} `PROBE_INVALID` naming the first problem.
 */
export function parseProbeOutput(
  output: string,
  context: { launcherPath: string; abiOverride: number | null },
): ProbeReport {
  let json: unknown;
  try {
    json = JSON.parse(output);
  } catch (error) {
    throw new NativeError(
      'PROBE_INVALID',
      `the launcher's --probe output is not JSON: ${output.slice(0, 80)}`,
      {
        cause: error,
      },
    );
  }
  const parsed = launcherProbeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NativeError(
      'PROBE_INVALID',
      `the launcher's --probe output is invalid: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
      { cause: parsed.error },
    );
  }
  const raw = parsed.data;
  const landlockAbi =
    context.abiOverride === null ? raw.landlock_abi : Math.min(context.abiOverride, raw.landlock_abi);
  const capability = (
    available: boolean | undefined,
    reason: string | null | undefined,
  ): ProbeCapability => ({
    available: available ?? null,
    reason: reason ?? null,
  });
  return {
    launcherVersion: raw.version ?? null,
    kernel: raw.kernel,
    arch: raw.arch,
    landlockAbi,
    kernelLandlockAbi: raw.landlock_abi,
    abiOverride: context.abiOverride,
    seccomp: raw.seccomp,
    seccompFilter: raw.seccomp_filter,
    userNamespaces: raw.user_namespaces,
    userNamespacesReason: raw.user_namespaces_reason ?? null,
    netNamespaces: raw.net_namespaces,
    netNamespacesReason: raw.net_namespaces_reason ?? null,
    namespaces: {
      user: capability(raw.user_namespaces, raw.user_namespaces_reason),
      mount: capability(raw.mount_namespaces, raw.mount_namespaces_reason),
      pid: capability(raw.pid_namespaces, raw.pid_namespaces_reason),
      net: capability(raw.net_namespaces, raw.net_namespaces_reason),
      ipc: capability(raw.ipc_namespaces, raw.ipc_namespaces_reason),
      uts: capability(raw.uts_namespaces, raw.uts_namespaces_reason),
      cgroup: capability(raw.cgroup_namespaces, raw.cgroup_namespaces_reason),
    },
    procMount: capability(raw.proc_mount, raw.proc_mount_reason),
    apparmorUsernsRestricted: raw.apparmor_userns_restricted,
    noNewPrivs: raw.no_new_privs,
    launcherPath: context.launcherPath,
  };
}

/**
 * The Landlock ABI override in force: `explicit` when given (null = none), else
 * `NEMOCLAW_LANDLOCK_ABI` from `env`.
 *
 * @throws {@link NativeError} `PLAN_INVALID` when the value is not an integer from 1 to 7.
 */
export function resolveAbiOverride(
  explicit: number | null | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): number | null {
  if (explicit !== undefined) return explicit === null ? null : checkAbi(String(explicit), 'abiOverride');
  const fromEnv = env.NEMOCLAW_LANDLOCK_ABI;
  if (fromEnv === undefined || fromEnv === '') return null;
  return checkAbi(fromEnv, 'NEMOCLAW_LANDLOCK_ABI');
}

function checkAbi(value: string, source: string): number {
  if (!/^[1-7]$/.test(value)) {
    throw new NativeError('PLAN_INVALID', `${source} must be a Landlock ABI from 1 to 7, got ${value}`);
  }
  return Number(value);
}
