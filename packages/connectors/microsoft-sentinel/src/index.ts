/**
 * Ships NemoClaw OCSF audit events to Microsoft Sentinel (Azure Monitor Logs Ingestion API).
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/connector-microsoft-sentinel';
