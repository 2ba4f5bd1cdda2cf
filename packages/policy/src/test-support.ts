import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's shipped policies directory (resolved from this file, never absolutely). */
export const repositoryPoliciesDir = fileURLToPath(new URL('../../../policies/', import.meta.url)).replace(
  /\/$/,
  '',
);

/** A fresh temporary directory, removed by the returned function. */
export function temporaryDirectory(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'nemoclaw-policy-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Fixed loader context so expansions are deterministic in tests. */
export const testContext = { home: '/home/agent', workdir: '/work/project', user: 'agent' } as const;
