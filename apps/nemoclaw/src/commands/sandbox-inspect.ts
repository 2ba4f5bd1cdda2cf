import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { SandboxSummary } from '@nemoclaw/sandbox';
import { Command } from 'commander';
import { NemoclawCliError } from '../cli-error.js';
import { formatTable } from './policy-diff.js';
import { printJson, sandboxExitCodes, stateHome, withCliErrors } from './sandbox-common.js';

/** The JSON shape of one sandbox in `list --json` and `status --json`. */
export function summaryToJson(summary: SandboxSummary, live: Record<string, unknown> | null = null) {
  const state = summary.state;
  return {
    name: summary.name,
    status: summary.status,
    supervisorPid: summary.supervisorPid,
    initPid: state?.initPid ?? null,
    workdir: state?.workdir ?? null,
    command: state?.command ?? null,
    policySource: state?.policySource ?? null,
    createdAt: state?.createdAt ?? null,
    exitedAt: state?.exitedAt ?? null,
    exitCode: state?.exitCode ?? null,
    directory: summary.paths.directory,
    ...(live === null ? {} : { live }),
  };
}

/** `nemoclaw sandbox list [--json]`: every sandbox; a killed supervisor shows as `dead`, never running. */
export function createSandboxListCommand(): Command {
  return new Command('list')
    .description('List sandboxes and their status (running, starting, stopping, exited, dead)')
    .option('--json', 'print an array of sandboxes as JSON')
    .exitOverride()
    .action(async (options: { json?: boolean }) => {
      await withCliErrors(async () => {
        const { listSandboxes } = await import('@nemoclaw/sandbox');
        const summaries = listSandboxes(await stateHome());
        if (options.json === true) {
          printJson(summaries.map((summary) => summaryToJson(summary)));
          return;
        }
        if (summaries.length === 0) {
          process.stdout.write('no sandboxes\n');
          return;
        }
        const rows = summaries.map((summary) => [
          summary.name,
          summary.status,
          summary.supervisorPid === null ? '-' : String(summary.supervisorPid),
          summary.state?.createdAt ?? '-',
          summary.state?.command.join(' ') ?? '-',
        ]);
        process.stdout.write(`${formatTable(['NAME', 'STATUS', 'PID', 'CREATED', 'COMMAND'], rows)}\n`);
      });
    });
}

/** `nemoclaw sandbox status NAME [--json]`: one sandbox, with the live proxy state when it runs. */
export function createSandboxStatusCommand(): Command {
  return new Command('status')
    .description('Show one sandbox: status, pids, policy generation, pending approvals')
    .argument('<name>', 'the sandbox')
    .option('--json', 'print as JSON')
    .exitOverride()
    .action(async (name: string, options: { json?: boolean }) => {
      await withCliErrors(async () => {
        const summary = await requireSandbox(name);
        let live: Record<string, unknown> | null = null;
        if (summary.status === 'running') {
          const { sendControlRequest } = await import('@nemoclaw/sandbox');
          live = (await sendControlRequest(summary.paths.controlSocket, { op: 'status' }, 5000).catch(
            () => null,
          )) as Record<string, unknown> | null;
        }
        const json = summaryToJson(summary, live);
        if (options.json === true) {
          printJson(json);
          return;
        }
        const lines = [
          `name:       ${json.name}`,
          `status:     ${json.status}`,
          `supervisor: ${json.supervisorPid ?? '-'}`,
          `command:    ${json.command?.join(' ') ?? '-'}`,
          `workdir:    ${json.workdir ?? '-'}`,
          `policy:     ${json.policySource ?? '-'}`,
          `created:    ${json.createdAt ?? '-'}`,
        ];
        if (json.exitCode !== null) lines.push(`exit code:  ${json.exitCode}`);
        if (live !== null) {
          lines.push(
            `generation: ${String(live.generation)}`,
            `approvals:  ${String(live.pendingApprovals)} pending`,
          );
        }
        lines.push(`state:      ${json.directory}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
}

/** `nemoclaw sandbox logs NAME [--follow] [--supervisor]` */
export function createSandboxLogsCommand(): Command {
  return new Command('logs')
    .description("Print the sandboxed command's output (or with --supervisor the supervisor's own log)")
    .argument('<name>', 'the sandbox')
    .option('-f, --follow', 'keep printing new output until the sandbox stops (or Ctrl-C)')
    .option('--supervisor', "the supervisor's log (JSON lines) instead of the command's output")
    .exitOverride()
    .action(async (name: string, options: { follow?: boolean; supervisor?: boolean }) => {
      await withCliErrors(async () => {
        const summary = await requireSandbox(name);
        const file = options.supervisor === true ? summary.paths.supervisorLog : summary.paths.outputLog;
        let offset = copyFrom(file, 0);
        if (options.follow !== true) return;
        const { inspectSandbox } = await import('@nemoclaw/sandbox');
        const home = await stateHome();
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          offset = copyFrom(file, offset);
          const now = inspectSandbox(home, name);
          if (now === null || now.status === 'exited' || now.status === 'dead') {
            copyFrom(file, offset);
            return;
          }
        }
      });
    });
}

/** Writes `file` from `offset` to stdout; returns the new offset. */
function copyFrom(file: string, offset: number): number {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return offset;
  }
  if (size < offset) offset = 0;
  if (size === offset) return offset;
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    let position = offset;
    while (position < size) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, size - position), position);
      if (read === 0) break;
      process.stdout.write(buffer.subarray(0, read));
      position += read;
    }
    return position;
  } finally {
    closeSync(fd);
  }
}

/** The sandbox `name`, or a not-found error (exit 3). */
export async function requireSandbox(name: string): Promise<SandboxSummary> {
  const { inspectSandbox, validateSandboxName } = await import('@nemoclaw/sandbox');
  const checked = validateSandboxName(name);
  if (!checked.ok) throw checked.error;
  const summary = inspectSandbox(await stateHome(), checked.value);
  if (summary === null) {
    throw new NemoclawCliError('NOT_FOUND', `no sandbox named ${name}`, {
      exitCode: sandboxExitCodes.notFound,
    });
  }
  return summary;
}
