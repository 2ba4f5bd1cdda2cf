/**
 * The NemoClaw policy language: schema, YAML loading with line:col errors, presets, locked-vs-hot diff, OpenShell import.
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/policy';
