/**
 * The NemoClaw sandbox core (lifecycle, supervisor, egress proxy, hot reload, approvals) and the OpenClaw plugin.
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/sandbox';
