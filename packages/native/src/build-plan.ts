import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { type LandlockAccess, type LaunchPlan, launchPlanSchema, type PlanBridge } from './launch-plan.js';
import { NativeError } from './native-error.js';
import { inspectPathOnDisk, type PathKind } from './path-kind.js';
import { sandboxEnvironment } from './sandbox-environment.js';
import type { SandboxPolicy } from './sandbox-policy.js';

/** Inputs of {@link buildPlan} besides the policy. */
export interface BuildPlanOptions {
  /** The command and its arguments; argv[0] without a slash is looked up in the plan's PATH. */
  command: readonly string[];
  /** The sandbox's workdir (absolute). Relative policy paths resolve against it. */
  workdir: string;
  /** The command's working directory (absolute; default: the workdir). */
  cwd?: string;
  /** The home directory `~` expands to (absolute). */
  home: string;
  /** The caller's environment; only `process.env.allow` names are taken from it. */
  env: Readonly<Record<string, string | undefined>>;
  /** The egress bridge hook (none in this release: the sandbox has no network at all). */
  bridge?: PlanBridge | null;
  /** Give the command a pseudo-terminal as its controlling terminal. */
  pty?: boolean;
  /** Ask the launcher for one stderr line of what it enforces. */
  verbose?: boolean;
  /** Behave as if the kernel had this Landlock ABI (tests of older kernels). */
  abiOverride?: number | null;
  /** The hostname inside the sandbox (default `nemoclaw`). */
  hostname?: string;
  /** Inherited file descriptors (>= 3) passed to the command. */
  keepFds?: readonly number[];
  /**
   * Re-bind known persistence files (.git/hooks, .git/config, shell rc files, editor and agent
   * config) read-only inside every writable path (default true).
   */
  protectPersistence?: boolean;
  /** How to learn what a path is (default: `stat`, following symlinks). Injectable for tests. */
  inspectPath?: (path: string) => PathKind;
}

/** A policy path left out of the plan, and why. */
export interface SkippedPath {
  readonly path: string;
  readonly reason: string;
}

/** The plan and what was left out of it. */
export interface BuiltPlan {
  readonly plan: LaunchPlan;
  /** Policy paths that could not be granted (they do not exist, or cannot be inspected). */
  readonly skipped: readonly SkippedPath[];
}

const shellPlaceholderNote =
  '# Placeholder held read-only by a running NemoClaw sandbox; removed when it exits.\n';

/**
 * One persistence point: a path (relative to a writable directory) that lets code run later
 * outside the sandbox if the sandbox could write it. `placeholder`: `directory` for an empty
 * directory, a string for a file with that neutral content, null for none (it is only re-bound
 * read-only when it exists). `homeOnly`: placeholders only in the home directory.
 */
interface PersistencePoint {
  readonly path: string;
  readonly placeholder: 'directory' | string | null;
  readonly homeOnly?: true;
}

const persistencePoints: readonly PersistencePoint[] = [
  { path: '.git/hooks', placeholder: 'directory' },
  { path: '.git/config', placeholder: null },
  { path: '.git/commondir', placeholder: '.\n' },
  { path: '.gitconfig', placeholder: shellPlaceholderNote, homeOnly: true },
  { path: '.gitmodules', placeholder: '' },
  { path: '.bashrc', placeholder: shellPlaceholderNote, homeOnly: true },
  {
    path: '.bash_profile',
    placeholder: `${shellPlaceholderNote}if [ -r "$HOME/.bash_login" ]; then . "$HOME/.bash_login"; elif [ -r "$HOME/.profile" ]; then . "$HOME/.profile"; fi\n`,
    homeOnly: true,
  },
  {
    path: '.bash_login',
    placeholder: `${shellPlaceholderNote}if [ -r "$HOME/.profile" ]; then . "$HOME/.profile"; fi\n`,
    homeOnly: true,
  },
  { path: '.profile', placeholder: shellPlaceholderNote, homeOnly: true },
  { path: '.zshrc', placeholder: shellPlaceholderNote, homeOnly: true },
  { path: '.zshenv', placeholder: shellPlaceholderNote, homeOnly: true },
  { path: '.zprofile', placeholder: shellPlaceholderNote, homeOnly: true },
  { path: '.vscode', placeholder: 'directory' },
  { path: '.idea', placeholder: 'directory' },
  { path: '.mcp.json', placeholder: '{"mcpServers":{}}\n' },
  { path: '.claude', placeholder: 'directory' },
  { path: '.cursor', placeholder: 'directory' },
  { path: '.config/git', placeholder: 'directory', homeOnly: true },
  { path: '.config/systemd', placeholder: 'directory', homeOnly: true },
  { path: '.config/autostart', placeholder: 'directory', homeOnly: true },
  { path: '.local/bin', placeholder: 'directory', homeOnly: true },
];

/** Files and directories that let code run later outside the sandbox if the sandbox could write them. */
export const persistencePaths: readonly string[] = persistencePoints.map((point) => point.path);

/**
 * The {@link persistencePaths} that are directories: when missing from the workdir (or the home
 * directory, for the home-only ones), the launcher creates an empty placeholder and binds it
 * read-only for the sandbox's lifetime, so nothing can be planted there either.
 */
export const persistenceDirectories: readonly string[] = persistencePoints
  .filter((point) => point.placeholder === 'directory')
  .map((point) => point.path);

/**
 * The {@link persistencePaths} that are files, with the neutral content of their placeholder: when
 * missing, the launcher creates the file with this content, binds it read-only for the sandbox's
 * lifetime and removes it (if unchanged) at exit. Each content makes tools outside behave exactly
 * as if the file were missing: `.git/commondir` names the repository itself, `~/.bash_profile` and
 * `~/.bash_login` fall through to the files bash would read without them, `.mcp.json` declares no
 * servers, the others are comments only. Shell start-up files and `.gitconfig` get placeholders
 * only in the home directory.
 */
export const persistenceFiles: Readonly<Record<string, string>> = Object.fromEntries(
  persistencePoints.flatMap((point) =>
    point.placeholder === null || point.placeholder === 'directory' ? [] : [[point.path, point.placeholder]],
  ),
);

const homeOnly: readonly string[] = persistencePoints
  .filter((point) => point.homeOnly === true)
  .map((point) => point.path);

function insideDenied(path: string, denied: string): boolean {
  return path !== denied && isWithin(path, denied);
}

function persistenceKind(relative: string): PathKind {
  return persistenceFiles[relative] === undefined ? 'directory' : 'file';
}

function placeholderWanted(
  relative: string,
  base: string,
  places: { workdir: string; home: string },
  inspect: (path: string) => PathKind,
): boolean {
  if (!persistenceDirectories.includes(relative) && persistenceFiles[relative] === undefined) return false;
  if (base !== places.workdir && base !== places.home) return false;
  if (homeOnly.includes(relative) && base !== places.home) return false;
  // .git/hooks and .git/commondir only in an existing repository: the sandbox must stay free to
  // `git init`, and a linked worktree's .git is a file.
  if (relative.startsWith('.git/')) return inspect(join(base, '.git')) === 'directory';
  return true;
}

/**
 * Paths masked in every sandbox whatever the policy says: NemoClaw's own state (sandbox policy
 * files, control and proxy sockets) must never be readable or writable from inside, even when
 * the workdir is the home directory. `$NEMOCLAW_HOME` (absolute) from the caller's environment
 * is masked too.
 */
export const alwaysDenied: readonly string[] = ['~/.nemoclaw'];

const rightsOrder: readonly LandlockAccess[] = ['read', 'write', 'execute', 'make_special', 'ioctl_dev'];
const readOnlyRights: readonly LandlockAccess[] = ['read', 'execute'];
const readWriteRights: readonly LandlockAccess[] = ['read', 'write', 'execute'];
/** Policy `process.limits` keys and the launcher's rlimit names they map to. */
const rlimitKeys: readonly (readonly [string, string])[] = [
  ['nofile', 'nofile'],
  ['nproc', 'nproc'],
  ['cpu_seconds', 'cpu'],
  ['file_size_bytes', 'fsize'],
  ['address_space_bytes', 'as'],
  ['core_bytes', 'core'],
];

/**
 * Turns a resolved policy into the launch plan `nemoclaw-sandbox-exec` executes (native/PLAN.md).
 *
 * - Landlock: `read_only` grants read+execute, `read_write` read+write+execute, the workdir
 *   read+write+execute when `include_workdir`; `no_execute` takes execute away from those paths
 *   and everything beneath them. Paths that do not exist are skipped and listed in `skipped`.
 * - Environment: only the names in `process.env.allow` are taken from
 *   `options.env`, then `process.env.set` is applied. Nothing else reaches the command.
 * - Namespaces: all of them, always; the network namespace is empty unless a bridge is given, and
 *   Landlock then allows TCP connect to the bridge port only.
 *
 * The result is validated against the plan schema. Deterministic for a given file system.
 *
 * @throws {@link NativeError} `PLAN_INVALID` when the policy cannot be enforced as written
 * (e.g. `no_execute` beneath a path that grants execute, an unsupported option), `PATH_INVALID`
 * for a relative workdir, cwd or home.
 */
export function buildPlan(policy: SandboxPolicy, options: BuildPlanOptions): BuiltPlan {
  const inspect = options.inspectPath ?? inspectPathOnDisk;
  const workdir = absolutePath('workdir', options.workdir);
  const home = absolutePath('home', options.home);
  const cwd = options.cwd === undefined ? workdir : absolutePath('cwd', options.cwd);
  const expand = (path: string): string => expandPath(path, { home, workdir });
  if (options.command.length === 0 || options.command[0] === '') {
    throw new NativeError('PLAN_INVALID', 'no command given');
  }
  if (policy.process?.run_as_user !== undefined && policy.process.run_as_user !== null) {
    throw new NativeError('PLAN_INVALID', 'process.run_as_user is not supported by the launcher yet');
  }

  const fs = policy.filesystem_policy ?? {};
  const stateRoot = options.env.NEMOCLAW_HOME;
  const deny = unique(
    [...(fs.deny ?? []), ...alwaysDenied, ...(stateRoot?.startsWith('/') === true ? [stateRoot] : [])].map(
      expand,
    ),
  );
  for (const denied of deny) {
    if (isWithin(workdir, denied) && fs.include_workdir === true) {
      throw new NativeError('PLAN_INVALID', `the workdir ${workdir} lies inside the denied path ${denied}`);
    }
  }

  const privateTmp = fs.private_tmp ?? true;
  if (privateTmp) {
    for (const [what, path] of [
      ['workdir', fs.include_workdir === true ? workdir : null],
      ['cwd', cwd],
    ] as const) {
      if (path !== null && isWithin(path, '/tmp')) {
        throw new NativeError(
          'PLAN_INVALID',
          `the ${what} ${path} lies in /tmp, which the policy replaces with a private, empty tmpfs (private_tmp); use a directory outside /tmp`,
        );
      }
    }
  }

  const skipped: SkippedPath[] = [];
  const rights = new Map<string, Set<LandlockAccess>>();
  const grant = (path: string, access: readonly LandlockAccess[], origin: string): void => {
    if (privateTmp && path !== '/tmp' && isWithin(path, '/tmp')) {
      skipped.push({ path, reason: `${origin}: hidden by the private /tmp` });
      return;
    }
    const kind = inspect(path);
    if (kind === 'missing' || kind === 'inaccessible') {
      skipped.push({
        path,
        reason: `${origin}: ${kind === 'missing' ? 'does not exist' : 'cannot be inspected'}`,
      });
      return;
    }
    const existing = rights.get(path) ?? new Set<LandlockAccess>();
    for (const right of access) existing.add(right);
    rights.set(path, existing);
  };
  for (const path of fs.read_only ?? []) grant(expand(path), readOnlyRights, 'read_only');
  for (const path of fs.read_write ?? []) grant(expand(path), readWriteRights, 'read_write');
  if (fs.include_workdir === true) grant(workdir, readWriteRights, 'workdir');

  const noExecute = unique((fs.no_execute ?? []).map(expand));
  for (const [path, access] of rights) {
    for (const blocked of noExecute) {
      if (isWithin(path, blocked)) access.delete('execute');
    }
  }
  for (const blocked of noExecute) {
    for (const [path, access] of rights) {
      if (path !== blocked && isWithin(blocked, path) && access.has('execute')) {
        throw new NativeError(
          'PLAN_INVALID',
          `no_execute ${blocked} lies inside ${path}, which grants execute; Landlock cannot take a right away beneath a granted path`,
        );
      }
    }
  }

  const paths = [...rights]
    .filter(([, access]) => access.size > 0)
    .map(([path, access]) => ({ path, access: rightsOrder.filter((right) => access.has(right)) }));

  const protect = options.protectPersistence ?? true;
  const readOnlyBinds: string[] = [];
  const placeholders: string[] = [];
  const placeholderFiles: { path: string; content: string }[] = [];
  const pinned: string[] = [];
  if (protect) {
    for (const rule of paths) {
      if (!rule.access.includes('write') || inspect(rule.path) !== 'directory') continue;
      const protectedHere: string[] = [];
      for (const relative of persistencePaths) {
        const candidate = join(rule.path, relative);
        const kind = inspect(candidate);
        if (kind === 'inaccessible') {
          // e.g. a sandbox ran `chmod 000 .git` so that the next plan could not see .git/hooks:
          // protecting nothing would let the next sandbox restore the mode and plant a hook.
          throw new NativeError(
            'PLAN_INVALID',
            `${candidate} cannot be inspected (permission denied), so it cannot be protected; restore the permissions of its directory (e.g. chmod u+rwx ${dirname(candidate)}) and try again`,
          );
        }
        const content = persistenceFiles[relative];
        // A placeholder path goes to the launcher as one even when it exists: it may be another
        // sandbox's placeholder, which the launcher then shares (and removes when the last exits).
        const wanted =
          (kind === 'missing' || kind === persistenceKind(relative)) &&
          placeholderWanted(relative, rule.path, { workdir, home }, inspect);
        if (wanted && content !== undefined) {
          placeholderFiles.push({ path: candidate, content });
          protectedHere.push(candidate);
        } else if (wanted) {
          placeholders.push(candidate);
          protectedHere.push(candidate);
        } else if (kind === 'directory' || kind === 'file') {
          readOnlyBinds.push(candidate);
          protectedHere.push(candidate);
        }
      }
      // The directories between the writable path and a protected one (.git, .config, .local)
      // become mount points, so they cannot be moved aside and replaced by a writable copy.
      for (const path of protectedHere) {
        for (
          let parent = dirname(path);
          parent !== rule.path && isWithin(parent, rule.path);
          parent = dirname(parent)
        ) {
          pinned.push(parent);
        }
      }
    }
  }

  // NemoClaw's state directory must not be creatable from inside either (a planted plan-cache key
  // or policy would be trusted later): when it is missing under a writable path it becomes a
  // placeholder, which the deny mask then covers.
  const stateDirectories = unique([
    ...alwaysDenied.map(expand),
    ...(stateRoot?.startsWith('/') === true ? [expand(stateRoot)] : []),
  ]);
  for (const state of stateDirectories) {
    const writableAbove = paths.some((rule) => rule.access.includes('write') && isWithin(state, rule.path));
    if (writableAbove && inspect(state) === 'missing') placeholders.push(state);
  }

  // The mount namespace makes everything read-only but the paths granted write (Landlock has no
  // rights for chmod, chown, utimes, setxattr): directories and regular files only (device nodes
  // stay writable on a read-only mount), not what the private /tmp or the fresh /proc replace.
  const writable = paths
    .filter((rule) => rule.access.includes('write'))
    .map((rule) => rule.path)
    .filter((path) => !(privateTmp && isWithin(path, '/tmp')) && !isWithin(path, '/proc'))
    .filter((path) => {
      const kind = inspect(path);
      return kind === 'directory' || kind === 'file';
    });
  const limits = policy.process?.limits ?? {};
  const rlimits: Record<string, number> = { core: 0 };
  for (const [key, name] of rlimitKeys) {
    const value = limits[key];
    if (value !== undefined) rlimits[name] = value;
  }
  const bridge = options.bridge ?? null;

  const plan: LaunchPlan = {
    version: 1,
    command: { argv: [...options.command], cwd },
    env: sandboxEnvironment(policy, options.env),
    namespaces: { user: true, mount: true, pid: true, net: true, ipc: true, uts: true, cgroup: true },
    hostname: options.hostname ?? 'nemoclaw',
    filesystem: {
      proc: true,
      private_tmp: privateTmp,
      deny,
      read_only_binds: unique(readOnlyBinds).filter((path) => !deny.some((denied) => isWithin(path, denied))),
      read_only_root: true,
      writable: unique([...writable, ...pinned]).filter(
        (path) => !deny.some((denied) => isWithin(path, denied)),
      ),
      no_exec: noExecute,
      // A placeholder that is itself denied is still made: the mask then has something to cover.
      placeholders: unique(placeholders).filter((path) => !deny.some((denied) => insideDenied(path, denied))),
      placeholder_files: placeholderFiles.filter(
        (entry, index) =>
          placeholderFiles.findIndex((other) => other.path === entry.path) === index &&
          !deny.some((denied) => insideDenied(entry.path, denied)),
      ),
    },
    landlock: {
      compatibility: policy.landlock?.compatibility ?? 'hard_requirement',
      paths,
      net: { connect_tcp: bridge === null ? [] : [bridgePort(bridge)], bind_tcp: [] },
      scope: { signal: true, abstract_unix_socket: true },
      log: true,
      // The PID and network namespaces confine signals and abstract sockets, and the network
      // namespace (empty but for the bridge) TCP: Landlock's scoping and port rules are added where the kernel has
      // them, but do not stop the sandbox from starting on an older kernel.
      // Truncate control too: with the read-only root, every writable mount the command reaches
      // is a path Landlock grants write beneath (truncate included), or the fresh /tmp and /proc.
      required: { truncate: false, net: false, scope: false },
    },
    rlimits,
    wall_seconds: limits.wall_seconds ?? 0,
    seccomp: {
      profile: policy.syscalls?.profile ?? 'default',
      allow: [...(policy.syscalls?.allow ?? [])],
      deny: [...(policy.syscalls?.deny ?? [])],
      allow_unix_sockets: policy.syscalls?.allow_unix_sockets ?? false,
    },
    keep_fds: [...(options.keepFds ?? [])],
    bridge,
    pty: options.pty ?? false,
    abi_override: options.abiOverride ?? null,
    verbose: options.verbose ?? false,
  };
  const checked = launchPlanSchema.safeParse(plan);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue === undefined ? '' : `${issue.path.join('.')}: `;
    throw new NativeError('PLAN_INVALID', `the plan is invalid: ${where}${issue?.message ?? 'unknown'}`, {
      cause: checked.error,
    });
  }
  return { plan: checked.data, skipped };
}

/**
 * Expands `~` and `~/...` against `home` and resolves relative paths against `workdir`.
 *
 * @throws {@link NativeError} `PLAN_INVALID` for a `${VARIABLE}` left unresolved (the policy
 * loader resolves them; the plan never guesses).
 */
export function expandPath(path: string, base: { home: string; workdir: string }): string {
  if (path.includes('${')) {
    throw new NativeError('PLAN_INVALID', `unresolved variable in policy path ${path}`);
  }
  if (path === '~') return base.home;
  if (path.startsWith('~/')) return resolve(base.home, path.slice(2));
  return resolve(base.workdir, path);
}

function absolutePath(what: string, path: string): string {
  if (!isAbsolute(path)) throw new NativeError('PATH_INVALID', `${what} must be an absolute path: ${path}`);
  return resolve(path);
}

/** True when `path` is `ancestor` or lies beneath it. */
function isWithin(path: string, ancestor: string): boolean {
  if (path === ancestor || ancestor === sep) return true;
  return path.startsWith(`${ancestor}${sep}`);
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function bridgePort(bridge: PlanBridge): number {
  return Number(bridge.listen.slice(bridge.listen.lastIndexOf(':') + 1));
}

/**
 * The lowest Landlock ABI that enforces everything `plan` asks of Landlock, as the launcher
 * decides under `hard_requirement`: filesystem rules (1), truncate control (3) unless
 * `required.truncate` is false, TCP port rules (4) unless `required.net` is false, device ioctl
 * rights (5), signal and abstract-socket scoping (6) unless `required.scope` is false. Audit
 * logging (7) is never required.
 */
export function landlockAbiRequiredBy(plan: LaunchPlan): number {
  const required = plan.landlock.required ?? { truncate: true, net: true, scope: true };
  let abi = 1;
  if (required.truncate) abi = 3;
  if (required.net) abi = Math.max(abi, 4);
  if (plan.landlock.paths.some((rule) => rule.access.includes('ioctl_dev'))) abi = Math.max(abi, 5);
  if (required.scope && (plan.landlock.scope.signal || plan.landlock.scope.abstract_unix_socket)) {
    abi = Math.max(abi, 6);
  }
  return abi;
}
