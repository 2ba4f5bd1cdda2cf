import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Policy, parsePolicy } from '@nemoclaw/policy';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../program.js';

const policiesDir = fileURLToPath(new URL('../../../../policies/', import.meta.url)).replace(/\/$/, '');

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'nemoclaw-policy-cli-'));
  process.exitCode = undefined;
});
afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await rm(directory, { recursive: true, force: true });
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
  const code = await runCli(['node', 'nemoclaw', 'policy', ...args]);
  vi.restoreAllMocks();
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

/** Parses YAML the CLI printed with the policy loader itself (so it must also load back). */
function loadBack(text: string): Policy {
  const result = parsePolicy(text, { file: 'stdout.yaml' });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

async function write(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

describe('nemoclaw policy validate', () => {
  it('prints "FILE: ok" and exits 0 for the shipped policies', async () => {
    const files = [
      join(policiesDir, 'default.yaml'),
      join(policiesDir, 'strict.yaml'),
      join(policiesDir, 'presets/npm.yaml'),
    ];
    const result = await run('validate', ...files);
    expect(result).toEqual({ code: 0, stdout: files.map((file) => `${file}: ok\n`).join(''), stderr: '' });
  });

  it('exits 1 and prints file:line:col errors when any file is invalid', async () => {
    const good = await write('good.yaml', 'version: 1\n');
    const bad = await write('bad.yaml', 'version: 1\nfilesystem_policy:\n  read_onyl: [/usr]\n');
    const result = await run('validate', good, bad);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${good}: ok\n`);
    expect(result.stderr).toBe(
      `${bad}:3:3: filesystem_policy.read_onyl: unknown key "read_onyl" (did you mean "read_only"?); expected one of: include_workdir, read_only, read_write, deny, no_execute, private_tmp\n` +
        'nemoclaw: 1 of 2 policy file(s) invalid\n',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a missing file as a located error, not a crash', async () => {
    const missing = join(directory, 'missing.yaml');
    const result = await run('validate', missing);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${missing}:1:1: <root>: cannot read ${missing}: no such file`);
  });

  it('prints JSON diagnostics with --json', async () => {
    const bad = await write('bad.yaml', 'version: 1\nsyscalls: { allow: [ptrac] }\n');
    const result = await run('validate', '--json', bad);
    expect(result.code).toBe(1);
    const [report] = JSON.parse(result.stdout) as {
      file: string;
      ok: boolean;
      diagnostics: { line: number; column: number; code: string }[];
    }[];
    expect(report).toMatchObject({
      file: bad,
      ok: false,
      diagnostics: [{ line: 2, column: 21, code: 'INVALID_VALUE' }],
    });
  });
});

describe('nemoclaw policy show', () => {
  it('prints the resolved policy after extends as YAML', async () => {
    const file = await write('mine.yaml', 'version: 1\nextends: [default, presets/github]\n');
    const result = await run('show', file, '--workdir', directory);
    expect(result.code).toBe(0);
    const shown = loadBack(result.stdout);
    expect(Object.keys(shown.network_policies)).toEqual(['github']);
    expect(shown.landlock).toEqual({ compatibility: 'hard_requirement' });
    expect(shown).not.toHaveProperty('extends');
  });

  it('prints JSON with --json', async () => {
    const result = await run('show', join(policiesDir, 'strict.yaml'), '--json', '--workdir', directory);
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout) as {
      filesystem_policy: { read_write: string[]; no_execute: string[] };
    };
    expect(shown.filesystem_policy.read_write).toContain(directory);
    expect(shown.filesystem_policy.no_execute).toContain(directory);
  });

  it('refuses an invalid policy with exit 1', async () => {
    const file = await write('bad.yaml', 'version: 1\nfilesystem_policy: { read_write: [/] }\n');
    const result = await run('show', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${file}:2:35: filesystem_policy.read_write[0]: "/" cannot be read-write`,
    );
    expect(result.stdout).toBe('');
  });
});

describe('nemoclaw policy diff', () => {
  it('prints a table of LOCKED and HOT changes', async () => {
    const before = await write('old.yaml', 'version: 1\nextends: default\n');
    const after = await write(
      'new.yaml',
      'version: 1\nextends: [default, presets/npm]\nlandlock: { compatibility: best_effort }\n',
    );
    const result = await run('diff', before, after);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^FIELD\s+CLASS\s+CHANGE$/);
    expect(lines[1]).toMatch(
      /^landlock\.compatibility\s+LOCKED\s+"hard_requirement" -> "best_effort": weaker/,
    );
    expect(lines[2]).toMatch(/^network_policies\.npm\s+HOT\s+network access added: registry\.npmjs\.org:443/);
    expect(result.stdout).toContain('1 locked change(s)');
    expect(result.stdout).toContain('1 hot change(s)');
  });

  it('says so when there is no difference, and gives JSON with --json', async () => {
    const file = await write('same.yaml', 'version: 1\n');
    expect((await run('diff', file, file)).stdout).toBe('no differences\n');
    const other = await write('other.yaml', 'version: 1\nsyscalls: { deny: [acct] }\n');
    const json = JSON.parse((await run('diff', file, other, '--json')).stdout) as {
      hasLockedChanges: boolean;
      changes: { field: string }[];
    };
    expect(json.hasLockedChanges).toBe(true);
    expect(json.changes.map((change) => change.field)).toEqual(['syscalls.deny']);
  });
});

describe('nemoclaw policy import', () => {
  const openShell = `version: 1
filesystem_policy:
  include_workdir: true
  read_only: [/usr, /lib]
  read_write: [/tmp]
landlock:
  compatibility: best_effort
process:
  run_as_user: sandbox
network_policies:
  github:
    name: github
    endpoints:
      - { host: api.github.com, port: 443, access: full }
`;

  it('prints the converted policy on stdout and the mapping report on stderr', async () => {
    const file = await write('openshell.yaml', openShell);
    const result = await run('import', file);
    expect(result.code).toBe(0);
    const converted = loadBack(result.stdout);
    expect(converted.landlock).toEqual({ compatibility: 'best_effort' });
    expect(converted.syscalls.profile).toBe('default');
    expect(converted.network_policies.github?.endpoints).toEqual([
      { host: 'api.github.com', port: 443, access: 'full' },
    ]);
    expect(result.stderr).toMatch(/^FIELD\s+MAPPING\s+NOTE$/m);
    expect(result.stderr).toMatch(/^landlock\.compatibility\s+WARNING\s+best_effort kept/m);
    expect(result.stderr).toMatch(/^process\.run_as_user\s+KEPT\s+sandbox kept/m);
    expect(result.stderr).toMatch(/^inference\s+WARNING\s+absent/m);
  });

  it('writes -o OUT, which then validates, and refuses to overwrite without --force', async () => {
    const file = await write('openshell.yaml', openShell);
    const output = join(directory, 'nemoclaw.yaml');
    expect((await run('import', file, '-o', output)).code).toBe(0);
    expect(await readFile(output, 'utf8')).toContain('network_policies:');
    expect((await run('validate', output)).code).toBe(0);
    const again = await run('import', file, '-o', output);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`nemoclaw: ${output} exists; pass --force to overwrite it\n`);
    expect((await run('import', file, '-o', output, '--force')).code).toBe(0);
  });

  it('gives {policy, notes} with --json and refuses an invalid file', async () => {
    const file = await write('openshell.yaml', openShell);
    const json = JSON.parse((await run('import', file, '--json')).stdout) as { notes: { field: string }[] };
    expect(json.notes.map((note) => note.field)).toContain('landlock.compatibility');
    const bad = await write('bad.yaml', 'version: 1\nlandlock: { compatibility: sometimes }\n');
    const result = await run('import', bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${bad}:2:28: landlock.compatibility: must be one of "hard_requirement", "best_effort"`,
    );
  });
});
