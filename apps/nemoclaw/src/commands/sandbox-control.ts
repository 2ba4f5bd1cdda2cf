import { Command } from 'commander';
import { printJson, stateHome, withCliErrors } from './sandbox-common.js';
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
      'accepted for symmetry with run/create; must be omitted (the sandbox policy applies)',
    )
    .exitOverride()
    .action(async (name: string, command: string[], options: { workdir?: string; policy?: string }) => {
      process.exitCode = await withCliErrors(async () => {
        if (options.policy !== undefined) {
          const { SandboxError } = await import('@nemoclaw/sandbox');
          throw new SandboxError(
            'sandbox-exec-policy',
            'exec runs under the policy of the sandbox; change it with `nemoclaw policy apply`',
          );
        }
        await requireSandbox(name);
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
