import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect, SandboxSetupError, spawnWithPlan } from '@nemoclaw/native';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, freshWorkdir, nemoclaw, prepareHarness, type WorksHarness } from './support.ts';

// Bad input gets a clear, specific error and a documented exit code; never a stack trace.
let harness: WorksHarness;

beforeAll(async () => {
  harness = await prepareHarness();
});

function run(args: readonly string[], workdir = freshWorkdir('bad')) {
  return nemoclaw(harness, ['run', '--workdir', workdir, ...args], { cwd: workdir });
}

describe('bad input', () => {
  it('a command that does not exist: 127 with the launcher line', async () => {
    const result = await run(['--policy', defaultPolicy, '--', 'no-such-command-nemoclaw', '--flag']);
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(/^nemoclaw-sandbox-exec: exec: no-such-command-nemoclaw: /m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a file that is not executable: 126', async () => {
    const workdir = freshWorkdir('noexec');
    writeFileSync(join(workdir, 'script.sh'), 'echo hi\n', { mode: 0o644 });
    const result = await run(['--policy', defaultPolicy, '--', './script.sh'], workdir);
    expect(result.code).toBe(126);
  });

  it('an invalid policy: 78 and one line naming file:line:col', async () => {
    const workdir = freshWorkdir('invalid');
    const policy = join(workdir, 'policy.yaml');
    writeFileSync(policy, 'version: 1\nfilesystem_policy:\n  read_only: [/usr]\n  raed_write: [/tmp]\n');
    const result = await run(['--policy', policy, '--', 'true'], workdir);
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(new RegExp(`^nemoclaw: policy: ${policy}:4:3: `));
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('YAML that does not parse: 78 with its position', async () => {
    const workdir = freshWorkdir('syntax');
    const policy = join(workdir, 'policy.yaml');
    writeFileSync(policy, 'version: 1\nfilesystem_policy: [unclosed\n');
    const result = await run(['--policy', policy, '--', 'true'], workdir);
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(new RegExp(`^nemoclaw: policy: ${policy}:\\d+:\\d+: `));
  });

  it('an unreadable policy path (missing, or a directory): 78 and a clear line', async () => {
    const workdir = freshWorkdir('unreadable');
    const missing = await run(['--policy', join(workdir, 'nope.yaml'), '--', 'true'], workdir);
    expect(missing.code).toBe(78);
    expect(missing.stderr).toMatch(/^nemoclaw: policy: .*nope\.yaml.*\n$/);
    mkdirSync(join(workdir, 'dir.yaml'));
    const directory = await run(['--policy', join(workdir, 'dir.yaml'), '--', 'true'], workdir);
    expect(directory.code).toBe(78);
    expect(directory.stderr).toMatch(/^nemoclaw: policy: .*dir\.yaml/);
  });

  it('no command: usage error 2', async () => {
    const result = await run(['--policy', defaultPolicy]);
    expect(result.code).toBe(2);
  });

  it('a workdir under the private /tmp: 78 explaining why', async () => {
    const result = await nemoclaw(
      harness,
      ['run', '--policy', defaultPolicy, '--workdir', '/tmp', '--', 'true'],
      {
        cwd: freshWorkdir('tmp'),
      },
    );
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(
      /workdir \/tmp lies in \/tmp, which the policy replaces with a private, empty tmpfs/,
    );
  });

  it('a malformed plan: the launcher answers 120 with its reason', async () => {
    for (const plan of ['', 'not json', '{"version": 1}', '{"version": 2}', '[]']) {
      const error = await collect(spawnWithPlan(plan, { launcherPath: harness.launcherPath })).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(SandboxSetupError);
      expect(error).toMatchObject({ exitCode: 120, stage: 'plan' });
      expect((error as SandboxSetupError).reason).toMatch(/^plan: ./);
    }
  });
});
