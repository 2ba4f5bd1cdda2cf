import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { SandboxError } from '../sandbox-error.js';
import type { SupervisorReadyMessage, SupervisorRequest } from '../supervisor/supervisor.js';
import { assertSandboxName } from './sandbox-name.js';
import { sandboxesDirectory, sandboxPaths } from './sandbox-paths.js';
import { supervisorMarker } from './sandbox-registry.js';

/** Options of {@link createSandbox}. */
export interface CreateSandboxOptions extends SupervisorRequest {
  /**
   * How to start a supervisor process: the argv prefix to which `--sandbox-supervisor=<name>` is
   * appended. The process must read a {@link SupervisorRequest} as JSON on stdin and call
   * `runSupervisor` (the CLI does it with `nemoclaw sandbox supervise`).
   */
  readonly supervisorCommand: readonly string[];
  /** Environment of the supervisor (the sandbox's `process.env.allow` picks from it). Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How long to wait for the sandbox to come up (default 20 s). */
  readonly timeoutMs?: number;
}

/** A sandbox that is up. */
export interface CreatedSandbox {
  readonly name: string;
  readonly supervisorPid: number;
  readonly launcherPid: number;
  readonly initPid: number | null;
  readonly directory: string;
}

/**
 * Starts a detached supervisor for a new sandbox and resolves once the sandbox is up (the
 * supervisor's ready line). The supervisor outlives this process.
 *
 * @throws {@link SandboxError} `sandbox-exists` (the name is taken; a concurrent create of the same
 * name loses here), `sandbox-dead-exists`, `sandbox-invalid-policy`, `sandbox-setup-failed`, or
 * `sandbox-start-failed` when the supervisor ended without saying why.
 */
export async function createSandbox(options: CreateSandboxOptions): Promise<CreatedSandbox> {
  const name = assertSandboxName(options.name);
  const paths = sandboxPaths(options.home, name);
  mkdirSync(sandboxesDirectory(options.home), { recursive: true, mode: 0o700 });
  const [executable, ...prefix] = options.supervisorCommand;
  if (executable === undefined) throw new SandboxError('sandbox-start-failed', 'no supervisor command given');
  const request: SupervisorRequest = {
    name,
    home: options.home,
    policyFile: options.policyFile,
    workdir: options.workdir,
    command: options.command,
    ...(options.launcherPath === undefined ? {} : { launcherPath: options.launcherPath }),
    ...(options.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: options.stopTimeoutMs }),
  };
  const child = spawn(executable, [...prefix, supervisorMarker(name)], {
    detached: true,
    stdio: ['pipe', 'pipe', 'ignore'],
    env: options.env ?? process.env,
    cwd: options.workdir,
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(JSON.stringify(request));
  return new Promise((resolve, reject) => {
    let buffered = '';
    let settled = false;
    const finish = (error: SandboxError | null, value?: CreatedSandbox) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.unref();
      if (error !== null) reject(error);
      else if (value !== undefined) resolve(value);
    };
    const timer = setTimeout(() => {
      finish(
        new SandboxError(
          'sandbox-start-failed',
          `the supervisor of ${name} did not report within ${options.timeoutMs ?? 20_000} ms; see ${paths.supervisorLog}`,
        ),
      );
    }, options.timeoutMs ?? 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end === -1) return;
      let message: SupervisorReadyMessage;
      try {
        message = JSON.parse(buffered.slice(0, end)) as SupervisorReadyMessage;
      } catch (error) {
        finish(
          new SandboxError('sandbox-start-failed', 'the supervisor sent a malformed ready line', {
            cause: error,
          }),
        );
        return;
      }
      if (message.ok) {
        const { ok: _ok, ...created } = message;
        finish(null, created);
      } else {
        finish(new SandboxError(message.error.code, message.error.message));
      }
    });
    child.once('error', (error) =>
      finish(
        new SandboxError('sandbox-start-failed', `cannot start the supervisor: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    child.once('exit', (code, signal) =>
      setImmediate(() =>
        finish(
          new SandboxError(
            'sandbox-start-failed',
            `the supervisor of ${name} exited (${signal ?? `code ${code}`}) before the sandbox was up; see ${paths.supervisorLog}`,
          ),
        ),
      ),
    );
  });
}
