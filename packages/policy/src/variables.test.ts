// biome-ignore-all lint/suspicious/noTemplateCurlyInString: policies write ${VARIABLE} literally
import { describe, expect, it } from 'vitest';
import { expandVariables, policyVariables } from './variables.js';

const variables = policyVariables({ home: '/home/a', user: 'a', workdir: '/w', policyDir: '/p' });

describe('expandVariables', () => {
  it.each([
    ['~', '/home/a'],
    ['~/.ssh', '/home/a/.ssh'],
    ['${HOME}/x', '/home/a/x'],
    ['${WORKDIR}/${USER}', '/w/a'],
    ['${POLICY_DIR}/terms.txt', '/p/terms.txt'],
    ['${XDG_CONFIG_HOME}/gh', '/home/a/.config/gh'],
    ['/plain/path', '/plain/path'],
    ['/a/~/b', '/a/~/b'],
  ])('%s -> %s', (input, output) =>
    expect(expandVariables(input, variables)).toEqual({ ok: true, value: output }),
  );

  it('does not expand twice (a value containing ${...} stays literal)', () => {
    const tricky = policyVariables({ home: '/home/${USER}', user: 'root', workdir: '/w', policyDir: '/p' });
    expect(expandVariables('${HOME}', tricky)).toEqual({ ok: true, value: '/home/${USER}' });
  });

  it.each([
    ['${PATH}', 'unknown variable ${PATH}'],
    ['${toString}', 'unknown variable ${toString}'],
    ['${__proto__}', 'unknown variable ${__proto__}'],
    ['$HOME', 'write ${HOME} instead of $HOME'],
    ['${HOME', 'unclosed "${"'],
    ['~other/x', '"~user" is not supported'],
    ['/x/$', 'a "$" must start a ${VARIABLE}'],
  ])('refuses %s', (input, message) => {
    const result = expandVariables(input, variables);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });
});
