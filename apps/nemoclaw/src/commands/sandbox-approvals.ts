import type { PendingApproval } from '@nemoclaw/sandbox';
import { Command } from 'commander';
import { formatTable } from './policy-diff.js';
import { printJson, withCliErrors } from './sandbox-common.js';
import { requireSandbox } from './sandbox-inspect.js';

async function control(
  name: string,
  command: Parameters<typeof import('@nemoclaw/sandbox').sendControlRequest>[1],
) {
  const summary = await requireSandbox(name);
  const { sendControlRequest } = await import('@nemoclaw/sandbox');
  return sendControlRequest(summary.paths.controlSocket, command);
}

/** `nemoclaw sandbox approvals NAME [--json]`: denied destinations waiting for a decision. */
export function createSandboxApprovalsCommand(): Command {
  return new Command('approvals')
    .description('List denied requests waiting for approval (de-duplicated by host:port:binary)')
    .argument('<name>', 'the sandbox')
    .option('--json', 'print as JSON')
    .exitOverride()
    .action(async (name: string, options: { json?: boolean }) => {
      await withCliErrors(async () => {
        const pending = (await control(name, { op: 'approvals' })) as PendingApproval[];
        if (options.json === true) {
          printJson(pending);
          return;
        }
        if (pending.length === 0) {
          process.stdout.write('no pending approvals\n');
          return;
        }
        const rows = pending.map((entry) => [
          entry.id,
          `${entry.host}:${entry.port}`,
          entry.binary ?? '(unknown)',
          String(entry.attempts),
          entry.reason,
        ]);
        process.stdout.write(`${formatTable(['ID', 'DESTINATION', 'BINARY', 'ATTEMPTS', 'REASON'], rows)}\n`);
      });
    });
}

/** `nemoclaw sandbox approve NAME ID [--persist] [--json]` */
export function createSandboxApproveCommand(): Command {
  return new Command('approve')
    .description(
      'Allow a pending request for this session (hot reload); --persist also writes it to a preset',
    )
    .argument('<name>', 'the sandbox')
    .argument('<id>', 'the approval id (see `sandbox approvals`)')
    .option(
      '--persist',
      'also write the rule to $NEMOCLAW_HOME/presets/<name>.yaml (extended by the sandbox policy)',
    )
    .option('--json', 'print the rule as JSON')
    .exitOverride()
    .action(async (name: string, id: string, options: { persist?: boolean; json?: boolean }) => {
      await withCliErrors(async () => {
        const result = (await control(name, {
          op: 'approve',
          approval: id,
          persist: options.persist === true,
        })) as {
          approval: PendingApproval;
          rule: { key: string };
          generation: number;
          preset: string | null;
        };
        if (options.json === true) {
          printJson(result);
          return;
        }
        const { approval } = result;
        process.stdout.write(
          `approved ${approval.host}:${approval.port} for ${approval.binary ?? 'any binary'} as ${result.rule.key} (LOADED, generation ${result.generation})${result.preset === null ? '' : `; persisted in ${result.preset}`}\n`,
        );
      });
    });
}

/** `nemoclaw sandbox deny NAME ID [--json]`: drop a pending request (it stays denied). */
export function createSandboxDenyCommand(): Command {
  return new Command('deny')
    .description('Dismiss a pending request (it stays denied)')
    .argument('<name>', 'the sandbox')
    .argument('<id>', 'the approval id')
    .option('--json', 'print as JSON')
    .exitOverride()
    .action(async (name: string, id: string, options: { json?: boolean }) => {
      await withCliErrors(async () => {
        const result = await control(name, { op: 'deny', approval: id });
        if (options.json === true) printJson(result);
        else process.stdout.write(`denied ${id}\n`);
      });
    });
}
