/**
 * Ships NemoClaw OCSF audit events to Splunk HTTP Event Collector.
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/connector-splunk';
