import { SandboxError } from '@nemoclaw/sandbox';
import { describe, expect, it } from 'vitest';
import { NemoclawCliError } from '../cli-error.js';
import { createProgram } from '../program.js';
import { formatApplyReport } from './policy-apply.js';
import { sandboxExitCodes, toCliError } from './sandbox-common.js';

describe('policy apply output', () => {
  it('LOADED names the generation, the time and each change', () => {
    const text = formatApplyReport('dev', {
      status: 'LOADED',
      generation: 3,
      elapsedMs: 12.5,
      changes: [
        {
          field: 'network_policies.github',
          class: 'hot',
          kind: 'removed',
          explanation: 'no longer reachable',
        },
      ],
    });
    expect(text).toMatch(
      /^LOADED dev: generation 3 in force \(12\.5 ms\)\nFIELD\s+CLASS\s+CHANGE\nnetwork_policies\.github\s+HOT\s+no longer reachable$/,
    );
  });

  it('FAILED says what stays in force and lists diagnostics and LOCKED fields', () => {
    const text = formatApplyReport('dev', {
      status: 'FAILED',
      reason: 'locked',
      message: 'LOCKED fields cannot change in a running sandbox (create a new sandbox): syscalls.profile',
      diagnostics: [],
      changes: [
        {
          field: 'syscalls.profile',
          class: 'locked',
          kind: 'changed',
          explanation: 'stronger seccomp profile',
        },
      ],
      generation: 1,
      elapsedMs: 1,
    });
    expect(text).toContain('FAILED dev: LOCKED fields cannot change');
    expect(text).toContain('generation 1 (last-known-good) stays in force');
    expect(text).toMatch(/syscalls\.profile\s+LOCKED\s+stronger seccomp profile/);
  });
});

describe('sandbox errors on the command line', () => {
  it('maps SandboxError codes to exit codes', async () => {
    const cases: [string, number][] = [
      ['sandbox-invalid-name', sandboxExitCodes.usage],
      ['sandbox-not-found', sandboxExitCodes.notFound],
      ['sandbox-invalid-policy', sandboxExitCodes.policy],
      ['sandbox-exists', sandboxExitCodes.failure],
    ];
    for (const [code, exitCode] of cases) {
      const error = await toCliError(new SandboxError(code, 'x'));
      expect(error, code).toBeInstanceOf(NemoclawCliError);
      expect(error.exitCode, code).toBe(exitCode);
    }
  });

  it('registers the sandbox commands and policy apply', () => {
    const program = createProgram();
    const sandbox = program.commands.find((command) => command.name() === 'sandbox');
    expect(sandbox?.commands.map((command) => command.name())).toEqual([
      'create',
      'list',
      'status',
      'logs',
      'exec',
      'stop',
      'destroy',
      'approvals',
      'approve',
      'deny',
      'supervise',
    ]);
    const policy = program.commands.find((command) => command.name() === 'policy');
    expect(policy?.commands.map((command) => command.name())).toContain('apply');
  });
});
