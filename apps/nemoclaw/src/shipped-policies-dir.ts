import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot as installedPackageRoot } from './launcher-client.js';

/**
 * The directory of the shipped policies, found exactly as `shippedPoliciesDir()` of
 * `@nemoclaw/policy` finds it (the repository's policies/ when the package sits in the NemoClaw
 * repository, else the package's own copy), but without loading the policy package: a plan-cache
 * hit never needs its YAML parser or schemas. A test holds the two equal.
 */
export function shippedPoliciesDirectory(): string {
  const packageRoot = installedPackageRoot('@nemoclaw/policy');
  const repository = join(packageRoot, '..', '..');
  const inRepository =
    existsSync(join(repository, 'packages', 'policy', 'package.json')) &&
    existsSync(join(repository, 'policies', 'default.yaml'));
  return inRepository ? join(repository, 'policies') : join(packageRoot, 'policies');
}
