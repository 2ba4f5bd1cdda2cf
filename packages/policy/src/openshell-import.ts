import { parse, stringify } from 'yaml';
import { parsePolicy } from './load-policy.js';
import { PolicyLoadError, type PolicyResult } from './policy-error.js';

/** How one part of an OpenShell policy was carried over. */
export interface ImportNote {
  /** The field concerned, e.g. `landlock.compatibility`. */
  readonly field: string;
  /** kept: copied unchanged; added: NemoClaw-only setting made explicit; warning: kept, but review it. */
  readonly action: 'kept' | 'added' | 'warning';
  readonly message: string;
}

/** An OpenShell policy translated to NemoClaw's format. */
export interface ImportedPolicy {
  /** The NemoClaw policy as a plain object (what the YAML says). */
  readonly policy: Record<string, unknown>;
  /** The same policy as YAML text, with a header saying where it came from. */
  readonly yaml: string;
  /** What mapped how, in file order. */
  readonly notes: readonly ImportNote[];
}

/** Options of {@link importOpenShellPolicy}. */
export interface ImportOptions {
  /** Shown in errors and in the generated header. */
  readonly file?: string;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Translates an OpenShell policy file (`version: 1`, filesystem_policy, landlock, process,
 * network_policies, network_middlewares) into a NemoClaw policy and reports what mapped how.
 * Network policies carry over unchanged; NemoClaw-only domains (syscalls, inference, deny,
 * no_execute) are made explicit with notes. Never throws.
 */
export function importOpenShellPolicy(
  text: string,
  options: ImportOptions = {},
): PolicyResult<ImportedPolicy> {
  const checked = parsePolicy(text, { file: options.file ?? '<input>' });
  if (!checked.ok) return checked;
  try {
    return { ok: true, value: translate(text, options) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const diagnostic = {
      file: options.file ?? '<input>',
      line: 1,
      column: 1,
      code: 'INTERNAL' as const,
      path: [],
      message: `internal error: ${message}`,
    };
    return { ok: false, error: new PolicyLoadError([diagnostic], { cause: error }) };
  }
}

function translate(text: string, options: ImportOptions): ImportedPolicy {
  const source = record(parse(text)) ?? {};
  const notes: ImportNote[] = [];
  const output: Record<string, unknown> = { version: 1 };

  const filesystem = { ...(record(source.filesystem_policy) ?? {}) };
  notes.push({
    field: 'filesystem_policy',
    action: 'kept',
    message: `include_workdir, read_only (${(filesystem.read_only as unknown[] | undefined)?.length ?? 0} paths), read_write (${
      (filesystem.read_write as unknown[] | undefined)?.length ?? 0
    } paths) kept as they are`,
  });
  if (filesystem.deny === undefined)
    notes.push({
      field: 'filesystem_policy.deny',
      action: 'warning',
      message:
        'OpenShell has no deny list: nothing under a granted directory is hidden. Consider masking secrets ' +
        '(~/.ssh, ~/.aws, ...) as policies/default.yaml does',
    });
  if (filesystem.private_tmp === undefined) {
    filesystem.private_tmp = true;
    notes.push({
      field: 'filesystem_policy.private_tmp',
      action: 'added',
      message: 'true: the sandbox gets its own empty /tmp',
    });
  }
  output.filesystem_policy = filesystem;

  const landlock = { ...(record(source.landlock) ?? {}) };
  if (landlock.compatibility === 'best_effort') {
    notes.push({
      field: 'landlock.compatibility',
      action: 'warning',
      message:
        'best_effort kept: the sandbox runs even where the kernel cannot enforce the filesystem policy. ' +
        'NemoClaw reports what is missing at start; prefer hard_requirement',
    });
  } else if (landlock.compatibility === undefined) {
    landlock.compatibility = 'hard_requirement';
    notes.push({
      field: 'landlock.compatibility',
      action: 'added',
      message:
        'hard_requirement (NemoClaw default; OpenShell defaults to best_effort): the sandbox refuses to start ' +
        'when the kernel cannot enforce the policy',
    });
  } else {
    notes.push({ field: 'landlock.compatibility', action: 'kept', message: String(landlock.compatibility) });
  }
  output.landlock = landlock;

  const processSection = { ...(record(source.process) ?? {}) };
  for (const key of ['run_as_user', 'run_as_group'] as const)
    if (processSection[key] !== undefined)
      notes.push({ field: `process.${key}`, action: 'kept', message: `${String(processSection[key])} kept` });
  if (processSection.env === undefined)
    notes.push({
      field: 'process.env',
      action: 'added',
      message:
        'environment hygiene applies: only PATH, HOME, USER, LOGNAME, LANG, LANGUAGE, LC_ALL, LC_CTYPE, TERM, TZ pass in',
    });
  if (processSection.limits === undefined)
    notes.push({
      field: 'process.limits',
      action: 'added',
      message: 'defaults apply: nofile 1024, nproc 512, no wall-clock limit',
    });
  output.process = processSection;

  if (source.syscalls === undefined) {
    output.syscalls = { profile: 'default' };
    notes.push({
      field: 'syscalls',
      action: 'added',
      message:
        "profile default: the same deny list as OpenShell's fixed seccomp filter, plus socket(AF_UNIX) denied",
    });
  } else {
    output.syscalls = source.syscalls;
  }

  const networkPolicies = record(source.network_policies) ?? {};
  output.network_policies = networkPolicies;
  const names = Object.keys(networkPolicies);
  notes.push({
    field: 'network_policies',
    action: 'kept',
    message:
      names.length === 0
        ? 'none: all network access is denied'
        : `${names.length} entries kept unchanged (${names.join(', ')})`,
  });
  for (const [key, entry] of Object.entries(networkPolicies)) {
    const binaries = record(entry)?.binaries;
    if (binaries === undefined)
      notes.push({
        field: `network_policies.${key}.binaries`,
        action: 'warning',
        message: 'no binaries listed: any executable in the sandbox may use these endpoints',
      });
  }
  if (source.network_middlewares !== undefined) {
    output.network_middlewares = source.network_middlewares;
    notes.push({
      field: 'network_middlewares',
      action: 'warning',
      message: 'passed through unchanged; NemoClaw does not run OpenShell middlewares',
    });
  }
  if (source.preset !== undefined) output.preset = source.preset;
  if (source.inference === undefined)
    notes.push({
      field: 'inference',
      action: 'warning',
      message:
        'absent (OpenShell sets one global route with `openshell inference set`): model calls are not routed by ' +
        'sensitivity until an inference section is added',
    });
  else output.inference = source.inference;

  const header = `# Imported from the OpenShell policy ${options.file ?? '<input>'} by \`nemoclaw policy import\`.\n`;
  return { policy: output, yaml: header + stringify(output, { lineWidth: 0 }), notes };
}
