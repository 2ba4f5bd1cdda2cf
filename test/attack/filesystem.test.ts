import { existsSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AttackWorld,
  buildProbe,
  createWorld,
  expectSucceeded,
  inSandbox,
  probeInside,
  probeOutside,
  secretMarker,
  shippedPolicy,
} from './support/harness.ts';

// Filesystem escapes under the shipped default policy: the workdir is ~/project (read-write),
// the system is read-only, /tmp is private and not executable, secrets in ~ are masked.
let world: AttackWorld;
beforeAll(() => {
  world = createWorld('fs');
});
afterAll(() => world.dispose());

const defaultPolicy = () => shippedPolicy('default', world);
const inside = (args: string[]) => probeInside(args, { world, policy: defaultPolicy() });
/** The agent started in the home directory itself: Landlock grants ~, only the masks protect. */
const insideHome = (args: string[]) =>
  probeInside(args, { world, policy: shippedPolicy('default', world, world.home), workdir: world.home });

describe('reading secrets outside the allowed paths', () => {
  it.each([
    ['~/.ssh private key', () => world.secrets.sshKey],
    ['~/.aws credentials', () => world.secrets.awsCredentials],
    ['.env of another project', () => world.secrets.otherEnv],
  ])('%s: EACCES from Landlock (control: readable outside)', async (_name, path) => {
    expect(probeOutside(['read', path()]).stdout).toContain(secretMarker);
    const attempt = await inside(['read', path()]);
    expect(attempt.stdout).not.toContain(secretMarker);
    expect(attempt.outcome).toBe('EACCES');
  });

  it('the same through /proc/self/root', async () => {
    const path = `/proc/self/root${world.secrets.sshKey}`;
    expect(probeOutside(['read', path]).stdout).toContain(secretMarker);
    const attempt = await inside(['read', path]);
    expect(attempt.stdout).not.toContain(secretMarker);
    expect(attempt.outcome).toBe('EACCES');
  });

  it('the same through /proc/<pid>/cwd (PID 1 of the sandbox and the probe itself)', async () => {
    const control = '/proc/self/cwd/../../other-project/.env';
    expect(probeOutside(['read', control], { cwd: world.workdir }).stdout).toContain(secretMarker);
    for (const base of ['/proc/1/cwd', '/proc/self/cwd']) {
      const attempt = await inside(['read', `${base}/../../other-project/.env`]);
      expect(attempt.stdout).not.toContain(secretMarker);
      expect(attempt.outcome).toBe('EACCES');
    }
  });

  it('an allowed path is readable (the workdir .env)', async () => {
    const attempt = await inside(['read', join(world.workdir, '.env')]);
    expect(attempt.stdout).toContain('WORKDIR_SETTING=visible');
  });

  it('with the home directory as workdir, ~/.ssh is masked: an empty, inaccessible directory', async () => {
    const attempt = await insideHome(['read', world.secrets.sshKey]);
    expect(attempt.stdout).not.toContain(secretMarker);
    expect(['EACCES', 'ENOENT']).toContain(attempt.outcome);
    // Control: the rest of home is readable in this configuration, so the mask is what protects.
    expect((await insideHome(['read', join(world.home, 'project', '.env')])).outcome).toBe('ok');
    const listing = await inSandbox(['sh', '-c', `ls -A ${world.home}/.ssh 2>&1; echo rc=$?`], {
      world,
      policy: shippedPolicy('default', world, world.home),
      workdir: world.home,
    });
    expect(listing.stdout).not.toContain('id_ed25519');
  });

  it('with the home directory as workdir, ~/.aws and ~/.git-credentials are masked', async () => {
    for (const path of [world.secrets.awsCredentials, join(world.home, '.git-credentials')]) {
      const attempt = await insideHome(['read', path]);
      expect(attempt.stdout).not.toContain(secretMarker);
      expect(['EACCES', 'ENOENT', 'ok']).toContain(attempt.outcome);
      if (attempt.outcome === 'ok') expect(attempt.stdout.trim()).toBe('ok 0'); // /dev/null over a file
    }
  });
});

describe('writing outside the read_write paths', () => {
  it.each([
    ['/etc', '/etc/nemoclaw-attack'],
    ['/usr', '/usr/nemoclaw-attack'],
    ['the home directory', 'HOME/nemoclaw-attack'],
    ['another project', 'OTHER/nemoclaw-attack'],
  ])('%s: EROFS (control: writable outside)', async (_name, template) => {
    // The read-only root refuses first (EROFS); Landlock (EACCES) stands behind it.
    const path = template.replace('HOME', world.home).replace('OTHER', world.otherProject);
    const attempt = await inside(['write', path]);
    expect(attempt.outcome).toBe('EROFS');
    expect(existsSync(path)).toBe(false);
    if (!path.startsWith('/etc') && !path.startsWith('/usr')) {
      expectSucceeded(probeOutside(['write', path]));
      expect(existsSync(path)).toBe(true);
    }
  });

  it('the workdir and the private /tmp are writable (legitimate use)', async () => {
    expect((await inside(['write', join(world.workdir, 'out.txt')])).outcome).toBe('ok');
    expect((await inside(['write', '/tmp/scratch'])).outcome).toBe('ok');
    expect(existsSync('/tmp/scratch')).toBe(false); // it was the sandbox's own /tmp
  });
});

describe('file metadata outside the allowed paths', () => {
  // Landlock has no right for chmod, chown, utimes or extended attributes; only a read-only mount
  // (or a different owner) stops them. As root, chmod 4755 on a root-owned binary elsewhere would be
  // a privilege escalation for every local user. Targets here are files in another project.
  // Fixed (finding 1): the whole tree is mounted read-only, the read_write paths bound back.
  it('chmod of a file outside the allowed paths is refused (EROFS: read-only root)', async () => {
    const target = join(world.otherProject, 'chmod-target');
    writeFileSync(target, 'x', { mode: 0o600 });
    const attempt = await inside(['chmod', target, '4777']);
    expect({ outcome: attempt.outcome, mode: (statSync(target).mode & 0o7777).toString(8) }).toEqual({
      outcome: 'EROFS',
      mode: '600',
    });
  });

  it('utimes, setxattr and truncate of a file outside the allowed paths are refused (EROFS)', async () => {
    const target = join(world.otherProject, 'meta-target');
    writeFileSync(target, 'x');
    const before = statSync(target).mtimeMs;
    expect((await inside(['utimes', target])).outcome).toBe('EROFS');
    expect((await inside(['setxattr', target])).outcome).toBe('EROFS');
    expect((await inside(['truncate', target])).outcome).toBe('EROFS');
    expect(statSync(target).mtimeMs).toBe(before);
    expect(statSync(target).size).toBe(1);
  });

  it('legitimate use: chmod, utimes and setxattr in the workdir still work', async () => {
    const target = join(world.workdir, 'meta-own');
    writeFileSync(target, 'x', { mode: 0o600 });
    expect((await inside(['chmod', target, '755'])).outcome).toBe('ok');
    expect((await inside(['utimes', target])).outcome).toBe('ok');
    expect(['ok', 'ENOTSUP']).toContain((await inside(['setxattr', target])).outcome);
    expect(statSync(target).mode & 0o777).toBe(0o755);
  });

  it('control: the same chmod, utimes and setxattr succeed outside the sandbox', () => {
    const target = join(world.otherProject, 'meta-control');
    writeFileSync(target, 'x', { mode: 0o600 });
    expectSucceeded(probeOutside(['chmod', target, '644']));
    expectSucceeded(probeOutside(['utimes', target]));
    const xattr = probeOutside(['setxattr', target]);
    expect(['ok', 'ENOTSUP']).toContain(xattr.outcome);
    expect(statSync(target).mode & 0o777).toBe(0o644);
  });
});

describe('link escapes from the workdir', () => {
  it('a symlink created inside, pointing outside, does not open the target', async () => {
    const link = join(world.workdir, 'env-link');
    expect((await inside(['symlink', world.secrets.otherEnv, link])).outcome).toBe('ok');
    const attempt = await inside(['read', link]);
    expect(attempt.stdout).not.toContain(secretMarker);
    expect(attempt.outcome).toBe('EACCES');
    expect(probeOutside(['read', link]).stdout).toContain(secretMarker); // control
  });

  it('a symlink planted in the repository before the sandbox started does not either', async () => {
    const link = join(world.workdir, 'planted-ssh');
    symlinkSync(join(world.home, '.ssh'), link);
    const attempt = await inside(['read', join(link, 'id_ed25519')]);
    expect(attempt.stdout).not.toContain(secretMarker);
    expect(attempt.outcome).toBe('EACCES');
    expect(probeOutside(['read', join(link, 'id_ed25519')]).stdout).toContain(secretMarker);
  });

  it('a hard link to a file outside cannot be made (EXDEV from Landlock refer rules)', async () => {
    const target = join(world.workdir, 'env-hardlink');
    const attempt = await inside(['link', world.secrets.otherEnv, target]);
    expect(['EXDEV', 'EACCES', 'EPERM']).toContain(attempt.outcome);
    expect(existsSync(target)).toBe(false);
    const controlTarget = join(world.workdir, 'env-hardlink-outside');
    expectSucceeded(probeOutside(['link', world.secrets.otherEnv, controlTarget]));
  });
});

describe('special files and execution', () => {
  it('mknod of a character device: EACCES/EPERM (control: works outside as root)', async () => {
    const attempt = await inside(['mknod-char', join(world.workdir, 'null2')]);
    expect(['EACCES', 'EPERM']).toContain(attempt.outcome);
    expectSucceeded(probeOutside(['mknod-char', join(world.otherProject, 'null2')]), { rootOnly: true });
  });

  it('mkfifo in the workdir and in /tmp: EACCES from Landlock (make_special not granted)', async () => {
    expect((await inside(['mkfifo', join(world.workdir, 'fifo')])).outcome).toBe('EACCES');
    expect((await inside(['mkfifo', '/tmp/fifo'])).outcome).toBe('EACCES');
    expectSucceeded(probeOutside(['mkfifo', join(world.otherProject, 'fifo')]));
  });

  it('a payload written to /tmp (no_execute) cannot be executed; the same copy runs from the workdir', async () => {
    const result = await inSandbox(
      [
        'sh',
        '-c',
        'cp /bin/true /tmp/payload && /tmp/payload; echo "tmp=$?"; cp /bin/true ./payload && ./payload; echo "workdir=$?"',
      ],
      { world, policy: defaultPolicy() },
    );
    expect(result.stdout).toContain('tmp=126');
    expect(result.stderr).toMatch(/Permission denied/);
    expect(result.stdout).toContain('workdir=0');
  });

  const loader =
    ['/lib64/ld-linux-x86-64.so.2', '/lib/ld-linux-aarch64.so.1'].find((path) => existsSync(path)) ?? '';

  // Fixed (finding 2): no_execute paths are mounted noexec.
  it('a payload in /tmp (no_execute) cannot be run through the dynamic loader either', async () => {
    // Landlock's execute right covers execve(2) only; ld.so maps the payload with mmap(PROT_EXEC),
    // which the noexec mount of the no_execute path stops.
    const result = await inSandbox(
      ['sh', '-c', `cp ${buildProbe()} /tmp/payload && ${loader} /tmp/payload ids; echo "rc=$?"`],
      {
        world,
        policy: defaultPolicy(),
      },
    );
    expect(result.stdout).not.toMatch(/^ok euid=/m);
    expect(result.stdout).not.toContain('rc=0');
  });

  it('mmap(PROT_EXEC) of a file in /tmp (no_execute) fails with EPERM (noexec mount); in the workdir it works', async () => {
    const result = await inSandbox(
      [
        'sh',
        '-c',
        `cp ${buildProbe()} /tmp/payload-map && cp ${buildProbe()} ./payload-map && ${buildProbe()} mmap-exec /tmp/payload-map; ${buildProbe()} mmap-exec ./payload-map`,
      ],
      { world, policy: defaultPolicy() },
    );
    expect(result.stdout.trim().split('\n')).toEqual(['EPERM', 'ok']);
  });

  it('under the strict policy a payload in the workdir cannot be run through the dynamic loader', async () => {
    const result = await inSandbox(
      ['sh', '-c', `cp ${buildProbe()} ./payload-ld && ${loader} ./payload-ld ids; echo "rc=$?"`],
      {
        world,
        policy: shippedPolicy('strict', world),
      },
    );
    expect(result.stdout).not.toMatch(/^ok euid=/m);
    expect(result.stdout).not.toContain('rc=0');
  });

  it('control: the dynamic loader runs a program from an executable path inside the sandbox', async () => {
    const result = await inSandbox([loader, buildProbe(), 'ids'], {
      world,
      policy: shippedPolicy('strict', world),
    });
    expect(result.stdout).toMatch(/^ok euid=/);
  });

  it('under the strict policy nothing written can be executed, not even in the workdir', async () => {
    const result = await inSandbox(['sh', '-c', 'cp /bin/true ./payload && ./payload; echo "workdir=$?"'], {
      world,
      policy: shippedPolicy('strict', world),
    });
    expect(result.stdout).toContain('workdir=126');
  });
});

describe("the sandbox's own policy file", () => {
  it('cannot be read or rewritten from inside (state dir outside the allowed paths)', async () => {
    const before = readFileSync(world.policyFile, 'utf8');
    expect((await inside(['read', world.policyFile])).outcome).toBe('EACCES');
    expect((await inside(['write', world.policyFile, 'network_policies: {all: {}}\n'])).outcome).toBe(
      'EACCES',
    );
    expect(readFileSync(world.policyFile, 'utf8')).toBe(before);
    expectSucceeded(probeOutside(['read', world.policyFile]));
  });

  it('no plan file descriptor is left open to the command', async () => {
    const attempt = await inside(['fds']);
    expect(attempt.outcome).toBe('ok');
    expect(
      attempt.stdout
        .trim()
        .split(/\s+/)
        .slice(1)
        .map((entry) => entry.split('=')[0]),
    ).toEqual(['0', '1', '2']);
  });
});

describe('with the home directory as workdir', () => {
  let fresh: AttackWorld;
  afterEach(() => fresh.dispose());

  it('the sandbox state dir (~/.nemoclaw: policy file, control socket) cannot be rewritten or replaced (fixed in 7baf5b3)', async () => {
    fresh = createWorld('state');
    const policy = shippedPolicy('default', fresh, fresh.home);
    const before = readFileSync(fresh.policyFile, 'utf8');
    const result = await inSandbox(
      [
        'sh',
        '-c',
        `printf 'network_policies: {}\\n' > ${fresh.policyFile}; echo "write=$?"; mv ${fresh.home}/.nemoclaw ${fresh.home}/.nemoclaw-moved; echo "move=$?"; mkdir -p ${fresh.stateDirectory} && printf 'forged\\n' > ${fresh.policyFile}; echo "forge=$?"`,
      ],
      { world: fresh, policy, workdir: fresh.home },
    );
    expect({
      output: result.stdout,
      policyUnchanged: readFileSync(fresh.policyFile, 'utf8') === before,
    }).toEqual({
      output: expect.not.stringMatching(/write=0|move=0|forge=0/),
      policyUnchanged: true,
    });
  });

  it('a missing ~/.nemoclaw cannot be created from inside (a planted plan-cache key or policy would be trusted later)', async () => {
    fresh = createWorld('state-missing');
    rmSync(join(fresh.home, '.nemoclaw'), { recursive: true, force: true });
    const policy = shippedPolicy('default', fresh, fresh.home);
    const key = join(fresh.home, '.nemoclaw', 'plan-cache.key');
    const result = await inSandbox(
      ['sh', '-c', `mkdir -p ${fresh.home}/.nemoclaw && printf forged > ${key}; echo "plant=$?"`],
      { world: fresh, policy, workdir: fresh.home },
    );
    expect(result.stdout).not.toMatch(/plant=0/);
    expect(existsSync(join(fresh.home, '.nemoclaw'))).toBe(false); // the placeholder is gone too
    expectSucceeded(probeOutside(['mkdir', join(fresh.home, '.nemoclaw')])); // control
  });
});
