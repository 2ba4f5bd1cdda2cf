import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The directory holding the shipped policies (default.yaml, strict.yaml, presets/): a copy inside
 * the installed package when there is one, else the repository's top-level policies/ directory.
 */
export function shippedPoliciesDir(): string {
  const candidates = [
    new URL('../policies/', import.meta.url),
    new URL('../../../policies/', import.meta.url),
  ];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(`${path}default.yaml`)) return path.replace(/\/$/, '');
  }
  return fileURLToPath(candidates[1] ?? candidates[0] ?? new URL('.', import.meta.url)).replace(/\/$/, '');
}
