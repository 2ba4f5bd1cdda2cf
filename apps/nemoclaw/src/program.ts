import { Command, CommanderError } from 'commander';
import { NemoclawCliError } from './cli-error.js';
import { createAuditCommand } from './commands/audit.js';
import { createDoctorCommand } from './commands/doctor.js';
import { createPolicyCommand } from './commands/policy.js';
import { createPrivacyCommand } from './commands/privacy.js';
import { createRouterCommand } from './commands/router.js';
import { createRunCommand } from './commands/run.js';
import { createSandboxCommand } from './commands/sandbox.js';

/** Exit codes of the `nemoclaw` command itself (a sandboxed command's own code passes through). */
export const cliExitCodes = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

/** Builds the `nemoclaw` command tree. Each subcommand lives in its own module under commands/. */
export function createProgram(): Command {
  const program = new Command('nemoclaw')
    .description('Kernel sandbox, egress proxy and privacy router for AI agents')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(createRunCommand());
  program.addCommand(createDoctorCommand());
  program.addCommand(createAuditCommand());
  program.addCommand(createPolicyCommand());
  program.addCommand(createRouterCommand());
  program.addCommand(createPrivacyCommand());
  program.addCommand(createSandboxCommand());
  return program;
}

/**
 * Runs the CLI with `argv` (as in `process.argv`) and resolves to the exit code. Errors are printed
 * as one readable line; stack traces only with NEMOCLAW_DEBUG=1.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : cliExitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? cliExitCodes.ok : cliExitCodes.usage;
    }
    if (error instanceof NemoclawCliError) {
      process.stderr.write(`nemoclaw: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`nemoclaw: ${message}\n`);
    if (process.env.NEMOCLAW_DEBUG === '1' && error instanceof Error)
      process.stderr.write(`${error.stack}\n`);
    return cliExitCodes.failure;
  }
}

function packageVersion(): string {
  return '0.0.0';
}
