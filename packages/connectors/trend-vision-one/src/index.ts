/**
 * Ships NemoClaw OCSF audit events to Trend Vision One (HTTP event collection).
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/connector-trend-vision-one';
