/**
 * `nemoclaw run` with `network_policies`: an in-process egress proxy behind the launcher's bridge,
 * with an ephemeral state directory that is removed afterwards.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { verifyAuditLog } from '@nemoclaw/audit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeRun } from '../../apps/nemoclaw/src/commands/run.ts';
import { buildFreshLauncher } from '../../packages/native/test-support/fresh-launcher.ts';
import { freshWorkdir } from '../works/support.ts';
import { startUpstream } from './support.ts';

let launcherPath: string;
let workdir: string;
let home: string;
let upstream: Awaited<ReturnType<typeof startUpstream>>;

beforeAll(async () => {
  launcherPath = buildFreshLauncher();
  workdir = freshWorkdir('run-net');
  home = freshWorkdir('run-net-home');
  upstream = await startUpstream();
});
afterAll(() => upstream.close());

async function run(policyLines: readonly string[], command: readonly string[]) {
  const { writeFileSync } = await import('node:fs');
  const policy = join(workdir, 'run.yaml');
  writeFileSync(
    policy,
    `${['version: 1', 'filesystem_policy:', '  include_workdir: true', '  read_only: [/usr, /lib, /lib64, /bin, /etc]', '  read_write: [/dev/null]', ...policyLines].join('\n')}\n`,
  );
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errors = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const code = await executeRun(
    { policy, workdir, command },
    {
      stdio: 'pipe',
      stdout,
      stderr,
      env: { PATH: '/usr/bin:/bin', HOME: workdir, NEMOCLAW_SANDBOX_EXEC: launcherPath, NEMOCLAW_HOME: home },
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: out, stderr: errors };
}

describe('nemoclaw run with network_policies', () => {
  it('reaches an allowed host through the proxy; an unlisted one is refused and reported', async () => {
    const result = await run(
      [
        'network_policies:',
        '  local:',
        '    name: local',
        `    endpoints: [{ host: 127.0.0.1, port: ${upstream.port}, allowed_ips: [127.0.0.1] }]`,
      ],
      [
        '/bin/sh',
        '-c',
        `curl -sS http://127.0.0.1:${upstream.port}/run; echo; curl -sS -o /dev/null -w '%{http_code}\\n' http://unlisted.example/`,
      ],
    );
    expect(result.stdout).toBe('upstream saw GET /run\n403\n');
    expect(result.stderr).toContain('nemoclaw: egress denied: host-not-allowed: unlisted.example:80');
    expect(result.code).toBe(0);
    // The ephemeral proxy state is gone.
    expect(existsSync(join(home, 'run')) ? readdirSync(join(home, 'run')) : []).toEqual([]);
    // Every decision is in the run's audit log, between its launch and its end, and the chain holds.
    const log = join(home, 'runs', 'latest', 'events.jsonl');
    expect((await verifyAuditLog(log)).ok).toBe(true);
    const events = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).event);
    expect(events.map((event) => `${event.class_uid} ${event.activity_name}`)).toEqual([
      '1007 Launch',
      expect.stringMatching(/^400[12] /),
      expect.stringMatching(/^400[12] /),
      '1007 Terminate',
    ]);
    expect(JSON.stringify(events[2])).toContain('host-not-allowed');
  });

  it('without network_policies there is no proxy and no network at all', async () => {
    const result = await run(
      [],
      [
        '/bin/sh',
        '-c',
        `curl -sS --max-time 5 http://127.0.0.1:${upstream.port}/; echo "exit $? [$HTTP_PROXY]"`,
      ],
    );
    expect(result.stdout).toMatch(/^exit [1-9]\d* \[\]\n$/);
    expect(existsSync(join(home, 'run')) ? readdirSync(join(home, 'run')) : []).toEqual([]);
  });
});
