import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AttackWorld,
  createWorld,
  probeInside,
  secretMarker,
  shippedPolicy,
  startVictim,
  withProbe,
} from './support/harness.ts';
import { settle, tcpListener } from './support/listeners.ts';

// The same attacks as if the kernel were older (the launcher's abi_override, tests only):
// Ubuntu 22.04 = Landlock ABI 1, Ubuntu 24.04 = ABI 4. The plan builder requires of Landlock only
// what no other layer provides: signals and abstract sockets are confined by the PID and network
// namespaces, TCP by the network namespace, truncate (and chmod, utimes ...) by the read-only
// root. So hard_requirement RUNS from ABI 1 (filesystem rules), best_effort has nothing to warn
// about, and every attack below still fails at ABI 1, 4 and 7.
let world: AttackWorld;
let victim: ReturnType<typeof startVictim>;
beforeAll(() => {
  world = createWorld('abi');
  victim = startVictim();
});
afterAll(() => {
  victim.kill();
  world.dispose();
});

const policyWith = (compatibility: 'hard_requirement' | 'best_effort') => {
  const base = shippedPolicy('default', world);
  return { ...base, landlock: { compatibility } };
};

describe('hard_requirement runs on an older kernel: nothing it needs is missing', () => {
  it.each([1, 4, 5, 6])('ABI %i', async (abi) => {
    const attempt = await probeInside(['ids'], {
      world,
      policy: policyWith('hard_requirement'),
      abiOverride: abi,
    });
    expect(attempt.outcome).toBe('ok');
    expect(attempt.stderr).toBe('');
  });
});

describe('best_effort on an older kernel has nothing to warn about', () => {
  it.each([1, 4, 7])('ABI %i prints nothing', async (abi) => {
    const attempt = await probeInside(['ids'], {
      world,
      policy: policyWith('best_effort'),
      abiOverride: abi,
    });
    expect(attempt.outcome).toBe('ok');
    expect(attempt.stderr).toBe('');
  });
});

describe('attacks under hard_requirement at ABI 1, 4 and 7: what stays the same, what differs', () => {
  const abis = [1, 4, 7] as const;
  const run = (args: string[], abi: number) =>
    probeInside(args, { world, policy: policyWith('hard_requirement'), abiOverride: abi });

  it.each(abis)(
    'ABI %i: secrets outside the allowed paths stay unreadable (Landlock filesystem, ABI 1)',
    async (abi) => {
      const attempt = await run(['read', world.secrets.sshKey], abi);
      expect(attempt.stdout).not.toContain(secretMarker);
      expect(attempt.outcome).toBe('EACCES');
    },
  );

  it.each(abis)('ABI %i: hard links out of the allowed paths stay impossible', async (abi) => {
    expect(['EXDEV', 'EACCES']).toContain(
      (await run(['link', world.secrets.otherEnv, join(world.workdir, `h${abi}`)], abi)).outcome,
    );
  });

  it.each([
    [1, 'ECONNREFUSED'],
    [4, 'EACCES'],
    [7, 'EACCES'],
  ])(
    'ABI %i: direct TCP to a listener outside still fails (%s): Landlock TCP rules from ABI 4, the empty namespace always',
    async (abi, expected) => {
      const listener = await tcpListener();
      try {
        expect((await run(['tcp-connect', '127.0.0.1', String(listener.port)], abi)).outcome).toBe(expected);
        await settle();
        expect(listener.hits()).toBe(0);
      } finally {
        await listener.close();
      }
    },
  );

  it.each(abis)('ABI %i: signals to a process outside still do not arrive (PID namespace)', async (abi) => {
    expect((await run(['kill', String(victim.pid), '9'], abi)).outcome).toMatch(/^(ESRCH|EPERM)$/);
    expect(victim.alive()).toBe(true);
  });

  it.each(abis)('ABI %i: abstract Unix sockets still fail (seccomp denies socket(AF_UNIX))', async (abi) => {
    expect((await run(['abstract-connect', 'nemoclaw-attack-abi'], abi)).outcome).toBe('EPERM');
  });

  it.each([
    [1, 'EROFS'],
    [4, 'EROFS'],
    [7, 'EROFS'],
  ])(
    'ABI %i: truncate(2) of a file granted read-only: %s (the read-only root; Landlock has truncate control from ABI 3 only)',
    async (abi, expected) => {
      const file = join(world.otherProject, `readonly-${abi}.txt`);
      writeFileSync(file, 'keep me\n');
      const base = policyWith('hard_requirement');
      const policy = withProbe({
        ...base,
        filesystem_policy: {
          ...base.filesystem_policy,
          read_only: [...(base.filesystem_policy.read_only ?? []), world.otherProject],
        },
      });
      const attempt = await probeInside(['truncate', file], { world, policy, abiOverride: abi });
      expect(attempt.outcome).toBe(expected);
      expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    },
  );

  it.each(abis)(
    'ABI %i: chmod of a file outside the allowed paths fails (EROFS: read-only root)',
    async (abi) => {
      const file = join(world.otherProject, `chmod-${abi}.txt`);
      writeFileSync(file, 'x', { mode: 0o600 });
      expect((await run(['chmod', file, '4777'], abi)).outcome).toBe('EROFS');
    },
  );

  it.each(abis)('ABI %i: the workdir stays writable (legitimate use)', async (abi) => {
    expect((await run(['write', join(world.workdir, `out-${abi}.txt`)], abi)).outcome).toBe('ok');
  });
});
