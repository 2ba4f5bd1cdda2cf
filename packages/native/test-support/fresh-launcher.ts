import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's native/ directory (resolved from this file, never from an absolute path). */
export const nativeSourceDir = fileURLToPath(new URL('../../../native/', import.meta.url));

/**
 * Builds the launcher from native/ with `make` (a no-op when it is up to date) and returns the
 * binary's path. Serialised with flock so parallel test projects never race on the same outputs.
 */
export function buildFreshLauncher(): string {
  execFileSync('flock', [join(tmpdir(), 'nemoclaw-native-make.lock'), 'make', '-s', '-C', nativeSourceDir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return join(nativeSourceDir, 'build', 'nemoclaw-sandbox-exec');
}
