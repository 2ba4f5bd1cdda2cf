import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The directory holding the shipped policies (default.yaml, strict.yaml, presets/). In the
 * NemoClaw repository that is the top-level policies/ directory (so edits apply without a build);
 * in an installed package it is the copy the build puts in the package's own policies/.
 */
export function shippedPoliciesDir(): string {
  const repository = new URL('../../../', import.meta.url);
  const inRepository =
    existsSync(fileURLToPath(new URL('packages/policy/package.json', repository))) &&
    existsSync(fileURLToPath(new URL('policies/default.yaml', repository)));
  const directory = inRepository
    ? new URL('policies/', repository)
    : new URL('../policies/', import.meta.url);
  return fileURLToPath(directory).replace(/\/$/, '');
}
