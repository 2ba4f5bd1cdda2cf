import { statSync } from 'node:fs';
import { constants, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { LaunchPlan, SkippedPath } from '@nemoclaw/native';
import type { Policy } from '@nemoclaw/policy';
import { Command } from 'commander';
import { NemoclawCliError } from '../cli-error.js';

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
 * @throws {@link NemoclawCliError} for usage, policy and installation problems (with their exit code).
 */
export async function executeRun(request: RunRequest, io: RunIo): Promise<number> {
  const [{ loadPolicyFile, formatDiagnostic, shippedPoliciesDir }, native] = await Promise.all([
    import('@nemoclaw/policy'),
    import('@nemoclaw/native'),
  ]);
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
  const policyPath = request.policy ?? join(shippedPoliciesDir(), 'default.yaml');
  const loaded = loadPolicyFile(policyPath, { workdir, home });
  if (!loaded.ok) {
    const [first, ...rest] = loaded.error.diagnostics;
    const text = first === undefined ? loaded.error.message : formatDiagnostic(first);
    const more = rest.length === 0 ? '' : ` (and ${rest.length} more)`;
    throw new NemoclawCliError('INVALID_POLICY', `policy: ${text}${more}`, {
      exitCode: runExitCodes.policy,
      cause: loaded.error,
    });
  }

  // With network_policies, the sandbox's only way out is an in-process egress proxy behind the bridge.
  const network = await startRunNetwork(loaded.value, io);
  let handle: ReturnType<typeof native.spawnSandboxed>;
  try {
    handle = native.spawnSandboxed(network?.policy ?? loaded.value, request.command, {
      ...(network === null ? {} : { bridge: network.bridge }),
      workdir,
      home,
      env: io.env,
      stdio: io.stdio,
      pty: request.pty === true,
      verbose: request.verbose === true,
      ...(request.name === undefined ? {} : { hostname: request.name }),
    });
  } catch (error) {
    await network?.close();
    if (error instanceof native.NativeError) {
      if (error.code === 'LAUNCHER_NOT_FOUND') {
        throw new NemoclawCliError('NOT_FOUND', `launcher: ${error.message}`, {
          exitCode: runExitCodes.launcherMissing,
          cause: error,
        });
      }
      throw new NemoclawCliError('INVALID_POLICY', `policy: ${policyPath}: ${error.message}`, {
        exitCode: runExitCodes.policy,
        cause: error,
      });
    }
    throw error;
  }
  if (request.verbose === true && handle.plan !== null) {
    io.stderr.write(`nemoclaw: ${describePlan(handle.plan, handle.skipped, policyPath)}\n`);
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
  try {
    const exit = await handle.exited;
    if (exit.code !== null) return exit.code;
    return 128 + (exit.signal === null ? 9 : signalNumber(exit.signal));
  } catch (error) {
    // The launcher's own line already reached stderr; its exit code tells the stage.
    if (error instanceof native.SandboxSetupError) return error.exitCode;
    throw error;
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    await network?.close();
  }
}

/**
 * Starts the egress proxy of a one-off sandbox when the policy has `network_policies` (state in
 * `$NEMOCLAW_HOME/run/`, removed afterwards); null without network. Denials are reported on
 * stderr as `nemoclaw: egress denied: <reason>`.
 */
async function startRunNetwork(policy: Policy, io: RunIo) {
  const { nemoclawHome, policyHasNetwork, startEphemeralNetwork } = await import('@nemoclaw/sandbox');
  if (!policyHasNetwork(policy)) return null;
  return startEphemeralNetwork(policy, {
    home: nemoclawHome(io.env),
    onDecision: (decision) => {
      if (!decision.allowed) io.stderr.write(`nemoclaw: egress denied: ${decision.reason ?? 'unknown'}\n`);
    },
  });
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
    `${plan.filesystem.deny.length} masked, ${plan.filesystem.read_only_binds.length} pinned read-only`,
    `seccomp ${plan.seccomp.profile}${plan.seccomp.allow.length === 0 ? '' : ` +allow ${plan.seccomp.allow.join(',')}`}${plan.seccomp.allow_unix_sockets ? ' +unix sockets' : ''}`,
    `network ${plan.bridge === null ? 'none' : `proxy via ${plan.bridge.listen}`}`,
    `env ${Object.keys(plan.env).length} vars`,
    `limits ${Object.entries(plan.rlimits)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}${plan.wall_seconds === 0 ? '' : ` wall=${plan.wall_seconds}s`}`,
  ];
  return `sandbox: ${parts.join('; ')}`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 9;
}
