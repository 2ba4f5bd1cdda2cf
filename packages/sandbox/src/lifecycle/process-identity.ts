import { readdirSync, readFileSync } from 'node:fs';

/** A process as recorded in a pid file: its pid and its start time (clock ticks since boot). */
export interface ProcessIdentity {
  readonly pid: number;
  /** Field 22 of `/proc/<pid>/stat`; tells a reused pid apart from the recorded process. */
  readonly startTime: number;
}

/** Start time of `pid` (field 22 of `/proc/<pid>/stat`), or null when there is no such process. */
export function processStartTime(pid: number): number | null {
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const value = Number(fields[19]);
  if (state === 'Z' || state === 'X' || !Number.isSafeInteger(value)) return null;
  return value;
}

/** The identity of a running process (null when it does not exist or is a zombie). */
export function identifyProcess(pid: number): ProcessIdentity | null {
  const startTime = processStartTime(pid);
  return startTime === null ? null : { pid, startTime };
}

/** The NUL-separated command line of `pid` as an array (empty when unreadable). */
export function processCommandLine(pid: number): string[] {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((part, index, all) => part !== '' || index < all.length - 1);
  } catch {
    return [];
  }
}

/**
 * True when the recorded process is still the same running process: the pid exists, is not a
 * zombie, has the recorded start time (so a reused pid does not count) and, when `commandLineMarker`
 * is given, its command line contains that argument.
 */
export function isSameProcess(recorded: ProcessIdentity, commandLineMarker?: string): boolean {
  if (processStartTime(recorded.pid) !== recorded.startTime) return false;
  return commandLineMarker === undefined || processCommandLine(recorded.pid).includes(commandLineMarker);
}

/** Children of `pid` (all its threads), from `/proc/<pid>/task/<tid>/children`. */
export function childProcesses(pid: number): number[] {
  const children: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return children;
  }
  for (const task of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of text.split(' ')) if (child !== '') children.push(Number(child));
    } catch {
      // The thread ended while we looked.
    }
  }
  return children;
}

/**
 * The host pid of the sandbox's PID 1: the child of the launcher whose innermost pid
 * (`NSpid` in `/proc/<pid>/status`) is 1. Null when the launcher has no such child (yet).
 */
export function sandboxInitPid(launcherPid: number): number | null {
  for (const child of childProcesses(launcherPid)) {
    try {
      const status = readFileSync(`/proc/${child}/status`, 'utf8');
      const line = status.split('\n').find((entry) => entry.startsWith('NSpid:'));
      const pids = line?.slice('NSpid:'.length).trim().split(/\s+/) ?? [];
      if (pids.length > 1 && pids[pids.length - 1] === '1') return child;
    } catch {
      // Gone.
    }
  }
  return null;
}
