import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { PolicyApplyReport } from '@nemoclaw/sandbox';
import { Command } from 'commander';
import { formatTable } from './policy-diff.js';
import { sandboxExitCodes, stateHome, withCliErrors } from './sandbox-common.js';
import { requireSandbox } from './sandbox-inspect.js';

/** Quiet period after the last change of a watched file before it is applied. */
export const watchDebounceMs = 200;

/** Renders a report for people: `LOADED ...` / `FAILED ...` and the changes. */
export function formatApplyReport(name: string, report: PolicyApplyReport): string {
  const changes =
    report.changes.length === 0
      ? ''
      : `\n${formatTable(
          ['FIELD', 'CLASS', 'CHANGE'],
          report.changes.map((change) => [change.field, change.class.toUpperCase(), change.explanation]),
        )}`;
  if (report.status === 'LOADED') {
    return `LOADED ${name}: generation ${report.generation} in force (${report.elapsedMs} ms)${changes}`;
  }
  const diagnostics = report.diagnostics.length === 0 ? '' : `\n${report.diagnostics.join('\n')}`;
  return `FAILED ${name}: ${report.message}; generation ${report.generation} (last-known-good) stays in force${diagnostics}${changes}`;
}

async function applyOnce(name: string, file: string): Promise<PolicyApplyReport> {
  const summary = await requireSandbox(name);
  const { SandboxError, sendControlRequest } = await import('@nemoclaw/sandbox');
  if (summary.status !== 'running') {
    throw new SandboxError('sandbox-not-running', `sandbox ${name} is ${summary.status}, not running`);
  }
  return (await sendControlRequest(summary.paths.controlSocket, {
    op: 'apply-policy',
    file,
  })) as PolicyApplyReport;
}

function print(name: string, report: PolicyApplyReport, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(report)}\n` : `${formatApplyReport(name, report)}\n`);
}

/**
 * `nemoclaw policy apply NAME FILE [--json] [--watch]`: validates the whole file, refuses LOCKED
 * changes with the diff (exit 1), applies network and inference changes atomically to the running
 * sandbox (LOADED, exit 0) or reports FAILED (exit 1) with the last-known-good policy kept.
 */
export function createPolicyApplyCommand(): Command {
  return new Command('apply')
    .description(
      'Apply a policy to a running sandbox: HOT domains live, LOCKED changes refused with the diff',
    )
    .argument('<name>', 'the running sandbox')
    .argument('<file>', 'the new policy file')
    .option('--json', 'print the report as JSON (one object per apply)')
    .option('--watch', 'keep watching FILE and apply it on every change (debounced), until Ctrl-C')
    .exitOverride()
    .action(async (name: string, file: string, options: { json?: boolean; watch?: boolean }) => {
      const absolute = resolve(file);
      const json = options.json === true;
      const report = await withCliErrors(() => applyOnce(name, absolute));
      print(name, report, json);
      process.exitCode = report.status === 'LOADED' ? sandboxExitCodes.ok : sandboxExitCodes.failure;
      if (options.watch !== true) return;
      await watchAndApply(name, absolute, json);
    });
}

/** Watches the file's directory (editors replace files by rename) and applies after each quiet period. */
async function watchAndApply(name: string, file: string, json: boolean): Promise<void> {
  const home = await stateHome();
  const { inspectSandbox } = await import('@nemoclaw/sandbox');
  await new Promise<void>((resolvePromise) => {
    let timer: NodeJS.Timeout | null = null;
    let watcher: FSWatcher | null = null;
    const finish = () => {
      watcher?.close();
      clearInterval(liveness);
      if (timer !== null) clearTimeout(timer);
      process.off('SIGINT', finish);
      resolvePromise();
    };
    watcher = watch(dirname(file), (_event, changed) => {
      if (changed !== null && changed !== basename(file)) return;
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        applyOnce(name, file).then(
          (report) => print(name, report, json),
          (error: unknown) =>
            process.stderr.write(`nemoclaw: ${error instanceof Error ? error.message : String(error)}\n`),
        );
      }, watchDebounceMs);
    });
    const liveness = setInterval(() => {
      if (inspectSandbox(home, name)?.status !== 'running') finish();
    }, 500);
    process.once('SIGINT', finish);
  });
}
