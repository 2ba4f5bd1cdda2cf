import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { AuditError } from '../audit-error.js';
import { redactSecrets } from '../redaction-guard.js';
import { requirePort } from './base-event.js';
import type { OcsfNetworkEndpoint, OcsfProcess } from './types.js';

/** A process as builders accept it. */
export interface ProcessInput {
  /** Process id (as seen by the supervisor, or inside the sandbox when stated). */
  pid?: number;
  /** Absolute path of the executable. */
  executable: string;
  /** Arguments including argv[0]; joined into `cmd_line` with secret-looking parts masked. */
  argv?: readonly string[];
  /** Working directory. */
  workingDirectory?: string;
}

/** A network endpoint as builders accept it. */
export interface EndpointInput {
  ip?: string;
  port?: number;
  hostname?: string;
}

/** Converts a {@link ProcessInput} into an OCSF `process`. */
export function toOcsfProcess(input: ProcessInput, sandbox?: string): OcsfProcess {
  if (input.executable.length === 0) {
    throw new AuditError('INVALID_EVENT_INPUT', 'process executable must not be empty');
  }
  const name = basename(input.executable);
  const process: OcsfProcess = {
    name,
    path: input.executable,
    file: { name, path: input.executable, type_id: 1 },
  };
  if (input.pid !== undefined) {
    if (!Number.isSafeInteger(input.pid) || input.pid < 0) {
      throw new AuditError(
        'INVALID_EVENT_INPUT',
        `process pid must be a non-negative integer (got ${input.pid})`,
      );
    }
    process.pid = input.pid;
  } else {
    // OCSF needs pid, uid or cpid; without a pid (a launch that failed before exec, a binary
    // attributed by path only) the process gets a fresh unique id.
    process.uid = randomUUID();
  }
  if (input.argv !== undefined) process.cmd_line = redactSecrets(input.argv.map(quoteArgument).join(' '));
  if (input.workingDirectory !== undefined) process.working_directory = input.workingDirectory;
  if (sandbox !== undefined) process.sandbox = sandbox;
  return process;
}

function quoteArgument(argument: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`;
}

/** Converts an {@link EndpointInput} into an OCSF `network_endpoint`; refuses an empty one. */
export function toOcsfEndpoint(field: string, input: EndpointInput): OcsfNetworkEndpoint {
  const endpoint: OcsfNetworkEndpoint = {};
  if (input.ip !== undefined) endpoint.ip = input.ip;
  if (input.hostname !== undefined) endpoint.hostname = input.hostname;
  if (input.port !== undefined) endpoint.port = requirePort(`${field}.port`, input.port);
  if (endpoint.ip === undefined && endpoint.hostname === undefined) {
    throw new AuditError('INVALID_EVENT_INPUT', `${field} needs an ip or a hostname`);
  }
  return endpoint;
}
