/**
 * Every failure this package reports, by a stable string code.
 *
 * - `CONNECT_TIMEOUT`: the TCP (or TLS) connection was not established in time.
 * - `HEADERS_TIMEOUT`: the server accepted the request but sent no response headers in time.
 * - `IDLE_TIMEOUT`: a response body (usually a stream) stayed silent for longer than allowed.
 * - `ABORTED`: the caller's `AbortSignal` fired.
 * - `CONNECTION_FAILED`: the server could not be reached (refused, unreachable, DNS).
 * - `CONNECTION_RESET`: the connection was closed or reset before a response arrived.
 * - `HTTP_ERROR`: the server answered with a non-success status (see `status` and `serverMessage`).
 * - `RATE_LIMITED`: the server answered 429 and retries were exhausted.
 * - `SERVER_ERROR`: the server answered 5xx and retries were exhausted.
 * - `MALFORMED_RESPONSE`: the server's answer is not what the protocol promises (bad JSON, wrong shape).
 * - `STREAM_INTERRUPTED`: a stream that had started ended or failed before it was complete.
 * - `STREAM_ERROR`: the server reported an error inside a stream that had started.
 * - `MISSING_API_KEY`: the endpoint needs a key and the named environment variable is empty.
 * - `INSECURE_TRANSPORT`: a key would be sent over plain HTTP to a host that is not loopback.
 * - `INVALID_OPTION`: an option or request is invalid (caught before anything is sent).
 * - `UNKNOWN_MODEL`: a model id is not in the catalog where one from the catalog is required.
 * - `INVALID_JSON_OUTPUT`: structured output requested, but the model's answer is not valid for the schema.
 */
export type NemotronErrorCode =
  | 'CONNECT_TIMEOUT'
  | 'HEADERS_TIMEOUT'
  | 'IDLE_TIMEOUT'
  | 'ABORTED'
  | 'CONNECTION_FAILED'
  | 'CONNECTION_RESET'
  | 'HTTP_ERROR'
  | 'RATE_LIMITED'
  | 'SERVER_ERROR'
  | 'MALFORMED_RESPONSE'
  | 'STREAM_INTERRUPTED'
  | 'STREAM_ERROR'
  | 'MISSING_API_KEY'
  | 'INSECURE_TRANSPORT'
  | 'INVALID_OPTION'
  | 'UNKNOWN_MODEL'
  | 'INVALID_JSON_OUTPUT';

/** Extra facts an error may carry about the HTTP exchange that failed. */
export interface NemotronErrorDetails {
  /** The underlying error, when there is one. */
  cause?: unknown;
  /** HTTP status of the server's answer, when one arrived. */
  status?: number;
  /** The server's request id (`x-request-id`, or NVIDIA Cloud Functions' `nvcf-reqid`). */
  requestId?: string;
  /** The human-readable message the server put in its error body. */
  serverMessage?: string;
  /** How many attempts were made (1 when nothing was retried). */
  attempts?: number;
}

/**
 * The one error class of `@nemoclaw/nemotron`. Every failure carries a stable {@link NemotronErrorCode}
 * in `code` and, when an HTTP exchange was involved, the status, the server's request id and the
 * server's own message. Messages never contain API keys or request bodies.
 */
export class NemotronError extends Error {
  /** Stable machine-readable reason. */
  readonly code: NemotronErrorCode;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** Server request id (`x-request-id` or `nvcf-reqid`), when the server sent one. */
  readonly requestId: string | undefined;
  /** The server's error message, when its error body carried one. */
  readonly serverMessage: string | undefined;
  /** Number of attempts made before giving up. */
  readonly attempts: number | undefined;

  /**
   * @param code - the stable reason
   * @param message - a helpful sentence for a person
   * @param details - status, request id, server message, cause
   */
  constructor(code: NemotronErrorCode, message: string, details: NemotronErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'NemotronError';
    this.code = code;
    this.status = details.status;
    this.requestId = details.requestId;
    this.serverMessage = details.serverMessage;
    this.attempts = details.attempts;
  }

  /** A plain-object view (for logs and `--json` output); never contains secrets. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      requestId: this.requestId,
      serverMessage: this.serverMessage,
      attempts: this.attempts,
    };
  }
}

/** True when `value` is a {@link NemotronError}, optionally with the given code. */
export function isNemotronError(value: unknown, code?: NemotronErrorCode): value is NemotronError {
  return value instanceof NemotronError && (code === undefined || value.code === code);
}
