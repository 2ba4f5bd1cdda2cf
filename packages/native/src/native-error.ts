/** String codes of every error @nemoclaw/native raises. */
export type NativeErrorCode =
  | 'BUILD_FAILED'
  | 'LAUNCHER_NOT_FOUND'
  | 'LAUNCHER_FAILED'
  | 'PROBE_INVALID'
  | 'PLAN_INVALID'
  | 'PATH_INVALID'
  | 'SANDBOX_SETUP';

/**
 * The base class of every error this package raises: a string `code` to branch on, a one-line
 * message meant for a person, and the underlying `cause` when there is one.
 */
export class NativeError extends Error {
  override readonly name: string = 'NativeError';
  /** A stable, machine-readable code. */
  readonly code: NativeErrorCode;

  constructor(code: NativeErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}

/** The setup stage a launcher exit code (120-125) stands for; see native/PLAN.md. */
export type SandboxSetupStage = 'plan' | 'namespaces' | 'mounts' | 'landlock' | 'seccomp' | 'setup';

/**
 * The sandbox could not be set up: the launcher exited with 120-125 before running the command
 * and printed one line `nemoclaw-sandbox-exec: <stage>: <reason>` on stderr.
 */
export class SandboxSetupError extends NativeError {
  override readonly name: string = 'SandboxSetupError';
  /** The launcher's exit code (120-125). */
  readonly exitCode: number;
  /** Which setup stage failed, derived from the exit code. */
  readonly stage: SandboxSetupStage;
  /** The launcher's one-line reason (without the `nemoclaw-sandbox-exec: ` prefix). */
  readonly reason: string;

  constructor(exitCode: number, stage: SandboxSetupStage, reason: string) {
    super('SANDBOX_SETUP', `sandbox setup failed (${stage}, exit ${exitCode}): ${reason}`);
    this.exitCode = exitCode;
    this.stage = stage;
    this.reason = reason;
  }
}
