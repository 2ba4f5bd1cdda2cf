/** The logging interface the router uses: a subset of pino's, so a pino logger fits as is. */
export interface RouterLogger {
  /** Routine events (one line per request). */
  info(fields: Record<string, unknown>, message: string): void;
  /** Recoverable problems (upstream failures, rejected requests). */
  warn(fields: Record<string, unknown>, message: string): void;
  /** Failures of the router itself. */
  error(fields: Record<string, unknown>, message: string): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: RouterLogger = {
  info() {},
  warn() {},
  error() {},
};
