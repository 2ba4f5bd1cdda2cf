/**
 * TypeScript face of the nemoclaw-sandbox-exec launcher: kernel feature probe, plan serialisation, sandboxed spawn.
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/native';
