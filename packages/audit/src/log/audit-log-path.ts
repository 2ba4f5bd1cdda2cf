import { homedir } from 'node:os';
import { join } from 'node:path';
import { AuditError } from '../audit-error.js';

const sandboxNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The state directory of sandbox `name`: `~/.nemoclaw/sandboxes/<name>/` (or under `home`).
 * Throws `INVALID_SANDBOX_NAME` for names that are not a single safe path segment.
 */
export function sandboxStateDirectory(name: string, home: string = homedir()): string {
  if (!sandboxNamePattern.test(name) || name === '.' || name === '..') {
    throw new AuditError(
      'INVALID_SANDBOX_NAME',
      `"${name}" is not a sandbox name (letters, digits, ".", "_" and "-", up to 64, not starting with a dot)`,
    );
  }
  return join(home, '.nemoclaw', 'sandboxes', name);
}

/** The audit log of sandbox `name`: `~/.nemoclaw/sandboxes/<name>/audit/events.jsonl`. */
export function sandboxAuditLogPath(name: string, home: string = homedir()): string {
  return join(sandboxStateDirectory(name, home), 'audit', 'events.jsonl');
}
