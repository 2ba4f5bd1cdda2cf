import type { Command } from 'commander';
import { createAuditCommand } from './commands/audit.js';
import { createDoctorCommand } from './commands/doctor.js';
import { createPolicyCommand } from './commands/policy.js';
import { createPrivacyCommand } from './commands/privacy.js';
import { createRouterCommand } from './commands/router.js';
import { createRunCommand } from './commands/run.js';
import { createSandboxCommand } from './commands/sandbox.js';
import { baseProgram } from './run-cli.js';

export { cliExitCodes, runCli } from './run-cli.js';

/** Builds the `nemoclaw` command tree. Each subcommand lives in its own module under commands/. */
export function createProgram(): Command {
  const program = baseProgram();
  program.addCommand(createRunCommand());
  program.addCommand(createDoctorCommand());
  program.addCommand(createAuditCommand());
  program.addCommand(createPolicyCommand());
  program.addCommand(createRouterCommand());
  program.addCommand(createPrivacyCommand());
  program.addCommand(createSandboxCommand());
  return program;
}
