import { statSync } from 'node:fs';

/** What a path is on this machine, as {@link BuildPlanOptions.inspectPath} reports it. */
export type PathKind = 'directory' | 'file' | 'other' | 'missing' | 'inaccessible';

/** What `path` is, following symlinks (`stat`): how {@link buildPlan} inspects paths by default. */
export function inspectPathOnDisk(path: string): PathKind {
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) return 'directory';
    if (stats.isFile()) return 'file';
    return 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'inaccessible';
  }
}
