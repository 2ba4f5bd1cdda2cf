/**
 * OCSF event types and builders, and a tamper-evident hash-chained local audit log.
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/audit';
