import { describe, expect, it } from 'vitest';
import { compileGlob } from './glob.js';

function glob(pattern: string) {
  const compiled = compileGlob(pattern);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.value;
}

describe('path globs', () => {
  it.each([
    ['/**', '/', true],
    ['/**', '/a/b/c', true],
    ['/api/**', '/api', true],
    ['/api/**', '/api/', true],
    ['/api/**', '/api/v1/x', true],
    ['/api/**', '/apix', false],
    ['/repos/*/issues', '/repos/a/issues', true],
    ['/repos/*/issues', '/repos/a/b/issues', false],
    ['/repos/*/issues', '/repos//issues', true],
    ['/bot*/**', '/bot123/send', true],
    ['/bot*/**', '/other/send', false],
    ['/a/**/z', '/a/z', true],
    ['/a/**/z', '/a/b/c/z', true],
    ['/a.b', '/aXb', false],
    ['/usr/bin/python3*', '/usr/bin/python3.12', true],
    ['/usr/bin/python3*', '/usr/bin/python3/../sh', false],
    ['*', '/anything/at/all', true],
  ])('%s vs %s -> %s', (pattern, value, expected) => {
    expect(glob(pattern).matches(value)).toBe(expected);
  });

  it('refuses ** inside a segment and empty globs', () => {
    expect(compileGlob('/a**b').ok).toBe(false);
    expect(compileGlob('').ok).toBe(false);
  });
});
