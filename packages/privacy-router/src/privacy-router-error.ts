/** Error codes of the privacy router. */
export type PrivacyRouterErrorCode =
  | 'INVALID_POLICY'
  | 'TERMS_FILE_UNREADABLE'
  | 'NO_LOCAL_PROVIDER'
  | 'LISTEN_FAILED'
  | 'ROUTER_CLOSED'
  | (string & {});

/**
 * The privacy router's error base: a string `code`, a helpful message and an optional `cause`.
 * Every error the package throws is (a subclass of) this class.
 */
export class PrivacyRouterError extends Error {
  override readonly name: string = 'PrivacyRouterError';
  /** A stable machine-readable code, e.g. `INVALID_POLICY`. */
  readonly code: PrivacyRouterErrorCode;

  constructor(code: PrivacyRouterErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}
