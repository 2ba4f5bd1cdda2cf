import { constants, homedir, userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { NemoclawOcsfEvent } from '@nemoclaw/audit';
import type { LaunchPlan, SkippedPath } from '@nemoclaw/native';
import {
  inspectPathOnDisk,
  locateLauncher,
  NativeError,
  type SandboxedProcess,
  SandboxSetupError,
  sandboxEnvironment,
  spawnWithPlan,
} from '@nemoclaw/native/launch';
import type { Policy } from '@nemoclaw/policy';
import { shippedPoliciesDir } from '@nemoclaw/policy/shipped';
import { Command } from 'commander';
import { cliBuildId } from '../build-id.js';
import { NemoclawCliError } from '../cli-error.js';
import {
  openPlanCache,
  type PlanCache,
  type PlanCacheLookup,
  planCacheDirectory,
  planCacheKeyFile,
} from '../plan-cache.js';
import { type RunAudit, startRunAudit } from './run-audit.js';

/**
 * Exit codes of `nemoclaw run` besides the command's own (which passes through unchanged; 128+N
 * when it was killed by signal N).
 *
 * | code | meaning |
 * | --- | --- |
 * | 2 | usage: bad options, no command, the workdir is not a directory |
 * | 69 | the launcher `nemoclaw-sandbox-exec` is not installed (build it) |
 * | 78 | policy problem: unreadable, invalid, or not enforceable as written (`nemoclaw: policy: ...`) |
 * | 120-125 | the launcher could not set the sandbox up (its own line `nemoclaw-sandbox-exec: stage: reason`) |
 * | 126 / 127 | the command is not executable / not found (as shells do) |
 */
export const runExitCodes = {
  usage: 2,
  launcherMissing: 69,
  policy: 78,
} as const;

/** Parsed `nemoclaw run` inputs. */
export interface RunRequest {
  /** The command and its arguments. */
  readonly command: readonly string[];
  /** Policy file (default: the shipped policies/default.yaml). */
  readonly policy?: string;
  /** The sandbox's workdir (default: the current directory). */
  readonly workdir?: string;
  /** A name for the sandbox: its hostname inside. */
  readonly name?: string;
  /** Print a one-line summary of what is enforced. */
  readonly verbose?: boolean;
  /** Give the command a pseudo-terminal (interactive shells). */
  readonly pty?: boolean;
  /** false: bypass the plan cache (`--no-cache`; NEMOCLAW_NO_PLAN_CACHE=1 does the same). */
  readonly cache?: boolean;
}

/** Where `nemoclaw run` sends its own output, and how the command's stdio is wired. */
export interface RunIo {
  /** `inherit` (the CLI): the command uses this process's terminal; `pipe`: relayed to the writers below. */
  readonly stdio: 'inherit' | 'pipe';
  /** Receives the command's stdout with `stdio: 'pipe'`. */
  readonly stdout: Writable;
  /** Receives `nemoclaw run`'s own lines (and the command's stderr with `stdio: 'pipe'`). */
  readonly stderr: Writable;
  /** Environment `process.env.allow` picks from. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

const hostnamePattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** `nemoclaw run [--policy FILE] [--workdir DIR] [--name NAME] [--verbose] [--pty] -- CMD [ARGS...]` */
export function createRunCommand(): Command {
  return new Command('run')
    .description(
      'Run a command inside the kernel sandbox a policy describes (network only through the egress proxy)',
    )
    .option('--policy <file>', 'policy file (default: the shipped policies/default.yaml)')
    .option(
      '--workdir <dir>',
      'the sandbox workdir, granted read-write when the policy includes it (default: .)',
    )
    .option('--name <name>', 'a name for the sandbox (its hostname inside)')
    .option('--verbose', 'print a one-line summary of what is enforced')
    .option('--pty', 'give the command a pseudo-terminal (interactive shells)')
    .option('--no-cache', 'load and validate the policy in full, bypassing the plan cache')
    .argument('<command...>', 'the command and its arguments, after --')
    .addHelpText(
      'after',
      "\nExit codes: the command's own; 2 usage; 69 launcher not installed; 78 policy problem;\n120-125 sandbox setup failed (the launcher says why); 126 not executable; 127 not found.",
    )
    .exitOverride()
    .action(async (command: string[], options: Omit<RunRequest, 'command'>) => {
      process.exitCode = await executeRun(
        { ...options, command },
        { stdio: 'inherit', stdout: process.stdout, stderr: process.stderr, env: process.env },
      );
    });
}

/**
 * Loads the policy, starts the command in the sandbox and resolves to the exit code `nemoclaw run`
 * should end with (see {@link runExitCodes}). Problems before the command starts are reported as
 * one line `nemoclaw: <what>: <reason>` on `io.stderr`.
 *
 * The validated policy and plan come from the plan cache when nothing they depend on has changed
 * (see plan-cache.ts; `request.cache: false` or NEMOCLAW_NO_PLAN_CACHE=1 bypasses it); otherwise
 * the policy is loaded and validated in full, exactly as without a cache.
 *
 * @throws {@link NemoclawCliError} for usage, policy and installation problems (with their exit code).
 */
export async function executeRun(request: RunRequest, io: RunIo): Promise<number> {
  if (request.command.length === 0 || request.command[0] === '') {
    throw new NemoclawCliError('USAGE', 'run: no command given (nemoclaw run -- CMD [ARGS...])', {
      exitCode: runExitCodes.usage,
    });
  }
  const workdir = resolve(request.workdir ?? process.cwd());
  if (!isDirectory(workdir)) {
    throw new NemoclawCliError('USAGE', `run: workdir ${workdir} is not a directory`, {
      exitCode: runExitCodes.usage,
    });
  }
  if (request.name !== undefined && !hostnamePattern.test(request.name)) {
    throw new NemoclawCliError(
      'USAGE',
      `run: --name must be a hostname label (letters, digits, -), got "${request.name}"`,
      {
        exitCode: runExitCodes.usage,
      },
    );
  }
  const home = io.env.HOME?.startsWith('/') === true ? io.env.HOME : homedir();
  const configuredState = io.env.NEMOCLAW_HOME;
  if (configuredState !== undefined && configuredState !== '' && !isAbsolute(configuredState)) {
    throw new NemoclawCliError(
      'USAGE',
      `run: NEMOCLAW_HOME must be an absolute path, got "${configuredState}"`,
      {
        exitCode: runExitCodes.usage,
      },
    );
  }
  const stateRoot =
    configuredState === undefined || configuredState === ''
      ? join(home, '.nemoclaw')
      : resolve(configuredState);
  const policiesDir = shippedPoliciesDir();
  const policyPath = request.policy ?? join(policiesDir, 'default.yaml');
  const lookup: PlanCacheLookup = {
    policyPath: resolve(workdir, policyPath),
    workdir,
    home,
    user: currentUser(io.env),
    policiesDir,
    hostname: request.name ?? null,
    pty: request.pty === true,
    verbose: request.verbose === true,
    nemoclawHome: io.env.NEMOCLAW_HOME ?? null,
    abiOverride: io.env.NEMOCLAW_LANDLOCK_ABI ?? null,
  };
  const cache = openRunPlanCache(request, io, home, stateRoot);
  const found = cache?.lookup(lookup, inspectPathOnDisk) ?? null;
  // An entry without a plan is only ever written for a policy with network (the plan needs the bridge).
  const hit = found !== null && (found.plan !== null || policyHasNetwork(found.policy)) ? found : null;

  let policy: Policy;
  let prepared: { plan: LaunchPlan; skipped: readonly SkippedPath[] } | null = null;
  if (hit !== null) {
    policy = hit.policy;
    if (hit.plan !== null) {
      prepared = { plan: fillPlan(hit.plan.template, hit.policy, request, io), skipped: hit.plan.skipped };
    }
  } else {
    // A miss: load and validate in full (the policy loader and its schemas load only now).
    const { prepareRun } = await import('./run-prepare.js');
    const result = prepareRun(policyPath, lookup, request, io);
    policy = result.policy;
    prepared = result.prepared;
    if (result.entry !== null) cache?.store(lookup, result.entry);
  }

  // With network_policies, the sandbox's only way out is an in-process egress proxy behind the bridge.
  let audit: RunAudit | null = null;
  const started =
    prepared !== null
      ? startPlanned(prepared, io, policyPath)
      : await startWithNetwork(policy, {
          request,
          io,
          workdir,
          home,
          policyPath,
          onAuditEvent: (build) => audit?.network(build),
        });
  const { handle, plan, skipped, network } = started;
  audit = startRunAudit(
    stateRoot,
    {
      pid: handle.pid,
      executable: plan.command.argv[0] ?? request.command[0] ?? '',
      argv: request.command,
      workingDirectory: plan.command.cwd ?? workdir,
    },
    request.name === undefined ? {} : { name: request.name },
  );
  if (request.verbose === true) {
    io.stderr.write(`nemoclaw: ${describePlan(plan, skipped, policyPath)}\n`);
    io.stderr.write(`nemoclaw: audit log ${audit.path}\n`);
  }
  if (io.stdio === 'pipe') {
    handle.stdin?.end();
    handle.stdout?.pipe(io.stdout, { end: false });
    handle.stderr?.pipe(io.stderr, { end: false });
  }

  const forward = (signal: NodeJS.Signals) => () => handle.kill(signal);
  const ignoreInterrupt = () => {
    // The terminal delivers Ctrl-C to the launcher too (same process group); it forwards it once.
  };
  const handlers: [NodeJS.Signals, () => void][] = [
    ['SIGINT', ignoreInterrupt],
    ['SIGTERM', forward('SIGTERM')],
    ['SIGHUP', forward('SIGHUP')],
  ];
  for (const [signal, handler] of handlers) process.on(signal, handler);
  let exit: LauncherExit = { code: null, signal: null };
  try {
    exit = await handle.exited;
    if (exit.code !== null) return exit.code;
    return 128 + (exit.signal === null ? 9 : signalNumber(exit.signal));
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    await network?.close();
    await audit.finish(exit).catch((error: unknown) => {
      io.stderr.write(`nemoclaw: audit: cannot write ${audit?.path}: ${(error as Error).message}\n`);
    });
  }
}

/** The launcher as `run` uses it: streams, its exit (a setup failure as its exit code), kill. */
interface LauncherHandle {
  readonly pid: number | undefined;
  readonly stdin: SandboxedProcess['stdin'];
  readonly stdout: SandboxedProcess['stdout'];
  readonly stderr: SandboxedProcess['stderr'];
  readonly exited: Promise<LauncherExit>;
  kill(signal: NodeJS.Signals): boolean;
}

/** How the launcher ended; `setupFailure` is its own `stage: reason` line when it could not set the sandbox up. */
interface LauncherExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly setupFailure?: string;
}

/** A started sandbox: the launcher, the plan it was given, and the egress proxy (with network). */
interface StartedRun {
  readonly handle: LauncherHandle;
  readonly plan: LaunchPlan;
  readonly skipped: readonly SkippedPath[];
  readonly network: { close(): Promise<void> } | null;
}

/** Starts the launcher with a ready plan (no network). */
function startPlanned(
  prepared: { plan: LaunchPlan; skipped: readonly SkippedPath[] },
  io: RunIo,
  policyPath: string,
): StartedRun {
  let sandboxed: SandboxedProcess;
  try {
    sandboxed = spawnWithPlan(prepared.plan, {
      launcherPath: locateLauncher({ env: io.env }),
      stdio: io.stdio,
    });
  } catch (error) {
    throw error instanceof NativeError ? nativeCliError(error, policyPath) : error;
  }
  return { handle: launcherHandle(sandboxed), plan: prepared.plan, skipped: prepared.skipped, network: null };
}

/** The handle `run` needs: a setup failure resolves to the launcher's exit code (its own line already reached stderr). */
function launcherHandle(sandboxed: SandboxedProcess): LauncherHandle {
  const exited = sandboxed.exited.catch((error: unknown) => {
    if (error instanceof SandboxSetupError)
      return { code: error.exitCode, signal: null, setupFailure: `${error.stage}: ${error.reason}` };
    throw error;
  });
  return {
    pid: sandboxed.pid,
    stdin: sandboxed.stdin,
    stdout: sandboxed.stdout,
    stderr: sandboxed.stderr,
    exited,
    kill: (signal) => sandboxed.kill(signal),
  };
}

/**
 * Starts the egress proxy of a one-off sandbox (state in `$NEMOCLAW_HOME/run/`, removed
 * afterwards), then the sandbox behind its bridge. Denials are reported on stderr as
 * `nemoclaw: egress denied: <reason>`.
 */
async function startWithNetwork(
  policy: Policy,
  context: {
    request: RunRequest;
    io: RunIo;
    workdir: string;
    home: string;
    policyPath: string;
    /** Every egress decision, as an OCSF event for the run's audit log. */
    onAuditEvent: (build: (tags: { sandbox: string; correlationUid: string }) => NemoclawOcsfEvent) => void;
  },
): Promise<StartedRun> {
  const { request, io } = context;
  const [native, { egressDecisionToAuditEvent, nemoclawHome, startEphemeralNetwork }] = await Promise.all([
    import('@nemoclaw/native'),
    import('@nemoclaw/sandbox'),
  ]);
  const network = await startEphemeralNetwork(policy, {
    home: nemoclawHome(io.env),
    onDecision: (decision) => {
      if (!decision.allowed) io.stderr.write(`nemoclaw: egress denied: ${decision.reason ?? 'unknown'}\n`);
      context.onAuditEvent((tags) => egressDecisionToAuditEvent(decision, { sandbox: tags.sandbox }));
    },
  });
  let sandboxed: SandboxedProcess;
  try {
    sandboxed = native.spawnSandboxed(network.policy, request.command, {
      bridge: network.bridge,
      workdir: context.workdir,
      home: context.home,
      env: io.env,
      stdio: io.stdio,
      pty: request.pty === true,
      verbose: request.verbose === true,
      ...(request.name === undefined ? {} : { hostname: request.name }),
    });
  } catch (error) {
    await network.close();
    throw error instanceof native.NativeError ? nativeCliError(error, context.policyPath) : error;
  }
  const plan = sandboxed.plan;
  if (plan === null) throw new Error('spawnSandboxed returned no plan');
  return {
    handle: launcherHandle(sandboxed),
    plan,
    skipped: sandboxed.skipped,
    network,
  };
}

/** The CLI error for a `NativeError` (launcher missing: 69; a plan the policy cannot make: 78). */
export function nativeCliError(error: NativeError, policyPath: string): NemoclawCliError {
  if (error.code === 'LAUNCHER_NOT_FOUND') {
    return new NemoclawCliError('NOT_FOUND', `launcher: ${error.message}`, {
      exitCode: runExitCodes.launcherMissing,
      cause: error,
    });
  }
  return new NemoclawCliError('INVALID_POLICY', `policy: ${policyPath}: ${error.message}`, {
    exitCode: runExitCodes.policy,
    cause: error,
  });
}

/** True when the policy lets the sandbox reach anything (a non-empty `network_policies`). */
function policyHasNetwork(policy: Policy): boolean {
  return Object.keys(policy.network_policies ?? {}).length > 0;
}

/**
 * The cache for this run, or null when it is bypassed (`--no-cache`, NEMOCLAW_NO_PLAN_CACHE=1) or
 * cannot be trusted. The key is created even then: it must exist before any sandbox runs, so that
 * no sandbox that can write the home directory ever gets to create it.
 */
function openRunPlanCache(request: RunRequest, io: RunIo, home: string, stateRoot: string): PlanCache | null {
  const bypass = request.cache === false || io.env.NEMOCLAW_NO_PLAN_CACHE === '1';
  return openPlanCache({
    directory: planCacheDirectory(io.env, home),
    keyFile: planCacheKeyFile(stateRoot),
    buildId: cliBuildId(),
    keyOnly: bypass,
  });
}

/** A cached plan template with this run's command line and environment filled in. */
export function fillPlan(template: LaunchPlan, policy: Policy, request: RunRequest, io: RunIo): LaunchPlan {
  return {
    ...template,
    command: { ...template.command, argv: [...request.command] },
    env: sandboxEnvironment(policy, io.env),
  };
}

/** The user name `${USER}` expands to (as the policy loader finds it). */
function currentUser(env: RunIo['env']): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'sandbox';
  }
}

/**
 * One line of what the plan enforces, e.g. `sandbox: policy default.yaml; landlock
 * hard_requirement, 9 paths (2 missing skipped); 3 masked; seccomp default; network none; env 5
 * vars; limits nofile=1024 nproc=512`.
 */
export function describePlan(plan: LaunchPlan, skipped: readonly SkippedPath[], policyPath: string): string {
  const writable = plan.landlock.paths.filter((rule) => rule.access.includes('write')).length;
  const parts = [
    `policy ${policyPath}`,
    `landlock ${plan.landlock.compatibility}${plan.abi_override === null ? '' : ` (ABI override ${plan.abi_override})`}, ${plan.landlock.paths.length} paths (${writable} writable${skipped.length === 0 ? '' : `, ${skipped.length} missing skipped`})`,
    `${plan.filesystem.deny.length} masked, ${plan.filesystem.read_only_binds.length} pinned read-only${placeholderCount(plan) === 0 ? '' : ` + ${placeholderCount(plan)} placeholders`}`,
    `seccomp ${plan.seccomp.profile}${plan.seccomp.allow.length === 0 ? '' : ` +allow ${plan.seccomp.allow.join(',')}`}${plan.seccomp.allow_unix_sockets ? ' +unix sockets' : ''}`,
    `network ${plan.bridge === null ? 'none' : `proxy via ${plan.bridge.listen}`}`,
    `env ${Object.keys(plan.env).length} vars`,
    `limits ${Object.entries(plan.rlimits)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}${plan.wall_seconds === 0 ? '' : ` wall=${plan.wall_seconds}s`}`,
  ];
  return `sandbox: ${parts.join('; ')}`;
}

/** Persistence points the launcher holds read-only while they do not exist (directories and files). */
function placeholderCount(plan: LaunchPlan): number {
  return (plan.filesystem.placeholders?.length ?? 0) + (plan.filesystem.placeholder_files?.length ?? 0);
}

function isDirectory(path: string): boolean {
  return inspectPathOnDisk(path) === 'directory';
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 9;
}
