import { NemoclawCliError } from '../cli-error.js';

/** Exit codes of the `nemoclaw sandbox` commands. */
export const sandboxExitCodes = {
  ok: 0,
  /** The operation failed (name taken, not running, refused). */
  failure: 1,
  usage: 2,
  /** No sandbox of that name. */
  notFound: 3,
  /** The launcher is not installed. */
  launcherMissing: 69,
  /** The policy does not load or cannot be enforced. */
  policy: 78,
} as const;

/** The NemoClaw state root for the CLI: `$NEMOCLAW_HOME`, else `~/.nemoclaw`. */
export async function stateHome(): Promise<string> {
  const { nemoclawHome } = await import('@nemoclaw/sandbox');
  try {
    return nemoclawHome(process.env);
  } catch (error) {
    throw await toCliError(error);
  }
}

/** Converts a `SandboxError` (or anything) into a one-line {@link NemoclawCliError} with the right exit code. */
export async function toCliError(error: unknown): Promise<NemoclawCliError> {
  if (error instanceof NemoclawCliError) return error;
  const { SandboxError } = await import('@nemoclaw/sandbox');
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof SandboxError)) return new NemoclawCliError('FAILED', message, { cause: error });
  switch (error.code) {
    case 'sandbox-invalid-name':
    case 'sandbox-invalid-home':
    case 'sandbox-path-too-long':
      return new NemoclawCliError('USAGE', message, { exitCode: sandboxExitCodes.usage, cause: error });
    case 'sandbox-not-found':
      return new NemoclawCliError('NOT_FOUND', message, {
        exitCode: sandboxExitCodes.notFound,
        cause: error,
      });
    case 'LAUNCHER_NOT_FOUND':
      return new NemoclawCliError('NOT_FOUND', `launcher: ${message}`, {
        exitCode: sandboxExitCodes.launcherMissing,
        cause: error,
      });
    case 'PLAN_INVALID':
    case 'PATH_INVALID':
    case 'sandbox-invalid-policy':
      return new NemoclawCliError('INVALID_POLICY', `policy: ${message}`, {
        exitCode: sandboxExitCodes.policy,
        cause: error,
      });
    default:
      return new NemoclawCliError('FAILED', message, { exitCode: sandboxExitCodes.failure, cause: error });
  }
}

/** Runs `body`, turning any error into a {@link NemoclawCliError}. */
export async function withCliErrors<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw await toCliError(error);
  }
}

/** Writes `value` as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
