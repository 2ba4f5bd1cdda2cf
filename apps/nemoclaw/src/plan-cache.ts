import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { LaunchPlan, PathKind, SkippedPath } from '@nemoclaw/native';
import type { Policy } from '@nemoclaw/policy';

/**
 * The validated-plan cache of `nemoclaw run`: a policy that loaded and validated once, and the
 * launch plan built from it, are reused while nothing they were derived from has changed.
 *
 * - Where: `$XDG_CACHE_HOME/nemoclaw/plans` (default `~/.cache/nemoclaw/plans`), directories 0700
 *   and entries 0600, owned by the user; anything else there is ignored, never trusted.
 * - Lookup: the entry's file name is the SHA-256 of everything the result depends on besides file
 *   contents (the CLI build, the policy path, workdir, home, user, the shipped policies directory,
 *   the plan options, NEMOCLAW_HOME and NEMOCLAW_LANDLOCK_ABI, the uid). The entry then lists every
 *   policy file of the `extends` chain (path, real path, SHA-256 of the text parsed) and every
 *   file-system fact the plan was built on (what each inspected path is): a hit re-reads and
 *   re-hashes every file and re-inspects every path, and any difference is a miss, which loads
 *   and validates the policy in full (so errors stay exactly what they are).
 * - Integrity: an entry is authenticated with HMAC-SHA-256 under a per-user key kept in
 *   `$NEMOCLAW_HOME/plan-cache.key` (0600; NEMOCLAW_HOME is masked inside every sandbox). A
 *   sandboxed command that can write the cache directory (say the workdir is the home directory)
 *   therefore cannot forge or alter an entry: a bad one only costs a miss.
 * - Secrets: the command line and environment values are never stored; they are filled in on
 *   every run.
 */

/** What a cache entry's plan was built from, besides the policy and the file system. */
export interface PlanCacheLookup {
  /** The policy file as resolved (absolute). */
  readonly policyPath: string;
  readonly workdir: string;
  readonly home: string;
  readonly user: string;
  readonly policiesDir: string;
  readonly hostname: string | null;
  readonly pty: boolean;
  readonly verbose: boolean;
  /** Raw `NEMOCLAW_HOME` (masked in every plan). */
  readonly nemoclawHome: string | null;
  /** Raw `NEMOCLAW_LANDLOCK_ABI` (the plan's ABI override). */
  readonly abiOverride: string | null;
}

/** One policy file of the `extends` chain, as the entry recorded it. */
export interface CachedPolicyFile {
  readonly path: string;
  readonly realPath: string;
  readonly sha256: string;
}

/** The plan part of an entry (policies without network only). */
export interface CachedPlan {
  /** The plan with `command.argv` and `env` emptied: both are filled in on every run. */
  readonly template: LaunchPlan;
  readonly skipped: readonly SkippedPath[];
  /** Every path the plan builder inspected and what it was. */
  readonly inspections: readonly (readonly [string, PathKind])[];
}

/** What a hit returns. */
export interface PlanCacheHit {
  readonly policy: Policy;
  readonly plan: CachedPlan | null;
}

/** What is stored after a miss. */
export interface PlanCacheStore {
  readonly policy: Policy;
  readonly files: readonly CachedPolicyFile[];
  readonly plan: CachedPlan | null;
}

/** The most entries kept; the oldest beyond it are removed when an entry is written. */
export const maximumPlanCacheEntries = 64;

const formatVersion = 1;
const keyBytes = 32;
const maximumEntryBytes = 4 << 20;
/** Larger than any policy file the loader accepts (1 MiB): such a file can only be a miss. */
const maximumPolicyFileBytes = (1 << 20) + 1;

/** Where the cache lives for this environment: `$XDG_CACHE_HOME/nemoclaw/plans`, else `<home>/.cache/nemoclaw/plans`. */
export function planCacheDirectory(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const configured = env.XDG_CACHE_HOME;
  const base = configured !== undefined && isAbsolute(configured) ? configured : join(home, '.cache');
  return join(resolve(base), 'nemoclaw', 'plans');
}

/**
 * Where the cache's key lives: `<stateRoot>/plan-cache.key`, in NemoClaw's state root
 * (`$NEMOCLAW_HOME`, default `<home>/.nemoclaw`), which every plan masks.
 */
export function planCacheKeyFile(stateRoot: string): string {
  return join(stateRoot, 'plan-cache.key');
}

/** The cache, opened for one run. */
export interface PlanCache {
  /** The entry for `lookup` if it is intact, authentic and still true of the files; else null. */
  lookup(lookup: PlanCacheLookup, inspect: (path: string) => PathKind): PlanCacheHit | null;
  /** Writes the entry for `lookup` (best effort: a cache that cannot be written is skipped). */
  store(lookup: PlanCacheLookup, entry: PlanCacheStore): void;
}

/** Options of {@link openPlanCache}. */
export interface PlanCacheOptions {
  /** The cache directory ({@link planCacheDirectory}). */
  readonly directory: string;
  /** The key file ({@link planCacheKeyFile}). */
  readonly keyFile: string;
  /** Identifies the code that built the entries: a different build never reads them. */
  readonly buildId: string;
  /** Only make sure the key exists (the cache is bypassed): no lookups, no entries written. */
  readonly keyOnly?: boolean;
}

/**
 * Opens the cache: creates the directories (0700) and the key (0600) when missing, and returns
 * null (no cache for this run) when any of them is not a private directory or file of this user,
 * or with `keyOnly`.
 */
export function openPlanCache(options: PlanCacheOptions): PlanCache | null {
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  const key = readOrCreateKey(options.keyFile, uid);
  if (key === null || options.keyOnly === true) return null;
  if (!privateDirectory(options.directory, uid, true)) return null;
  const directory = options.directory;
  const entryFile = (lookup: PlanCacheLookup) =>
    join(directory, `${sha256(lookupText(lookup, options.buildId, uid))}.json`);
  return {
    lookup(lookup, inspect) {
      const text = readRegularFile(entryFile(lookup), maximumEntryBytes, uid);
      if (text === null) return null;
      const body = authenticatedBody(text.toString('utf8'), key);
      if (body === null) return null;
      return checkedHit(body, lookupText(lookup, options.buildId, uid), inspect);
    },
    store(lookup, entry) {
      const body = JSON.stringify({
        lookup: lookupText(lookup, options.buildId, uid),
        policy: entry.policy,
        files: entry.files,
        plan: entry.plan,
      });
      const mac = createHmac('sha256', key).update(body).digest('hex');
      writePrivateFile(directory, entryFile(lookup), JSON.stringify({ version: formatVersion, mac, body }));
      prune(directory);
    },
  };
}

/** SHA-256 (hex) of a policy file's text as parsed. */
export function policyTextHash(text: string): string {
  return sha256(text);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function lookupText(lookup: PlanCacheLookup, buildId: string, uid: number): string {
  return JSON.stringify([
    'nemoclaw-plan-cache',
    formatVersion,
    buildId,
    uid,
    lookup.policyPath,
    lookup.workdir,
    lookup.home,
    lookup.user,
    lookup.policiesDir,
    lookup.hostname,
    lookup.pty,
    lookup.verbose,
    lookup.nemoclawHome,
    lookup.abiOverride,
  ]);
}

function authenticatedBody(text: string, key: Buffer): string | null {
  let outer: unknown;
  try {
    outer = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof outer !== 'object' || outer === null) return null;
  const { version, mac, body } = outer as Record<string, unknown>;
  if (version !== formatVersion || typeof mac !== 'string' || typeof body !== 'string') return null;
  if (!/^[0-9a-f]{64}$/.test(mac)) return null;
  const expected = createHmac('sha256', key).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(mac, 'hex')) ? body : null;
}

function checkedHit(body: string, lookup: string, inspect: (path: string) => PathKind): PlanCacheHit | null {
  let entry: { lookup?: unknown; policy?: unknown; files?: unknown; plan?: unknown };
  try {
    entry = JSON.parse(body) as typeof entry;
  } catch {
    return null;
  }
  if (entry.lookup !== lookup || !Array.isArray(entry.files) || entry.files.length === 0) return null;
  if (typeof entry.policy !== 'object' || entry.policy === null) return null;
  for (const file of entry.files as CachedPolicyFile[]) {
    if (!policyFileUnchanged(file)) return null;
  }
  const plan = entry.plan as CachedPlan | null | undefined;
  if (plan !== null && plan !== undefined) {
    if (!Array.isArray(plan.inspections)) return null;
    for (const [path, kind] of plan.inspections) {
      if (inspect(path) !== kind) return null;
    }
  }
  return { policy: entry.policy as Policy, plan: plan ?? null };
}

function policyFileUnchanged(file: CachedPolicyFile): boolean {
  try {
    if (realpathSync(file.path) !== file.realPath) return false;
  } catch {
    return false;
  }
  const text = readRegularFile(file.realPath, maximumPolicyFileBytes, null);
  return text !== null && sha256(text.toString('utf8')) === file.sha256;
}

/** A directory of this user that nobody else can use; created 0700 (with its parents) when `create`. */
function privateDirectory(path: string, uid: number, create: boolean): boolean {
  try {
    const stats = lstatSync(path);
    return stats.isDirectory() && stats.uid === uid && (stats.mode & 0o077) === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !create) return false;
    try {
      mkdirSync(path, { recursive: true, mode: 0o700 });
    } catch {
      return false;
    }
    return privateDirectory(path, uid, false);
  }
}

/** The key: 32 bytes in a 0600 file of this user in a directory nobody else may write. */
function readOrCreateKey(path: string, uid: number): Buffer | null {
  const directory = dirname(path);
  if (!stateDirectory(directory, uid)) return null;
  const existing = readRegularFile(path, keyBytes, uid);
  if (existing !== null) return existing.length === keyBytes ? existing : null;
  // Written aside, then linked into place: a concurrent run sees either no key or a whole one.
  const temporary = join(directory, `.plan-cache.key.${process.pid}.${randomBytes(6).toString('hex')}`);
  try {
    const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeSync(fd, randomBytes(keyBytes));
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temporary, path);
    } catch {
      // Another run created it first: use theirs.
    }
  } catch {
    return null;
  } finally {
    try {
      unlinkSync(temporary);
    } catch {
      // Already gone.
    }
  }
  const created = readRegularFile(path, keyBytes, uid);
  return created !== null && created.length === keyBytes ? created : null;
}

/** The NemoClaw state root: created 0700 when missing; else it must be ours and writable by nobody else. */
function stateDirectory(path: string, uid: number): boolean {
  try {
    const stats = lstatSync(path);
    return stats.isDirectory() && stats.uid === uid && (stats.mode & 0o022) === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
    try {
      mkdirSync(path, { recursive: true, mode: 0o700 });
      const stats = lstatSync(path);
      return stats.isDirectory() && stats.uid === uid && (stats.mode & 0o022) === 0;
    } catch {
      return false;
    }
  }
}

/**
 * A regular file's bytes, opened without following a symlink and without blocking (a FIFO put
 * in its place is refused, not waited on); null when it is anything else, larger than `maximum`,
 * or, with an `owner`, not a file of that user that only they can read and write.
 */
function readRegularFile(path: string, maximum: number, owner: number | null): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > maximum) return null;
    if (owner !== null && (stats.uid !== owner || (stats.mode & 0o077) !== 0)) return null;
    const buffer = Buffer.alloc(stats.size);
    let offset = 0;
    while (offset < buffer.length) {
      const count = readSync(fd, buffer, offset, buffer.length - offset, offset);
      if (count === 0) break;
      offset += count;
    }
    return buffer.subarray(0, offset);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function writePrivateFile(directory: string, path: string, text: string): void {
  const temporary = join(directory, `.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was written.
    }
  }
}

function prune(directory: string): void {
  try {
    const entries = readdirSync(directory)
      .filter((name) => name.endsWith('.json'))
      .map((name) => {
        const path = join(directory, name);
        try {
          return { path, time: lstatSync(path).mtimeMs };
        } catch {
          return { path, time: 0 };
        }
      });
    if (entries.length <= maximumPlanCacheEntries) return;
    entries.sort((left, right) => left.time - right.time);
    for (const entry of entries.slice(0, entries.length - maximumPlanCacheEntries)) {
      try {
        unlinkSync(entry.path);
      } catch {
        // Removed meanwhile.
      }
    }
  } catch {
    // Pruning is best effort.
  }
}
