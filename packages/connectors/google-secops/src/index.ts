/**
 * Ships NemoClaw OCSF audit events to Google Security Operations (Chronicle).
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/connector-google-secops';
