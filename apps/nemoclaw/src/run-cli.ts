import { Command, CommanderError } from 'commander';
import { NemoclawCliError } from './cli-error.js';

/** Exit codes of the `nemoclaw` command itself (a sandboxed command's own code passes through). */
export const cliExitCodes = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

/** Each subcommand's module, loaded only when that subcommand runs. */
const commandModules: Readonly<Record<string, () => Promise<Command>>> = {
  run: async () => (await import('./commands/run.js')).createRunCommand(),
  doctor: async () => (await import('./commands/doctor.js')).createDoctorCommand(),
  audit: async () => (await import('./commands/audit.js')).createAuditCommand(),
  policy: async () => (await import('./commands/policy.js')).createPolicyCommand(),
  router: async () => (await import('./commands/router.js')).createRouterCommand(),
  privacy: async () => (await import('./commands/privacy.js')).createPrivacyCommand(),
  sandbox: async () => (await import('./commands/sandbox.js')).createSandboxCommand(),
};

/**
 * The command tree for `argv`: when its first argument names a subcommand, the program with that
 * subcommand only (its module is the only one loaded); else (help, version, an unknown or
 * missing command) the whole tree.
 */
async function programFor(argv: readonly string[]): Promise<Command> {
  const name = argv[2];
  const load = name === undefined || !Object.hasOwn(commandModules, name) ? undefined : commandModules[name];
  if (load === undefined) return (await import('./program.js')).createProgram();
  return baseProgram().addCommand(await load());
}

/**
 * Runs the CLI with `argv` (as in `process.argv`) and resolves to the exit code. Errors are printed
 * as one readable line; stack traces only with NEMOCLAW_DEBUG=1.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = await programFor(argv);
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

/** The `nemoclaw` program without its subcommands. */
export function baseProgram(): Command {
  return new Command('nemoclaw')
    .description('Kernel sandbox, egress proxy and privacy router for AI agents')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError()
    .exitOverride();
}

function packageVersion(): string {
  return '0.0.0';
}
