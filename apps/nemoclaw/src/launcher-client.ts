import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { LaunchPlan, SandboxExit, SandboxPolicy } from '@nemoclaw/native';

// `nemoclaw run` starts the launcher itself when it already holds a validated plan (a plan-cache
// hit, or a plan just built): the same contract as `locateLauncher`, `sandboxEnvironment` and
// `spawnWithPlan` of @nemoclaw/native (native/PLAN.md), without loading that package, whose
// schemas cost more start-up time than everything else `run` does. Tests hold these equal to
// the package's own functions, and the plan cache only stores a plan after checking that
// `planEnvironment` gives back exactly what `buildPlan` put in it.

/** The launcher's file name. */
const launcherFileName = 'nemoclaw-sandbox-exec';

/** A started launcher: what `nemoclaw run` needs of it. */
export interface LauncherProcess {
  /** The command's stdout with `stdio: 'pipe'`, else null. */
  readonly stdout: ChildProcess['stdout'];
  /** The launcher's stderr (its own lines and the command's), relayed as it arrives. */
  readonly stderr: ChildProcess['stderr'];
  /** The command's stdin with `stdio: 'pipe'`, else null. */
  readonly stdin: ChildProcess['stdin'];
  /** Resolves when the launcher has exited: the command's exit code (or the launcher's own 120-125), or the signal. */
  readonly exited: Promise<SandboxExit>;
  /** Sends a signal to the launcher, which forwards it to the command. */
  kill(signal: NodeJS.Signals): boolean;
}

/**
 * Where the launcher is, searched as `locateLauncher` of @nemoclaw/native searches (with the same
 * message when it is not found): an explicit `NEMOCLAW_SANDBOX_EXEC` (which must be an executable
 * file), the package's `dist/bin`, the repository's `native/build`.
 */
export function findLauncher(
  env: Readonly<Record<string, string | undefined>>,
): { readonly path: string } | { readonly path: null; readonly message: string } {
  const fromEnv = env.NEMOCLAW_SANDBOX_EXEC;
  if (fromEnv !== undefined && fromEnv !== '') {
    return isExecutableFile(fromEnv)
      ? { path: fromEnv }
      : { path: null, message: `NEMOCLAW_SANDBOX_EXEC=${fromEnv} is not an executable file` };
  }
  const root = packageRoot('@nemoclaw/native');
  const candidates = [
    join(root, 'dist', 'bin', launcherFileName),
    join(root, '..', '..', 'native', 'build', launcherFileName),
  ];
  const found = candidates.find(isExecutableFile);
  if (found !== undefined) return { path: found };
  return {
    path: null,
    message: `${launcherFileName} not found (looked in ${candidates.join(', ')}); build it with \`npm run build -w @nemoclaw/native\` or \`make -C native\`, or set NEMOCLAW_SANDBOX_EXEC`,
  };
}

const packageRoots = new Map<string, string>();

/**
 * The root directory of an installed workspace package (`@nemoclaw/native`), found as Node finds
 * it from here: the first `node_modules/<name>` in this file's directory or above, symlinks
 * resolved. Falls back to the CommonJS resolver (NODE_PATH, global folders); once per process.
 */
export function packageRoot(name: string): string {
  let root = packageRoots.get(name);
  if (root === undefined) {
    root = nodeModulesRoot(name) ?? dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
    packageRoots.set(name, root);
  }
  return root;
}

function nodeModulesRoot(name: string): string | null {
  for (let directory = dirname(fileURLToPath(import.meta.url)); ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules', name);
    try {
      if (statSync(join(candidate, 'package.json')).isFile()) return realpathSync(candidate);
    } catch {
      // Not here: one level up.
    }
    if (dirname(directory) === directory) return null;
  }
}

/**
 * The complete environment of the sandboxed command, as `sandboxEnvironment` of @nemoclaw/native
 * makes it: the `process.env.allow` names taken from `source` (exact names), then `process.env.set`.
 */
export function planEnvironment(
  policy: SandboxPolicy,
  source: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const name of [...new Set(policy.process?.env?.allow ?? [])].sort()) {
    const value = source[name];
    if (value !== undefined && name !== '' && !name.includes('=')) environment[name] = value;
  }
  for (const [name, value] of Object.entries(policy.process?.env?.set ?? {})) environment[name] = value;
  return environment;
}

/**
 * Starts the launcher with `plan` on fd 3 and an empty environment (the plan carries the
 * command's), as `spawnWithPlan` of @nemoclaw/native does. The launcher's stderr is always a pipe
 * (relayed to this process's stderr with `stdio: 'inherit'`).
 */
export function startLauncher(
  plan: LaunchPlan,
  options: { readonly launcherPath: string; readonly stdio: 'inherit' | 'pipe' },
): LauncherProcess {
  const child: ChildProcess = spawn(options.launcherPath, ['--plan-fd', '3'], {
    stdio: [options.stdio, options.stdio, 'pipe', 'pipe'],
    env: {},
  });
  const planStream = child.stdio[3] as Writable | null | undefined;
  planStream?.on('error', () => {
    // The launcher may exit before reading the whole plan; its exit code says why.
  });
  planStream?.end(JSON.stringify(plan));
  if (options.stdio === 'inherit') child.stderr?.pipe(process.stderr, { end: false });
  const exited = new Promise<SandboxExit>((resolvePromise, reject) => {
    let failed = false;
    child.once('error', (error) => {
      failed = true;
      reject(new Error(`cannot start ${options.launcherPath}: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      if (!failed) resolvePromise({ code, signal });
    });
  });
  exited.catch(() => undefined);
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: options.stdio === 'pipe' ? child.stderr : null,
    exited,
    kill: (signal) => child.kill(signal),
  };
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
