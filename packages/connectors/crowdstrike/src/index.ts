/**
 * Ships NemoClaw OCSF audit events to CrowdStrike Falcon Next-Gen SIEM (HEC).
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/connector-crowdstrike';
