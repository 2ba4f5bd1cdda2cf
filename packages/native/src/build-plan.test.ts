import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPlan,
  expandPath,
  landlockAbiRequiredBy,
  persistenceFiles,
  persistencePaths,
} from './build-plan.js';
import { launchPlanSchema } from './launch-plan.js';
import { NativeError } from './native-error.js';
import { sandboxEnvironment } from './sandbox-environment.js';
import type { SandboxPolicy } from './sandbox-policy.js';

let root = '';
let home = '';
let workdir = '';

beforeAll(() => {
  // Not under /tmp: the plans below mount a private tmpfs there.
  root = mkdtempSync('/var/tmp/nemoclaw-build-plan-');
  home = join(root, 'home');
  workdir = join(home, 'project');
  for (const directory of [
    'usr/bin',
    'etc',
    'tmp',
    'scratch/sub',
    'home/.ssh',
    'home/project/.git/hooks',
    'home/project/.vscode',
  ]) {
    mkdirSync(join(root, directory), { recursive: true });
  }
  writeFileSync(join(root, 'etc/hosts'), '127.0.0.1 localhost\n');
  writeFileSync(join(home, '.bashrc'), '# rc\n');
  writeFileSync(join(workdir, '.git/config'), '[core]\n');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function plan(policy: SandboxPolicy, extra: Partial<Parameters<typeof buildPlan>[1]> = {}) {
  return buildPlan(policy, { command: ['true'], workdir, home, env: {}, ...extra });
}

function kindOnDisk(path: string): 'directory' | 'file' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

function rights(policy: SandboxPolicy, extra: Partial<Parameters<typeof buildPlan>[1]> = {}) {
  return Object.fromEntries(plan(policy, extra).plan.landlock.paths.map((rule) => [rule.path, rule.access]));
}

describe('buildPlan: Landlock path rights', () => {
  it('grants read+execute for read_only, read+write+execute for read_write and the workdir', () => {
    const result = rights({
      filesystem_policy: {
        include_workdir: true,
        read_only: [join(root, 'usr'), join(root, 'etc/hosts')],
        read_write: [join(root, 'tmp')],
      },
    });
    expect(result).toEqual({
      [join(root, 'usr')]: ['read', 'execute'],
      [join(root, 'etc/hosts')]: ['read', 'execute'],
      [join(root, 'tmp')]: ['read', 'write', 'execute'],
      [workdir]: ['read', 'write', 'execute'],
    });
  });

  it('leaves the workdir out unless include_workdir is true', () => {
    expect(rights({ filesystem_policy: { include_workdir: false, read_only: [join(root, 'usr')] } })).toEqual(
      {
        [join(root, 'usr')]: ['read', 'execute'],
      },
    );
    expect(rights({})).toEqual({});
  });

  it('takes execute away from no_execute paths and what lies beneath them', () => {
    const result = rights({
      filesystem_policy: {
        read_write: [join(root, 'scratch'), join(root, 'scratch/sub'), join(root, 'tmp')],
        no_execute: [join(root, 'scratch')],
      },
    });
    expect(result[join(root, 'scratch')]).toEqual(['read', 'write']);
    expect(result[join(root, 'scratch/sub')]).toEqual(['read', 'write']);
    expect(result[join(root, 'tmp')]).toEqual(['read', 'write', 'execute']);
  });

  it('refuses no_execute beneath a path that grants execute (Landlock cannot remove it)', () => {
    const attempt = () =>
      plan({
        filesystem_policy: {
          read_only: [root],
          read_write: [join(root, 'scratch')],
          no_execute: [join(root, 'scratch')],
        },
      });
    expect(attempt).toThrow(NativeError);
    expect(attempt).toThrow(/no_execute .*scratch lies inside .*which grants execute/);
  });

  it('merges rights when a path is listed twice', () => {
    const result = rights({
      filesystem_policy: { read_only: [join(root, 'tmp')], read_write: [join(root, 'tmp/')] },
    });
    expect(result).toEqual({ [join(root, 'tmp')]: ['read', 'write', 'execute'] });
  });

  it('skips paths that do not exist, with a reason', () => {
    const missing = join(root, 'no-such-dir');
    const result = plan({
      filesystem_policy: { read_only: [missing, join(root, 'usr')], read_write: [join(root, 'etc/hosts/x')] },
    });
    expect(result.plan.landlock.paths.map((rule) => rule.path)).toEqual([join(root, 'usr')]);
    expect(result.skipped).toEqual([
      { path: missing, reason: 'read_only: does not exist' },
      { path: join(root, 'etc/hosts/x'), reason: 'read_write: does not exist' },
    ]);
  });

  it('expands ~ against home and relative paths against the workdir', () => {
    expect(expandPath('~', { home, workdir })).toBe(home);
    expect(expandPath('~/.ssh', { home, workdir })).toBe(join(home, '.ssh'));
    expect(expandPath('build/out', { home, workdir })).toBe(join(workdir, 'build/out'));
    expect(expandPath('/usr/../etc/', { home, workdir })).toBe('/etc');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal policy variable, left unresolved on purpose
    expect(() => expandPath('${WORKDIR}/x', { home, workdir })).toThrow(/unresolved variable/);
  });

  it('refuses relative workdir, cwd and home, and an empty command', () => {
    expect(() => plan({}, { workdir: 'project' })).toThrow(/workdir must be an absolute path/);
    expect(() => plan({}, { cwd: 'sub' })).toThrow(/cwd must be an absolute path/);
    expect(() => plan({}, { home: '~' })).toThrow(/home must be an absolute path/);
    expect(() => plan({}, { command: [] })).toThrow(/no command given/);
    expect(() => plan({}, { command: [''] })).toThrow(/no command given/);
  });
});

describe('buildPlan: masks and persistence protection', () => {
  it('expands the deny list and keeps paths that do not exist (the launcher skips them)', () => {
    const result = plan({ filesystem_policy: { deny: ['~/.ssh', '~/.aws', '~/.bashrc'] } });
    expect(result.plan.filesystem.deny).toEqual([
      join(home, '.ssh'),
      join(home, '.aws'),
      join(home, '.bashrc'),
      join(home, '.nemoclaw'),
    ]);
  });

  it("always masks NemoClaw's own state (~/.nemoclaw and $NEMOCLAW_HOME), whatever the policy says", () => {
    expect(plan({}).plan.filesystem.deny).toEqual([join(home, '.nemoclaw')]);
    expect(plan({}, { env: { NEMOCLAW_HOME: '/srv/nemoclaw' } }).plan.filesystem.deny).toEqual([
      join(home, '.nemoclaw'),
      '/srv/nemoclaw',
    ]);
    expect(plan({}, { env: { NEMOCLAW_HOME: 'relative' } }).plan.filesystem.deny).toEqual([
      join(home, '.nemoclaw'),
    ]);
  });

  it('refuses a workdir inside a denied path', () => {
    expect(() => plan({ filesystem_policy: { include_workdir: true, deny: ['~'] } })).toThrow(
      /workdir .* lies inside the denied path/,
    );
  });

  it('re-binds existing persistence files read-only inside writable paths only', () => {
    const result = plan({
      filesystem_policy: { include_workdir: true, read_only: [home], read_write: [join(root, 'tmp')] },
    });
    // existing placeholder paths go to the launcher as placeholders (it may share another sandbox's)
    expect(result.plan.filesystem.read_only_binds).toEqual([join(workdir, '.git/config')]);
    expect(result.plan.filesystem.placeholders).toEqual(
      expect.arrayContaining([join(workdir, '.git/hooks'), join(workdir, '.vscode')]),
    );
    const writableHome = plan({ filesystem_policy: { read_write: [home] } });
    expect(writableHome.plan.filesystem.read_only_binds).toEqual([]);
    expect(writableHome.plan.filesystem.placeholder_files).toContainEqual({
      path: join(home, '.bashrc'),
      content: persistenceFiles['.bashrc'],
    });
    expect(persistencePaths).toContain('.mcp.json');
  });

  it('makes a missing NemoClaw state directory a (masked) placeholder when it lies under a writable path', () => {
    const inHome = plan({ filesystem_policy: { include_workdir: true } }, { workdir: home }).plan;
    expect(inHome.filesystem.placeholders).toContain(join(home, '.nemoclaw'));
    expect(inHome.filesystem.deny).toContain(join(home, '.nemoclaw'));
    const stateRoot = join(workdir, 'state');
    const custom = plan(
      { filesystem_policy: { include_workdir: true } },
      { env: { NEMOCLAW_HOME: stateRoot } },
    ).plan;
    expect(custom.filesystem.placeholders).toContain(stateRoot);
    // not writable from inside: nothing to create
    expect(plan({ filesystem_policy: { include_workdir: true } }).plan.filesystem.placeholders).not.toContain(
      join(home, '.nemoclaw'),
    );
  });

  it('refuses a plan when a persistence path in a writable directory cannot be inspected', () => {
    // a sandbox that ran `chmod 000 .git` must not get an unprotected .git/hooks next time
    const hidden = join(workdir, '.git/hooks');
    expect(() =>
      plan(
        { filesystem_policy: { include_workdir: true } },
        {
          inspectPath: (path: string) => (path === hidden ? 'inaccessible' : kindOnDisk(path)),
        },
      ),
    ).toThrow(/\.git\/hooks cannot be inspected \(permission denied\), so it cannot be protected/);
  });

  it('does not re-bind what is already masked, and can be turned off', () => {
    const masked = plan({ filesystem_policy: { include_workdir: true, deny: [join(workdir, '.git')] } });
    expect(masked.plan.filesystem.read_only_binds).toEqual([]);
    expect(masked.plan.filesystem.placeholders).toContain(join(workdir, '.vscode'));
    expect(masked.plan.filesystem.placeholders).not.toContain(join(workdir, '.git/hooks'));
    expect(masked.plan.filesystem.placeholder_files?.map((entry) => entry.path)).not.toContain(
      join(workdir, '.git/commondir'),
    );
    const off = plan({ filesystem_policy: { include_workdir: true } }, { protectPersistence: false });
    expect(off.plan.filesystem.read_only_binds).toEqual([]);
    expect(off.plan.filesystem.placeholder_files).toEqual([]);
  });

  it('refuses a workdir or cwd under /tmp when /tmp is private, and skips rules beneath it', () => {
    expect(() => plan({ filesystem_policy: { include_workdir: true } }, { workdir: '/tmp/project' })).toThrow(
      /workdir \/tmp\/project lies in \/tmp, which the policy replaces with a private, empty tmpfs/,
    );
    expect(() => plan({}, { cwd: '/tmp' })).toThrow(/cwd \/tmp lies in \/tmp/);
    const result = plan({ filesystem_policy: { read_write: ['/tmp', '/tmp/cache'] } });
    expect(result.plan.landlock.paths.map((rule) => rule.path)).toEqual(['/tmp']);
    expect(result.skipped).toEqual([
      { path: '/tmp/cache', reason: 'read_write: hidden by the private /tmp' },
    ]);
    expect(
      plan({ filesystem_policy: { include_workdir: true, private_tmp: false } }, { workdir: '/tmp' }).plan
        .landlock.paths,
    ).toEqual([{ path: '/tmp', access: ['read', 'write', 'execute'] }]);
  });

  it('mounts a private /tmp and a fresh /proc unless the policy says otherwise', () => {
    expect(plan({}).plan.filesystem).toMatchObject({ proc: true, private_tmp: true });
    expect(plan({ filesystem_policy: { private_tmp: false } }).plan.filesystem.private_tmp).toBe(false);
  });
});

describe('buildPlan: environment hygiene', () => {
  const source = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/u',
    LANG: 'C.UTF-8',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    GITHUB_TOKEN: 'ghp_0123456789',
    SSH_AUTH_SOCK: '/run/user/1000/ssh-agent',
    LD_PRELOAD: '/tmp/evil.so',
    NODE_OPTIONS: '--require /tmp/evil.js',
  };

  it('passes only the allowed names and the set values: no credential leaks in', () => {
    const env = plan(
      { process: { env: { allow: ['PATH', 'HOME', 'LANG', 'TERM'], set: { CI: '1' } } } },
      { env: source },
    ).plan.env;
    expect(env).toEqual({ PATH: '/usr/bin:/bin', HOME: '/home/u', LANG: 'C.UTF-8', CI: '1' });
    expect(env).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    expect(JSON.stringify(env)).not.toContain('wJalrXUtnFEMI');
  });

  it('gives an empty environment when nothing is allowed', () => {
    expect(plan({}, { env: source }).plan.env).toEqual({});
    expect(sandboxEnvironment({ process: { env: { allow: [] } } }, source)).toEqual({});
  });

  it('lets set win over an allowed value', () => {
    expect(
      sandboxEnvironment({ process: { env: { allow: ['PATH'], set: { PATH: '/bin' } } } }, source),
    ).toEqual({
      PATH: '/bin',
    });
  });

  it('never includes a name that is neither allowed nor set (property)', () => {
    const name = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/);
    fc.assert(
      fc.property(
        fc.dictionary(name, fc.string()),
        fc.array(name),
        fc.dictionary(name, fc.string()),
        (environment, allow, set) => {
          const result = sandboxEnvironment({ process: { env: { allow, set } } }, environment);
          for (const key of Object.keys(result)) {
            expect(allow.includes(key) || key in set).toBe(true);
            if (key in set) expect(result[key]).toBe(set[key]);
            else expect(result[key]).toBe(environment[key]);
          }
        },
      ),
    );
  });
});

describe('buildPlan: limits, seccomp, network, flags', () => {
  it('maps process.limits to rlimits and wall_seconds, with core dumps off by default', () => {
    const result = plan({
      process: {
        limits: {
          nofile: 256,
          nproc: 64,
          wall_seconds: 30,
          cpu_seconds: 10,
          file_size_bytes: 1024,
          address_space_bytes: 1 << 30,
        },
      },
    }).plan;
    expect(result.rlimits).toEqual({ core: 0, nofile: 256, nproc: 64, cpu: 10, fsize: 1024, as: 1 << 30 });
    expect(result.wall_seconds).toBe(30);
    expect(plan({ process: { limits: { core_bytes: 4096 } } }).plan.rlimits).toEqual({ core: 4096 });
    expect(plan({}).plan.wall_seconds).toBe(0);
  });

  it('copies the seccomp settings and defaults to the default profile without Unix sockets', () => {
    expect(plan({}).plan.seccomp).toEqual({
      profile: 'default',
      allow: [],
      deny: [],
      allow_unix_sockets: false,
    });
    expect(
      plan({ syscalls: { profile: 'strict', allow: ['ptrace'], deny: ['chmod'], allow_unix_sockets: true } })
        .plan.seccomp,
    ).toEqual({ profile: 'strict', allow: ['ptrace'], deny: ['chmod'], allow_unix_sockets: true });
  });

  it('isolates the network: every namespace, no TCP at all without a bridge', () => {
    const result = plan({}).plan;
    expect(Object.values(result.namespaces).every(Boolean)).toBe(true);
    expect(result.landlock.net).toEqual({ connect_tcp: [], bind_tcp: [] });
    expect(result.bridge).toBeNull();
    expect(result.landlock.scope).toEqual({ signal: true, abstract_unix_socket: true });
  });

  it('allows TCP connect to the bridge port only when a bridge is given', () => {
    const bridge = { listen: '127.0.0.1:3128', unix_socket: '/run/nemoclaw/proxy.sock' };
    const result = plan({}, { bridge }).plan;
    expect(result.bridge).toEqual(bridge);
    expect(result.landlock.net).toEqual({ connect_tcp: [3128], bind_tcp: [] });
  });

  it('defaults to hard_requirement and passes best_effort, pty, verbose, abi_override and hostname', () => {
    expect(plan({}).plan).toMatchObject({
      pty: false,
      verbose: false,
      abi_override: null,
      hostname: 'nemoclaw',
    });
    expect(plan({}).plan.landlock.compatibility).toBe('hard_requirement');
    const result = plan(
      { landlock: { compatibility: 'best_effort' } },
      { pty: true, verbose: true, abiOverride: 3, hostname: 'agent', cwd: join(workdir, '.git') },
    ).plan;
    expect(result).toMatchObject({ pty: true, verbose: true, abi_override: 3, hostname: 'agent' });
    expect(result.landlock.compatibility).toBe('best_effort');
    expect(result.command).toEqual({ argv: ['true'], cwd: join(workdir, '.git') });
  });

  it('refuses what the launcher cannot do: run_as_user, an ABI out of range, a bad bridge', () => {
    expect(() => plan({ process: { run_as_user: 'sandbox' } })).toThrow(/run_as_user is not supported/);
    expect(() => plan({}, { abiOverride: 9 })).toThrow(/abi_override/);
    expect(() => plan({}, { bridge: { listen: '0.0.0.0:3128', unix_socket: '/x' } })).toThrow(
      /listen must be 127.0.0.1/,
    );
  });

  it('produces a plan that the strict plan schema accepts and that survives JSON', () => {
    const result = plan(
      { filesystem_policy: { include_workdir: true, read_only: [join(root, 'usr')], deny: ['~/.ssh'] } },
      { env: { PATH: '/bin' } },
    ).plan;
    expect(launchPlanSchema.parse(JSON.parse(JSON.stringify(result)))).toEqual(result);
    expect(() => launchPlanSchema.parse({ ...result, extra: 1 })).toThrow();
  });
});

describe('landlockAbiRequiredBy', () => {
  it('needs ABI 6 for scoping, 4 for TCP rules, 5 for device ioctl rights when the plan requires them', () => {
    const { required: _required, ...legacyLandlock } = plan({}).plan.landlock;
    const base = { ...plan({}).plan, landlock: legacyLandlock };
    expect(landlockAbiRequiredBy(base)).toBe(6);
    const unscoped = {
      ...base,
      landlock: { ...base.landlock, scope: { signal: false, abstract_unix_socket: false } },
    };
    expect(landlockAbiRequiredBy(unscoped)).toBe(4);
    const ioctl = {
      ...unscoped,
      landlock: {
        ...unscoped.landlock,
        paths: [{ path: '/dev', access: ['read' as const, 'ioctl_dev' as const] }],
      },
    };
    expect(landlockAbiRequiredBy(ioctl)).toBe(5);
  });

  it('built plans leave scoping and TCP rules to the namespaces, and truncate to the read-only root', () => {
    const built = plan({}).plan;
    expect(built.landlock.required).toEqual({ truncate: false, net: false, scope: false });
    expect(built.landlock.scope).toEqual({ signal: true, abstract_unix_socket: true });
    expect(landlockAbiRequiredBy(built)).toBe(1);
  });
});

describe('read-only root', () => {
  it('binds back only the writable directories and files, and mounts no_execute paths noexec', () => {
    const built = plan({
      filesystem_policy: {
        include_workdir: true,
        read_write: ['/tmp', join(root, 'usr')],
        no_execute: ['/tmp'],
        private_tmp: true,
      },
    }).plan;
    expect(built.filesystem.read_only_root).toBe(true);
    // the workdir's .git is pinned (a mount point) so that it cannot be moved aside
    expect(built.filesystem.writable).toEqual([join(root, 'usr'), workdir, join(workdir, '.git')]);
    expect(built.filesystem.no_exec).toEqual(['/tmp']);
  });

  it('asks for read-only placeholders for missing persistence directories, and pins their parents', () => {
    const inProject = plan({ filesystem_policy: { include_workdir: true } }).plan;
    // .git/hooks and .vscode exist (the launcher binds them, creates the others)
    expect(inProject.filesystem.placeholders).toEqual(
      ['.git/hooks', '.vscode', '.idea', '.claude', '.cursor'].map((name) => join(workdir, name)),
    );
    // files: neutral contents; shell start-up files only in the home directory
    expect(inProject.filesystem.placeholder_files).toEqual([
      { path: join(workdir, '.git/commondir'), content: '.\n' },
      { path: join(workdir, '.gitmodules'), content: '' },
      { path: join(workdir, '.mcp.json'), content: '{"mcpServers":{}}\n' },
    ]);
    const inHome = plan({ filesystem_policy: { include_workdir: true } }, { workdir: home }).plan;
    expect(inHome.filesystem.placeholders).toEqual(
      expect.arrayContaining([
        join(home, '.config/systemd'),
        join(home, '.local/bin'),
        join(home, '.vscode'),
      ]),
    );
    expect(inHome.filesystem.placeholder_files?.map((entry) => entry.path)).toEqual(
      expect.arrayContaining(
        ['.zshrc', '.profile', '.bash_profile', '.gitconfig'].map((name) => join(home, name)),
      ),
    );
    expect(inHome.filesystem.writable).toEqual(
      expect.arrayContaining([join(home, '.config'), join(home, '.local')]),
    );
    const off = plan({ filesystem_policy: { include_workdir: true } }, { protectPersistence: false }).plan;
    expect(off.filesystem.placeholders).toEqual([]);
  });
});
