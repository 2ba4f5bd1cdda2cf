// biome-ignore-all lint/suspicious/noTemplateCurlyInString: policies write ${VARIABLE} literally
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parsePolicy } from './index.js';
import { testContext } from './test-support.js';

const options = { file: 'fuzz.yaml', ...testContext };
// Deterministic in CI; explore other seeds with FAST_CHECK_SEED=<n> (a failure prints its seed).
const seed = Number(process.env.FAST_CHECK_SEED ?? 20261130);

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
  const sections = [
    'extends',
    'preset',
    'filesystem_policy',
    'landlock',
    'process',
    'syscalls',
    'network_policies',
    'network_middlewares',
    'inference',
  ];
  const odd = ['null', '1', '"x"', '[]', '{}', '[null]', '{a: null}', '[{}]', '{a: [1]}'];
  it.each(sections)('on every odd value of %s and of its fields', (section) => {
    for (const value of odd) {
      expectStructured(`version: 1\n${section}: ${value}\n`);
      for (const field of [
        'read_only',
        'no_execute',
        'allow',
        'deny',
        'providers',
        'rules',
        'terms',
        'default_route',
        'env',
        'limits',
      ])
        expectStructured(`version: 1\n${section}:\n  ${field}: ${value}\n`);
    }
  });

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => expectStructured(text)),
      { numRuns: 300, seed },
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
      { numRuns: 300, seed },
    );
  });

  it('on random policy-shaped documents', () => {
    fc.assert(
      fc.property(policyLike, (document) => expectStructured(stringify({ version: 1, ...document }))),
      { numRuns: 300, seed },
    );
  });
});
