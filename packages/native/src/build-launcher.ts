import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launcherFileName } from './locate-launcher.js';
import { NativeError } from './native-error.js';

/** The repository's native/ directory, resolved from this module (src/ or dist/ alike). */
export function nativeSourceDir(): string {
  return fileURLToPath(new URL('../../../native/', import.meta.url));
}

/**
 * Builds `nemoclaw-sandbox-exec` from the repository's native/ sources with `make` (a no-op when
 * it is up to date) and returns the binary's path. Concurrent callers (parallel test projects)
 * are serialised with `flock`, so they never race on the same outputs. Only works in a source
 * checkout; an installed package ships its binary in dist/bin (see {@link locateLauncher}).
 *
 * @throws {@link NativeError} `BUILD_FAILED` when native/ is missing or `make` fails.
 */
export function buildLauncherFromSource(options: { buildDir?: string } = {}): string {
  const sourceDir = nativeSourceDir();
  if (!existsSync(join(sourceDir, 'Makefile'))) {
    throw new NativeError('BUILD_FAILED', `no launcher sources at ${sourceDir} (not a source checkout)`);
  }
  const buildDir = options.buildDir ?? join(sourceDir, 'build');
  try {
    execFileSync(
      'flock',
      [join(tmpdir(), 'nemoclaw-native-make.lock'), 'make', '-s', '-C', sourceDir, `BUILD_DIR=${buildDir}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    const detail = String((error as { stderr?: unknown }).stderr ?? '')
      .trim()
      .split('\n')
      .slice(-3)
      .join(' ');
    throw new NativeError('BUILD_FAILED', `make -C ${sourceDir} failed: ${detail || String(error)}`, {
      cause: error,
    });
  }
  return join(buildDir, launcherFileName);
}
