import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { verifyAuditLog } from '@nemoclaw/audit';
import { buildPlan } from '@nemoclaw/native';
import { beforeAll, describe, expect, it } from 'vitest';
import { NemoclawCliError } from '../cli-error.js';
import { runCli } from '../program.js';
import { describePlan, executeRun, type RunRequest, runExitCodes } from './run.js';

const nativeDir = fileURLToPath(new URL('../../../../native/', import.meta.url));
let launcherPath = '';
let workdir = '';
/** The plan cache and its key live here, never in the real home directory. */
let cacheRoot = '';

beforeAll(() => {
  // A launcher built from the current sources (make is a no-op when it is up to date).
  execFileSync('flock', [join(tmpdir(), 'nemoclaw-native-make.lock'), 'make', '-s', '-C', nativeDir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  launcherPath = join(nativeDir, 'build', 'nemoclaw-sandbox-exec');
  // Not under /tmp: the default policy gives the sandbox a private, empty /tmp.
  workdir = mkdtempSync('/var/tmp/nemoclaw-run-');
  cacheRoot = mkdtempSync('/var/tmp/nemoclaw-run-cache-');
});

async function run(request: RunRequest, env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const errors: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => errors.push(chunk));
  const code = await executeRun(
    { workdir, ...request },
    {
      stdio: 'pipe',
      stdout,
      stderr,
      env: {
        PATH: '/usr/bin:/bin',
        HOME: homedir(),
        NEMOCLAW_SANDBOX_EXEC: launcherPath,
        XDG_CACHE_HOME: join(cacheRoot, 'cache'),
        NEMOCLAW_HOME: join(cacheRoot, 'state'),
        ...env,
      },
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(errors).toString() };
}

async function failure(request: RunRequest, env: Record<string, string> = {}): Promise<NemoclawCliError> {
  const error = await run(request, env).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(NemoclawCliError);
  return error as NemoclawCliError;
}

describe('nemoclaw run', () => {
  it('runs the command under the default policy and passes its exit code through', async () => {
    const result = await run({ command: ['sh', '-c', 'echo "in $(pwd)"; exit 7'] });
    expect(result).toMatchObject({ code: 7, stdout: `in ${workdir}\n` });
  });

  it('answers 127 for a command that does not exist, as shells do', async () => {
    const result = await run({ command: ['no-such-command-nemoclaw'] });
    expect(result.code).toBe(127);
    expect(result.stderr).toContain('no-such-command-nemoclaw');
  });

  it('reports an invalid policy as exit 78 with one file:line:col line', async () => {
    const policy = join(workdir, 'invalid.yaml');
    writeFileSync(policy, 'version: 1\nfilesystem_policy:\n  read_only: [relative/path]\n');
    const error = await failure({ command: ['true'], policy });
    expect(error.exitCode).toBe(runExitCodes.policy);
    expect(error.message).toMatch(
      new RegExp(`^policy: ${policy}:3:\\d+: filesystem_policy.read_only\\[0\\]: `),
    );
    expect(error.message).not.toContain('\n');
  });

  it('reports an unreadable or missing policy file as exit 78', async () => {
    const missing = await failure({ command: ['true'], policy: join(workdir, 'missing.yaml') });
    expect(missing.exitCode).toBe(78);
    expect(missing.message).toMatch(/^policy: .*missing\.yaml/);
    const directory = join(workdir, 'a-directory.yaml');
    mkdirSync(directory, { recursive: true });
    expect((await failure({ command: ['true'], policy: directory })).exitCode).toBe(78);
  });

  it('reports a policy the kernel sandbox cannot enforce as written as exit 78', async () => {
    const policy = join(workdir, 'unenforceable.yaml');
    writeFileSync(
      policy,
      'version: 1\nfilesystem_policy:\n  read_only: [/]\n  read_write: [/var/tmp]\n  no_execute: [/var/tmp]\n',
    );
    const error = await failure({ command: ['true'], policy });
    expect(error.exitCode).toBe(78);
    expect(error.message).toMatch(/no_execute \/var\/tmp lies inside \/, which grants execute/);
  });

  it('refuses a workdir that is not a directory and a bad --name with the usage code', async () => {
    expect((await failure({ command: ['true'], workdir: join(workdir, 'nope') })).exitCode).toBe(2);
    expect((await failure({ command: ['true'], name: 'bad name!' })).exitCode).toBe(2);
    expect((await failure({ command: [] })).exitCode).toBe(2);
    const relative = await failure({ command: ['true'] }, { NEMOCLAW_HOME: 'state' });
    expect([relative.exitCode, relative.message]).toEqual([
      2,
      'run: NEMOCLAW_HOME must be an absolute path, got "state"',
    ]);
  });

  it('uses --name as the hostname inside', async () => {
    const result = await run({ command: ['cat', '/proc/sys/kernel/hostname'], name: 'agent-7' });
    expect(result.stdout).toBe('agent-7\n');
  });

  const hardNofile = Number(
    /Max open files\s+\d+\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1],
  );
  it.skipIf(!(hardNofile < 1_048_576))(
    'passes the launcher setup failures (120-125) through with the launcher line',
    async () => {
      // Raising RLIMIT_NOFILE above the caller's hard limit needs a privilege the sandbox never has.
      const policy = join(workdir, 'nofile.yaml');
      writeFileSync(
        policy,
        `version: 1\nfilesystem_policy:\n  read_only: [/usr, /bin, /lib, /lib64]\nprocess:\n  limits:\n    nofile: ${hardNofile + 1}\n`,
      );
      const result = await run({ command: ['true'], policy });
      expect(result.code).toBe(125);
      expect(result.stderr).toMatch(/^nemoclaw-sandbox-exec: rlimits: nofile=\d+: /m);
    },
  );

  it('reports a missing launcher as exit 69', async () => {
    const error = await failure(
      { command: ['true'] },
      { NEMOCLAW_SANDBOX_EXEC: join(workdir, 'no-launcher') },
    );
    expect(error.exitCode).toBe(runExitCodes.launcherMissing);
    expect(error.message).toMatch(/^launcher: NEMOCLAW_SANDBOX_EXEC=/);
  });

  it('prints a one-line summary of the policy and the launcher line of what it enforces with --verbose', async () => {
    const result = await run({ command: ['true'], verbose: true });
    expect(result.code).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(
      /^nemoclaw: sandbox: policy .*default\.yaml; landlock hard_requirement, \d+ paths .*seccomp default; network none; env \d+ vars; limits /,
    );
    expect(result.stderr).toMatch(/^nemoclaw-sandbox-exec: .*landlock=ABI/m);
  });

  it('writes a hash-chained audit log per run: launch and terminate, or a failed launch with the reason', async () => {
    const state = mkdtempSync('/var/tmp/nemoclaw-run-audit-');
    const result = await run({ command: ['sh', '-c', 'exit 3'], verbose: true }, { NEMOCLAW_HOME: state });
    expect(result.code).toBe(3);
    const path = /audit log (\S+)/.exec(result.stderr)?.[1] ?? '';
    expect(path.startsWith(join(state, 'runs'))).toBe(true);
    expect(realpathSync(join(state, 'runs', 'latest', 'events.jsonl'))).toBe(realpathSync(path));
    const verified = await verifyAuditLog(path);
    expect(verified.ok).toBe(true);
    const events = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).event);
    expect(events.map((event) => [event.class_uid, event.activity_name, event.status_id])).toEqual([
      [1007, 'Launch', 1],
      [1007, 'Terminate', 2],
    ]);
    expect(events[1].status_detail).toMatch(/3/);
    // a setup failure (RLIMIT_NOFILE above the hard limit): one failed launch with the stage and reason
    if (!(hardNofile < 1_048_576)) return;
    const policy = join(workdir, 'nofile-audit.yaml');
    writeFileSync(
      policy,
      `version: 1\nfilesystem_policy:\n  read_only: [/usr, /bin, /lib, /lib64]\nprocess:\n  limits:\n    nofile: ${hardNofile + 1}\n`,
    );
    const failed = await run({ command: ['true'], policy }, { NEMOCLAW_HOME: state });
    expect(failed.code).toBe(125);
    const latest = join(state, 'runs', 'latest', 'events.jsonl');
    const lines = readFileSync(latest, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const launch = JSON.parse(lines[0] ?? '{}').event;
    expect([launch.activity_name, launch.status_id]).toEqual(['Launch', 2]);
    expect(launch.status_detail).toMatch(/^setup: rlimits: nofile=\d+: /);
    expect((await verifyAuditLog(latest)).ok).toBe(true);
  });

  it('is reachable through the CLI: a missing command is a usage error', async () => {
    expect(await runCli(['node', 'nemoclaw', 'run'])).toBe(2);
  });
});

describe('nemoclaw run with the plan cache', () => {
  /** Rewrites every cache entry's plan with `change`, re-authenticated with the key (as only its owner can). */
  function rewriteEntries(cache: string, key: Buffer, change: (template: Record<string, unknown>) => void) {
    const directory = join(cache, 'nemoclaw', 'plans');
    const names = readdirSync(directory).filter((name) => name.endsWith('.json'));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const file = join(directory, name);
      const outer = JSON.parse(readFileSync(file, 'utf8')) as { body: string };
      const body = JSON.parse(outer.body) as { plan: { template: Record<string, unknown> } | null };
      if (body.plan !== null) change(body.plan.template);
      const text = JSON.stringify(body);
      writeFileSync(
        file,
        JSON.stringify({ version: 1, mac: createHmac('sha256', key).update(text).digest('hex'), body: text }),
      );
    }
  }

  it('uses a cached plan, and --no-cache or NEMOCLAW_NO_PLAN_CACHE=1 bypass it', async () => {
    const root = mkdtempSync('/var/tmp/nemoclaw-run-cached-');
    const env = { XDG_CACHE_HOME: join(root, 'cache'), NEMOCLAW_HOME: join(root, 'state') };
    const hostname = ['cat', '/proc/sys/kernel/hostname'];
    expect((await run({ command: hostname }, env)).stdout).toBe('nemoclaw\n');
    // Whoever holds the key could change an entry: the next run then launches the cached plan.
    rewriteEntries(
      env.XDG_CACHE_HOME,
      readFileSync(join(env.NEMOCLAW_HOME, 'plan-cache.key')),
      (template) => {
        template.hostname = 'from-cache';
      },
    );
    expect((await run({ command: hostname }, env)).stdout).toBe('from-cache\n');
    expect((await run({ command: hostname, cache: false }, env)).stdout).toBe('nemoclaw\n');
    expect((await run({ command: hostname }, { ...env, NEMOCLAW_NO_PLAN_CACHE: '1' })).stdout).toBe(
      'nemoclaw\n',
    );
    // The command line and the environment are never taken from the cache.
    const other = await run({ command: ['sh', '-c', 'echo "$LANG"'] }, { ...env, LANG: 'C.UTF-8' });
    expect(other.stdout).toBe('C.UTF-8\n');
  });

  it('a sandbox that can write the cache cannot read the key nor change what the next run enforces', async () => {
    // The workdir is the home directory: the sandbox can write ~/.cache/nemoclaw.
    const home = mkdtempSync('/var/tmp/nemoclaw-run-home-');
    const env = { HOME: home, XDG_CACHE_HOME: '', NEMOCLAW_HOME: '' };
    const hostname = ['cat', '/proc/sys/kernel/hostname'];
    expect((await run({ command: hostname, workdir: home }, env)).stdout).toBe('nemoclaw\n');
    const plans = join(home, '.cache', 'nemoclaw', 'plans');
    expect(readdirSync(plans).length).toBeGreaterThan(0);
    // Changes the hostname in the plan only (the entry stays well-formed, its lookup intact).
    writeFileSync(join(home, 'forge.sed'), 's/hostname\\\\":\\\\"nemoclaw/hostname\\\\":\\\\"pwned/\n');
    const attack = await run(
      {
        command: [
          'sh',
          '-c',
          [
            'cat ~/.nemoclaw/plan-cache.key >/dev/null 2>&1 && echo key-read',
            'echo forged > ~/.nemoclaw/plan-cache.key 2>/dev/null && echo key-written',
            `for f in ${plans}/*.json; do sed -i -f ~/forge.sed "$f" && echo entry-rewritten; done`,
          ].join('; '),
        ],
        workdir: home,
      },
      env,
    );
    expect(attack.stdout).not.toMatch(/key-read|key-written/);
    expect(attack.stdout).toMatch(/entry-rewritten/);
    const rewritten = readdirSync(plans).map((name) => readFileSync(join(plans, name), 'utf8'));
    expect(rewritten.some((text) => text.includes('hostname\\":\\"pwned'))).toBe(true);
    expect(rewritten.every((text) => JSON.parse(JSON.parse(text).body) !== null)).toBe(true);
    // The rewritten entry fails its MAC: the next run loads and validates the policy again.
    expect((await run({ command: hostname, workdir: home }, env)).stdout).toBe('nemoclaw\n');
  });

  it('misses when the file system the plan was built on changes', async () => {
    const dir = mkdtempSync('/var/tmp/nemoclaw-run-fs-');
    const first = await run({ command: ['true'], workdir: dir, verbose: true });
    expect(first.stderr).toMatch(/ 0 pinned read-only \+ 6 placeholders/);
    writeFileSync(join(dir, '.gitconfig'), '[core]\n');
    const second = await run({ command: ['true'], workdir: dir, verbose: true });
    expect(second.stderr).toMatch(/ 1 pinned read-only \+ 6 placeholders/);
  });

  it('applies an edited policy on the next run, and reports a broken edit exactly as without a cache', async () => {
    const policy = join(workdir, 'edited.yaml');
    const write = (mark: string) =>
      writeFileSync(policy, `version: 1\nextends: default\nprocess:\n  env:\n    set: { MARK: ${mark} }\n`);
    const mark = ['sh', '-c', 'echo "$MARK"'];
    write('first');
    expect((await run({ command: mark, policy })).stdout).toBe('first\n');
    expect((await run({ command: mark, policy })).stdout).toBe('first\n');
    write('second');
    expect((await run({ command: mark, policy })).stdout).toBe('second\n');
    writeFileSync(policy, 'version: 1\nextends: default\nprocess:\n  env:\n    set: [oops]\n');
    const error = await failure({ command: mark, policy });
    expect(error.exitCode).toBe(78);
    expect(error.message).toMatch(new RegExp(`^policy: ${policy}:5:\\d+: process\\.env\\.set`));
  });
});

describe('describePlan', () => {
  it('summarises a plan in one line', () => {
    const { plan } = buildPlan(
      {
        filesystem_policy: { read_only: ['/usr'], read_write: ['/var/tmp'], deny: ['/root/.ssh'] },
        process: { env: { allow: ['PATH'] }, limits: { nofile: 64, wall_seconds: 5 } },
      },
      { command: ['true'], workdir: '/var/tmp', home: '/root', env: { PATH: '/bin' }, abiOverride: 6 },
    );
    expect(describePlan(plan, [{ path: '/x', reason: 'read_only: does not exist' }], 'p.yaml')).toBe(
      'sandbox: policy p.yaml; landlock hard_requirement (ABI override 6), 2 paths (1 writable, 1 missing skipped); ' +
        '2 masked, 0 pinned read-only + 6 placeholders; seccomp default; network none; env 1 vars; limits core=0 nofile=64 wall=5s',
    );
  });
});
