/** Machine-readable codes of {@link AuditError}. */
export type AuditErrorCode =
  | 'INVALID_EVENT_INPUT'
  | 'SECRET_IN_FIELD'
  | 'LOG_IO'
  | 'LOG_CLOSED'
  | 'LOG_CORRUPT'
  | 'NOT_CANONICALIZABLE';

/**
 * The error base of `@nemoclaw/audit`: every error the package throws is an `AuditError` with a
 * stable string {@link AuditError.code}, a one-line message a person can act on, and an optional
 * `cause` (for example the underlying `fs` error).
 */
export class AuditError extends Error {
  override readonly name: string = 'AuditError';
  /** Stable identifier of the failure, for programs. */
  readonly code: AuditErrorCode;

  constructor(code: AuditErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/**
 * Thrown when a free-text field of an event looks like it carries a secret (an API key, a token,
 * a private key, a password assignment). The message names the field and the kind of secret,
 * never the value.
 */
export class SecretInFieldError extends AuditError {
  override readonly name = 'SecretInFieldError';
  /** The event field that was refused, e.g. `status_detail`. */
  readonly field: string;
  /** The kind of secret recognised, e.g. `aws-access-key-id`. */
  readonly secretKind: string;

  constructor(field: string, secretKind: string) {
    super(
      'SECRET_IN_FIELD',
      `refusing to write a ${secretKind} into audit field "${field}"; audit events carry types and counts, never secret values`,
    );
    this.field = field;
    this.secretKind = secretKind;
  }
}
