import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildFreshLauncher } from '../../packages/native/test-support/fresh-launcher.ts';

/** The repository root, resolved from this file (CI clones the repo elsewhere). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The shipped default policy. */
export const defaultPolicy = join(repoRoot, 'policies', 'default.yaml');

/** What the works-suite needs: a fresh launcher and the CLI bundled from its TypeScript sources. */
export interface WorksHarness {
  readonly launcherPath: string;
  readonly cliPath: string;
}

/**
 * Builds the launcher from native/ (make; a no-op when fresh) and bundles apps/nemoclaw's CLI from
 * source with esbuild (workspace packages through their `@nemoclaw/source` condition, npm
 * dependencies left external and resolved from the repository's node_modules), so the suite never
 * depends on a stale `npm run build`.
 */
export async function prepareHarness(): Promise<WorksHarness> {
  const launcherPath = buildFreshLauncher();
  const cacheDir = join(repoRoot, 'node_modules', '.cache', 'nemoclaw-works');
  mkdirSync(cacheDir, { recursive: true });
  const outDir = mkdtempSync(join(cacheDir, 'cli-'));
  const cliPath = join(outDir, 'cli.mjs');
  await build({
    entryPoints: [join(repoRoot, 'apps/nemoclaw/src/cli.ts')],
    outfile: cliPath,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@nemoclaw/source'],
    logLevel: 'error',
    plugins: [
      {
        name: 'external-npm-dependencies',
        setup(builder) {
          // npm dependencies stay external, imported by absolute path: each workspace resolves its own version.
          builder.onResolve({ filter: /^[^./]/ }, async (args) => {
            if (
              args.path.startsWith('@nemoclaw/') ||
              args.path.startsWith('node:') ||
              args.pluginData === 'inner'
            ) {
              return undefined;
            }
            const resolved = await builder.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              importer: args.importer,
              pluginData: 'inner',
            });
            if (resolved.errors.length > 0 || resolved.path === '')
              return { path: args.path, external: true };
            return { path: resolved.path, external: true };
          });
        },
      },
    ],
  });
  return { launcherPath, cliPath };
}

/** Output of one `nemoclaw` invocation. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A minimal caller environment: what a person's shell would pass, plus whatever `extra` adds. */
export function callerEnv(harness: WorksHarness, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    NEMOCLAW_SANDBOX_EXEC: harness.launcherPath,
    ...extra,
  };
}

/** Runs the bundled CLI (`node cli.mjs ...args`) in `cwd` and collects its output. */
export function nemoclaw(
  harness: WorksHarness,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; input?: string },
): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      process.execPath,
      [harness.cliPath, ...args],
      { cwd: options.cwd, env: options.env ?? callerEnv(harness), maxBuffer: 16 << 20, timeout: 90_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolvePromise({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** A fresh, empty workdir, outside /tmp (the default policy gives the sandbox a private /tmp). */
export function freshWorkdir(label: string): string {
  return mkdtempSync(join(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), `nemoclaw-works-${label}-`));
}
