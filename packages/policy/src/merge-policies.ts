import type { LocatedEntry, LocatedNode } from './yaml-tree.js';

/**
 * How `extends` merges, for each key path (a `*` matches any one key). The child (the file that
 * says `extends`) is applied over its parents; parents listed later apply over earlier ones.
 *
 * - `replace`: the child's entry replaces the parent's entry of the same key entirely.
 * - `prepend`: lists; the child's items come first (its rules take priority under first match).
 * - everything else: mappings merge key by key, lists are unions (parent's items first, duplicates
 *   dropped), scalars are overridden by the child.
 */
export const mergeRules: readonly {
  readonly path: readonly string[];
  readonly rule: 'replace' | 'prepend';
}[] = [
  { path: ['network_policies', '*'], rule: 'replace' },
  { path: ['network_middlewares', '*'], rule: 'replace' },
  { path: ['inference', 'providers', '*'], rule: 'replace' },
  { path: ['inference', 'terms', '*'], rule: 'replace' },
  { path: ['inference', 'rules'], rule: 'prepend' },
];

/** Keys that belong to one file only and are never inherited from a parent. */
export const notInheritedKeys: readonly string[] = ['extends', 'preset'];

function ruleFor(path: readonly string[]): 'replace' | 'prepend' | undefined {
  return mergeRules.find(
    (candidate) =>
      candidate.path.length === path.length &&
      candidate.path.every((segment, index) => segment === '*' || segment === path[index]),
  )?.rule;
}

/** A plain-value fingerprint for de-duplicating list items. */
function fingerprint(node: LocatedNode): string {
  if (node.kind === 'scalar') return JSON.stringify(node.value);
  if (node.kind === 'seq') return `[${node.items.map(fingerprint).join(',')}]`;
  return `{${[...node.entries].map(([key, entry]) => `${JSON.stringify(key)}:${fingerprint(entry.node)}`).join(',')}}`;
}

/** Merges `child` over `parent` following {@link mergeRules}, keeping every value's source position. */
export function mergeLocated(
  parent: LocatedNode,
  child: LocatedNode,
  path: readonly string[] = [],
): LocatedNode {
  const rule = ruleFor(path);
  if (rule === 'replace') return child;
  if (parent.kind === 'map' && child.kind === 'map') {
    const entries = new Map<string, LocatedEntry>();
    for (const [key, entry] of parent.entries) {
      if (path.length === 0 && notInheritedKeys.includes(key)) continue;
      entries.set(key, entry);
    }
    for (const [key, entry] of child.entries) {
      const existing = entries.get(key);
      entries.set(
        key,
        existing === undefined
          ? entry
          : { keyPosition: entry.keyPosition, node: mergeLocated(existing.node, entry.node, [...path, key]) },
      );
    }
    return { kind: 'map', position: child.position, entries };
  }
  if (parent.kind === 'seq' && child.kind === 'seq') {
    const ordered =
      rule === 'prepend' ? [...child.items, ...parent.items] : [...parent.items, ...child.items];
    const seen = new Set<string>();
    const items = ordered.filter((item) => {
      const key = fingerprint(item);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { kind: 'seq', position: child.position, items };
  }
  return child;
}

/** Removes the keys a parent never passes on (see {@link notInheritedKeys}) from a parent's root. */
export function withoutOwnKeys(node: LocatedNode): LocatedNode {
  if (node.kind !== 'map') return node;
  const entries = new Map([...node.entries].filter(([key]) => !notInheritedKeys.includes(key)));
  return { kind: 'map', position: node.position, entries };
}
