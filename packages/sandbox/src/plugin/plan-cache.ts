import { statSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import { type BuildPlanOptions, buildPlan, type LaunchPlan, type PathKind } from '@nemoclaw/native';
import type { Policy } from '@nemoclaw/policy';

/** The per-command inputs of a plan; everything else in {@link BuildPlanOptions} is the cache key. */
export interface PlanCommand {
  readonly argv: readonly string[];
  /** Absolute; default: the workdir. */
  readonly cwd?: string;
}

/** The plan inputs that stay the same from one command to the next. */
export type PlanBase = Omit<BuildPlanOptions, 'command' | 'cwd' | 'inspectPath'>;

/** What a plan was built from, beyond the policy and the options: every path looked at, and what it was. */
interface CachedPlan {
  readonly plan: LaunchPlan;
  readonly inspected: readonly (readonly [string, PathKind])[];
}

/** Plans kept per policy: one per distinct set of options (workdir, environment, network...). */
const maximumPlansPerPolicy = 32;

/**
 * What a path is on disk, as `buildPlan` needs to know it (following symlinks, like its own default):
 * the same function builds the plan and re-checks it, so a re-check that agrees on every path
 * proves that `buildPlan` would return the same plan.
 */
export function inspectPathOnDisk(path: string): PathKind {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'inaccessible';
  }
  if (stats === undefined) return 'missing';
  if (stats.isDirectory()) return 'directory';
  if (stats.isFile()) return 'file';
  return 'other';
}

/**
 * Launch plans built once and reused for every command that shares the policy and the options.
 *
 * `buildPlan` is deterministic for a given policy, options and file system, and it sees the file
 * system only through `inspectPath`. The cache records every path `buildPlan` inspected and what it
 * was; before a plan is reused, each of those paths is inspected again, and any difference (a
 * `.git` created in the workdir since, a granted path removed, a persistence file planted) throws
 * the plan away and builds a new one. So a reused plan is exactly the plan a fresh build would
 * return, minus the policy-to-plan translation and the schema validation.
 *
 * Keys are the policy *object* (a re-applied or reloaded policy is a new object: its plans are
 * never reused, and the old ones are garbage collected with it) and the serialised options. Only
 * the command's argv and working directory change between commands; an argv or a working directory
 * the cached plan cannot take as is (no command; a relative, unnormalised or private-`/tmp` working
 * directory) goes through `buildPlan`, which accepts or refuses it exactly as before.
 */
export class PlanCache {
  readonly #plans = new WeakMap<Policy, Map<string, CachedPlan>>();
  readonly #inspect: (path: string) => PathKind;
  #hits = 0;
  #builds = 0;

  /** @param inspect - how paths are looked at (default {@link inspectPathOnDisk}). */
  constructor(inspect: (path: string) => PathKind = inspectPathOnDisk) {
    this.#inspect = inspect;
  }

  /** How many plans were reused and how many were built (for tests and the benchmark). */
  get stats(): { readonly hits: number; readonly builds: number } {
    return { hits: this.#hits, builds: this.#builds };
  }

  /**
   * The plan of `command` under `policy` with `options`; `finish` is applied to a freshly built
   * plan before it is cached (e.g. adding the proxy environment) and must be deterministic.
   *
   * @throws the `NativeError` of `buildPlan` when the policy cannot be enforced as written.
   */
  plan(
    policy: Policy,
    options: PlanBase,
    command: PlanCommand,
    finish: (plan: LaunchPlan) => LaunchPlan = (plan) => plan,
  ): LaunchPlan {
    const cwd = command.cwd ?? options.workdir;
    // buildPlan reads the policy's allowed names and NEMOCLAW_HOME from the environment: it gets
    // only those, so variables that change from one exec to the next cannot make plans differ.
    const base: PlanBase = { ...options, env: relevantEnvironment(policy, options.env) };
    const key = cacheKey(base);
    let plans = this.#plans.get(policy);
    const cached = plans?.get(key);
    if (
      cached !== undefined &&
      command.argv[0] !== undefined &&
      command.argv[0] !== '' &&
      acceptsCwd(cached.plan, cwd) &&
      this.#unchanged(cached)
    ) {
      this.#hits += 1;
      // Shares the cached (frozen) parts; only the command is new.
      return { ...cached.plan, command: { argv: [...command.argv], cwd } };
    }
    const inspected = new Map<string, PathKind>();
    const inspect = (path: string): PathKind => {
      let kind = inspected.get(path);
      if (kind === undefined) {
        kind = this.#inspect(path);
        inspected.set(path, kind);
      }
      return kind;
    };
    const { plan } = buildPlan(policy, {
      ...base,
      command: command.argv,
      ...(command.cwd === undefined ? {} : { cwd: command.cwd }),
      inspectPath: inspect,
    });
    this.#builds += 1;
    // Frozen: every command's plan shares these objects, so none may change one for the others.
    const finished = deepFreeze(finish(plan));
    if (plans === undefined) {
      plans = new Map();
      this.#plans.set(policy, plans);
    }
    plans.delete(key);
    plans.set(key, { plan: finished, inspected: [...inspected] });
    if (plans.size > maximumPlansPerPolicy) {
      const oldest = plans.keys().next();
      if (oldest.done !== true) plans.delete(oldest.value);
    }
    return finished;
  }

  #unchanged(cached: CachedPlan): boolean {
    for (const [path, kind] of cached.inspected) {
      if (this.#inspect(path) !== kind) return false;
    }
    return true;
  }
}

/** Freezes `value` and everything reachable from it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The variables of `env` a plan may depend on: the policy's `process.env.allow` and `NEMOCLAW_HOME`. */
function relevantEnvironment(
  policy: Policy,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const relevant: Record<string, string> = {};
  for (const name of [...(policy.process?.env?.allow ?? []), 'NEMOCLAW_HOME']) {
    const value = env[name];
    if (value !== undefined && Object.hasOwn(env, name)) relevant[name] = value;
  }
  return relevant;
}

/** Every option, objects with their keys sorted: two option sets get the same key only when equal. */
function cacheKey(base: PlanBase): string {
  return JSON.stringify(base, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value)
            .filter((entry) => entry[1] !== undefined)
            .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)),
        )
      : value,
  );
}

/**
 * Whether `buildPlan` would take `cwd` as is: absolute and normalised (it would resolve it), and not
 * inside a private `/tmp` (it would refuse it with the reason; the caller then builds to get it).
 */
function acceptsCwd(plan: LaunchPlan, cwd: string): boolean {
  if (!isAbsolute(cwd) || resolve(cwd) !== cwd) return false;
  if (plan.filesystem.private_tmp && (cwd === '/tmp' || cwd.startsWith(`/tmp${sep}`))) return false;
  return true;
}
