import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyAuditLog } from '@nemoclaw/audit';
import { shippedPoliciesDir } from '@nemoclaw/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxBackendExecSpec, SandboxBackendHandle, SandboxFsBridge } from './openclaw-types.js';
import { parsePluginConfig } from './plugin-config.js';
import { PluginRuntime } from './plugin-runtime.js';
import { createNemoclawSandbox } from './sandbox-backend.js';

let launcherPath: string;

/** Builds the launcher from the repository's native/ (a no-op when up to date), serialised with flock. */
function buildFreshLauncher(): string {
  const nativeDir = fileURLToPath(new URL('../../../../native/', import.meta.url));
  execFileSync('flock', [join(tmpdir(), 'nemoclaw-native-make.lock'), 'make', '-s', '-C', nativeDir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return join(nativeDir, 'build', 'nemoclaw-sandbox-exec');
}
let root: string;
let home: string;
let workspace: string;
let runtime: PluginRuntime;
let handle: SandboxBackendHandle;
let bridge: SandboxFsBridge;

function runtimeWith(config: Record<string, unknown>): PluginRuntime {
  const parsed = parsePluginConfig(config);
  if (!parsed.ok) throw new Error(parsed.error);
  return new PluginRuntime({
    config: parsed.value,
    home,
    stateDir: join(home, '.openclaw', 'nemoclaw'),
    env: { PATH: '/usr/bin:/bin', HOME: home, LANG: 'C' },
  });
}

/** Spawns an exec spec exactly as OpenClaw's process supervisor does: argv, env, closed stdin. */
function runSpec(
  spec: SandboxBackendExecSpec,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [file, ...args] = spec.argv;
  if (file === undefined) throw new Error('empty argv');
  const child = spawn(file, args, { env: spec.env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolvePromise) =>
    child.on('close', (code) => resolvePromise({ code, stdout, stderr })),
  );
}

async function exec(command: string) {
  const spec = await handle.buildExecSpec({
    command,
    env: { PATH: '/usr/bin:/bin', HOME: home },
    usePty: false,
  });
  const result = await runSpec(spec);
  await handle.finalizeExec?.({
    status: 'completed',
    exitCode: result.code,
    timedOut: false,
    token: spec.finalizeToken,
  });
  return { ...result, spec };
}

beforeAll(async () => {
  launcherPath = buildFreshLauncher();
  // Outside /tmp: the default policy gives the sandbox a private /tmp.
  // Outside /tmp (private inside the sandbox; the repository may be cloned under /tmp) and short.
  const cache = '/var/tmp/nemoclaw-ncp/';
  await mkdir(cache, { recursive: true });
  root = await mkdtemp(cache);
  home = join(root, 'h');
  workspace = join(home, 'workspace');
  await mkdir(join(home, '.ssh'), { recursive: true });
  await mkdir(workspace, { recursive: true });
  await writeFile(join(home, '.ssh', 'id_rsa'), 'FAKE-KEY-FOR-TEST\n');
  await writeFile(join(workspace, 'notes.txt'), 'workspace file\n');
  runtime = runtimeWith({ launcherPath, auditDir: join(root, 'audit') });
  handle = await createNemoclawSandbox(runtime, { workspaceDir: workspace, scopeKey: 'agent:main:test' });
  const created = handle.createFsBridge?.({ sandbox: { workspaceDir: workspace } });
  if (created === undefined) throw new Error('no fs bridge');
  bridge = created;
});

afterAll(async () => {
  await runtime?.close();
  await rm(root, { recursive: true, force: true });
});

describe('exec through the nemoclaw backend', () => {
  it('runs a command in the workspace', async () => {
    const result = await exec('ls && pwd');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('notes.txt');
    expect(result.stdout).toContain(workspace);
  });

  it('the command cannot read a denied secret: the mount namespace masks ~/.ssh', async () => {
    const result = await exec(`cat ${join(home, '.ssh', 'id_rsa')}`);
    expect(result.code).not.toBe(0);
    expect(result.stdout).not.toContain('FAKE-KEY');
    expect(result.stderr).toMatch(/Permission denied|No such file/);
    // The same read outside the sandbox works: the refusal comes from the sandbox, not the file.
    expect(await readFile(join(home, '.ssh', 'id_rsa'), 'utf8')).toContain('FAKE-KEY');
  });

  it('the command cannot write outside the workspace (Landlock)', async () => {
    const result = await exec(`echo owned > ${join(home, 'outside.txt')}`);
    expect(result.code).not.toBe(0);
    expect(existsSync(join(home, 'outside.txt'))).toBe(false);
  });

  it('the plan file is private while the command runs and gone after finalizeExec', async () => {
    const spec = await handle.buildExecSpec({
      command: 'true',
      env: { PATH: '/usr/bin:/bin' },
      usePty: false,
    });
    const planPath = spec.argv[2] ?? '';
    expect(spec.argv[1]).toBe('--plan-file');
    expect(statSync(planPath).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(planPath)).mode & 0o777).toBe(0o700);
    const result = await runSpec(spec);
    expect(result.code).toBe(0);
    await handle.finalizeExec?.({
      status: 'completed',
      exitCode: 0,
      timedOut: false,
      token: spec.finalizeToken,
    });
    expect(existsSync(planPath)).toBe(false);
  });

  it('an unlisted host is refused by the egress proxy and the denial is audited', async () => {
    const result = await exec(
      'curl -sS -o /dev/null -w "%{http_code}" http://blocked.example.com/ ; echo " exit=$?"',
    );
    expect(result.stdout).toMatch(/^403/);
    const denials = runtime.recentDenials().filter((denial) => denial.kind === 'egress');
    expect(denials.some((denial) => denial.detail.includes('blocked.example.com'))).toBe(true);
    await runtime.close();
    const log = await readFile(join(root, 'audit', 'audit.jsonl'), 'utf8');
    expect(log).toContain('blocked.example.com');
    runtime = runtimeWith({ launcherPath, auditDir: join(root, 'audit') });
    handle = await createNemoclawSandbox(runtime, { workspaceDir: workspace, scopeKey: 'agent:main:test' });
    bridge = handle.createFsBridge?.({ sandbox: { workspaceDir: workspace } }) ?? bridge;
  });

  it('runShellCommand passes arguments as positional parameters, inside the sandbox', async () => {
    const output = await handle.runShellCommand({
      script: 'printf "%s" "$1"; cat "$2"',
      args: ['a b;c', join(workspace, 'notes.txt')],
    });
    expect(output.stdout.toString('utf8')).toBe('a b;cworkspace file\n');
    await expect(
      handle.runShellCommand({ script: 'cat "$1"', args: [join(home, '.ssh', 'id_rsa')] }),
    ).rejects.toThrow(/exit 1/);
  });
});

describe('plans reused across execs', () => {
  it('attack: a repository created in the workspace between two execs is protected in the second', async () => {
    const repository = join(workspace, 'repo-between');
    await mkdir(repository, { recursive: true });
    const inner = await createNemoclawSandbox(runtime, { workspaceDir: repository, scopeKey: 'reuse' });
    const run = async (command: string) => {
      const spec = await inner.buildExecSpec({
        command,
        env: { PATH: '/usr/bin:/bin', HOME: home },
        usePty: false,
      });
      const result = await runSpec(spec);
      await inner.finalizeExec?.({
        status: 'completed',
        exitCode: result.code,
        timedOut: false,
        token: spec.finalizeToken,
      });
      return result;
    };
    // The plan is built (and cached) while the workspace has no repository: .git is writable then.
    expect((await run('true')).code).toBe(0);
    expect((await run('true')).code).toBe(0);
    // Someone outside the sandbox runs `git init` in the workspace.
    await mkdir(join(repository, '.git', 'hooks'), { recursive: true });
    await writeFile(join(repository, '.git', 'config'), '[core]\n');
    // The next exec must not reuse the plan without the repository's protections.
    const hook = await run(`printf '#!/bin/sh\\nid\\n' > .git/hooks/post-checkout; echo "exit=$?"`);
    expect(hook.stdout).toMatch(/exit=[1-9]/);
    expect(hook.stderr).toMatch(/Read-only file system|Permission denied/);
    expect(existsSync(join(repository, '.git', 'hooks', 'post-checkout'))).toBe(false);
    const config = await run('echo "[core] hooksPath = /x" >> .git/config; echo "exit=$?"');
    expect(config.stdout).toMatch(/exit=[1-9]/);
    expect(await readFile(join(repository, '.git', 'config'), 'utf8')).toBe('[core]\n');
    // Ordinary work in the workspace still goes through.
    expect((await run('echo fine > note.txt && cat note.txt')).stdout).toBe('fine\n');
  });

  it('attack: a policy re-applied with recheck() is enforced on the next exec, not the cached plan', async () => {
    const secretDir = join(workspace, 'secret-reapply');
    await mkdir(secretDir, { recursive: true });
    await writeFile(join(secretDir, 'data.txt'), 'SECRET-REAPPLY\n');
    const shipped = await readFile(join(shippedPoliciesDir(), 'default.yaml'), 'utf8');
    const policyPath = join(root, 'reapply.yaml');
    await writeFile(policyPath, shipped);
    const parsed = parsePluginConfig({
      launcherPath,
      policy: policyPath,
      auditDir: join(root, 'audit-reapply'),
    });
    if (!parsed.ok) throw new Error(parsed.error);
    // Its own state directory: the egress proxy's socket is per process and state directory.
    const reapplied = new PluginRuntime({
      config: parsed.value,
      home,
      stateDir: join(root, 'state-reapply'),
      env: { PATH: '/usr/bin:/bin', HOME: home, LANG: 'C' },
    });
    try {
      const inner = await createNemoclawSandbox(reapplied, { workspaceDir: workspace, scopeKey: 'reapply' });
      const run = async (command: string) => {
        const spec = await inner.buildExecSpec({
          command,
          env: { PATH: '/usr/bin:/bin', HOME: home },
          usePty: false,
        });
        const result = await runSpec(spec);
        await inner.finalizeExec?.({
          status: 'completed',
          exitCode: result.code,
          timedOut: false,
          token: spec.finalizeToken,
        });
        return result;
      };
      expect((await run('cat secret-reapply/data.txt')).stdout).toBe('SECRET-REAPPLY\n');
      expect((await run('cat secret-reapply/data.txt')).stdout).toBe('SECRET-REAPPLY\n');
      // The operator narrows the policy: the directory is now denied.
      expect(shipped).toContain('  deny:\n');
      await writeFile(policyPath, shipped.replace('  deny:\n', `  deny:\n    - ${secretDir}\n`));
      const ready = await reapplied.recheck();
      expect(ready.ok).toBe(true);
      const after = await run('cat secret-reapply/data.txt; echo "exit=$?"');
      expect(after.stdout).not.toContain('SECRET-REAPPLY');
      expect(after.stdout).toContain('exit=1');
      // The same read outside the sandbox works: the refusal is the new policy's mask.
      expect(await readFile(join(secretDir, 'data.txt'), 'utf8')).toBe('SECRET-REAPPLY\n');
    } finally {
      await reapplied.close();
    }
  });
});

describe('exit records', () => {
  it('every exit is audited in order with the hash chain intact, also when the runtime closes right after', async () => {
    const parsed = parsePluginConfig({ launcherPath, auditDir: join(root, 'audit-exits') });
    if (!parsed.ok) throw new Error(parsed.error);
    const closing = new PluginRuntime({
      config: parsed.value,
      home,
      stateDir: join(root, 'state-exits'),
      env: { PATH: '/usr/bin:/bin', HOME: home, LANG: 'C' },
    });
    const inner = await createNemoclawSandbox(closing, { workspaceDir: workspace, scopeKey: 'exits' });
    const commands = ['true # exit-order-1', 'exit 3 # exit-order-2', 'echo x # exit-order-3'];
    for (const command of commands) {
      const spec = await inner.buildExecSpec({ command, env: { PATH: '/usr/bin:/bin' }, usePty: false });
      const result = await runSpec(spec);
      await inner.finalizeExec?.({
        status: 'completed',
        exitCode: result.code,
        timedOut: false,
        token: spec.finalizeToken,
      });
    }
    // The gateway stops in the same turn as the last exec's finalizeExec.
    await closing.close();
    await new Promise((resolvePromise) => setImmediate(resolvePromise));
    const logPath = join(root, 'audit-exits', 'audit.jsonl');
    await expect.poll(async () => (await readFile(logPath, 'utf8')).includes('exit-order-3')).toBe(true);
    const exits = (await readFile(logPath, 'utf8'))
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            event: { class_uid: number; exit_code?: number; process: { cmd_line?: string } };
          },
      )
      .filter((record) => record.event.class_uid === 1007);
    expect(exits.map((record) => record.event.process.cmd_line?.match(/exit-order-\d/)?.[0])).toEqual([
      'exit-order-1',
      'exit-order-2',
      'exit-order-3',
    ]);
    expect(exits.map((record) => record.event.exit_code)).toEqual([0, 3, 0]);
    expect((await verifyAuditLog(logPath)).ok).toBe(true);
  });
});

describe('file tools through the fs bridge', () => {
  it('reads, writes, stats, renames and removes inside the workspace', async () => {
    await bridge.writeFile({ filePath: 'dir/new.txt', data: 'inside\n' });
    expect(await readFile(join(workspace, 'dir', 'new.txt'), 'utf8')).toBe('inside\n');
    expect((await bridge.readFile({ filePath: 'dir/new.txt' })).toString('utf8')).toBe('inside\n');
    expect(await bridge.stat({ filePath: 'dir/new.txt' })).toMatchObject({ type: 'file', size: 7 });
    expect(await bridge.stat({ filePath: 'dir' })).toMatchObject({ type: 'directory' });
    expect(await bridge.stat({ filePath: 'missing.txt' })).toBeNull();
    await bridge.rename({ from: 'dir/new.txt', to: 'dir/renamed.txt' });
    await bridge.remove({ filePath: 'dir', recursive: true });
    expect(existsSync(join(workspace, 'dir'))).toBe(false);
  });

  it('a write outside the workspace is refused by the kernel, not by a path check', async () => {
    const outside = join(home, 'outside-by-bridge.txt');
    // resolvePath accepts the path: the gateway does no string check; the sandbox refuses the write.
    expect(bridge.resolvePath({ filePath: outside }).hostPath).toBe(outside);
    const failure = await bridge.writeFile({ filePath: outside, data: 'x' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(String(failure)).toMatch(/Permission denied|Read-only file system/);
    expect(existsSync(outside)).toBe(false);
    expect(
      runtime.recentDenials().some((denial) => denial.kind === 'file' && denial.detail.includes(outside)),
    ).toBe(true);
  });

  it('a read of a masked secret fails inside the sandbox', async () => {
    await expect(bridge.readFile({ filePath: join(home, '.ssh', 'id_rsa') })).rejects.toThrow(
      /Permission denied|No such file/,
    );
    await expect(bridge.readFile({ filePath: '~/.ssh/id_rsa' })).rejects.toThrow(
      /Permission denied|No such file/,
    );
  });

  it('a file name cannot inject shell syntax', async () => {
    const name = 'a"; touch pwned; echo "$(id).txt';
    await bridge.writeFile({ filePath: name, data: 'y' });
    expect(existsSync(join(workspace, name))).toBe(true);
    expect(existsSync(join(workspace, 'pwned'))).toBe(false);
  });
});

describe('fail closed', () => {
  it('refuses to create a sandbox when the launcher is missing', async () => {
    const broken = runtimeWith({ launcherPath: join(root, 'no-such-launcher') });
    await expect(createNemoclawSandbox(broken, { workspaceDir: workspace, scopeKey: 's' })).rejects.toThrow(
      /cannot be applied.*not an executable file/,
    );
    await broken.close();
  });

  it('refuses to create a sandbox when the policy is invalid', async () => {
    const policy = join(root, 'bad.yaml');
    await writeFile(policy, 'version: 1\nfilesystem_policy: { read_only: 7 }\n');
    const broken = runtimeWith({ launcherPath, policy });
    await expect(createNemoclawSandbox(broken, { workspaceDir: workspace, scopeKey: 's' })).rejects.toThrow(
      /policy .* is invalid/,
    );
    await broken.close();
  });
});
