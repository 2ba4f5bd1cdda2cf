import { Command } from 'commander';
import { loadPolicyForCli, type PolicyLoadCliOptions } from './policy-load.js';

/** `nemoclaw policy show FILE [--json]`: the resolved policy after `extends`, defaults and variables. */
export function createPolicyShowCommand(): Command {
  return new Command('show')
    .description('Print the resolved policy (extends merged, variables expanded, defaults applied)')
    .argument('<file>', 'policy file (YAML)')
    .option('--json', 'print JSON instead of YAML')
    .option(
      '--workdir <dir>',
      'working directory: the WORKDIR variable and base of relative paths (default: current)',
    )
    .option('--policies-dir <dir>', 'where extends names resolve (default: the shipped policies)')
    .exitOverride()
    .action(async (file: string, options: PolicyLoadCliOptions & { json?: boolean }) => {
      const policy = await loadPolicyForCli(file, options);
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
        return;
      }
      const { stringifyPolicy } = await import('@nemoclaw/policy');
      process.stdout.write(stringifyPolicy(policy));
    });
}
