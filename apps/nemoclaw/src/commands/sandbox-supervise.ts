import { Command } from 'commander';

/**
 * `nemoclaw sandbox supervise --sandbox-supervisor=NAME` (internal): the supervisor process that
 * `sandbox create` starts. Reads its request as JSON on stdin, writes one ready line on stdout,
 * then runs until the sandbox ends.
 */
export function createSandboxSuperviseCommand(): Command {
  return new Command('supervise')
    .description('(internal) run a sandbox supervisor; started by `sandbox create`')
    .requiredOption('--sandbox-supervisor <name>', 'the sandbox this process supervises')
    .exitOverride()
    .action(async (options: { sandboxSupervisor: string }) => {
      const { parseSupervisorRequest, runSupervisor } = await import('@nemoclaw/sandbox');
      // The creator stops reading after the ready line: never let a closed pipe end the supervisor.
      process.stdout.on('error', () => undefined);
      process.stderr.on('error', () => undefined);
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      const ready = (message: unknown) => {
        process.stdout.write(`${JSON.stringify(message)}\n`);
        process.stdout.end();
      };
      const request = parseSupervisorRequest(Buffer.concat(chunks).toString('utf8'));
      if (!request.ok || request.value.name !== options.sandboxSupervisor) {
        const message = request.ok ? 'the request names another sandbox' : request.error.message;
        ready({ ok: false, error: { code: 'sandbox-start-failed', message } });
        process.exit(1);
      }
      process.exit(await runSupervisor(request.value, ready));
    });
}
