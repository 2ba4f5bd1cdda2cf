/** Error codes the CLI reports. */
export type NemoclawCliErrorCode = 'USAGE' | 'INVALID_POLICY' | 'NOT_FOUND' | 'FAILED';

/** The CLI's error base: a string `code`, an exit code, a one-line message and an optional cause. */
export class NemoclawCliError extends Error {
  override readonly name = 'NemoclawCliError';
  readonly code: NemoclawCliErrorCode;
  readonly exitCode: number;

  constructor(
    code: NemoclawCliErrorCode,
    message: string,
    options: { exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
  }
}
