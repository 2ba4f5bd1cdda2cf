import { resolve } from 'node:path';
import type { SandboxSummary } from '@nemoclaw/sandbox';
import { Command } from 'commander';
import { NemoclawCliError } from '../cli-error.js';
import { printJson, sandboxExitCodes, stateHome, withCliErrors } from './sandbox-common.js';
import { requireSandbox } from './sandbox-inspect.js';

/** `nemoclaw sandbox stop NAME [--timeout MS] [--json]`: SIGTERM, then SIGKILL after the timeout. */
export function createSandboxStopCommand(): Command {
  return new Command('stop')
    .description('Stop a sandbox gracefully (SIGTERM, then SIGKILL after the timeout); its state is kept')
    .argument('<name>', 'the sandbox')
    .option('--timeout <ms>', 'how long to wait before SIGKILL (default 10000)')
    .option('--json', 'print {name, outcome} as JSON')
    .exitOverride()
    .action(async (name: string, options: { timeout?: string; json?: boolean }) => {
      await withCliErrors(async () => {
        await requireSandbox(name);
        const { stopSandbox } = await import('@nemoclaw/sandbox');
        const result = await stopSandbox(await stateHome(), name, timeoutOption(options.timeout));
        if (options.json === true) printJson(result);
        else process.stdout.write(`sandbox ${name}: ${result.outcome}\n`);
      });
    });
}

/** `nemoclaw sandbox destroy NAME [--json]`: stop, then remove the state directory. */
export function createSandboxDestroyCommand(): Command {
  return new Command('destroy')
    .description('Stop a sandbox and remove its state (policy, logs, audit log)')
    .argument('<name>', 'the sandbox')
    .option('--timeout <ms>', 'how long to wait before SIGKILL (default 10000)')
    .option('--json', 'print {name, outcome} as JSON')
    .exitOverride()
    .action(async (name: string, options: { timeout?: string; json?: boolean }) => {
      await withCliErrors(async () => {
        await requireSandbox(name);
        const { destroySandbox } = await import('@nemoclaw/sandbox');
        const result = await destroySandbox(await stateHome(), name, timeoutOption(options.timeout));
        if (options.json === true) printJson({ ...result, destroyed: true });
        else process.stdout.write(`sandbox ${name}: destroyed\n`);
      });
    });
}

/** `nemoclaw sandbox exec NAME [--workdir DIR] -- CMD [ARGS...]`: run CMD inside the running sandbox. */
export function createSandboxExecCommand(): Command {
  return new Command('exec')
    .description(
      'Run a command inside a running sandbox (joins its namespaces; the same Landlock and seccomp)',
    )
    .argument('<name>', 'the sandbox')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('--workdir <dir>', "the command's working directory inside (default: the sandbox workdir)")
    .option(
      '--policy <file>',
      "run only if the sandbox is under exactly this policy (exec always runs under the sandbox's policy; change it with `nemoclaw policy apply`)",
    )
    .exitOverride()
    .action(async (name: string, command: string[], options: { workdir?: string; policy?: string }) => {
      process.exitCode = await withCliErrors(async () => {
        const summary = await requireSandbox(name);
        if (options.policy !== undefined) await assertSandboxPolicy(summary, resolve(options.policy));
        const { execInSandbox } = await import('@nemoclaw/sandbox');
        const child = execInSandbox(await stateHome(), name, command, {
          stdio: 'inherit',
          ...(options.workdir === undefined ? {} : { cwd: options.workdir }),
        });
        return await new Promise<number>((resolve) => {
          child.once('error', () => resolve(125));
          child.once('close', (code, signal) => resolve(code ?? 128 + (signal === null ? 9 : 15)));
        });
      });
    });
}

function timeoutOption(value: string | undefined): { timeoutMs?: number } {
  if (value === undefined) return {};
  const timeoutMs = Number(value);
  return Number.isSafeInteger(timeoutMs) && timeoutMs >= 0 ? { timeoutMs } : {};
}

/**
 * `exec --policy FILE` is a guard, for the command-line contract shared with run/create: the
 * command runs only when FILE resolves (with the sandbox's workdir) to exactly the policy the
 * sandbox is under. Any difference is refused with the fields named, since a running sandbox's
 * locked domains cannot change and its hot domains change only through `nemoclaw policy apply`.
 */
async function assertSandboxPolicy(summary: SandboxSummary, policyFile: string): Promise<void> {
  const { diffPolicies, loadPolicyFile } = await import('@nemoclaw/policy');
  const workdir = summary.state?.workdir;
  const loadOptions = workdir === undefined ? {} : { workdir };
  const wanted = loadPolicyFile(policyFile, loadOptions);
  if (!wanted.ok) {
    throw new NemoclawCliError('INVALID_POLICY', `policy: ${wanted.error.message}`, {
      exitCode: sandboxExitCodes.policy,
    });
  }
  const current = loadPolicyFile(summary.paths.policyFile, loadOptions);
  if (!current.ok) {
    throw new NemoclawCliError('FAILED', `the policy of sandbox ${summary.name}: ${current.error.message}`);
  }
  const { changes } = diffPolicies(current.value, wanted.value);
  if (changes.length === 0) return;
  const listed = changes
    .map((change) => `  ${change.class.toUpperCase()} ${change.field}: ${change.explanation}`)
    .join('\n');
  throw new NemoclawCliError(
    'FAILED',
    `sandbox ${summary.name} is not under ${policyFile}; exec runs under the sandbox's policy, change it with \`nemoclaw policy apply\`:\n${listed}`,
  );
}
