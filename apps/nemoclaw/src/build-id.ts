import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

declare const __NEMOCLAW_BUILD_ID__: string | undefined;

/**
 * Identifies this build of the CLI (the plan cache never reads entries another build wrote): the
 * id the bundler stamps into `dist/` (a fresh one per build), else the identity of this module's
 * own file (device, inode, size, modification time) when it runs unbundled or bundled otherwise.
 */
export function cliBuildId(): string {
  if (typeof __NEMOCLAW_BUILD_ID__ === 'string') return __NEMOCLAW_BUILD_ID__;
  try {
    const stats = statSync(fileURLToPath(import.meta.url));
    return `file:${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  } catch {
    return `process:${process.pid}:${Date.now()}`;
  }
}
