import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AuditRecord } from '@nemoclaw/audit';
import { Command, Option } from 'commander';
import { NemoclawCliError } from '../cli-error.js';

/** Where `nemoclaw audit` reads: a sandbox's log or an explicit file. */
interface LogTarget {
  sandbox?: string;
  run?: string;
  file?: string;
}

/**
 * `nemoclaw audit tail|verify`: read and check a hash-chained OCSF audit log: a sandbox's
 * (`~/.nemoclaw/sandboxes/<name>/audit/events.jsonl` and its rotated files) or a `nemoclaw run`'s
 * (`~/.nemoclaw/runs/<id>/events.jsonl`, `latest` the newest).
 */
export function createAuditCommand(): Command {
  const audit = new Command('audit')
    .description('Read and verify the tamper-evident audit log')
    .exitOverride();

  audit
    .command('tail')
    .description('Print the last audit events (of a sandbox, or of a log file)')
    .addOption(new Option('--sandbox <name>', 'the sandbox whose log to read').conflicts(['file', 'run']))
    .addOption(new Option('--run <id>', 'a `nemoclaw run` log: its id, or latest').conflicts('file'))
    .addOption(new Option('--file <path>', 'an audit log file (events.jsonl)'))
    .option('-n, --lines <count>', 'how many events to print', '20')
    .option('-f, --follow', 'keep printing events as they are appended (Ctrl-C to stop)')
    .option('--json', 'print each event as one line of OCSF JSON')
    .exitOverride()
    .action(async (options: LogTarget & { lines: string; follow?: boolean; json?: boolean }) => {
      const { followAuditLog, tailAuditLog } = await import('@nemoclaw/audit');
      const path = await resolveLogPath(options);
      const count = Number(options.lines);
      if (!Number.isSafeInteger(count) || count < 0) {
        throw new NemoclawCliError('USAGE', `-n expects a non-negative integer, got "${options.lines}"`, {
          exitCode: 2,
        });
      }
      const print = (text: string): void => {
        process.stdout.write(`${formatLine(text, options.json === true)}\n`);
      };
      for (const line of await tailAuditLog(path, count)) print(line.text);
      if (options.follow === true) {
        const controller = new AbortController();
        const stop = (): void => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          await followAuditLog(path, print, { signal: controller.signal });
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }
    });

  audit
    .command('verify')
    .description('Check the hash chain; exit 0 when intact, 1 naming the first tampered line')
    .addOption(new Option('--sandbox <name>', 'the sandbox whose log to verify').conflicts(['file', 'run']))
    .addOption(new Option('--run <id>', 'a `nemoclaw run` log: its id, or latest').conflicts('file'))
    .addOption(new Option('--file <path>', 'an audit log file (events.jsonl)'))
    .option('--key-file <path>', 'the HMAC key the log was written with (keyed logs)')
    .option('--json', 'print the result as JSON')
    .exitOverride()
    .action(async (options: LogTarget & { keyFile?: string; json?: boolean }) => {
      const { describeVerifyFailure, verifyAuditLog } = await import('@nemoclaw/audit');
      const path = await resolveLogPath(options);
      let hmacKey: Buffer | undefined;
      if (options.keyFile !== undefined) {
        try {
          hmacKey = await readFile(options.keyFile);
        } catch (error) {
          throw new NemoclawCliError('NOT_FOUND', `cannot read the key file ${options.keyFile}`, {
            cause: error,
          });
        }
      }
      const result = await verifyAuditLog(path, hmacKey === undefined ? {} : { hmacKey });
      if (options.json === true) process.stdout.write(`${JSON.stringify(result)}\n`);
      else if (result.ok) {
        process.stdout.write(
          `audit log intact: ${result.records} records in ${result.files.length} file(s), last hash ${result.lastHash}\n`,
        );
      } else {
        process.stderr.write(`audit log TAMPERED: ${describeVerifyFailure(result)}\n`);
        process.stderr.write(`(${result.records} records before it verified)\n`);
      }
      process.exitCode = result.ok ? 0 : 1;
    });

  return audit;
}

async function resolveLogPath(target: LogTarget): Promise<string> {
  if (target.file !== undefined) return resolve(target.file);
  if (target.sandbox === undefined && target.run === undefined) {
    throw new NemoclawCliError('USAGE', 'name a log: --sandbox NAME, --run ID (or latest) or --file PATH', {
      exitCode: 2,
    });
  }
  // The same state root the supervisor and `nemoclaw run` write to: $NEMOCLAW_HOME, else ~/.nemoclaw.
  const { SandboxError, nemoclawHome, sandboxPaths } = await import('@nemoclaw/sandbox');
  try {
    if (target.run !== undefined) {
      if (!/^(latest|\d{8}T\d{6}Z-[0-9a-f]{8})$/.test(target.run)) {
        throw new NemoclawCliError(
          'USAGE',
          `--run expects a run id (e.g. 20261130T084500Z-1a2b3c4d) or latest, got "${target.run}"`,
          {
            exitCode: 2,
          },
        );
      }
      return join(nemoclawHome(), 'runs', target.run, 'events.jsonl');
    }
    return sandboxPaths(nemoclawHome(), target.sandbox ?? '').auditLog;
  } catch (error) {
    if (error instanceof SandboxError)
      throw new NemoclawCliError('USAGE', error.message, { exitCode: 2, cause: error });
    throw error;
  }
}

function formatLine(text: string, json: boolean): string {
  let record: AuditRecord;
  try {
    record = JSON.parse(text) as AuditRecord;
  } catch {
    return json ? text : `<unreadable line> ${text.slice(0, 80)}`;
  }
  if (json) return JSON.stringify(record.event);
  const event = record.event;
  const time = typeof event.time === 'number' ? new Date(event.time).toISOString() : '-';
  const type = typeof event.type_name === 'string' ? event.type_name : String(event.type_uid);
  const severity = typeof event.severity === 'string' ? event.severity : '';
  const detail = [event.disposition, event.status_detail ?? event.message]
    .filter((part): part is string => typeof part === 'string')
    .join(' - ');
  return `${String(record.seq).padStart(6)}  ${time}  ${severity.padEnd(13)} ${type}${detail === '' ? '' : `  ${detail}`}`;
}
