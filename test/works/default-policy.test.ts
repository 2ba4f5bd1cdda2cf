import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  callerEnv,
  defaultPolicy,
  freshWorkdir,
  nemoclaw,
  prepareHarness,
  type WorksHarness,
} from './support.ts';

// Legitimate work inside the shipped policies/default.yaml, end to end through `nemoclaw run`.
let harness: WorksHarness;

beforeAll(async () => {
  harness = await prepareHarness();
});

function run(
  workdir: string,
  command: readonly string[],
  extra: { env?: Record<string, string>; input?: string } = {},
) {
  return nemoclaw(harness, ['run', '--policy', defaultPolicy, '--workdir', workdir, '--', ...command], {
    cwd: workdir,
    ...(extra.env === undefined ? {} : { env: callerEnv(harness, extra.env) }),
    ...(extra.input === undefined ? {} : { input: extra.input }),
  });
}

describe('works inside the default policy', () => {
  it('node runs and reads /usr', async () => {
    const workdir = freshWorkdir('node');
    const result = await run(workdir, [
      'node',
      '-e',
      "const fs = require('fs'); console.log(fs.readFileSync('/usr/bin/env').subarray(1, 4).toString(), process.version)",
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`ELF ${process.version}\n`);
    expect(result.code).toBe(0);
  });

  it('python3 runs', async () => {
    const result = await run(freshWorkdir('python'), [
      'python3',
      '-c',
      'import json, sys; print(json.dumps({"ok": True, "major": sys.version_info[0]}))',
    ]);
    expect(result.stdout).toBe('{"ok": true, "major": 3}\n');
    expect(result.code).toBe(0);
  });

  it('git init and commit work in the workdir', async () => {
    const workdir = freshWorkdir('git');
    const result = await run(workdir, [
      'sh',
      '-c',
      'git init -q && echo hello > a.txt && git add a.txt && git -c user.name=Agent -c user.email=agent@example.com commit -q -m first && git log --format=%s',
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('first\n');
    expect(result.code).toBe(0);
    expect(existsSync(join(workdir, '.git', 'HEAD'))).toBe(true);
  });

  it('a second commit works in an existing repository (its hooks and config pinned read-only)', async () => {
    const workdir = freshWorkdir('git-again');
    const first = await run(workdir, [
      'sh',
      '-c',
      'git init -q && echo 1 > a && git add a && git -c user.name=A -c user.email=a@example.com commit -q -m one',
    ]);
    expect(first.code).toBe(0);
    const second = await run(workdir, [
      'sh',
      '-c',
      'echo 2 > a && git -c user.name=A -c user.email=a@example.com commit -q -am two && git log --format=%s',
    ]);
    expect(second.stderr).toBe('');
    expect(second.stdout).toBe('two\none\n');
  });

  it('sh pipelines work', async () => {
    const result = await run(freshWorkdir('sh'), [
      'sh',
      '-c',
      "printf 'pear\\napple\\nfig\\n' | sort | tr a-z A-Z | head -n 2 | wc -l; seq 1 100 | awk '{ s += $1 } END { print s }'",
    ]);
    expect(result.stdout.replace(/ +/g, '')).toBe('2\n5050\n');
    expect(result.code).toBe(0);
  });

  it('cc compiles a C program in the workdir and runs it', async () => {
    const workdir = freshWorkdir('cc');
    writeFileSync(
      join(workdir, 'hello.c'),
      '#include <stdio.h>\nint main(void) { printf("hello from C %d\\n", 6 * 7); return 3; }\n',
    );
    const result = await run(workdir, ['sh', '-c', 'cc -O2 -o hello hello.c && ./hello']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('hello from C 42\n');
    expect(result.code).toBe(3);
  });

  it('npm test runs a small project without network', async () => {
    const workdir = freshWorkdir('npm');
    writeFileSync(
      join(workdir, 'package.json'),
      JSON.stringify({ name: 'tiny', version: '1.0.0', private: true, scripts: { test: 'node test.js' } }),
    );
    writeFileSync(
      join(workdir, 'test.js'),
      "const assert = require('node:assert'); assert.strictEqual(1 + 1, 2); console.log('tests passed');\n",
    );
    const result = await run(workdir, ['npm', 'test', '--silent']);
    expect(result.stdout).toContain('tests passed\n');
    expect(result.code).toBe(0);
  });

  it('writes the workdir and a private /tmp', async () => {
    const workdir = freshWorkdir('write');
    const marker = `nemoclaw-works-${process.pid}-${Date.now()}`;
    const result = await run(workdir, [
      'sh',
      '-c',
      `echo saved > out.txt && echo scratch > /tmp/${marker} && cat /tmp/${marker} && ls -A /tmp | wc -l`,
    ]);
    expect(result.stdout.replace(/ +/g, '')).toBe('scratch\n1\n');
    expect(result.code).toBe(0);
    expect(readFileSync(join(workdir, 'out.txt'), 'utf8')).toBe('saved\n');
    expect(existsSync(`/tmp/${marker}`)).toBe(false);
  });

  it('reads /usr and /etc', async () => {
    const result = await run(freshWorkdir('read'), [
      'sh',
      '-c',
      'ls /usr/bin | grep -c . >/dev/null && head -n 1 /etc/passwd',
    ]);
    expect(result.stdout).toMatch(/^root:/);
    expect(result.code).toBe(0);
  });

  it('passes the exit code through and reads stdin', async () => {
    const result = await run(freshWorkdir('stdin'), ['sh', '-c', 'read line; echo "got $line"; exit 9'], {
      input: 'ping\n',
    });
    expect(result).toMatchObject({ code: 9, stdout: 'got ping\n' });
  });
});
