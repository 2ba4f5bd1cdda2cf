import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateLauncher, type NativeError, type SandboxPolicy, sandboxEnvironment } from '@nemoclaw/native';
import { shippedPoliciesDir } from '@nemoclaw/policy';
import { describe, expect, it } from 'vitest';
import { findLauncher, planEnvironment, startLauncher } from './launcher-client.js';
import { shippedPoliciesDirectory } from './shipped-policies-dir.js';

// The start-up path of `nemoclaw run` does without @nemoclaw/native and @nemoclaw/policy: these
// hold its copies of their rules equal to the packages' own.

function located(env: Record<string, string>): string {
  try {
    return locateLauncher({ env });
  } catch (error) {
    return (error as NativeError).message;
  }
}

function found(env: Record<string, string>): string {
  const result = findLauncher(env);
  return result.path ?? result.message;
}

describe('launcher client', () => {
  it('finds the launcher where @nemoclaw/native does, with the same message when it cannot', () => {
    const directory = mkdtempSync('/var/tmp/nemoclaw-launcher-client-');
    const executable = join(directory, 'launcher');
    writeFileSync(executable, '#!/bin/sh\n');
    chmodSync(executable, 0o755);
    const notExecutable = join(directory, 'plain');
    writeFileSync(notExecutable, '');
    const environments: Record<string, string>[] = [
      {},
      { NEMOCLAW_SANDBOX_EXEC: executable },
      { NEMOCLAW_SANDBOX_EXEC: notExecutable },
      { NEMOCLAW_SANDBOX_EXEC: directory },
      { NEMOCLAW_SANDBOX_EXEC: join(directory, 'missing') },
      { NEMOCLAW_SANDBOX_EXEC: '' },
    ];
    for (const env of environments) expect(found(env), JSON.stringify(env)).toBe(located(env));
  });

  it('gives the sandbox the environment @nemoclaw/native gives it', () => {
    const policies: SandboxPolicy[] = [
      {},
      { process: { env: { allow: ['PATH', 'HOME', 'PATH', 'A=B', '', 'MISSING'] } } },
      { process: { env: { allow: ['LANG'], set: { LANG: 'C', GIT_CONFIG_GLOBAL: '/dev/null' } } } },
    ];
    const source = { PATH: '/bin', HOME: '/home/a', LANG: 'de_DE.UTF-8', 'A=B': 'x', SECRET: 's' };
    for (const policy of policies)
      expect(planEnvironment(policy, source)).toEqual(sandboxEnvironment(policy, source));
  });

  it('finds the shipped policies where @nemoclaw/policy does', () => {
    expect(shippedPoliciesDirectory()).toBe(shippedPoliciesDir());
  });

  it('reports a launcher that cannot be started', async () => {
    const directory = mkdtempSync('/var/tmp/nemoclaw-launcher-client-');
    const handle = startLauncher({} as never, { launcherPath: join(directory, 'gone'), stdio: 'pipe' });
    await expect(handle.exited).rejects.toThrow(/^cannot start .*gone: /);
  });
});
