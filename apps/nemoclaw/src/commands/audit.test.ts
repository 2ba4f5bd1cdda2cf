import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, buildPolicyChangeEvent } from '@nemoclaw/audit';
import { nemoclawHome, sandboxPaths } from '@nemoclaw/sandbox';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../program.js';

let home: string;
let originalHome: string | undefined;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'nemoclaw-audit-cli-'));
  originalHome = process.env.HOME;
  process.env.HOME = home;
  process.exitCode = undefined;
});
afterEach(async () => {
  process.env.HOME = originalHome;
  process.exitCode = undefined;
  vi.restoreAllMocks();
  await rm(home, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const code = await runCli(['node', 'nemoclaw', ...args]);
  vi.restoreAllMocks();
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

async function writeSandboxLog(count: number): Promise<string> {
  const path = sandboxPaths(nemoclawHome(), 'dev').auditLog;
  const log = await AuditLog.open(path);
  for (let index = 0; index < count; index += 1) {
    await log.append(
      buildPolicyChangeEvent({
        sandbox: 'dev',
        kind: 'apply',
        policy: { name: `p${index}.yaml`, sha256: 'b'.repeat(64) },
      }),
    );
  }
  await log.close();
  return path;
}

describe('nemoclaw audit verify', () => {
  it('exits 0 for an intact sandbox log', async () => {
    await writeSandboxLog(3);
    const result = await run('audit', 'verify', '--sandbox', 'dev');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/audit log intact: 3 records in 1 file/);
  });

  it('exits 1 and names the tampered line', async () => {
    const path = await writeSandboxLog(4);
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[2] = lines[2]?.replace('p2.yaml', 'px.yaml') ?? '';
    await writeFile(path, lines.join('\n'));
    const result = await run('audit', 'verify', '--file', path);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`audit log TAMPERED: ${path}:3: record 2 does not match its hash`);
    const json = await run('audit', 'verify', '--file', path, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, line: 3, code: 'HASH_MISMATCH' });
  });

  it('verifies an HMAC-keyed log with --key-file, and refuses it without the key', async () => {
    const path = join(home, 'keyed', 'events.jsonl');
    const keyFile = join(home, 'audit.key');
    await writeFile(keyFile, 'k'.repeat(32));
    const log = await AuditLog.open(path, { hmacKey: Buffer.from('k'.repeat(32)) });
    await log.append(
      buildPolicyChangeEvent({ kind: 'load', policy: { name: 'p.yaml', sha256: 'c'.repeat(64) } }),
    );
    await log.close();
    expect((await run('audit', 'verify', '--file', path, '--key-file', keyFile)).code).toBe(0);
    const withoutKey = await run('audit', 'verify', '--file', path);
    expect(withoutKey.code).toBe(1);
    expect(withoutKey.stderr).toMatch(/:1: the record is HMAC-keyed/);
    const missingKey = await run('audit', 'verify', '--file', path, '--key-file', join(home, 'nope'));
    expect(missingKey.stderr).toMatch(/cannot read the key file/);
  });

  it('finds a sandbox log under NEMOCLAW_HOME, where the supervisor writes it', async () => {
    const stateRoot = join(home, 'state-root');
    const path = join(stateRoot, 'sandboxes', 'dev', 'audit', 'events.jsonl');
    const log = await AuditLog.open(path);
    await log.append(
      buildPolicyChangeEvent({
        sandbox: 'dev',
        kind: 'apply',
        policy: { name: 'p.yaml', sha256: 'c'.repeat(64) },
      }),
    );
    await log.close();
    process.env.NEMOCLAW_HOME = stateRoot;
    try {
      const result = await run('audit', 'verify', '--sandbox', 'dev');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('intact: 1 records');
    } finally {
      delete process.env.NEMOCLAW_HOME;
    }
  });

  it('answers usage errors clearly', async () => {
    expect((await run('audit', 'verify')).stderr).toMatch(
      /--sandbox NAME, --run ID \(or latest\) or --file PATH/,
    );
    const bad = await run('audit', 'verify', '--sandbox', '../etc');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not a sandbox name/);
    const badRun = await run('audit', 'verify', '--run', '../../etc');
    expect(badRun.code).toBe(2);
    expect(badRun.stderr).toMatch(/--run expects a run id .* or latest, got "\.\.\/\.\.\/etc"/);
  });
});

describe('nemoclaw audit tail', () => {
  it('prints the last N events, as text or OCSF JSON', async () => {
    await writeSandboxLog(5);
    const text = await run('audit', 'tail', '--sandbox', 'dev', '-n', '2');
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\s*3 .*Device Config State Change: Log/);
    const json = await run('audit', 'tail', '--sandbox', 'dev', '-n', '3', '--json');
    const events = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { class_uid: number; policy: { name: string } });
    expect(events.map((event) => event.policy.name)).toEqual(['p2.yaml', 'p3.yaml', 'p4.yaml']);
    expect(events[0]?.class_uid).toBe(5019);
  });
});
