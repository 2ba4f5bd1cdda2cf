/** The longest path a policy accepts (Linux PATH_MAX). */
export const maximumPathLength = 4096;

/** The most paths one filesystem list accepts. */
export const maximumPathsPerList = 256;

/**
 * Checks a policy path as written (before variable expansion): it must be absolute or start with
 * `~` or a `${VARIABLE}`, contain no `..` segment, no NUL byte, and fit in {@link maximumPathLength}.
 *
 * @returns `undefined` when valid, else the reason it is not.
 */
export function pathProblem(path: string): string | undefined {
  if (path.length === 0) return 'path is empty';
  if (path.length > maximumPathLength) return `path is longer than ${maximumPathLength} characters`;
  if (path.includes('\0')) return 'path contains a NUL byte';
  if (!(path.startsWith('/') || path === '~' || path.startsWith('~/') || path.startsWith('${')))
    return `path "${path}" must be absolute (start with "/", "~/" or a \${VARIABLE})`;
  if (path.split('/').includes('..')) return `path "${path}" must not contain ".."`;
  return undefined;
}

/** `path` without trailing slashes and with repeated slashes collapsed (`/` stays `/`). */
export function normalizePath(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/');
  const trimmed = collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
  return trimmed.length === 0 ? '/' : trimmed;
}
