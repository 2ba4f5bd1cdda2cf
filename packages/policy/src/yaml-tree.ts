import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { PolicyDiagnostic, SourcePosition } from './policy-error.js';

/** A scalar YAML value. */
export type ScalarValue = string | number | boolean | null;

/** A YAML value with the position it came from, so any later problem can point at its source. */
export type LocatedNode =
  | { readonly kind: 'map'; readonly position: SourcePosition; readonly entries: Map<string, LocatedEntry> }
  | { readonly kind: 'seq'; readonly position: SourcePosition; readonly items: LocatedNode[] }
  | { readonly kind: 'scalar'; readonly position: SourcePosition; readonly value: ScalarValue };

/** A map entry: where its key is, and its value. */
export interface LocatedEntry {
  readonly keyPosition: SourcePosition;
  readonly node: LocatedNode;
}

/** The largest policy file accepted (1 MiB): policies are small; anything bigger is refused. */
export const maximumPolicyBytes = 1024 * 1024;
/** Most YAML nodes (after alias expansion) accepted, against "billion laughs" documents. */
export const maximumPolicyNodes = 100_000;
/** Deepest nesting accepted. */
export const maximumPolicyDepth = 64;

/** The outcome of reading YAML text into a located tree. */
export type YamlTreeResult =
  | { readonly ok: true; readonly node: LocatedNode }
  | { readonly ok: false; readonly diagnostics: PolicyDiagnostic[] };

/** How many parsed files {@link parseYamlTree} keeps, and the largest text it caches. */
export const parseCacheLimits = { entries: 64, characters: 64 * 1024 } as const;

// Parsed trees are immutable, so a file whose text has not changed (a shipped preset reached
// through `extends`, a policy re-validated on hot reload) is not parsed again. Keyed by the file
// label and the exact text; least recently used entries are dropped first.
const parseCache = new Map<string, LocatedNode>();

/** Drops every cached parse (see {@link parseCacheLimits}); for benchmarks and tests. */
export function clearPolicyParseCache(): void {
  parseCache.clear();
}

/**
 * Parses YAML `text` (from `file`, for positions) into a {@link LocatedNode} tree, or syntax
 * diagnostics. Results for small texts are cached by content.
 */
export function parseYamlTree(text: string, file: string): YamlTreeResult {
  if (text.length > parseCacheLimits.characters) return parseUncached(text, file);
  const key = `${file}\u0000${text}`;
  const cached = parseCache.get(key);
  if (cached !== undefined) {
    parseCache.delete(key);
    parseCache.set(key, cached);
    return { ok: true, node: cached };
  }
  const result = parseUncached(text, file);
  if (result.ok) {
    parseCache.set(key, result.node);
    if (parseCache.size > parseCacheLimits.entries) {
      const oldest = parseCache.keys().next();
      if (oldest.done !== true) parseCache.delete(oldest.value);
    }
  }
  return result;
}

function parseUncached(text: string, file: string): YamlTreeResult {
  const lineCounter = new LineCounter();
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  if (Buffer.byteLength(text, 'utf8') > maximumPolicyBytes) {
    return {
      ok: false,
      diagnostics: [
        {
          file,
          line: 1,
          column: 1,
          code: 'TOO_LARGE',
          path: [],
          message: `policy is larger than ${maximumPolicyBytes} bytes`,
        },
      ],
    };
  }
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    schema: 'core',
    keepSourceTokens: false,
  });
  if (document.errors.length > 0) {
    return {
      ok: false,
      diagnostics: document.errors.map((error) => {
        const offset = error.pos[0];
        return {
          ...at(offset),
          code: 'SYNTAX' as const,
          path: keyPathAt(document.contents, offset),
          message: syntaxMessage(error.message),
        };
      }),
    };
  }
  let nodeCount = 0;
  const problems: PolicyDiagnostic[] = [];
  const build = (node: unknown, path: (string | number)[], depth: number): LocatedNode | undefined => {
    nodeCount += 1;
    const resolved = isAlias(node) ? node.resolve(document) : node;
    const offset = (resolved as Node | undefined)?.range?.[0] ?? 0;
    const position = at(offset);
    if (nodeCount > maximumPolicyNodes || depth > maximumPolicyDepth) {
      if (problems.length === 0)
        problems.push({
          ...position,
          code: 'TOO_LARGE',
          path,
          message:
            nodeCount > maximumPolicyNodes
              ? `policy expands to more than ${maximumPolicyNodes} values (aliases)`
              : `policy is nested deeper than ${maximumPolicyDepth} levels`,
        });
      return undefined;
    }
    if (isMap(resolved)) {
      const entries = new Map<string, LocatedEntry>();
      for (const pair of resolved.items) {
        if (!isPair(pair)) continue;
        const keyNode = isAlias(pair.key) ? pair.key.resolve(document) : pair.key;
        const keyPosition = at((keyNode as Node | undefined)?.range?.[0] ?? offset);
        if (!isScalar(keyNode) || (keyNode.value !== null && typeof keyNode.value === 'object')) {
          problems.push({ ...keyPosition, code: 'SYNTAX', path, message: 'keys must be plain strings' });
          continue;
        }
        const key = String(keyNode.value);
        const child =
          pair.value === null ? nullScalar(keyPosition) : build(pair.value, [...path, key], depth + 1);
        if (child === undefined) return undefined;
        entries.set(key, { keyPosition, node: child });
      }
      return { kind: 'map', position, entries };
    }
    if (isSeq(resolved)) {
      const items: LocatedNode[] = [];
      for (const [index, item] of resolved.items.entries()) {
        const child = item === null ? nullScalar(position) : build(item, [...path, index], depth + 1);
        if (child === undefined) return undefined;
        items.push(child);
      }
      return { kind: 'seq', position, items };
    }
    if (isScalar(resolved)) {
      const value = resolved.value;
      if (
        value === null ||
        typeof value === 'string' ||
        typeof value === 'number' ||
        typeof value === 'boolean'
      )
        return { kind: 'scalar', position, value };
      if (typeof value === 'bigint') return { kind: 'scalar', position, value: Number(value) };
      return { kind: 'scalar', position, value: String(value) };
    }
    return nullScalar(position);
  };
  const root = document.contents === null ? nullScalar(at(0)) : build(document.contents, [], 0);
  if (problems.length > 0 || root === undefined)
    return { ok: false, diagnostics: problems.length > 0 ? problems : [] };
  return { ok: true, node: root };
}

function nullScalar(position: SourcePosition): LocatedNode {
  return { kind: 'scalar', position, value: null };
}

function syntaxMessage(message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+.*$/, '');
}

/** The key path of the deepest node whose source range contains `offset`. */
function keyPathAt(node: unknown, offset: number): (string | number)[] {
  const path: (string | number)[] = [];
  let current: unknown = node;
  for (let depth = 0; depth < maximumPolicyDepth && current; depth += 1) {
    if (isMap(current)) {
      const pair = current.items.find((item) => {
        const keyRange = (item.key as Node | null)?.range;
        const valueRange = (item.value as Node | null)?.range;
        const start = keyRange?.[0] ?? valueRange?.[0];
        const end = valueRange?.[2] ?? keyRange?.[2];
        return start !== undefined && end !== undefined && offset >= start && offset <= end;
      });
      if (!pair) break;
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      path.push(key);
      current = pair.value;
    } else if (isSeq(current)) {
      const index = current.items.findIndex((item) => {
        const range = (item as Node | null)?.range;
        return range !== undefined && range !== null && offset >= range[0] && offset <= range[2];
      });
      if (index < 0) break;
      path.push(index);
      current = current.items[index];
    } else break;
  }
  return path;
}

/** A plain JavaScript value plus, for every key path, where it came from. */
export interface PlainWithPositions {
  readonly value: unknown;
  /** `JSON.stringify(path)` -> position of the value and (for map entries) of its key. */
  readonly positions: Map<string, { readonly value: SourcePosition; readonly key?: SourcePosition }>;
}

/** Converts a located tree to plain JS (objects, arrays, scalars) and indexes every position by key path. */
export function toPlain(node: LocatedNode): PlainWithPositions {
  const positions = new Map<string, { value: SourcePosition; key?: SourcePosition }>();
  const convert = (
    current: LocatedNode,
    path: (string | number)[],
    keyPosition?: SourcePosition,
  ): unknown => {
    positions.set(JSON.stringify(path), { value: current.position, key: keyPosition });
    if (current.kind === 'scalar') return current.value;
    if (current.kind === 'seq') return current.items.map((item, index) => convert(item, [...path, index]));
    const object: Record<string, unknown> = {};
    for (const [key, entry] of current.entries) {
      Object.defineProperty(object, key, {
        value: convert(entry.node, [...path, key], entry.keyPosition),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  };
  return { value: convert(node, []), positions };
}
