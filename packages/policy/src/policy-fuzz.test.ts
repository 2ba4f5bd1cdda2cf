// biome-ignore-all lint/suspicious/noTemplateCurlyInString: policies write ${VARIABLE} literally
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parsePolicy } from './index.js';
import { testContext } from './test-support.js';

const options = { file: 'fuzz.yaml', ...testContext };

function expectStructured(text: string): void {
  let result: ReturnType<typeof parsePolicy> | undefined;
  expect(() => {
    result = parsePolicy(text, options);
  }).not.toThrow();
  if (result && !result.ok) {
    expect(result.error.diagnostics.length).toBeGreaterThan(0);
    for (const diagnostic of result.error.diagnostics) {
      expect(diagnostic.line).toBeGreaterThanOrEqual(1);
      expect(diagnostic.column).toBeGreaterThanOrEqual(1);
      expect(diagnostic.code).not.toBe('INTERNAL');
      expect(diagnostic.message).not.toMatch(/\n\s+at /);
    }
  }
}

const keys = fc.constantFrom(
  'version',
  'extends',
  'filesystem_policy',
  'read_only',
  'read_write',
  'deny',
  'no_execute',
  'landlock',
  'compatibility',
  'process',
  'env',
  'limits',
  'syscalls',
  'allow',
  'network_policies',
  'name',
  'endpoints',
  'host',
  'port',
  'ports',
  'rules',
  'binaries',
  'path',
  'inference',
  'providers',
  'default_route',
  'terms',
  '__proto__',
  'constructor',
);
const scalars = fc.oneof(
  fc.constantFrom(
    '/usr',
    '~/.ssh',
    '${HOME}',
    '${NOPE}',
    '/',
    '..',
    '*.example.com',
    'block',
    'ptrace',
    1,
    0,
    -1,
    65536,
    true,
    null,
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
);
const policyLike = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalars, fc.array(tie('value'), { maxLength: 4 }), tie('map')),
  map: fc.dictionary(keys, tie('value'), { maxKeys: 5 }),
})).map;

describe('the loader never crashes (property-based)', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => expectStructured(text)),
      { numRuns: 300 },
    );
  });

  it('on YAML-ish text built from YAML tokens', () => {
    const token = fc.constantFrom(
      'version: 1\n',
      'a:',
      ' ',
      '\n',
      '  ',
      '- ',
      '[',
      ']',
      '{',
      '}',
      ',',
      '&x ',
      '*x',
      '!!str ',
      '? ',
      '|\n',
      '"',
      "'",
      '#',
      'read_only: ',
      '~',
      '${HOME}',
      '\t',
      '---\n',
      '...\n',
      '%YAML 1.2\n',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (tokens) => expectStructured(tokens.join(''))),
      { numRuns: 300 },
    );
  });

  it('on random policy-shaped documents', () => {
    fc.assert(
      fc.property(policyLike, (document) => expectStructured(stringify({ version: 1, ...document }))),
      { numRuns: 300 },
    );
  });
});
