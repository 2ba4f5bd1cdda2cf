import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { SandboxError } from '../sandbox-error.js';
import { assertSandboxName } from './sandbox-name.js';

/** Longest Unix socket path Linux accepts (`sun_path` is 108 bytes including the NUL). */
export const maximumSocketPathBytes = 107;

/** Every file of one sandbox's state directory. */
export interface SandboxPaths {
  /** The sandbox name. */
  readonly name: string;
  /** `$NEMOCLAW_HOME/sandboxes/<name>` (0700). */
  readonly directory: string;
  /** The supervisor's lock and pid file, created with O_EXCL (0600): `{ pid, startTime }`. */
  readonly lockFile: string;
  /** What the supervisor records about the sandbox (JSON, 0600). */
  readonly stateFile: string;
  /** The resolved policy in force (YAML, 0600): updated by every successful `policy apply`. */
  readonly policyFile: string;
  /** Directory of the control socket (0700). */
  readonly controlDirectory: string;
  /** The supervisor's control socket (0600, JSON lines). */
  readonly controlSocket: string;
  /** The egress proxy's Unix socket (0600). */
  readonly proxySocket: string;
  /** The supervisor's own log (pino JSON lines, for people). */
  readonly supervisorLog: string;
  /** The sandboxed command's stdout and stderr. */
  readonly outputLog: string;
  /** The hash-chained OCSF audit log. */
  readonly auditLog: string;
}

/**
 * The NemoClaw state root: `$NEMOCLAW_HOME` when it is set to an absolute path, else `~/.nemoclaw`.
 *
 * @throws {@link SandboxError} `sandbox-invalid-home` when NEMOCLAW_HOME is set but relative.
 */
export function nemoclawHome(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const configured = env.NEMOCLAW_HOME;
  if (configured === undefined || configured === '') return join(homedir(), '.nemoclaw');
  if (!isAbsolute(configured)) {
    throw new SandboxError(
      'sandbox-invalid-home',
      `NEMOCLAW_HOME must be an absolute path, got "${configured}"`,
    );
  }
  return resolve(configured);
}

/** Where the sandboxes live: `<home>/sandboxes`. */
export function sandboxesDirectory(home: string): string {
  return join(home, 'sandboxes');
}

/** Where persisted approvals are written: `<home>/presets/<sandbox>.yaml`. */
export function approvalPresetPath(home: string, name: string): string {
  return join(home, 'presets', `${assertSandboxName(name)}.yaml`);
}

/**
 * The paths of sandbox `name` under `home` (see {@link nemoclawHome}).
 *
 * @throws {@link SandboxError} `sandbox-invalid-name` for a bad name, `sandbox-path-too-long` when
 * a socket path would not fit in a Unix socket address (choose a shorter NEMOCLAW_HOME or name).
 */
export function sandboxPaths(home: string, name: string): SandboxPaths {
  const directory = join(sandboxesDirectory(home), assertSandboxName(name));
  const controlDirectory = join(directory, 'control');
  const paths: SandboxPaths = {
    name,
    directory,
    lockFile: join(directory, 'supervisor.lock'),
    stateFile: join(directory, 'state.json'),
    policyFile: join(directory, 'policy.yaml'),
    controlDirectory,
    controlSocket: join(controlDirectory, 'control.sock'),
    proxySocket: join(directory, 'proxy.sock'),
    supervisorLog: join(directory, 'supervisor.log'),
    outputLog: join(directory, 'output.log'),
    auditLog: join(directory, 'audit', 'events.jsonl'),
  };
  for (const socket of [paths.controlSocket, paths.proxySocket]) {
    // The proxy binds through a sibling temporary directory, a few bytes longer than the socket path.
    if (Buffer.byteLength(socket) + 24 > maximumSocketPathBytes) {
      throw new SandboxError(
        'sandbox-path-too-long',
        `the socket path ${socket} is too long for a Unix socket (Linux allows ${maximumSocketPathBytes} bytes); use a shorter NEMOCLAW_HOME or sandbox name`,
      );
    }
  }
  return paths;
}
