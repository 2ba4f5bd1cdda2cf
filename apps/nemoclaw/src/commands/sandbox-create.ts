import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { NemoclawCliError } from '../cli-error.js';
import { printJson, sandboxExitCodes, stateHome, withCliErrors } from './sandbox-common.js';

interface CreateOptions {
  name: string;
  policy?: string;
  workdir?: string;
  json?: boolean;
  stopTimeout?: string;
}

/** The argv that starts a supervisor: this CLI again, `sandbox supervise`. */
export function supervisorCommand(): string[] {
  const script = process.argv[1];
  if (script === undefined) throw new NemoclawCliError('FAILED', 'cannot tell how this CLI was started');
  return [process.execPath, ...process.execArgv, script, 'sandbox', 'supervise'];
}

/** `nemoclaw sandbox create --name N [--policy F] [--workdir D] [--json] -- CMD [ARGS...]` */
export function createSandboxCreateCommand(): Command {
  return new Command('create')
    .description('Start a named sandbox in the background under its own supervisor (egress proxy, audit log)')
    .requiredOption('--name <name>', 'sandbox name: [a-z0-9][a-z0-9-]{0,62}, unique')
    .option('--policy <file>', 'policy file (default: the shipped policies/default.yaml)')
    .option('--workdir <dir>', 'the sandbox workdir (default: .)')
    .option('--stop-timeout <ms>', 'grace period between SIGTERM and SIGKILL on stop (default 5000)')
    .option('--json', 'print {name, supervisorPid, launcherPid, initPid, directory} as JSON')
    .argument('<command...>', 'the command and its arguments, after --')
    .exitOverride()
    .action(async (command: string[], options: CreateOptions) => {
      await withCliErrors(async () => {
        const { createSandbox, validateSandboxName } = await import('@nemoclaw/sandbox');
        const { loadPolicyFile, shippedPoliciesDir } = await import('@nemoclaw/policy');
        const checked = validateSandboxName(options.name);
        if (!checked.ok) throw checked.error;
        const workdir = resolve(options.workdir ?? process.cwd());
        if (!isDirectory(workdir)) {
          throw new NemoclawCliError('USAGE', `workdir ${workdir} is not a directory`, {
            exitCode: sandboxExitCodes.usage,
          });
        }
        const policyFile = resolve(options.policy ?? join(shippedPoliciesDir(), 'default.yaml'));
        const loaded = loadPolicyFile(policyFile, { workdir });
        if (!loaded.ok) {
          throw new NemoclawCliError('INVALID_POLICY', `policy: ${loaded.error.message}`, {
            exitCode: sandboxExitCodes.policy,
          });
        }
        const stopTimeoutMs = options.stopTimeout === undefined ? undefined : Number(options.stopTimeout);
        if (stopTimeoutMs !== undefined && !(Number.isSafeInteger(stopTimeoutMs) && stopTimeoutMs >= 0)) {
          throw new NemoclawCliError('USAGE', '--stop-timeout must be a number of milliseconds', {
            exitCode: sandboxExitCodes.usage,
          });
        }
        const created = await createSandbox({
          name: checked.value,
          home: await stateHome(),
          policyFile,
          workdir,
          command,
          supervisorCommand: supervisorCommand(),
          ...(stopTimeoutMs === undefined ? {} : { stopTimeoutMs }),
        });
        if (options.json === true) printJson(created);
        else
          process.stdout.write(`sandbox ${created.name} running (supervisor pid ${created.supervisorPid})\n`);
      });
    });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
