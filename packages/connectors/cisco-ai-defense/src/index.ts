/**
 * Ships NemoClaw OCSF audit events to Cisco AI Defense runtime inspection.
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/connector-cisco-ai-defense';
