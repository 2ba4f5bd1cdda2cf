import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Command } from 'commander';
import { NemoclawCliError } from '../cli-error.js';

/** Options of `nemoclaw privacy scan`. */
export interface PrivacyScanRequest {
  /** Policy file whose `inference` section decides each line's route. */
  readonly policy?: string;
  /** Read `{"id","text"}` lines; the only input format (required, so that a format can be added later). */
  readonly jsonl?: boolean;
}

/** The streams `privacy scan` reads and writes (the process's by default). */
export interface PrivacyScanIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** The longest input line accepted (bytes); a longer line is reported and skipped without being buffered. */
export const maximumScanLineBytes = 8 * 1024 * 1024;

type RouteOf = (findings: readonly import('@nemoclaw/privacy-router').Finding[]) => {
  route: string;
  redact: boolean;
};

/** `nemoclaw privacy scan [--policy FILE] --jsonl` */
export function createPrivacyCommand(): Command {
  const privacy = new Command('privacy')
    .description('Sensitive-data detection for batch evaluation')
    .exitOverride();
  privacy
    .command('scan')
    .exitOverride()
    .description(
      'Read {"id","text"} JSON lines on stdin; write {"id","route","entities":[{"type","start","end","score"}]} lines',
    )
    .option('--policy <file>', "policy file whose inference rules decide each line's route")
    .option('--jsonl', 'input and output are JSON lines (required)')
    .action(async (options: PrivacyScanRequest) => {
      process.exitCode = await executePrivacyScan(options, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });
  return privacy;
}

async function loadRouting(policyPath: string): Promise<{
  terms: Record<string, string[]>;
  routeOf: RouteOf;
}> {
  const [{ loadPolicyFile }, { decideRoute }] = await Promise.all([
    import('@nemoclaw/policy'),
    import('@nemoclaw/privacy-router'),
  ]);
  const loaded = loadPolicyFile(policyPath);
  if (!loaded.ok)
    throw new NemoclawCliError('INVALID_POLICY', `privacy scan: invalid policy:\n${loaded.error.message}`);
  const inference = loaded.value.inference;
  if (inference === undefined)
    throw new NemoclawCliError('INVALID_POLICY', `privacy scan: ${policyPath} has no inference section`);
  const terms: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(inference.terms ?? {})) {
    if ('values' in list) {
      terms[name] = [...list.values];
      continue;
    }
    const file = resolve(dirname(policyPath), list.file);
    try {
      terms[name] = (await readFile(file, 'utf8'))
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'));
    } catch (error) {
      throw new NemoclawCliError(
        'INVALID_POLICY',
        `privacy scan: inference.terms.${name}: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  let routeOf: RouteOf;
  try {
    // Resolves the providers once, so that a policy naming an unknown provider fails here.
    decideRoute([], inference);
    routeOf = (findings) => {
      const decision = decideRoute(findings, inference);
      return { route: decision.route === 'block' ? 'block' : decision.route.id, redact: decision.redact };
    };
  } catch (error) {
    throw new NemoclawCliError(
      'INVALID_POLICY',
      `privacy scan: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { terms, routeOf };
}

/**
 * The route of a line when no policy is given: `local` when anything of high sensitivity was
 * found (secrets, card numbers, IBANs, SSNs, passports, driver's licences, crypto addresses,
 * policy terms), `cloud` otherwise. See `sensitivityOf` in @nemoclaw/privacy-router.
 */
export function defaultRouteOf(sensitivity: string): string {
  return sensitivity === 'high' ? 'local' : 'cloud';
}

/** Splits a byte stream into lines without ever buffering more than `maximumScanLineBytes` of one line. */
async function* linesOf(input: Readable): AsyncGenerator<{ line: string } | { oversized: true }> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let oversized = false;
  for await (const chunk of input) {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    for (;;) {
      const newline = data.indexOf(0x0a);
      const part = newline === -1 ? data : data.subarray(0, newline);
      if (!oversized) {
        if (pendingBytes + part.length > maximumScanLineBytes) {
          oversized = true;
          pending = [];
          pendingBytes = 0;
        } else {
          pending.push(part);
          pendingBytes += part.length;
        }
      }
      if (newline === -1) break;
      if (oversized) yield { oversized: true };
      else yield { line: Buffer.concat(pending).toString('utf8').replace(/\r$/, '') };
      pending = [];
      pendingBytes = 0;
      oversized = false;
      data = data.subarray(newline + 1);
    }
  }
  if (oversized) yield { oversized: true };
  else if (pendingBytes > 0) yield { line: Buffer.concat(pending).toString('utf8').replace(/\r$/, '') };
}

function parseLine(
  line: string,
): { ok: true; id: string | number; text: string } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, error: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, error: 'expected an object {"id": ..., "text": "..."}' };
  const record = value as Record<string, unknown>;
  const id = record.id;
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id)))
    return { ok: false, error: '"id" must be a string or a number' };
  if (typeof record.text !== 'string') return { ok: false, error: '"text" must be a string' };
  return { ok: true, id, text: record.text };
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolveDrain) => stream.once('drain', resolveDrain));
}

/**
 * Scans stdin's `{"id","text"}` lines and writes one `{"id","route","entities"}` line per valid
 * input line, in order (`subtype` is added for SECRET and TERM, `redact: true` when the policy
 * redacts that route). The route comes from the policy's inference rules with `--policy`, else
 * from {@link defaultRouteOf}. A malformed line gets a one-line error on stderr naming its line
 * number and is skipped; the exit code is then 1 (0 when every line was scanned). Blank lines are
 * ignored.
 *
 * @throws {@link NemoclawCliError} without `--jsonl` (usage) or with an invalid policy.
 */
export async function executePrivacyScan(request: PrivacyScanRequest, io: PrivacyScanIo): Promise<number> {
  if (request.jsonl !== true)
    throw new NemoclawCliError('USAGE', 'privacy scan: pass --jsonl (JSON lines are the only input format)', {
      exitCode: 2,
    });
  const { createDetector, sensitivityOf } = await import('@nemoclaw/privacy-router');
  const routing = request.policy === undefined ? undefined : await loadRouting(resolve(request.policy));
  const detector = createDetector(routing ? { terms: routing.terms } : {});
  let lineNumber = 0;
  let failures = 0;
  for await (const item of linesOf(io.stdin)) {
    lineNumber += 1;
    if ('oversized' in item) {
      failures += 1;
      await write(
        io.stderr,
        `nemoclaw: privacy scan: line ${lineNumber}: longer than ${maximumScanLineBytes} bytes, skipped\n`,
      );
      continue;
    }
    if (item.line.trim() === '') continue;
    const parsed = parseLine(item.line);
    if (!parsed.ok) {
      failures += 1;
      await write(io.stderr, `nemoclaw: privacy scan: line ${lineNumber}: ${parsed.error}\n`);
      continue;
    }
    const findings = detector.scan(parsed.text);
    const decision = routing
      ? routing.routeOf(findings)
      : { route: defaultRouteOf(sensitivityOf(findings)), redact: false };
    const output = {
      id: parsed.id,
      route: decision.route,
      ...(decision.redact ? { redact: true } : {}),
      entities: findings.map((finding) => ({
        type: finding.type,
        ...(finding.subtype !== undefined && (finding.type === 'SECRET' || finding.type === 'TERM')
          ? { subtype: finding.subtype }
          : {}),
        start: finding.start,
        end: finding.end,
        score: Math.round(finding.score * 1000) / 1000,
      })),
    };
    await write(io.stdout, `${JSON.stringify(output)}\n`);
  }
  if (failures > 0) {
    await write(
      io.stderr,
      `nemoclaw: privacy scan: ${failures} of ${lineNumber} line(s) could not be scanned\n`,
    );
    return 1;
  }
  return 0;
}
