import { describe, expect, it } from 'vitest';
import { sandboxAuditLogPath, sandboxStateDirectory } from './audit-log-path.js';

describe('sandbox audit log path', () => {
  it('is audit/events.jsonl in the sandbox state directory', () => {
    expect(sandboxStateDirectory('dev', '/home/a')).toBe('/home/a/.nemoclaw/sandboxes/dev');
    expect(sandboxAuditLogPath('dev', '/home/a')).toBe('/home/a/.nemoclaw/sandboxes/dev/audit/events.jsonl');
  });
  it.each(['', '..', '.hidden', 'a/b', '../etc', 'x'.repeat(65), 'a b'])('refuses the name %j', (name) => {
    expect(() => sandboxAuditLogPath(name, '/home/a')).toThrow(
      expect.objectContaining({ code: 'INVALID_SANDBOX_NAME' }),
    );
  });
});
