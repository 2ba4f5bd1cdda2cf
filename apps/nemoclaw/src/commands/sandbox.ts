import { Command } from 'commander';
import {
  createSandboxApprovalsCommand,
  createSandboxApproveCommand,
  createSandboxDenyCommand,
} from './sandbox-approvals.js';
import {
  createSandboxDestroyCommand,
  createSandboxExecCommand,
  createSandboxStopCommand,
} from './sandbox-control.js';
import { createSandboxCreateCommand } from './sandbox-create.js';
import {
  createSandboxListCommand,
  createSandboxLogsCommand,
  createSandboxStatusCommand,
} from './sandbox-inspect.js';
import { createSandboxSuperviseCommand } from './sandbox-supervise.js';

/**
 * `nemoclaw sandbox create|list|status|logs|exec|stop|destroy|approvals|approve|deny`: named,
 * long-running sandboxes, each under its own supervisor (egress proxy, control socket, audit log)
 * with state in `$NEMOCLAW_HOME/sandboxes/<name>/`.
 */
export function createSandboxCommand(): Command {
  return new Command('sandbox')
    .description('Create and manage named, long-running sandboxes')
    .exitOverride()
    .addCommand(createSandboxCreateCommand())
    .addCommand(createSandboxListCommand())
    .addCommand(createSandboxStatusCommand())
    .addCommand(createSandboxLogsCommand())
    .addCommand(createSandboxExecCommand())
    .addCommand(createSandboxStopCommand())
    .addCommand(createSandboxDestroyCommand())
    .addCommand(createSandboxApprovalsCommand())
    .addCommand(createSandboxApproveCommand())
    .addCommand(createSandboxDenyCommand())
    .addCommand(createSandboxSuperviseCommand(), { hidden: true });
}
