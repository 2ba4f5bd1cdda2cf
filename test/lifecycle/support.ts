import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import {
  type CliResult,
  callerEnv,
  freshWorkdir,
  nemoclaw,
  prepareHarness,
  type WorksHarness,
} from '../works/support.ts';

export { freshWorkdir, type WorksHarness };

/** A harness for sandbox lifecycle tests: the bundled CLI, the launcher, and a private NEMOCLAW_HOME. */
export interface LifecycleHarness extends WorksHarness {
  /** A short NEMOCLAW_HOME outside /tmp (Unix socket paths must stay under 108 bytes). */
  readonly home: string;
  /** A workdir outside /tmp (the sandbox gets a private /tmp). */
  readonly workdir: string;
}

/** Bundles the CLI, builds the launcher and makes a private state root and workdir. */
export async function prepareLifecycle(label: string): Promise<LifecycleHarness> {
  const harness = await prepareHarness();
  const home = mkdtempSync(`/var/tmp/nc-${label}-`);
  return { ...harness, home, workdir: freshWorkdir(label) };
}

/** Runs `nemoclaw ...args` with the harness's NEMOCLAW_HOME. */
export function cli(harness: LifecycleHarness, args: readonly string[]): Promise<CliResult> {
  return nemoclaw(harness, args, {
    cwd: harness.workdir,
    env: callerEnv(harness, { NEMOCLAW_HOME: harness.home }),
  });
}

/** A real HTTP server on 127.0.0.1 that answers `upstream saw <method> <url>`. */
export async function startUpstream(): Promise<{ server: Server; port: number; close: () => void }> {
  const server = createServer((request, response) =>
    response.end(`upstream saw ${request.method} ${request.url}`),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    server,
    port: address.port,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * Writes a policy file into the workdir: the system read-only, the workdir read-write, and a
 * network policy letting `binaries` reach 127.0.0.1:`port` (allowed_ips lifts the loopback block).
 */
export function writePolicy(
  harness: LifecycleHarness,
  file: string,
  options: {
    port: number | null;
    binaries?: string;
    extra?: readonly string[];
    readWrite?: readonly string[];
  },
): string {
  const lines = [
    'version: 1',
    'filesystem_policy:',
    '  include_workdir: true',
    `  read_only: [${['/usr', '/lib', '/lib64', '/bin', '/etc', '/proc', ...(options.readOnly ?? [])].join(', ')}]`,
    `  read_write: [${['/dev/null', ...(options.readWrite ?? [])].join(', ')}]`,
    ...(options.extra ?? []),
  ];
  if (options.port !== null) {
    lines.push(
      'network_policies:',
      '  local:',
      '    name: local',
      '    endpoints:',
      `      - { host: 127.0.0.1, port: ${options.port}, allowed_ips: [127.0.0.1] }`,
      ...(options.binaries === undefined ? [] : [`    binaries: ${options.binaries}`]),
    );
  }
  const path = join(harness.workdir, file);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Parses the JSON stdout of a CLI call, failing with its stderr when it is not JSON. */
export function json<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
  }
}

/** Waits until `check` returns true (polling every 20 ms), failing after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts a sandbox through the library with the bundled CLI as supervisor (faster than `nemoclaw sandbox create`). */
export async function startSandbox(
  harness: LifecycleHarness,
  name: string,
  policyFile: string,
  command: readonly string[],
) {
  const { createSandbox } = await import('@nemoclaw/sandbox');
  return createSandbox({
    name,
    home: harness.home,
    policyFile,
    workdir: harness.workdir,
    command,
    supervisorCommand: [process.execPath, harness.cliPath, 'sandbox', 'supervise'],
    env: callerEnv(harness, { NEMOCLAW_HOME: harness.home }),
    stopTimeoutMs: 2000,
  });
}

/** The OCSF events of an audit log (active file only; tests never rotate). */
export function auditEvents(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { event: Record<string, unknown> }).event);
}
