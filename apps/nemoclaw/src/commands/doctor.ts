import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { ProbeReport } from '@nemoclaw/native';
import { Command } from 'commander';
import { NemoclawCliError } from '../cli-error.js';

/** A Landlock ABI: the kernel release that introduced it and what it adds. */
export interface LandlockAbiFeature {
  readonly abi: number;
  readonly kernel: string;
  readonly feature: string;
}

/** What each Landlock ABI adds, and the first kernel that has it. */
export const landlockAbiFeatures: readonly LandlockAbiFeature[] = [
  { abi: 1, kernel: '5.13', feature: 'filesystem access rights per path (read, write, execute, make)' },
  { abi: 2, kernel: '5.19', feature: 'rename and link across directories (refer)' },
  { abi: 3, kernel: '6.2', feature: 'truncate as a separate right' },
  {
    abi: 4,
    kernel: '6.7',
    feature: 'TCP bind and connect by port (only the proxy bridge port is reachable)',
  },
  { abi: 5, kernel: '6.10', feature: 'ioctl on device files' },
  { abi: 6, kernel: '6.12', feature: 'scoping: abstract Unix sockets and signals to processes outside' },
  { abi: 7, kernel: '6.15', feature: 'audit logging of denials' },
];

/** The policy domains `nemoclaw doctor` reports on. */
export type DoctorDomain = 'sandbox' | 'filesystem' | 'syscalls' | 'network' | 'inference';

/** One thing this machine can or cannot enforce. */
export interface DoctorCheck {
  readonly domain: DoctorDomain;
  readonly feature: string;
  /** `ok`: enforced; `missing`: a protection the default policy needs is unavailable; `limited`: an extra layer is unavailable. */
  readonly status: 'ok' | 'missing' | 'limited';
  readonly detail: string;
  /** How to fix it, when it is not `ok`. */
  readonly fix?: string;
}

/** The full doctor report (also the `--json` output). */
export interface DoctorReport {
  readonly probe: ProbeReport;
  readonly checks: readonly DoctorCheck[];
  readonly landlock: readonly (LandlockAbiFeature & { readonly available: boolean })[];
  /** The shipped default policy can run here (nothing is `missing`). */
  readonly ready: boolean;
}

const kernelAdvice =
  'Landlock ABIs by kernel: 5.13 -> 1, 5.19 -> 2, 6.2 -> 3, 6.7 -> 4, 6.10 -> 5, 6.12 -> 6, 6.15 -> 7 ' +
  '(Ubuntu 22.04 ships 5.15 = ABI 1 and its HWE kernel 6.8 = ABI 4; Ubuntu 24.04 6.8 = ABI 4; Debian 12 6.1 = ABI 2; Debian 13 6.12 = ABI 6).';

/**
 * The Landlock ABI the shipped default policy needs under `hard_requirement` when its plan cannot
 * be built here: filesystem rules (1). Scoping, TCP port rules and truncate control are applied
 * where the kernel has them but not required (the namespaces and the read-only root cover them).
 */
export const defaultRequiredAbi = 1;

/**
 * Turns a probe into what each policy domain can enforce on this machine and how to fix what is
 * missing. Pure: the same probe gives the same report. `requiredAbi` is the Landlock ABI the
 * default policy needs under `hard_requirement`.
 */
export function diagnose(probe: ProbeReport, requiredAbi: number = defaultRequiredAbi): DoctorReport {
  const abi = probe.landlockAbi;
  const checks: DoctorCheck[] = [];
  const add = (check: DoctorCheck): void => {
    checks.push(check);
  };
  const upgrade = (needed: number): string => {
    const feature = landlockAbiFeatures.find((entry) => entry.abi === needed);
    return `run a kernel >= ${feature?.kernel ?? '?'} (Landlock ABI ${needed}). ${kernelAdvice}`;
  };

  add(
    abi >= requiredAbi
      ? {
          domain: 'sandbox',
          feature: 'default policy (hard_requirement)',
          status: 'ok',
          detail: `needs Landlock ABI ${requiredAbi}, this machine has ${abi}`,
        }
      : {
          domain: 'sandbox',
          feature: 'default policy (hard_requirement)',
          status: 'missing',
          detail: `needs Landlock ABI ${requiredAbi}, this machine has ${abi}: the launcher refuses to start (exit 123) rather than run with less`,
          fix: `${upgrade(requiredAbi)} Or accept less: \`landlock: { compatibility: best_effort }\` in your policy runs and prints exactly which protection is missing.`,
        },
  );

  add(
    probe.userNamespaces
      ? {
          domain: 'sandbox',
          feature: 'user namespaces',
          status: 'ok',
          detail: 'unprivileged user namespaces can be created',
        }
      : {
          domain: 'sandbox',
          feature: 'user namespaces',
          status: 'missing',
          detail: `cannot create a user namespace${probe.userNamespacesReason === null ? '' : `: ${probe.userNamespacesReason}`}`,
          fix: probe.apparmorUsernsRestricted
            ? 'AppArmor restricts unprivileged user namespaces (Ubuntu 23.10+). Install the launcher profile described in native/README.md ' +
              '(an /etc/apparmor.d profile for nemoclaw-sandbox-exec with the `userns,` rule, then `sudo apparmor_parser -r` it), ' +
              'or lift the restriction system-wide with `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` (weaker).'
            : 'Enable unprivileged user namespaces: `sudo sysctl -w user.max_user_namespaces=15000` ' +
              '(and `kernel.unprivileged_userns_clone=1` on older Debian kernels); containers may also need --security-opt seccomp=unconfined or a privileged runtime.',
        },
  );

  add(
    abi >= 1
      ? {
          domain: 'filesystem',
          feature: 'Landlock',
          status: 'ok',
          detail: `ABI ${abi}${probe.abiOverride === null ? '' : ` (override; the kernel has ${probe.kernelLandlockAbi})`}: per-path read/write/execute rights`,
        }
      : {
          domain: 'filesystem',
          feature: 'Landlock',
          status: 'missing',
          detail: 'Landlock is not available: filesystem rights cannot be enforced',
          fix: `Use a kernel >= 5.13 built with CONFIG_SECURITY_LANDLOCK=y and landlock in the boot \`lsm=\` list (e.g. lsm=landlock,lockdown,yama,integrity,apparmor). ${kernelAdvice}`,
        },
  );
  add(
    probe.userNamespaces
      ? {
          domain: 'filesystem',
          feature: 'masked paths (deny)',
          status: 'ok',
          detail: 'denied paths are hidden in a private mount namespace',
        }
      : {
          domain: 'filesystem',
          feature: 'masked paths (deny)',
          status: 'missing',
          detail: 'needs a mount namespace inside a user namespace',
          fix: 'see "user namespaces" above',
        },
  );
  for (const [needed, feature, consequence] of [
    [
      2,
      'rename/link across directories',
      'renames and hard links across directories are refused inside the sandbox',
    ],
    [3, 'truncate right', 'truncating files cannot be restricted separately from writing'],
    [5, 'device ioctl right', 'ioctl on device files is not restricted by Landlock'],
    [7, 'denial audit log', 'Landlock denials are not written to the kernel audit log'],
  ] as const) {
    add(
      abi >= needed
        ? { domain: 'filesystem', feature, status: 'ok', detail: `Landlock ABI ${needed}` }
        : { domain: 'filesystem', feature, status: 'limited', detail: consequence, fix: upgrade(needed) },
    );
  }

  add(
    probe.seccompFilter
      ? {
          domain: 'syscalls',
          feature: 'seccomp filter',
          status: 'ok',
          detail: 'the default and strict profiles can be installed',
        }
      : {
          domain: 'syscalls',
          feature: 'seccomp filter',
          status: 'missing',
          detail: 'seccomp BPF filters are not available',
          fix: 'Use a kernel built with CONFIG_SECCOMP_FILTER=y (every mainstream distribution kernel is); inside a container, allow seccomp.',
        },
  );
  add(
    probe.noNewPrivs
      ? {
          domain: 'syscalls',
          feature: 'no_new_privs',
          status: 'ok',
          detail: 'setuid binaries cannot gain privileges inside',
        }
      : {
          domain: 'syscalls',
          feature: 'no_new_privs',
          status: 'missing',
          detail: 'prctl(PR_SET_NO_NEW_PRIVS) failed',
          fix: 'Use a kernel >= 3.5; check that no security module forbids it.',
        },
  );

  add(
    probe.netNamespaces
      ? {
          domain: 'network',
          feature: 'network namespace',
          status: 'ok',
          detail: 'the sandbox gets an empty network (loopback only)',
        }
      : {
          domain: 'network',
          feature: 'network namespace',
          status: 'missing',
          detail: `cannot create a network namespace${probe.netNamespacesReason === null ? '' : `: ${probe.netNamespacesReason}`}`,
          fix: probe.userNamespaces
            ? 'Use a kernel built with CONFIG_NET_NS=y.'
            : 'see "user namespaces" above',
        },
  );
  add(
    abi >= 4
      ? {
          domain: 'network',
          feature: 'TCP ports (Landlock)',
          status: 'ok',
          detail: 'loopback TCP is limited to the proxy bridge port',
        }
      : {
          domain: 'network',
          feature: 'TCP ports (Landlock)',
          status: 'limited',
          detail:
            'loopback TCP inside the sandbox cannot be limited to the bridge port (the empty namespace still blocks the outside)',
          fix: upgrade(4),
        },
  );
  add(
    abi >= 6
      ? {
          domain: 'network',
          feature: 'abstract Unix sockets and signals (scoping)',
          status: 'ok',
          detail: 'Landlock ABI 6 scoping',
        }
      : {
          domain: 'network',
          feature: 'abstract Unix sockets and signals (scoping)',
          status: 'limited',
          detail: 'only the namespaces and seccomp stop abstract sockets and signals to outside processes',
          fix: upgrade(6),
        },
  );

  add({
    domain: 'inference',
    feature: 'privacy router',
    status: probe.netNamespaces ? 'ok' : 'missing',
    detail: probe.netNamespaces
      ? 'enforced in user space by the router; the sandbox can reach models only through the egress proxy'
      : 'without a network namespace the sandbox could bypass the router',
    ...(probe.netNamespaces ? {} : { fix: 'see "network namespace" above' }),
  });

  return {
    probe,
    checks,
    landlock: landlockAbiFeatures.map((entry) => ({ ...entry, available: abi >= entry.abi })),
    ready: checks.every((check) => check.status !== 'missing'),
  };
}

/** The report as text for a person. */
export function formatDoctorReport(report: DoctorReport): string {
  const { probe } = report;
  const lines = [
    `kernel ${probe.kernel} (${probe.arch}), launcher ${probe.launcherPath}`,
    `landlock ABI ${probe.landlockAbi}${probe.abiOverride === null ? '' : ` (override; kernel ${probe.kernelLandlockAbi})`}, seccomp ${probe.seccompFilter ? 'yes' : 'no'}, user namespaces ${probe.userNamespaces ? 'yes' : 'no'}, network namespaces ${probe.netNamespaces ? 'yes' : 'no'}, AppArmor userns restriction ${probe.apparmorUsernsRestricted ? 'ACTIVE' : 'no'}, no_new_privs ${probe.noNewPrivs ? 'yes' : 'no'}`,
    '',
  ];
  const domains: DoctorDomain[] = ['sandbox', 'filesystem', 'syscalls', 'network', 'inference'];
  const marks = { ok: 'ok     ', limited: 'limited', missing: 'MISSING' } as const;
  for (const domain of domains) {
    lines.push(`${domain}:`);
    for (const check of report.checks.filter((entry) => entry.domain === domain)) {
      lines.push(`  ${marks[check.status]}  ${check.feature}: ${check.detail}`);
      if (check.fix !== undefined) lines.push(`           fix: ${check.fix}`);
    }
  }
  lines.push('', 'landlock features:');
  for (const entry of report.landlock) {
    lines.push(
      `  ${entry.available ? 'yes' : 'no '}  ABI ${entry.abi} (kernel ${entry.kernel}): ${entry.feature}`,
    );
  }
  lines.push(
    '',
    report.ready
      ? 'ready: the default policy can be enforced on this machine'
      : 'NOT READY: fix the MISSING items above before running sandboxes',
  );
  return `${lines.join('\n')}\n`;
}

/** `nemoclaw doctor [--json]`: exit 0 when ready, 1 when something the default policy needs is missing. */
export function createDoctorCommand(): Command {
  return new Command('doctor')
    .description('Show what this machine can enforce, per policy domain, and how to fix what is missing')
    .option('--json', 'print the report as JSON')
    .exitOverride()
    .action(async (options: { json?: boolean }) => {
      process.exitCode = await executeDoctor(options, { stdout: process.stdout, env: process.env });
    });
}

/**
 * Probes the machine, writes the report (text or JSON) to `io.stdout` and resolves to the exit
 * code: 0 when the shipped default policy can be enforced here, 1 when something is missing.
 *
 * @throws {@link NemoclawCliError} when the launcher is missing or does not answer.
 */
export async function executeDoctor(
  options: { json?: boolean },
  io: { stdout: Writable; env: Readonly<Record<string, string | undefined>> },
): Promise<number> {
  const native = await import('@nemoclaw/native');
  let report: DoctorReport;
  try {
    const probeReport = await native.probe({ env: io.env });
    report = diagnose(probeReport, await defaultPolicyAbi());
  } catch (error) {
    if (error instanceof native.NativeError) {
      throw new NemoclawCliError(
        error.code === 'LAUNCHER_NOT_FOUND' ? 'NOT_FOUND' : 'FAILED',
        `doctor: ${error.message}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  io.stdout.write(
    options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report),
  );
  return report.ready ? 0 : 1;
}

/** The Landlock ABI the shipped default policy needs under hard_requirement (from its real plan). */
async function defaultPolicyAbi(): Promise<number> {
  const [{ loadPolicyFile, shippedPoliciesDir }, { buildPlan, landlockAbiRequiredBy }] = await Promise.all([
    import('@nemoclaw/policy'),
    import('@nemoclaw/native'),
  ]);
  const home = homedir();
  const loaded = loadPolicyFile(join(shippedPoliciesDir(), 'default.yaml'), { workdir: home, home });
  if (!loaded.ok) return defaultRequiredAbi;
  return landlockAbiRequiredBy(
    buildPlan(loaded.value, { command: ['true'], workdir: home, home, env: {} }).plan,
  );
}
