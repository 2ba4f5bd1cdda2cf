import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLauncherFromSource, nativeSourceDir } from './build-launcher.js';

describe('buildLauncherFromSource', () => {
  it('builds (or finds up to date) the launcher from native/ and returns a working binary', () => {
    const path = buildLauncherFromSource();
    expect(path).toBe(`${nativeSourceDir()}build/nemoclaw-sandbox-exec`);
    accessSync(path, constants.X_OK);
    expect(execFileSync(path, ['--version'], { encoding: 'utf8' })).toMatch(/^nemoclaw-sandbox-exec \S+/);
  });
});
