import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditLog, NemoclawOcsfEvent } from '@nemoclaw/audit';

/** How many run logs `$NEMOCLAW_HOME/runs/` keeps (the oldest are removed when a run starts). */
export const keptRunLogs = 1000;

/** What the audit log of one `nemoclaw run` records about its command. */
export interface RunAuditProcess {
  readonly pid: number | undefined;
  readonly executable: string;
  readonly argv: readonly string[];
  readonly workingDirectory: string;
}

/** The audit log of one `nemoclaw run`: `$NEMOCLAW_HOME/runs/<id>/events.jsonl`. */
export interface RunAudit {
  /** The run's id (also the OCSF `correlation_uid` of its events). */
  readonly id: string;
  /** The log file. */
  readonly path: string;
  /** Records an egress decision (the launch is recorded before it, once). */
  network(build: (options: { sandbox: string; correlationUid: string }) => NemoclawOcsfEvent): void;
  /** Records how the run ended (a setup failure as a failed launch) and closes the log. */
  finish(outcome: {
    code: number | null;
    signal: NodeJS.Signals | null;
    setupFailure?: string;
  }): Promise<void>;
}

/**
 * Starts the audit log of a one-off sandbox. Nothing is written before the sandbox is known to be
 * up (its first network decision) or has ended, so the log reads in order: launch (success, or
 * failure with the launcher's reason), egress decisions, terminate. Each run has its own
 * hash-chained log (one writer per log); `$NEMOCLAW_HOME/runs/latest` names the newest.
 */
export function startRunAudit(
  stateRoot: string,
  command: RunAuditProcess,
  options: { readonly name?: string } = {},
): RunAudit {
  const started = new Date();
  const stamp = started
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const id = `${stamp}-${randomUUID().slice(0, 8)}`;
  const runs = join(stateRoot, 'runs');
  const directory = join(runs, id);
  const path = join(directory, 'events.jsonl');
  const sandbox = options.name ?? `run-${id}`;
  const tags = { sandbox, correlationUid: id };
  const input = {
    ...(command.pid === undefined ? {} : { pid: command.pid }),
    executable: command.executable,
    argv: command.argv,
    workingDirectory: command.workingDirectory,
  };

  let log: Promise<{ log: AuditLog; audit: typeof import('@nemoclaw/audit') }> | null = null;
  let queue: Promise<void> = Promise.resolve();
  let launched = false;
  const open = () => {
    log ??= (async () => {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      pruneOldRuns(runs, id);
      const audit = await import('@nemoclaw/audit');
      return { log: await audit.AuditLog.open(path, { fsync: 'interval' }), audit };
    })();
    return log;
  };
  const append = (build: (audit: typeof import('@nemoclaw/audit')) => NemoclawOcsfEvent | null): void => {
    queue = queue.then(async () => {
      const opened = await open();
      const event = build(opened.audit);
      if (event !== null) await opened.log.append(event);
    });
  };
  const launch = (failure?: string) => {
    if (launched) return;
    launched = true;
    append((audit) =>
      audit.buildProcessLaunchEvent({
        ...tags,
        time: started,
        process: input,
        outcome: failure === undefined ? 'success' : 'failure',
        ...(failure === undefined ? {} : { statusDetail: failure }),
      }),
    );
  };

  return {
    id,
    path,
    network: (build) => {
      launch();
      append(() => build(tags));
    },
    finish: async (outcome) => {
      launch(outcome.setupFailure);
      if (outcome.setupFailure === undefined) {
        append((audit) =>
          audit.buildProcessTerminateEvent({
            ...tags,
            process: input,
            ...(outcome.code === null ? {} : { exitCode: outcome.code }),
            ...(outcome.signal === null ? {} : { signal: outcome.signal }),
          }),
        );
      }
      await queue;
      const opened = await open();
      await opened.log.close();
      try {
        rmSync(join(runs, 'latest'), { force: true });
        symlinkSync(id, join(runs, 'latest'));
      } catch {
        // Only a convenience: the log itself is written.
      }
    },
  };
}

/** Removes the oldest run logs beyond {@link keptRunLogs} (ids sort by time). */
function pruneOldRuns(runs: string, current: string): void {
  let entries: string[];
  try {
    entries = readdirSync(runs).filter(
      (entry) => /^\d{8}T\d{6}Z-[0-9a-f]{8}$/.test(entry) && entry !== current,
    );
  } catch {
    return;
  }
  if (entries.length < keptRunLogs) return;
  entries.sort();
  for (const old of entries.slice(0, entries.length - keptRunLogs + 1)) {
    rmSync(join(runs, old), { recursive: true, force: true });
  }
}
