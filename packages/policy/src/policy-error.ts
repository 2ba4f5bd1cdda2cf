/** Machine-readable kinds of policy problems. */
export type PolicyErrorCode =
  /** The file could not be read. */
  | 'READ_FAILED'
  /** The file is larger than a policy can reasonably be. */
  | 'TOO_LARGE'
  /** YAML syntax (or structure YAML forbids, such as duplicate keys). */
  | 'SYNTAX'
  /** A key the schema does not know. */
  | 'UNKNOWN_KEY'
  /** A value of the wrong type or outside its allowed set. */
  | 'INVALID_VALUE'
  /** A required key is missing. */
  | 'MISSING_KEY'
  /** A `${VARIABLE}` outside the closed list, or malformed. */
  | 'UNKNOWN_VARIABLE'
  /** An `extends` target that cannot be found or read. */
  | 'EXTENDS_NOT_FOUND'
  /** `extends` leads back to a file already being loaded. */
  | 'EXTENDS_CYCLE'
  /** A bug in the loader itself (reported, never thrown). */
  | 'INTERNAL';

/** The base of every error this package reports. `code` says what kind of problem it is. */
export class PolicyError extends Error {
  override readonly name: string = 'PolicyError';
  readonly code: PolicyErrorCode;

  constructor(code: PolicyErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}

/** Where a problem is: file (or `<input>`), 1-based line and column. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One problem found in a policy, located in its source. */
export interface PolicyDiagnostic extends SourcePosition {
  readonly code: PolicyErrorCode;
  /** Key path of the offending value, e.g. `['filesystem_policy', 'read_only', 0]`. */
  readonly path: readonly (string | number)[];
  /** The problem, without location or key path (see {@link formatDiagnostic}). */
  readonly message: string;
}

/** Renders a key path as `network_policies.github.endpoints[0].port` (`<root>` when empty). */
export function formatKeyPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '<root>';
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) text += text.length === 0 ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** Renders a diagnostic as `file:line:col: key.path: message`. */
export function formatDiagnostic(diagnostic: PolicyDiagnostic): string {
  return `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${formatKeyPath(diagnostic.path)}: ${diagnostic.message}`;
}

/**
 * A policy that failed to load: one or more located {@link PolicyDiagnostic}s. `code` is the
 * first diagnostic's code; `message` is every diagnostic, one `file:line:col: path: message` per line.
 */
export class PolicyLoadError extends PolicyError {
  override readonly name: string = 'PolicyLoadError';
  readonly diagnostics: readonly PolicyDiagnostic[];

  constructor(diagnostics: readonly PolicyDiagnostic[], options: { cause?: unknown } = {}) {
    super(diagnostics[0]?.code ?? 'INTERNAL', diagnostics.map(formatDiagnostic).join('\n'), options);
    this.diagnostics = diagnostics;
  }
}

/** The result of loading untrusted input: never thrown, always returned. */
export type PolicyResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: PolicyLoadError };
