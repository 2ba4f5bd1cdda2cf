import { isAbsolute, relative, resolve } from 'node:path';
import { SandboxError } from '../sandbox-error.js';
import type { SandboxFsBridge, SandboxFsStat } from './openclaw-types.js';
import type { PlanCache } from './plan-cache.js';
import type { PluginRuntime, PolicyScope } from './plugin-runtime.js';
import { type CommandOutput, planCommand, runPlanned, sharedPlanCache } from './sandboxed-command.js';

/** Exit code of the stat helper for a path that does not exist. */
const missingExitCode = 3;

/** The shell helpers run inside the sandbox. Paths arrive as positional parameters, never in the script text. */
const scripts = {
  read: 'exec cat -- "$1"',
  write: 'if [ "$2" = 1 ]; then mkdir -p -- "$(dirname -- "$1")" || exit; fi; exec cat > "$1"',
  mkdir: 'exec mkdir -p -- "$1"',
  remove:
    'if [ "$2" = 1 ]; then exec rm -r $3 -- "$1"; fi; if [ -d "$1" ] && [ ! -L "$1" ]; then exec rmdir -- "$1"; fi; exec rm $3 -- "$1"',
  rename: 'exec mv -f -- "$1" "$2"',
  stat: `if [ ! -e "$1" ] && [ ! -L "$1" ]; then exit ${missingExitCode}; fi; exec stat -L -c '%F|%s|%Y' -- "$1"`,
} as const;

/** What the refused-operation detector looks for in a helper's stderr. */
const deniedPattern = /Permission denied|Operation not permitted|Read-only file system/;

/**
 * OpenClaw's file tools (read, write, edit, apply_patch) through the `nemoclaw` sandbox: every
 * operation is a small `/bin/sh` helper (`cat`, `mkdir`, `rm`, `mv`, `stat`) executed by the
 * launcher under the policy, so the kernel (Landlock, the mount namespace's masks, seccomp) decides
 * what may be read or written, not a path check in the gateway. Paths are host paths: the
 * sandbox sees the host file system through Landlock, not a container image. Plans come from
 * `plans` (see {@link planCommand}; `null`: built for every operation).
 */
export function createSandboxFsBridge(
  runtime: PluginRuntime,
  workdir: string,
  plans: PlanCache | null = sharedPlanCache,
): SandboxFsBridge {
  const resolveFile = (filePath: string, cwd?: string): string => {
    if (filePath.length === 0) throw new SandboxError('plugin-path-invalid', 'empty file path');
    if (filePath.includes('\0'))
      throw new SandboxError('plugin-path-invalid', 'file path contains a NUL byte');
    const expanded =
      filePath === '~'
        ? runtime.home
        : filePath.startsWith('~/')
          ? resolve(runtime.home, filePath.slice(2))
          : filePath;
    const base = cwd !== undefined && isAbsolute(cwd) ? cwd : workdir;
    return resolve(base, expanded);
  };

  const run = async (
    scope: PolicyScope,
    script: string,
    args: readonly string[],
    action: string,
    options: { stdin?: Buffer | string; signal?: AbortSignal; allowCodes?: readonly number[] } = {},
  ): Promise<CommandOutput> => {
    const ready = await runtime.readiness();
    if (!ready.ok) {
      await runtime.recordDenial('file', `${action} blocked: ${ready.reason}`);
      throw new SandboxError(
        'plugin-sandbox-unavailable',
        `NemoClaw blocked ${action}: the sandbox cannot be applied (${ready.reason})`,
      );
    }
    const plan = planCommand(
      runtime,
      ready,
      {
        scope,
        argv: ['/bin/sh', '-c', script, 'nemoclaw-fs', ...args],
        workdir,
        env: runtime.env,
        network: false,
      },
      plans,
    );
    const output = await runPlanned(ready.launcherPath, plan, {
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (output.code !== 0 && !(options.allowCodes ?? []).includes(output.code)) {
      const detail = output.stderr.toString('utf8').trim().split('\n').slice(-1)[0] ?? '';
      if (deniedPattern.test(detail)) await runtime.recordDenial('file', `${action}: ${detail}`);
      throw new SandboxError(
        'plugin-file-operation-failed',
        `${action} failed inside the NemoClaw sandbox: ${detail === '' ? `exit ${output.code}` : detail}`,
      );
    }
    return output;
  };

  return {
    pathMappings: [{ hostRoot: workdir, containerRoot: workdir }],
    resolvePath({ filePath, cwd }) {
      const absolute = resolveFile(filePath, cwd);
      return { hostPath: absolute, containerPath: absolute, relativePath: relative(workdir, absolute) };
    },
    async readFile({ filePath, cwd, signal, maxBytes }) {
      const path = resolveFile(filePath, cwd);
      const output = await run(
        'read',
        scripts.read,
        [path],
        `read ${path}`,
        signal === undefined ? {} : { signal },
      );
      if (maxBytes !== undefined && output.stdout.length > maxBytes) {
        throw new SandboxError('plugin-file-too-large', `${path} is larger than ${maxBytes} bytes`);
      }
      return output.stdout;
    },
    async writeFile({ filePath, cwd, data, encoding, mkdir, signal }) {
      const path = resolveFile(filePath, cwd);
      const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data, encoding ?? 'utf8');
      await run('write', scripts.write, [path, mkdir === false ? '0' : '1'], `write ${path}`, {
        stdin: buffer,
        ...(signal === undefined ? {} : { signal }),
      });
    },
    async mkdirp({ filePath, cwd, signal }) {
      const path = resolveFile(filePath, cwd);
      await run('write', scripts.mkdir, [path], `mkdir ${path}`, signal === undefined ? {} : { signal });
    },
    async remove({ filePath, cwd, recursive, force, signal }) {
      const path = resolveFile(filePath, cwd);
      await run(
        'write',
        scripts.remove,
        [path, recursive === true ? '1' : '0', force === true ? '-f' : ''],
        `remove ${path}`,
        signal === undefined ? {} : { signal },
      );
    },
    async rename({ from, to, cwd, signal }) {
      const source = resolveFile(from, cwd);
      const destination = resolveFile(to, cwd);
      await run(
        'write',
        scripts.rename,
        [source, destination],
        `rename ${source}`,
        signal === undefined ? {} : { signal },
      );
    },
    async stat({ filePath, cwd, signal }): Promise<SandboxFsStat | null> {
      const path = resolveFile(filePath, cwd);
      const output = await run('read', scripts.stat, [path], `stat ${path}`, {
        allowCodes: [missingExitCode],
        ...(signal === undefined ? {} : { signal }),
      });
      if (output.code === missingExitCode) return null;
      return parseStat(output.stdout.toString('utf8'));
    },
  };
}

/** Parses the stat helper's `%F|%s|%Y` line. */
export function parseStat(line: string): SandboxFsStat {
  const [kind = '', size = '0', mtime = '0'] = line.trim().split('|');
  const type = kind === 'directory' ? 'directory' : kind.startsWith('regular') ? 'file' : 'other';
  return { type, size: Number(size) || 0, mtimeMs: (Number(mtime) || 0) * 1000 };
}
