/**
 * Durable batched delivery of audit events: disk queue, retry with backoff, dead-letter file.
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/connector-core';
