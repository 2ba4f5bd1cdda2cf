import { formatKeyPath } from './policy-error.js';
import type { NetworkPolicy, Policy } from './policy-schema.js';

/**
 * How a change can be applied. `locked` domains are fixed when a sandbox is created (changing them
 * needs a new sandbox); `hot` domains reload atomically into the running proxy and router.
 */
export type ChangeClass = 'locked' | 'hot';

/** The top-level policy domains and whether each is locked or hot. */
export const domainClasses: Readonly<Record<string, ChangeClass>> = {
  filesystem_policy: 'locked',
  landlock: 'locked',
  process: 'locked',
  syscalls: 'locked',
  network_policies: 'hot',
  network_middlewares: 'hot',
  inference: 'hot',
  preset: 'hot',
  version: 'locked',
};

/** One difference between two policies. */
export interface PolicyChange {
  /** Key path of the changed field, e.g. `['filesystem_policy', 'read_only']`. */
  readonly path: readonly (string | number)[];
  /** The same path as text: `filesystem_policy.read_only`. */
  readonly field: string;
  /** Whether the change needs a new sandbox (`locked`) or applies live (`hot`). */
  readonly class: ChangeClass;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly before?: unknown;
  readonly after?: unknown;
  /** A readable sentence: what changed and, where it matters, whether it loosens or tightens. */
  readonly explanation: string;
}

/** All differences between two resolved policies. */
export interface PolicyDiff {
  readonly changes: readonly PolicyChange[];
  /** Some change touches a locked domain: a running sandbox cannot take this policy. */
  readonly hasLockedChanges: boolean;
  /** Some change touches a hot domain. */
  readonly hasHotChanges: boolean;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return '(unset)';
  return JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sameValue(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

const loosening: Readonly<Record<string, (before: unknown, after: unknown) => string | undefined>> = {
  'landlock.compatibility': (_before, after) =>
    after === 'best_effort'
      ? 'weaker: the sandbox would start even when the kernel cannot enforce the policy'
      : 'stronger: the sandbox refuses to start when the kernel cannot enforce the policy',
  'filesystem_policy.include_workdir': (_before, after) =>
    after ? 'the working directory becomes read-write' : 'the working directory is no longer granted',
  'filesystem_policy.private_tmp': (_before, after) =>
    after ? 'stronger: /tmp becomes private' : 'weaker: the host /tmp is shared with the sandbox',
  'syscalls.allow_unix_sockets': (_before, after) =>
    after ? 'weaker: Unix sockets become allowed' : 'stronger: Unix sockets are denied',
  'syscalls.profile': (_before, after) =>
    after === 'strict' ? 'stronger seccomp profile' : 'weaker seccomp profile',
  'inference.default_route': (_before, after) =>
    after === 'block'
      ? 'unmatched model calls are blocked'
      : `unmatched model calls go to "${String(after)}"`,
  'inference.redaction': (_before, after) =>
    after === 'none'
      ? 'weaker: data sent to cloud providers is no longer redacted'
      : 'stronger: cloud-bound data is redacted',
  'inference.on_local_unavailable': (_before, after) =>
    after === 'block'
      ? 'stronger: fail closed when the local model is down'
      : 'weaker: fall back to the cloud (redacted)',
};

const listMeaning: Readonly<Record<string, { readonly added: string; readonly removed: string }>> = {
  'filesystem_policy.read_only': { added: 'newly readable', removed: 'no longer readable' },
  'filesystem_policy.read_write': { added: 'newly writable', removed: 'no longer writable' },
  'filesystem_policy.deny': { added: 'newly hidden', removed: 'no longer hidden, weaker' },
  'filesystem_policy.no_execute': { added: 'no longer executable', removed: 'executable again, weaker' },
  'syscalls.allow': { added: 're-allowed, weaker', removed: 'denied again' },
  'syscalls.deny': { added: 'newly denied', removed: 'no longer denied, weaker' },
  'process.env.allow': { added: 'passed into the sandbox', removed: 'no longer passed in' },
};

function endpointSummary(entry: NetworkPolicy): string {
  const hosts = entry.endpoints.map((endpoint) => {
    const ports = endpoint.ports?.join(',') ?? String(endpoint.port ?? '?');
    return `${endpoint.host}:${ports}`;
  });
  const binaries =
    entry.binaries === undefined ? 'any binary' : entry.binaries.map((binary) => binary.path).join(', ');
  return `${hosts.join(', ') || 'no endpoints'} (${binaries})`;
}

/**
 * Compares two resolved policies field by field and classifies every change as `locked`
 * (filesystem_policy, landlock, process, syscalls) or `hot` (network_policies, inference, ...).
 * Lists of scalars are compared as sets; network policy entries are compared per entry and field.
 */
export function diffPolicies(before: Policy, after: Policy): PolicyDiff {
  const changes: PolicyChange[] = [];
  const push = (
    path: (string | number)[],
    kind: PolicyChange['kind'],
    old: unknown,
    next: unknown,
    explanation: string,
  ) => {
    const domain = String(path[0]);
    changes.push({
      path,
      field: formatKeyPath(path),
      class: domainClasses[domain] ?? 'locked',
      kind,
      ...(old === undefined ? {} : { before: old }),
      ...(next === undefined ? {} : { after: next }),
      explanation,
    });
  };

  const walk = (old: unknown, next: unknown, path: (string | number)[]): void => {
    if (sameValue(old, next)) return;
    const field = formatKeyPath(path);
    if (path[0] === 'network_policies' && path.length === 2) {
      if (old === undefined) {
        push(
          path,
          'added',
          undefined,
          next,
          `network access added: ${endpointSummary(next as NetworkPolicy)}`,
        );
        return;
      }
      if (next === undefined) {
        push(
          path,
          'removed',
          old,
          undefined,
          `network access removed: ${endpointSummary(old as NetworkPolicy)}`,
        );
        return;
      }
    }
    if (isRecord(old) && isRecord(next)) {
      const keys = new Set([...Object.keys(old), ...Object.keys(next)]);
      for (const key of keys) walk(old[key], next[key], [...path, key]);
      return;
    }
    if (old === undefined) {
      push(path, 'added', undefined, next, `set to ${show(next)}`);
      return;
    }
    if (next === undefined) {
      push(path, 'removed', old, undefined, `removed (was ${show(old)})`);
      return;
    }
    if (Array.isArray(old) && Array.isArray(next)) {
      const oldKeys = old.map((item) => JSON.stringify(item));
      const nextKeys = next.map((item) => JSON.stringify(item));
      const added = nextKeys.filter((item) => !oldKeys.includes(item));
      const removed = oldKeys.filter((item) => !nextKeys.includes(item));
      const meaning = listMeaning[field];
      const parts: string[] = [];
      if (added.length > 0) parts.push(`added ${added.join(', ')}${meaning ? ` (${meaning.added})` : ''}`);
      if (removed.length > 0)
        parts.push(`removed ${removed.join(', ')}${meaning ? ` (${meaning.removed})` : ''}`);
      if (parts.length === 0) parts.push('reordered (order matters: the first matching rule wins)');
      push(path, 'changed', old, next, parts.join('; '));
      return;
    }
    const hint = loosening[field]?.(old, next);
    push(path, 'changed', old, next, `${show(old)} -> ${show(next)}${hint ? `: ${hint}` : ''}`);
  };

  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const record = (policy: Policy): Record<string, unknown> => policy as unknown as Record<string, unknown>;
  for (const key of keys) walk(record(before)[key], record(after)[key], [key]);
  return {
    changes,
    hasLockedChanges: changes.some((change) => change.class === 'locked'),
    hasHotChanges: changes.some((change) => change.class === 'hot'),
  };
}
