import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlan, runSandboxed, type SandboxPolicy, SandboxSetupError } from '@nemoclaw/native';
import { loadPolicyFile, type Policy } from '@nemoclaw/policy';
import { buildFreshLauncher } from '../../../packages/native/test-support/fresh-launcher.ts';

/** The repository root, resolved from this file (CI clones the repository elsewhere). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const probeSource = fileURLToPath(new URL('./attack.c', import.meta.url));

/** The launcher built from native/ (make, a no-op when fresh). */
export function launcherPath(): string {
  cachedLauncher ??= process.env.NEMOCLAW_SANDBOX_EXEC ?? buildFreshLauncher();
  return cachedLauncher;
}

let cachedLauncher: string | undefined;
let cachedProbe: string | undefined;

/**
 * Compiles support/attack.c with `cc` into a directory of its own (cached by source hash) and
 * returns the binary's path. The directory is added read-only to every policy under test so the
 * probe can run even where the workdir is not executable.
 */
export function buildProbe(): string {
  if (cachedProbe !== undefined) return cachedProbe;
  const source = readFileSync(probeSource);
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
  // Outside /tmp: the repository may be cloned under /tmp, which the sandbox replaces with a
  // private tmpfs, so a probe kept inside the clone would not exist in there.
  const directory = join(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), 'nemoclaw-attack-probe', digest);
  const binary = join(directory, 'attack');
  if (!existsSync(binary)) {
    mkdirSync(directory, { recursive: true });
    const temporary = `${binary}.${process.pid}`;
    execFileSync('cc', ['-O1', '-Wall', '-o', temporary, probeSource], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    execFileSync('mv', ['-f', temporary, binary]);
  }
  cachedProbe = binary;
  return binary;
}

/**
 * A small world on disk for one test file, under /var/tmp (the sandbox gets a private /tmp):
 * a fake home with secrets and start-up files, a project (the workdir) that is a git repository
 * with a .env, another project outside the workdir with its own .env, and a sandbox state dir
 * holding the sandbox's policy file.
 */
export interface AttackWorld {
  readonly root: string;
  readonly home: string;
  readonly workdir: string;
  readonly otherProject: string;
  readonly stateDirectory: string;
  readonly policyFile: string;
  readonly secrets: {
    readonly sshKey: string;
    readonly awsCredentials: string;
    readonly otherEnv: string;
    readonly bashrc: string;
  };
  dispose(): void;
}

/** The content planted in every secret file, so a leak is recognisable. */
export const secretMarker = 'NEMOCLAW-ATTACK-SECRET';

/** Creates an {@link AttackWorld}. */
export function createWorld(label: string): AttackWorld {
  const base = existsSync('/var/tmp') ? '/var/tmp' : tmpdir();
  const root = mkdtempSync(join(base, `nemoclaw-attack-${label}-`));
  const home = join(root, 'home');
  const workdir = join(home, 'project');
  const otherProject = join(root, 'other-project');
  const stateDirectory = join(home, '.nemoclaw', 'sandboxes', 'attack');
  for (const directory of [join(home, '.ssh'), join(home, '.aws'), workdir, otherProject, stateDirectory]) {
    mkdirSync(directory, { recursive: true });
  }
  const sshKey = join(home, '.ssh', 'id_ed25519');
  const awsCredentials = join(home, '.aws', 'credentials');
  const otherEnv = join(otherProject, '.env');
  const bashrc = join(home, '.bashrc');
  writeFileSync(sshKey, `-----BEGIN OPENSSH PRIVATE KEY----- ${secretMarker}-ssh\n`, { mode: 0o600 });
  writeFileSync(awsCredentials, `[default]\naws_secret_access_key = ${secretMarker}-aws\n`, { mode: 0o600 });
  writeFileSync(otherEnv, `DATABASE_PASSWORD=${secretMarker}-env\n`);
  writeFileSync(bashrc, '# the real bashrc\n');
  writeFileSync(join(home, '.git-credentials'), `https://u:${secretMarker}@example.com\n`, { mode: 0o600 });
  writeFileSync(join(workdir, '.env'), 'WORKDIR_SETTING=visible\n');
  execFileSync('git', ['init', '-q', workdir]);
  const policyFile = join(stateDirectory, 'policy.yaml');
  writeFileSync(policyFile, readFileSync(join(repoRoot, 'policies', 'default.yaml')));
  return {
    root,
    home,
    workdir,
    otherProject,
    stateDirectory,
    policyFile,
    secrets: { sshKey, awsCredentials, otherEnv, bashrc },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * Loads a shipped policy (policies/<name>.yaml) with `@nemoclaw/policy` for `world` (home and
 * workdir expanded), and adds the probe's directory read-only so the probe can run.
 */
export function shippedPolicy(
  name: 'default' | 'strict',
  world: AttackWorld,
  workdir = world.workdir,
): Policy {
  const key = `${name}\0${world.home}\0${workdir}`;
  const cached = policyCache.get(key);
  if (cached !== undefined) return cached;
  const loaded = loadPolicyFile(join(repoRoot, 'policies', `${name}.yaml`), { home: world.home, workdir });
  if (!loaded.ok) throw new Error(`cannot load policies/${name}.yaml: ${loaded.error.message}`);
  const policy = withProbe(loaded.value);
  policyCache.set(key, policy);
  return policy;
}

const policyCache = new Map<string, Policy>();

/** A copy of `policy` with the probe directory readable and executable. */
export function withProbe<T extends SandboxPolicy>(policy: T): T {
  const probeDirectory = join(buildProbe(), '..');
  const filesystem = policy.filesystem_policy ?? {};
  return {
    ...policy,
    filesystem_policy: { ...filesystem, read_only: [...(filesystem.read_only ?? []), probeDirectory] },
  };
}

/** True when the tests run as root (some controls need privileges an ordinary user lacks). */
export const runningAsRoot = process.getuid?.() === 0;

/**
 * Asserts the control: the same attempt succeeded outside the sandbox. Controls that only root
 * can perform (mknod, raw sockets, bpf) are asserted when the suite runs as root.
 */
export function expectSucceeded(result: AttemptResult, options: { rootOnly?: boolean } = {}): void {
  if (options.rootOnly === true && !runningAsRoot) return;
  if (result.outcome !== 'ok') {
    throw new Error(`control failed outside the sandbox: ${result.stdout.trim()} ${result.stderr.trim()}`);
  }
}

/** Result of one attempt, inside or outside. */
export interface AttemptResult {
  /** Exit code (null when killed by a signal). */
  readonly code: number | null;
  /** The signal that killed the process (outside), or null. */
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The first word the probe printed: `ok` or an errno name. */
  readonly outcome: string;
}

function outcomeOf(stdout: string): string {
  return stdout.trim().split(/\s+/)[0] ?? '';
}

/** Options of {@link inSandbox}. */
export interface InSandboxOptions {
  readonly world: AttackWorld;
  readonly policy: SandboxPolicy;
  /** The sandbox's workdir (default: the world's project). */
  readonly workdir?: string;
  /** Caller environment (what `process.env.allow` picks from). */
  readonly env?: Record<string, string>;
  readonly abiOverride?: number | null;
  readonly input?: string;
}

/** Runs `command` inside the sandbox described by `options.policy`, through `@nemoclaw/native`. */
export async function inSandbox(
  command: readonly string[],
  options: InSandboxOptions,
): Promise<AttemptResult> {
  const workdir = options.workdir ?? options.world.workdir;
  const result = await runSandboxed(options.policy, command, {
    workdir,
    home: options.world.home,
    env: options.env ?? { PATH: '/usr/bin:/bin', HOME: options.world.home, LANG: 'C.UTF-8' },
    launcherPath: launcherPath(),
    abiOverride: options.abiOverride ?? null,
    input: options.input,
  });
  return { ...result, signal: result.signal, outcome: outcomeOf(result.stdout) };
}

/** Runs the probe inside the sandbox: `attack OP ARGS...`. */
export function probeInside(args: readonly string[], options: InSandboxOptions): Promise<AttemptResult> {
  return inSandbox([buildProbe(), ...args], options);
}

/** Runs `command` outside any sandbox (the control), with `env` and `cwd`. */
export function outside(
  command: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): AttemptResult {
  const [file, ...args] = command;
  if (file === undefined) throw new Error('no command');
  const result = spawnSync(file, args, {
    cwd: options.cwd,
    env: options.env ?? { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
  });
  return {
    code: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
    outcome: outcomeOf(result.stdout),
  };
}

/** Runs the probe outside any sandbox: the control. */
export function probeOutside(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): AttemptResult {
  return outside([buildProbe(), ...args], options);
}

/** Starts a long-running process outside the sandbox (a victim); kill it with `.kill()`. */
export function startVictim(seconds = 60): { pid: number; kill: () => void; alive: () => boolean } {
  const child = spawn('sleep', [String(seconds)], { stdio: 'ignore' });
  const pid = child.pid;
  if (pid === undefined) throw new Error('cannot start a victim process');
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  return {
    pid,
    kill: () => {
      if (!exited) child.kill('SIGKILL');
    },
    alive: () => !exited && isAlive(pid),
  };
}

/** True when a process with `pid` exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export { SandboxSetupError };

/** The launch plan for `command` under `policy` in `world`, written to a file for `--plan-file`. */
export function writePlanFile(
  policy: SandboxPolicy,
  command: readonly string[],
  world: AttackWorld,
  name = 'plan.json',
): string {
  const { plan } = buildPlan(policy, {
    command,
    workdir: world.workdir,
    home: world.home,
    env: { PATH: '/usr/bin:/bin', HOME: world.home, LANG: 'C.UTF-8' },
  });
  const path = join(world.root, name);
  writeFileSync(path, JSON.stringify(plan));
  return path;
}

function readSysctl(path: string): number | null {
  try {
    return Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
  } catch {
    return null;
  }
}

/**
 * Host settings that decide whether a control CAN succeed outside for an ordinary user (as root,
 * every control can). A control that cannot succeed is skipped, never weakened.
 */
export const hostAllows = {
  /** Yama ptrace_scope >= 1 forbids attaching to a non-child without CAP_SYS_PTRACE. */
  ptraceOthers: runningAsRoot || (readSysctl('/proc/sys/kernel/yama/ptrace_scope') ?? 0) === 0,
  /** dev.tty.legacy_tiocsti=0 forbids TIOCSTI without CAP_SYS_ADMIN. */
  tiocsti: runningAsRoot || (readSysctl('/proc/sys/dev/tty/legacy_tiocsti') ?? 1) === 1,
  /** perf_event_paranoid above 2 (Debian/Ubuntu patch) forbids unprivileged perf_event_open. */
  perfEvents: runningAsRoot || (readSysctl('/proc/sys/kernel/perf_event_paranoid') ?? 2) <= 2,
  /** kernel.io_uring_disabled 1 or 2 forbids io_uring to ordinary users. */
  ioUring:
    (readSysctl('/proc/sys/kernel/io_uring_disabled') ?? 0) === 0 ||
    (runningAsRoot && readSysctl('/proc/sys/kernel/io_uring_disabled') === 1),
};
