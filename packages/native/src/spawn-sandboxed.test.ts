import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicyFile, type Policy } from '@nemoclaw/policy';
import { beforeAll, describe, expect, it } from 'vitest';
import { landlockAbiRequiredBy } from './build-plan.js';
import { launchPlanSchema } from './launch-plan.js';
import { SandboxSetupError } from './native-error.js';
import { probe } from './probe.js';
import type { SandboxPolicy } from './sandbox-policy.js';
import { runSandboxed, spawnSandboxed } from './spawn-sandboxed.js';
import { collect, spawnWithPlan } from './spawn-with-plan.js';

const defaultPolicyFile = fileURLToPath(new URL('../../../policies/default.yaml', import.meta.url));
const callerEnv = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: homedir(), LANG: 'C.UTF-8' };
let workdir = '';
let policy: Policy;

beforeAll(() => {
  // Not under /tmp: the default policy gives the sandbox a private, empty /tmp.
  workdir = mkdtempSync('/var/tmp/nemoclaw-spawn-');
  const loaded = loadPolicyFile(defaultPolicyFile, { workdir, home: homedir() });
  if (!loaded.ok) throw loaded.error;
  policy = loaded.value;
});

function run(command: string[], extra: Parameters<typeof runSandboxed>[2] | object = {}) {
  return runSandboxed(policy, command, { workdir, env: callerEnv, ...extra });
}

describe('spawnSandboxed with the shipped default policy', () => {
  it('accepts a validated Policy from @nemoclaw/policy as is', () => {
    const asSandboxPolicy: SandboxPolicy = policy;
    expect(asSandboxPolicy.landlock?.compatibility).toBe('hard_requirement');
  });

  it('runs a command and returns its output and exit code', async () => {
    const result = await run(['sh', '-c', 'echo hello; echo oops >&2; exit 42']);
    expect(result).toEqual({ code: 42, signal: null, stdout: 'hello\n', stderr: 'oops\n' });
  });

  it('feeds stdin through a pipe', async () => {
    const result = await run(['cat'], { input: 'from stdin\n' });
    expect(result.stdout).toBe('from stdin\n');
  });

  it('answers 127 for a command that does not exist and 126 for one that is not executable', async () => {
    const missing = await run(['no-such-command-nemoclaw']);
    expect(missing.code).toBe(127);
    writeFileSync(join(workdir, 'not-executable.sh'), 'echo hi\n', { mode: 0o644 });
    const notExecutable = await run([join(workdir, 'not-executable.sh')]);
    expect(notExecutable.code).toBe(126);
  });

  it('runs in the workdir, which is writable, behind a private /tmp', async () => {
    const result = await run(['sh', '-c', 'pwd; echo data > written.txt; echo t > /tmp/inside.txt; ls /tmp']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${workdir}\ninside.txt\n`);
    expect(readFileSync(join(workdir, 'written.txt'), 'utf8')).toBe('data\n');
    expect(existsSync('/tmp/inside.txt')).toBe(false);
  });

  it('passes only the allowed environment: a credential in the caller environment does not leak in', async () => {
    const result = await run(['env'], {
      env: { ...callerEnv, AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-secret', NODE_OPTIONS: '--require /x.js' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('PATH=/usr/local/bin:/usr/bin:/bin\n');
    expect(result.stdout).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(result.stdout).not.toContain('wJalrXUtnFEMI');
    expect(result.stdout).not.toContain('NODE_OPTIONS');
  });

  it('refuses to write outside the granted paths (read-only root: EROFS) and to read them (Landlock: EACCES)', async () => {
    const target = join(homedir(), `.nemoclaw-escape-${process.pid}`);
    const written = await run(['sh', '-c', `echo x > ${target}`]);
    expect(written.code).not.toBe(0);
    expect(written.stderr).toMatch(/Read-only file system/);
    expect(existsSync(target)).toBe(false);
    const secret = join(mkdtempSync('/var/tmp/nemoclaw-outside-'), 'secret.txt');
    writeFileSync(secret, 'not for the sandbox\n');
    const read = await run(['cat', secret]);
    expect(read.code).not.toBe(0);
    expect(read.stderr).toMatch(/Permission denied/);
    expect(read.stdout).toBe('');
  });

  it('gives the command a terminal with pty: true', async () => {
    const result = await run(['sh', '-c', 'test -t 0 && test -t 1 && echo terminal'], { pty: true });
    expect(result.code).toBe(0);
    expect(result.stdout.replace(/\r/g, '')).toContain('terminal\n');
  });

  it('forwards kill() to the command', async () => {
    const handle = spawnSandboxed(policy, ['sleep', '30'], { workdir, env: callerEnv });
    const exit = collect(handle);
    setTimeout(() => handle.kill('SIGTERM'), 200);
    const result = await exit;
    expect(result.code === 128 + 15 || result.signal === 'SIGTERM').toBe(true);
    expect(handle.pid).toBeGreaterThan(0);
  });

  it('reports the signal when the launcher itself is killed, and the sandbox dies with it', async () => {
    // A sleep whose argument is unique to this test, so a survivor can be recognised by its cmdline.
    const marker = `30.${process.pid}${Date.now() % 100_000}`;
    const handle = spawnSandboxed(policy, ['sh', '-c', `sleep ${marker}; true`], { workdir, env: callerEnv });
    const exit = collect(handle);
    await new Promise((resolve) => setTimeout(resolve, 300));
    handle.kill('SIGKILL');
    expect(await exit).toMatchObject({ code: null, signal: 'SIGKILL' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const survivors = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
        } catch {
          return false;
        }
      });
    expect(survivors).toEqual([]);
  });

  it('exposes the plan it sent, valid against the schema', () => {
    const handle = spawnSandboxed(policy, ['true'], { workdir, env: callerEnv });
    expect(handle.plan).not.toBeNull();
    expect(launchPlanSchema.parse(handle.plan)).toEqual(handle.plan);
    expect(handle.plan?.command.argv).toEqual(['true']);
    return handle.exited;
  });

  it('prints what the launcher enforces with verbose: true', async () => {
    const result = await run(['true'], { verbose: true });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^nemoclaw-sandbox-exec: .*landlock=ABI\d/m);
  });
});

describe('the bridge hook (ready for the egress proxy)', () => {
  it('relays loopback TCP on the bridge port to a Unix socket outside, naming the peer; other ports stay closed', async () => {
    const socketPath = join(mkdtempSync('/var/tmp/nemoclaw-bridge-'), 'proxy.sock');
    const preambles: string[] = [];
    const server = createServer((connection) => {
      let buffered = '';
      connection.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const newline = buffered.indexOf('\n');
        if (newline >= 0 && preambles.length === 0) {
          preambles.push(buffered.slice(0, newline));
          connection.end('pong\n');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const client = [
        "const net = require('net');",
        "const direct = net.connect(3129, '127.0.0.1');",
        "direct.on('error', (error) => { console.log('3129:', error.code);",
        "  const socket = net.connect(3128, '127.0.0.1', () => socket.write('ping\\n'));",
        "  socket.on('data', (data) => process.stdout.write('3128: ' + data)); });",
      ].join('\n');
      const result = await run(['node', '-e', client], {
        bridge: { listen: '127.0.0.1:3128', unix_socket: socketPath },
      });
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^3129: E(ACCES|CONNREFUSED)\n3128: pong\n$/);
      expect(preambles[0]).toMatch(/^NEMOCLAW-PEER pid=\d+ exe=\/usr\/bin\/node uid=\d+$/);
    } finally {
      server.close();
    }
  });
});

describe('setup failures become SandboxSetupError', () => {
  it('maps a malformed plan to exit 120 with the launcher reason', async () => {
    const error = await collect(spawnWithPlan('{"version": 1, "no_such_key": true')).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SandboxSetupError);
    expect(error).toMatchObject({ code: 'SANDBOX_SETUP', exitCode: 120, stage: 'plan' });
    expect((error as SandboxSetupError).reason).toMatch(/^plan: /);
  });

  it('maps an unknown key to exit 120 naming the key', async () => {
    const handle = spawnSandboxed(policy, ['true'], { workdir, env: callerEnv });
    await handle.exited;
    const withExtraKey = JSON.stringify({ ...handle.plan, surprise: 1 });
    await expect(collect(spawnWithPlan(withExtraKey))).rejects.toMatchObject({
      exitCode: 120,
      reason: expect.stringMatching(/unknown key "surprise"/),
    });
  });

  it('maps a plan that insists on a newer Landlock ABI to 123 under hard_requirement; best_effort runs and says what is missing', async () => {
    const handle = spawnSandboxed(policy, ['true'], { workdir, env: callerEnv });
    await handle.exited;
    if (handle.plan === null) throw new Error('no plan');
    const strict = {
      ...handle.plan,
      abi_override: 3,
      landlock: { ...handle.plan.landlock, required: { truncate: true, net: true, scope: true } },
    };
    const refused = await collect(spawnWithPlan(strict)).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(SandboxSetupError);
    expect(refused).toMatchObject({ exitCode: 123, stage: 'landlock' });
    expect((refused as SandboxSetupError).reason).toMatch(/ABI 3 lacks/);

    const bestEffort = { ...strict, landlock: { ...strict.landlock, compatibility: 'best_effort' as const } };
    const result = await collect(spawnWithPlan(bestEffort));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/lacks TCP port rules/);
  });

  it('agrees with the launcher on the lowest ABI a plan needs, for every ABI from 1 to 7', async () => {
    const handle = spawnSandboxed(policy, ['true'], { workdir, env: callerEnv });
    await handle.exited;
    const required = handle.plan === null ? 0 : landlockAbiRequiredBy(handle.plan);
    const kernel = (await probe()).kernelLandlockAbi;
    for (let abi = 1; abi <= Math.min(7, kernel); abi++) {
      const outcome = await run(['true'], { abiOverride: abi }).then(
        (result) => result.code,
        (error: unknown) => (error instanceof SandboxSetupError ? error.exitCode : -1),
      );
      expect({ abi, outcome }).toEqual({ abi, outcome: abi >= required ? 0 : 123 });
    }
  });

  it('takes the ABI override from NEMOCLAW_LANDLOCK_ABI', async () => {
    const result = await run(['true'], { verbose: true, env: { ...callerEnv, NEMOCLAW_LANDLOCK_ABI: '1' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/landlock=ABI1\(kernel \d+\)/);
  });

  it('does not mistake a command that exits 121 by itself for a setup failure', async () => {
    const result = await run(['sh', '-c', 'exit 121']);
    expect(result.code).toBe(121);
  });

  it('reports a launcher that cannot be started as LAUNCHER_FAILED', async () => {
    await expect(
      collect(spawnWithPlan('{}', { launcherPath: join(workdir, 'no-such-launcher') })),
    ).rejects.toMatchObject({ code: 'LAUNCHER_FAILED' });
  });
});
