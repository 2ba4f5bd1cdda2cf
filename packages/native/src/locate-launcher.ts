import { accessSync, constants, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NativeError } from './native-error.js';

/** The launcher's file name. */
export const launcherFileName = 'nemoclaw-sandbox-exec';

/** Where {@link locateLauncher} looks, in order. */
export interface LauncherLocateOptions {
  /** Environment to read `NEMOCLAW_SANDBOX_EXEC` from (default: `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The candidate paths, in the order they are tried: `NEMOCLAW_SANDBOX_EXEC`, the package's own
 * `dist/bin` (where `npm run build` puts the binary it compiles), then the repository's
 * `native/build` (where `make -C native` puts it).
 */
export function launcherCandidates(options: LauncherLocateOptions = {}): string[] {
  const env = options.env ?? process.env;
  const candidates: string[] = [];
  const fromEnv = env.NEMOCLAW_SANDBOX_EXEC;
  if (fromEnv !== undefined && fromEnv !== '') candidates.push(fromEnv);
  // This module runs either from src/ (tests, via the @nemoclaw/source condition) or bundled into
  // dist/index.js: both sit one directory below the package root.
  candidates.push(fileURLToPath(new URL(`../dist/bin/${launcherFileName}`, import.meta.url)));
  candidates.push(fileURLToPath(new URL(`../../../native/build/${launcherFileName}`, import.meta.url)));
  return candidates;
}

/**
 * Finds the `nemoclaw-sandbox-exec` binary. An explicit `NEMOCLAW_SANDBOX_EXEC` that does not
 * point at an executable file is an error (never silently replaced by another binary).
 *
 * @throws {@link NativeError} `LAUNCHER_NOT_FOUND` naming every place it looked.
 */
export function locateLauncher(options: LauncherLocateOptions = {}): string {
  const env = options.env ?? process.env;
  const fromEnv = env.NEMOCLAW_SANDBOX_EXEC;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (isExecutableFile(fromEnv)) return fromEnv;
    throw new NativeError('LAUNCHER_NOT_FOUND', `NEMOCLAW_SANDBOX_EXEC=${fromEnv} is not an executable file`);
  }
  const candidates = launcherCandidates({ env });
  for (const candidate of candidates) {
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new NativeError(
    'LAUNCHER_NOT_FOUND',
    `${launcherFileName} not found (looked in ${candidates.join(', ')}); build it with \`npm run build -w @nemoclaw/native\` or \`make -C native\`, or set NEMOCLAW_SANDBOX_EXEC`,
  );
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
