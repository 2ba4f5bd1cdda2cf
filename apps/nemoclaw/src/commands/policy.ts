import { Command } from 'commander';
import { createPolicyApplyCommand } from './policy-apply.js';
import { createPolicyDiffCommand } from './policy-diff.js';
import { createPolicyImportCommand } from './policy-import.js';
import { createPolicyShowCommand } from './policy-show.js';
import { createPolicyValidateCommand } from './policy-validate.js';

/**
 * `nemoclaw policy validate|show|diff|import`: check, resolve, compare and convert policy files.
 * Other modules may add subcommands (e.g. `apply`) to the returned command.
 */
export function createPolicyCommand(): Command {
  return new Command('policy')
    .description('Validate, show, compare and import sandbox policies')
    .exitOverride()
    .addCommand(createPolicyValidateCommand())
    .addCommand(createPolicyShowCommand())
    .addCommand(createPolicyDiffCommand())
    .addCommand(createPolicyImportCommand())
    .addCommand(createPolicyApplyCommand());
}
