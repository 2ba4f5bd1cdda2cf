import {
  type BuiltPlan,
  buildPlan,
  inspectPathOnDisk,
  type LaunchPlan,
  NativeError,
  type PathKind,
  resolveAbiOverride,
  type SkippedPath,
} from '@nemoclaw/native';
import { formatDiagnostic, loadPolicyFile, type Policy } from '@nemoclaw/policy';
import { NemoclawCliError } from '../cli-error.js';
import {
  type CachedPlan,
  type CachedPolicyFile,
  type PlanCacheLookup,
  type PlanCacheStore,
  policyTextHash,
} from '../plan-cache.js';
import { fillPlan, nativeCliError, type RunIo, type RunRequest, runExitCodes } from './run.js';

/** The policy and, without network, the plan of one `nemoclaw run`, and what the cache may keep of them. */
export interface PreparedRun {
  readonly policy: Policy;
  /** The plan to launch; null when the policy has network (the plan then needs the bridge). */
  readonly prepared: { readonly plan: LaunchPlan; readonly skipped: readonly SkippedPath[] } | null;
  /** The cache entry; null when the result cannot be cached. */
  readonly entry: PlanCacheStore | null;
}

/**
 * The slow path of `nemoclaw run` (a plan cache miss): loads and validates the policy in full,
 * recording every policy file it reads, and builds the plan (policies without network), recording
 * every path it inspects.
 *
 * @throws {@link NemoclawCliError} for an invalid policy (exit 78, `file:line:col: message`) or
 * one the plan cannot be built from (exit 78, the plan builder's reason).
 */
export function prepareRun(
  policyPath: string,
  lookup: PlanCacheLookup,
  request: RunRequest,
  io: RunIo,
): PreparedRun {
  try {
    return prepare(policyPath, lookup, request, io);
  } catch (error) {
    throw error instanceof NativeError ? nativeCliError(error, policyPath) : error;
  }
}

function prepare(policyPath: string, lookup: PlanCacheLookup, request: RunRequest, io: RunIo): PreparedRun {
  const files: CachedPolicyFile[] = [];
  const loaded = loadPolicyFile(policyPath, {
    workdir: lookup.workdir,
    home: lookup.home,
    user: lookup.user,
    policiesDir: lookup.policiesDir,
    onPolicyFile: (file) =>
      files.push({ path: file.path, realPath: file.realPath, sha256: policyTextHash(file.text) }),
  });
  if (!loaded.ok) {
    const [first, ...rest] = loaded.error.diagnostics;
    const text = first === undefined ? loaded.error.message : formatDiagnostic(first);
    const more = rest.length === 0 ? '' : ` (and ${rest.length} more)`;
    throw new NemoclawCliError('INVALID_POLICY', `policy: ${text}${more}`, {
      exitCode: runExitCodes.policy,
      cause: loaded.error,
    });
  }
  const policy = loaded.value;
  if (Object.keys(policy.network_policies ?? {}).length > 0) {
    return { policy, prepared: null, entry: files.length === 0 ? null : { policy, files, plan: null } };
  }

  const inspections = new Map<string, PathKind>();
  const recordingInspect = (path: string): PathKind => {
    const known = inspections.get(path);
    if (known !== undefined) return known;
    const kind = inspectPathOnDisk(path);
    inspections.set(path, kind);
    return kind;
  };
  const planOptions = {
    workdir: lookup.workdir,
    home: lookup.home,
    pty: lookup.pty,
    verbose: lookup.verbose,
    abiOverride: resolveAbiOverride(undefined, io.env),
    inspectPath: recordingInspect,
    ...(lookup.hostname === null ? {} : { hostname: lookup.hostname }),
  };
  const built = buildPlan(policy, { ...planOptions, command: request.command, env: io.env });
  // The same inputs but another command and none of the environment the cache does not key on:
  // if both plans are the same template, the plan depends on the command line and the
  // environment only where fillPlan puts them.
  const otherEnv = lookup.nemoclawHome === null ? {} : { NEMOCLAW_HOME: lookup.nemoclawHome };
  const otherCommand = ['nemoclaw-plan-cache-check'];
  const cached = cacheablePlan(built, policy, { request, io }, () => ({
    built: buildPlan(policy, { ...planOptions, command: otherCommand, env: otherEnv }),
    request: { ...request, command: otherCommand },
    io: { ...io, env: otherEnv },
  }));
  const prepared = { plan: built.plan, skipped: built.skipped };
  if (cached === null || files.length === 0) return { policy, prepared, entry: null };
  return {
    policy,
    prepared,
    entry: { policy, files, plan: { ...cached, inspections: [...inspections] } },
  };
}

/**
 * The plan as a template (command line and environment emptied), or null when filling the
 * template in would not give back exactly the plans the builder makes.
 */
function cacheablePlan(
  built: BuiltPlan,
  policy: Policy,
  inputs: { readonly request: RunRequest; readonly io: RunIo },
  buildOther: () => { built: BuiltPlan; request: RunRequest; io: RunIo },
): Omit<CachedPlan, 'inspections'> | null {
  const template: LaunchPlan = { ...built.plan, command: { ...built.plan.command, argv: [] }, env: {} };
  const same = (left: unknown, right: unknown) => JSON.stringify(left) === JSON.stringify(right);
  if (!same(fillPlan(template, policy, inputs.request, inputs.io), built.plan)) return null;
  const other = buildOther();
  if (!same(fillPlan(template, policy, other.request, other.io), other.built.plan)) return null;
  if (!same(other.built.skipped, built.skipped)) return null;
  return { template, skipped: built.skipped };
}
