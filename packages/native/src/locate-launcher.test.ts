import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcherCandidates, locateLauncher } from './locate-launcher.js';

describe('locateLauncher', () => {
  it('uses NEMOCLAW_SANDBOX_EXEC when it names an executable file', () => {
    expect(locateLauncher({ env: { NEMOCLAW_SANDBOX_EXEC: '/bin/true' } })).toBe('/bin/true');
  });

  it('refuses a NEMOCLAW_SANDBOX_EXEC that is not executable instead of falling back', () => {
    const plainFile = join(mkdtempSync('/var/tmp/nemoclaw-locate-'), 'launcher');
    writeFileSync(plainFile, '#!/bin/sh\n', { mode: 0o644 });
    expect(() => locateLauncher({ env: { NEMOCLAW_SANDBOX_EXEC: plainFile } })).toThrow(
      `NEMOCLAW_SANDBOX_EXEC=${plainFile} is not an executable file`,
    );
    expect(() => locateLauncher({ env: { NEMOCLAW_SANDBOX_EXEC: '/no/such/launcher' } })).toThrow(
      expect.objectContaining({ code: 'LAUNCHER_NOT_FOUND' }),
    );
  });

  it("looks in the package's dist/bin, then the repository's native/build", () => {
    const candidates = launcherCandidates({ env: {} });
    expect(candidates).toHaveLength(2);
    expect(candidates[0]).toMatch(/packages\/native\/dist\/bin\/nemoclaw-sandbox-exec$/);
    expect(candidates[1]).toMatch(/native\/build\/nemoclaw-sandbox-exec$/);
    expect(candidates[1]).not.toContain('packages/native');
  });
});
