import { describe, expect, it } from 'vitest';
import { validateSandboxName } from './sandbox-name.js';
import { approvalPresetPath, nemoclawHome, sandboxPaths } from './sandbox-paths.js';

describe('sandbox names', () => {
  it('accepts hostname-like lower-case names up to 63 characters', () => {
    for (const name of ['a', 'dev', 'agent-1', '0x', 'a'.repeat(63)])
      expect(validateSandboxName(name).ok, name).toBe(true);
  });

  it('refuses anything that could escape the state directory or is not a hostname label', () => {
    for (const name of [
      '',
      '.',
      '..',
      '../x',
      'a/b',
      'Dev',
      '-a',
      'a_b',
      'a.b',
      'a b',
      'a\n',
      'a'.repeat(64),
      'é',
    ]) {
      const result = validateSandboxName(name);
      expect(result.ok, JSON.stringify(name)).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('sandbox-invalid-name');
    }
    expect(validateSandboxName(42).ok).toBe(false);
  });
});

describe('state paths', () => {
  it('uses NEMOCLAW_HOME when absolute, ~/.nemoclaw otherwise, and refuses a relative one', () => {
    expect(nemoclawHome({ NEMOCLAW_HOME: '/srv/nc/' })).toBe('/srv/nc');
    expect(nemoclawHome({})).toMatch(/\/\.nemoclaw$/);
    expect(() => nemoclawHome({ NEMOCLAW_HOME: 'relative' })).toThrow(/absolute/);
  });

  it('lays out one directory per sandbox', () => {
    const paths = sandboxPaths('/h', 'dev');
    expect(paths).toMatchObject({
      directory: '/h/sandboxes/dev',
      lockFile: '/h/sandboxes/dev/supervisor.lock',
      controlSocket: '/h/sandboxes/dev/control/control.sock',
      proxySocket: '/h/sandboxes/dev/proxy.sock',
      auditLog: '/h/sandboxes/dev/audit/events.jsonl',
    });
    expect(approvalPresetPath('/h', 'dev')).toBe('/h/presets/dev.yaml');
    expect(() => sandboxPaths('/h', '../etc')).toThrow(/not a sandbox name/);
  });

  it('refuses socket paths that would not fit in a Unix socket address', () => {
    expect(() => sandboxPaths(`/${'x'.repeat(60)}`, 'a'.repeat(40))).toThrow(/too long/);
  });
});
