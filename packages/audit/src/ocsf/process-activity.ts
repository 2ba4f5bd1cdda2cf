import { hostname } from 'node:os';
import type { OcsfClassIdentity } from './base-event.js';
import { createBaseEvent, type EventOptions, withoutUndefined } from './base-event.js';
import { SeverityId, StatusId } from './constants.js';
import { type ProcessInput, toOcsfProcess } from './inputs.js';
import type { ProcessActivityEvent } from './types.js';

const processActivity: OcsfClassIdentity = {
  classUid: 1007,
  className: 'Process Activity',
  categoryUid: 1,
  categoryName: 'System Activity',
};

/** Input of {@link buildProcessLaunchEvent}. */
export interface ProcessLaunchInput extends EventOptions {
  /** The process started inside the sandbox. */
  process: ProcessInput;
  /** The process that launched it (the supervisor or launcher); defaults to this Node process. */
  actor?: ProcessInput;
  /** Whether the launch succeeded; a failure carries `statusDetail` (no secrets). */
  outcome: 'success' | 'failure';
  /** Why it failed, e.g. the launcher's one-line reason. */
  statusDetail?: string;
}

/**
 * Builds a Process Activity: Launch event (1007, activity 1) for a command started in a sandbox.
 * The command line is recorded with secret-looking arguments masked.
 *
 * @example
 * buildProcessLaunchEvent({ sandbox: 'dev', outcome: 'success',
 *   process: { pid: 4242, executable: '/usr/bin/node', argv: ['node', 'agent.js'] } });
 */
export function buildProcessLaunchEvent(input: ProcessLaunchInput): ProcessActivityEvent {
  const failed = input.outcome === 'failure';
  const base = createBaseEvent(
    {
      identity: processActivity,
      activityId: 1,
      activityName: 'Launch',
      severityId: failed ? SeverityId.Low : SeverityId.Informational,
      statusId: failed ? StatusId.Failure : StatusId.Success,
      statusDetail: input.statusDetail,
      profiles: [],
    },
    input,
  );
  return withoutUndefined({
    ...base,
    class_uid: 1007,
    actor: { process: toOcsfProcess(input.actor ?? currentProcess()) },
    device: { hostname: hostname(), type_id: 0 },
    process: toOcsfProcess(input.process, input.sandbox),
    launch_type_id: 1,
    launch_type: 'Spawn',
  });
}

/** Input of {@link buildProcessTerminateEvent}. */
export interface ProcessTerminateInput extends EventOptions {
  process: ProcessInput;
  actor?: ProcessInput;
  /** The exit code, when the process exited normally. */
  exitCode?: number;
  /** The terminating signal name (e.g. `SIGKILL`), when killed by a signal. */
  signal?: string;
}

/**
 * Builds a Process Activity: Terminate event (1007, activity 2). A zero exit code is a success;
 * a non-zero code or a signal is a failure with the reason in `status_detail`.
 */
export function buildProcessTerminateEvent(input: ProcessTerminateInput): ProcessActivityEvent {
  const succeeded = input.exitCode === 0 && input.signal === undefined;
  const detail =
    input.signal !== undefined
      ? `terminated by ${input.signal}`
      : input.exitCode !== undefined && input.exitCode !== 0
        ? `exited with code ${input.exitCode}`
        : undefined;
  const base = createBaseEvent(
    {
      identity: processActivity,
      activityId: 2,
      activityName: 'Terminate',
      severityId: SeverityId.Informational,
      statusId: succeeded ? StatusId.Success : StatusId.Failure,
      statusDetail: detail,
      profiles: [],
    },
    input,
  );
  const process = toOcsfProcess(input.process, input.sandbox);
  process.terminated_time = base.time;
  return withoutUndefined({
    ...base,
    class_uid: 1007,
    actor: { process: toOcsfProcess(input.actor ?? currentProcess()) },
    device: { hostname: hostname(), type_id: 0 },
    process,
    exit_code: input.exitCode,
  });
}

function currentProcess(): ProcessInput {
  return { pid: process.pid, executable: process.execPath };
}
