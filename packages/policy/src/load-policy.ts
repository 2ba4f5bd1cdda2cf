import { readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { issuesToDiagnostics } from './issue-diagnostics.js';
import { mergeLocated, withoutOwnKeys } from './merge-policies.js';
import {
  type PolicyDiagnostic,
  PolicyLoadError,
  type PolicyResult,
  type SourcePosition,
} from './policy-error.js';
import { type Policy, policySchema } from './policy-schema.js';
import { shippedPoliciesDir } from './shipped-policies.js';
import { absoluteFrom, expandVariables, type PolicyVariables, policyVariables } from './variables.js';
import {
  type LocatedEntry,
  type LocatedNode,
  maximumPolicyBytes,
  parseYamlTree,
  toPlain,
} from './yaml-tree.js';

/** Options of {@link parsePolicy} and {@link loadPolicyFile}. */
export interface PolicyLoadOptions {
  /** Name shown in errors; its directory is the base for relative `extends` and term files. */
  readonly file?: string;
  /** Working directory of the sandbox: `${WORKDIR}`. Default: `process.cwd()`. */
  readonly workdir?: string;
  /** Home directory: `~` and `${HOME}`. Default: `os.homedir()`. */
  readonly home?: string;
  /** User name: `${USER}`. Default: `os.userInfo().username`. */
  readonly user?: string;
  /** Where `extends` names (not paths) resolve. Default: the shipped policies ({@link shippedPoliciesDir}). */
  readonly policiesDir?: string;
  /**
   * Called for every policy file the load resolves (the file itself and each `extends` level, in
   * the order they are resolved, a file extended twice once per reference): `path` as resolved
   * before symlinks, `realPath`, and the exact `text` parsed. A caller caching the result keys it
   * on these (the CLI's plan cache); the loader does not depend on what the callback does.
   */
  readonly onPolicyFile?: (file: PolicyFileRead) => void;
}

/** One policy file a load resolved and parsed (see {@link PolicyLoadOptions.onPolicyFile}). */
export interface PolicyFileRead {
  /** The absolute path as resolved from the command line or the `extends` entry. */
  readonly path: string;
  /** The same after symlinks: the file actually read. */
  readonly realPath: string;
  /** The file's contents as parsed (UTF-8). */
  readonly text: string;
}

/** The most `extends` levels followed. */
export const maximumExtendsDepth = 16;

interface LoadContext {
  readonly workdir: string;
  readonly home: string;
  readonly user: string;
  readonly policiesDir: string;
  readonly cache: Map<string, LocatedNode>;
  readonly texts: Map<string, string>;
  readonly onPolicyFile: ((file: PolicyFileRead) => void) | undefined;
}

type TreeResult =
  | { readonly ok: true; readonly node: LocatedNode }
  | { readonly ok: false; readonly diagnostics: PolicyDiagnostic[] };

/**
 * Parses and validates policy YAML `text`: resolves `extends`, expands variables, applies defaults.
 * Never throws: every problem, including a bug, comes back as `{ ok: false, error }` whose
 * diagnostics read `file:line:col: key.path: message`.
 */
export function parsePolicy(text: string, options: PolicyLoadOptions = {}): PolicyResult<Policy> {
  return guarded(options.file ?? '<input>', () => {
    const context = loadContext(options);
    const file = options.file ?? '<input>';
    const baseDir =
      options.file === undefined ? context.workdir : dirname(resolve(context.workdir, options.file));
    const tree = treeFromText(text, file, baseDir, context, []);
    return tree.ok ? validate(tree.node) : failure(tree.diagnostics);
  });
}

/**
 * Reads, parses and validates the policy file at `path` (see {@link parsePolicy}). Refuses anything
 * but a regular file of at most 1 MiB. Never throws.
 */
export function loadPolicyFile(
  path: string,
  options: Omit<PolicyLoadOptions, 'file'> = {},
): PolicyResult<Policy> {
  return guarded(path, () => {
    const context = loadContext(options);
    const absolute = resolve(context.workdir, path);
    const tree = treeFromFile(absolute, path, context, [], undefined);
    return tree.ok ? validate(tree.node) : failure(tree.diagnostics);
  });
}

function guarded(file: string, body: () => PolicyResult<Policy>): PolicyResult<Policy> {
  try {
    return body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return failure(
      [{ file, line: 1, column: 1, code: 'INTERNAL', path: [], message: `internal error: ${message}` }],
      error,
    );
  }
}

function failure(diagnostics: PolicyDiagnostic[], cause?: unknown): { ok: false; error: PolicyLoadError } {
  return { ok: false, error: new PolicyLoadError(diagnostics, { cause }) };
}

function loadContext(options: PolicyLoadOptions): LoadContext {
  let user = options.user;
  if (user === undefined) {
    try {
      user = userInfo().username;
    } catch {
      user = process.env.USER ?? 'sandbox';
    }
  }
  const workdir = resolve(options.workdir ?? process.cwd());
  return {
    workdir,
    home: resolve(options.home ?? homedir()),
    user,
    policiesDir: resolve(workdir, options.policiesDir ?? shippedPoliciesDir()),
    cache: new Map(),
    texts: new Map(),
    onPolicyFile: options.onPolicyFile,
  };
}

function validate(node: LocatedNode): PolicyResult<Policy> {
  const source = toPlain(node);
  const parsed = policySchema.safeParse(source.value);
  if (!parsed.success) return failure(issuesToDiagnostics(parsed.error.issues, source, policySchema));
  const { extends: _extends, ...policy } = parsed.data;
  return { ok: true, value: policy as Policy };
}

function readProblem(
  position: SourcePosition,
  path: (string | number)[],
  message: string,
  code: PolicyDiagnostic['code'],
): PolicyDiagnostic {
  return { ...position, code, path, message };
}

function treeFromFile(
  absolute: string,
  label: string,
  context: LoadContext,
  stack: readonly string[],
  from: { readonly position: SourcePosition; readonly path: (string | number)[] } | undefined,
): TreeResult {
  const origin = from ?? { position: { file: label, line: 1, column: 1 }, path: [] };
  const code = from === undefined ? 'READ_FAILED' : 'EXTENDS_NOT_FOUND';
  let real: string;
  try {
    real = realpathSync(absolute);
    const stats = statSync(real);
    if (!stats.isFile())
      return {
        ok: false,
        diagnostics: [readProblem(origin.position, origin.path, `${label} is not a regular file`, code)],
      };
    if (stats.size > maximumPolicyBytes)
      return {
        ok: false,
        diagnostics: [
          readProblem(
            origin.position,
            origin.path,
            `${label} is larger than ${maximumPolicyBytes} bytes`,
            'TOO_LARGE',
          ),
        ],
      };
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return {
      ok: false,
      diagnostics: [readProblem(origin.position, origin.path, `cannot read ${label}: ${reason}`, code)],
    };
  }
  if (stack.includes(real)) {
    const chain = [...stack.slice(stack.indexOf(real)), real].join(' -> ');
    return {
      ok: false,
      diagnostics: [readProblem(origin.position, origin.path, `extends cycle: ${chain}`, 'EXTENDS_CYCLE')],
    };
  }
  if (stack.length >= maximumExtendsDepth)
    return {
      ok: false,
      diagnostics: [
        readProblem(
          origin.position,
          origin.path,
          `extends is nested deeper than ${maximumExtendsDepth} levels`,
          'EXTENDS_CYCLE',
        ),
      ],
    };
  const cached = context.cache.get(real);
  const cachedText = context.texts.get(real);
  if (cached && cachedText !== undefined) {
    context.onPolicyFile?.({ path: absolute, realPath: real, text: cachedText });
    return { ok: true, node: cached };
  }
  let text: string;
  try {
    text = readFileSync(real, 'utf8');
  } catch (error) {
    return {
      ok: false,
      diagnostics: [
        readProblem(origin.position, origin.path, `cannot read ${label}: ${(error as Error).message}`, code),
      ],
    };
  }
  const result = treeFromText(text, label, dirname(real), context, [...stack, real]);
  if (result.ok) {
    context.cache.set(real, result.node);
    context.texts.set(real, text);
    context.onPolicyFile?.({ path: absolute, realPath: real, text });
  }
  return result;
}

function treeFromText(
  text: string,
  file: string,
  baseDir: string,
  context: LoadContext,
  stack: readonly string[],
): TreeResult {
  const parsed = parseYamlTree(text, file);
  if (!parsed.ok) return parsed;
  const root = parsed.node;
  if (root.kind !== 'map') {
    const message =
      root.kind === 'scalar' && root.value === null
        ? 'the policy is empty; it needs at least "version: 1"'
        : 'a policy must be a mapping of keys (version, filesystem_policy, ...)';
    return { ok: false, diagnostics: [{ ...root.position, code: 'INVALID_VALUE', path: [], message }] };
  }
  const diagnostics: PolicyDiagnostic[] = [];
  let node: LocatedNode = root;
  // OpenShell preset files carry no version; every other file must say `version: 1`.
  const version = root.entries.get('version');
  if (version === undefined && !root.entries.has('preset')) {
    diagnostics.push({
      ...root.position,
      code: 'MISSING_KEY',
      path: ['version'],
      message: 'required key "version" is missing (write "version: 1")',
    });
  } else if (version === undefined) {
    const entries = new Map(root.entries);
    entries.set('version', {
      keyPosition: root.position,
      node: { kind: 'scalar', position: root.position, value: 1 },
    });
    node = { kind: 'map', position: root.position, entries };
  } else if (version.node.kind !== 'scalar' || version.node.value !== 1) {
    diagnostics.push({
      ...version.node.position,
      code: 'INVALID_VALUE',
      path: ['version'],
      message: 'version must be 1',
    });
  }
  const variables = policyVariables({
    home: context.home,
    user: context.user,
    workdir: context.workdir,
    policyDir: baseDir,
  });
  node = expandPaths(node, [], variables, baseDir, diagnostics);
  if (diagnostics.length > 0) return { ok: false, diagnostics };

  const extendsEntry = node.kind === 'map' ? node.entries.get('extends') : undefined;
  if (extendsEntry === undefined) return { ok: true, node };
  const targets: { name: string; position: SourcePosition; path: (string | number)[] }[] = [];
  if (extendsEntry.node.kind === 'scalar' && typeof extendsEntry.node.value === 'string') {
    targets.push({ name: extendsEntry.node.value, position: extendsEntry.node.position, path: ['extends'] });
  } else if (extendsEntry.node.kind === 'seq') {
    extendsEntry.node.items.forEach((item, index) => {
      if (item.kind === 'scalar' && typeof item.value === 'string')
        targets.push({ name: item.value, position: item.position, path: ['extends', index] });
    });
  }
  let merged: LocatedNode | undefined;
  for (const target of targets) {
    const resolved = resolveExtends(target.name, baseDir, context);
    if (!resolved.ok) {
      diagnostics.push(readProblem(target.position, target.path, resolved.message, 'EXTENDS_NOT_FOUND'));
      continue;
    }
    const parent = treeFromFile(resolved.path, resolved.label, context, stack, target);
    if (!parent.ok) {
      diagnostics.push(...parent.diagnostics);
      continue;
    }
    const inheritable = withoutOwnKeys(parent.node);
    merged = merged === undefined ? inheritable : mergeLocated(merged, inheritable);
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  return { ok: true, node: merged === undefined ? node : mergeLocated(merged, node) };
}

function resolveExtends(
  name: string,
  baseDir: string,
  context: LoadContext,
): { ok: true; path: string; label: string } | { ok: false; message: string } {
  const isPath =
    name.startsWith('./') ||
    name.startsWith('../') ||
    isAbsolute(name) ||
    name.startsWith('~') ||
    /\.ya?ml$/.test(name);
  if (isPath) {
    const expanded = name === '~' || name.startsWith('~/') ? `${context.home}${name.slice(1)}` : name;
    const path = resolve(baseDir, expanded);
    return { ok: true, path, label: path };
  }
  if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(name))
    return {
      ok: false,
      message: `extends "${name}": a name may only contain letters, digits, "_", "-" and "/"`,
    };
  const path = resolve(context.policiesDir, `${name}.yaml`);
  return { ok: true, path, label: path };
}

const expandedPathPatterns: readonly (readonly string[])[] = [
  ['filesystem_policy', 'read_only', '#'],
  ['filesystem_policy', 'read_write', '#'],
  ['filesystem_policy', 'deny', '#'],
  ['filesystem_policy', 'no_execute', '#'],
  ['network_policies', '*', 'binaries', '#', 'path'],
  ['inference', 'terms', '*', 'file'],
];

function isExpandedPath(path: readonly (string | number)[]): boolean {
  return expandedPathPatterns.some(
    (pattern) =>
      pattern.length === path.length &&
      pattern.every((segment, index) => {
        const actual = path[index];
        if (segment === '#') return typeof actual === 'number';
        if (segment === '*') return typeof actual === 'string';
        return segment === actual;
      }),
  );
}

function couldContainExpandedPath(path: readonly (string | number)[]): boolean {
  return expandedPathPatterns.some(
    (pattern) =>
      pattern.length > path.length &&
      path.every((actual, index) => {
        const segment = pattern[index];
        if (segment === '#') return typeof actual === 'number';
        if (segment === '*') return typeof actual === 'string';
        return segment === actual;
      }),
  );
}

/** Expands `~` and `${VARIABLE}` in the path fields; term files become absolute (relative to the policy). */
function expandPaths(
  node: LocatedNode,
  path: readonly (string | number)[],
  variables: PolicyVariables,
  baseDir: string,
  diagnostics: PolicyDiagnostic[],
): LocatedNode {
  if (node.kind === 'scalar') {
    if (typeof node.value !== 'string' || !isExpandedPath(path)) return node;
    const expanded = expandVariables(node.value, variables);
    if (!expanded.ok) {
      diagnostics.push({
        ...node.position,
        code: 'UNKNOWN_VARIABLE',
        path: [...path],
        message: expanded.message,
      });
      return node;
    }
    const isTermFile = path[0] === 'inference';
    return { ...node, value: isTermFile ? absoluteFrom(baseDir, expanded.value) : expanded.value };
  }
  if (!couldContainExpandedPath(path)) return node;
  if (node.kind === 'seq')
    return {
      ...node,
      items: node.items.map((item, index) =>
        expandPaths(item, [...path, index], variables, baseDir, diagnostics),
      ),
    };
  const entries = new Map<string, LocatedEntry>();
  for (const [key, entry] of node.entries)
    entries.set(key, {
      keyPosition: entry.keyPosition,
      node: expandPaths(entry.node, [...path, key], variables, baseDir, diagnostics),
    });
  return { ...node, entries };
}
