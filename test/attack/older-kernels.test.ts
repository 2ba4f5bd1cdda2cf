import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AttackWorld,
  createWorld,
  probeInside,
  SandboxSetupError,
  secretMarker,
  shippedPolicy,
  startVictim,
  withProbe,
} from './support/harness.ts';
import { settle, tcpListener } from './support/listeners.ts';

// The same attacks as if the kernel were older (the launcher's abi_override, tests only):
// Ubuntu 22.04 = Landlock ABI 1, Ubuntu 24.04 = ABI 4. hard_requirement must refuse naming what
// is missing; best_effort must run, print exactly what is missing, and keep every other layer.
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

describe('hard_requirement refuses an older kernel, naming what is missing', () => {
  it.each([
    [1, ['truncate', 'TCP', 'signal scoping', 'abstract Unix socket scoping']],
    [4, ['signal scoping', 'abstract Unix socket scoping']],
    [5, ['signal scoping', 'abstract Unix socket scoping']],
  ])('ABI %i', async (abi, missing) => {
    const attempt = probeInside(['ids'], { world, policy: policyWith('hard_requirement'), abiOverride: abi });
    await expect(attempt).rejects.toBeInstanceOf(SandboxSetupError);
    const error = await attempt.catch((caught: unknown) => caught as SandboxSetupError);
    expect(error.message).toMatch(/exit 123/);
    for (const feature of missing) expect(error.message).toContain(feature);
  });

  it('ABI 6 has everything the default policy needs: it runs', async () => {
    const attempt = await probeInside(['ids'], {
      world,
      policy: policyWith('hard_requirement'),
      abiOverride: 6,
    });
    expect(attempt.outcome).toBe('ok');
  });
});

describe('best_effort runs on an older kernel and says exactly what is missing', () => {
  it.each([
    [1, ['truncate control', 'TCP port rules', 'signal scoping', 'abstract Unix socket scoping']],
    [4, ['signal scoping', 'abstract Unix socket scoping']],
  ])('ABI %i', async (abi, missing) => {
    const attempt = await probeInside(['ids'], {
      world,
      policy: policyWith('best_effort'),
      abiOverride: abi,
    });
    expect(attempt.outcome).toBe('ok');
    const warnings = attempt.stderr.split('\n').filter((line) => line.includes('best_effort'));
    expect(warnings).toHaveLength(missing.length);
    for (const feature of missing) expect(attempt.stderr).toContain(`lacks ${feature}`);
  });

  it('ABI 7 (this kernel) prints nothing', async () => {
    const attempt = await probeInside(['ids'], { world, policy: policyWith('best_effort'), abiOverride: 7 });
    expect(attempt.stderr).toBe('');
  });
});

describe('attacks under best_effort at ABI 1, 4 and 7: what stays the same, what differs', () => {
  const abis = [1, 4, 7] as const;
  const run = (args: string[], abi: number) =>
    probeInside(args, { world, policy: policyWith('best_effort'), abiOverride: abi });

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
    [1, 'ok'],
    [4, 'EACCES'],
    [7, 'EACCES'],
  ])(
    'ABI %i: truncate(2) of a file granted read-only: %s (the protection best_effort warns about at ABI < 3)',
    async (abi, expected) => {
      const file = join(world.otherProject, `readonly-${abi}.txt`);
      writeFileSync(file, 'keep me\n');
      const base = policyWith('best_effort');
      const policy = withProbe({
        ...base,
        filesystem_policy: {
          ...base.filesystem_policy,
          read_only: [...(base.filesystem_policy.read_only ?? []), world.otherProject],
        },
      });
      const attempt = await probeInside(['truncate', file], { world, policy, abiOverride: abi });
      expect(attempt.outcome).toBe(expected);
      expect(readFileSync(file, 'utf8')).toBe(expected === 'ok' ? '' : 'keep me\n');
    },
  );
});
