import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Width of the rotation index in rotated file names (`events.jsonl.000001`). */
const indexWidth = 6;

/** A rotated file: `<active>.<index>`; a larger index is newer. */
export interface RotatedFile {
  path: string;
  index: number;
}

/** The name a rotated file with `index` gets. */
export function rotatedPath(activePath: string, index: number): string {
  return `${activePath}.${String(index).padStart(indexWidth, '0')}`;
}

/** Lists the rotated files of `activePath`, oldest first. */
export async function listRotatedFiles(activePath: string): Promise<RotatedFile[]> {
  const directory = dirname(activePath);
  const prefix = `${basename(activePath)}.`;
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  const files: RotatedFile[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const suffix = name.slice(prefix.length);
    if (!/^\d+$/.test(suffix)) continue;
    files.push({ path: join(directory, name), index: Number.parseInt(suffix, 10) });
  }
  return files.sort((left, right) => left.index - right.index);
}

/** All files of a log in chain order: rotated files oldest first, then the active file. */
export async function listLogFiles(activePath: string): Promise<string[]> {
  return [...(await listRotatedFiles(activePath)).map((file) => file.path), activePath];
}

/** True when `error` is an ENOENT from `fs`. */
export function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error as NodeJS.ErrnoException).code === 'ENOENT';
}
