/**
 * The one error base class of `@nemoclaw/sandbox`.
 *
 * Every error this package creates is a `SandboxError` (or a subclass) with a stable string
 * {@link SandboxError.code} that callers can switch on, a message written for people, and the
 * underlying `cause` when there is one.
 */
export class SandboxError extends Error {
  /** A stable, machine-readable code such as `proxy-invalid-policy` or `proxy-listen-failed`. */
  readonly code: string;

  /**
   * @param code - stable machine-readable code (kebab-case)
   * @param message - a helpful, human-readable explanation
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SandboxError';
    this.code = code;
  }
}

/** A policy handed to the egress proxy could not be compiled (bad host pattern, CIDR, glob, port...). */
export class ProxyPolicyError extends SandboxError {
  /** Where in the policy the problem is, e.g. `network_policies.github.endpoints[0].host`. */
  readonly path: string;

  /**
   * @param path - location of the offending value inside `network_policies`
   * @param message - what is wrong with it
   */
  constructor(path: string, message: string) {
    super('proxy-invalid-policy', `${path}: ${message}`);
    this.name = 'ProxyPolicyError';
    this.path = path;
  }
}
