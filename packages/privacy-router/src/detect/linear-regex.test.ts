import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { createDetector } from './create-detector.js';
import { compileLinear, matchAll } from './linear-regex.js';
import { compileSecretRules } from './recognizers/secrets.js';
import { gitleaksRules } from './secrets/gitleaks-rules.generated.js';

const script = fileURLToPath(new URL('../../scripts/convert-gitleaks.mjs', import.meta.url));
const gitleaksToml = fileURLToPath(
  new URL('../../../../../shared/data/secrets/gitleaks.toml', import.meta.url),
);

describe('linear-time regular expressions (RE2)', () => {
  it('runs the textbook catastrophic-backtracking pattern over a large input and answers correctly', () => {
    // (a+)+$ against "aaaa...!" takes exponential time in a backtracking engine (JS RegExp
    // would not finish for 30 characters); RE2 is linear, so 200 000 characters are fine.
    const regex = compileLinear('(a+)+$');
    const input = `${'a'.repeat(200_000)}!`;
    expect([...matchAll(regex, input)]).toEqual([]);
    expect([...matchAll(regex, 'xaaa')].map((match) => [match.start, match.end])).toEqual([[1, 4]]);
  });

  it('refuses what RE2 cannot run (back-references, look-around) at compile time', () => {
    expect(() => compileLinear(String.raw`(a)\1`)).toThrow(
      expect.objectContaining({ code: 'PATTERN_UNSUPPORTED' }),
    );
    expect(() => compileLinear('(?=a)b')).toThrow();
    expect(() => compileLinear('(?<!a)b')).toThrow();
  });

  it('compiles every built-in secret rule in RE2', () => {
    const rules = compileSecretRules();
    expect(rules.length).toBeGreaterThan(gitleaksRules.length);
    for (const compiled of rules) expect(compiled.regex.constructor.name).toBe('RE2');
  });

  it('reports UTF-16 offsets past astral characters', () => {
    const text = '😀😀 mail a@b.io';
    const [finding] = createDetector().scan(text);
    expect(finding && text.slice(finding.start, finding.end)).toBe('a@b.io');
  });

  it('scans adversarial inputs aimed at every layer and still finds the real secret', () => {
    const key = 'ghp_VJIqVLB5LzxoiGFfWd3hjOkYRBMeyyMDHqJ3';
    const adversarial = [
      'a'.repeat(20_000),
      `${'1 '.repeat(5_000)}`,
      `-----BEGIN RSA PRIVATE KEY-----\n${'A'.repeat(20_000)}`,
      `api_key = ${'x'.repeat(5_000)}`,
      `${'@'.repeat(2_000)}${'a.'.repeat(5_000)}`,
      `${'Mr '.repeat(3_000)}`,
      `${'12 Street '.repeat(2_000)}`,
      `token ${key}`,
    ].join('\n');
    const findings = createDetector().scan(adversarial);
    expect(findings.some((finding) => adversarial.slice(finding.start, finding.end) === key)).toBe(true);
  });
});

describe('gitleaks conversion (scripts/convert-gitleaks.mjs)', () => {
  it('the checked-in ruleset matches gitleaks.toml rule for rule', () => {
    const config = parse(readFileSync(gitleaksToml, 'utf8')) as {
      rules: Array<{
        id: string;
        regex?: string;
        entropy?: number;
        keywords?: string[];
        secretGroup?: number;
      }>;
    };
    const withRegex = config.rules.filter((rule) => typeof rule.regex === 'string');
    expect(gitleaksRules.map((rule) => rule.id)).toEqual(withRegex.map((rule) => rule.id));
    for (const [index, rule] of withRegex.entries()) {
      const converted = gitleaksRules[index];
      expect(converted?.regex).toBe(rule.regex);
      expect(converted?.entropy).toBe(rule.entropy ?? 0);
      expect(converted?.secretGroup).toBe(rule.secretGroup ?? 0);
      expect(converted?.keywords).toEqual((rule.keywords ?? []).map((word) => word.toLowerCase()));
    }
  });

  it('fails the build, naming the rule, when a pattern needs a backtracking engine', () => {
    const directory = mkdtempSync(join(tmpdir(), 'nemoclaw-gitleaks-'));
    try {
      const input = join(directory, 'rules.toml');
      const output = join(directory, 'out.ts');
      writeFileSync(
        input,
        "[[rules]]\nid = \"lookahead\"\nregex = '''(?=secret)[a-z]+'''\nkeywords = [\"secret\"]\n",
      );
      const result = spawnSync(process.execPath, [script, input, output], { encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('rule lookahead: RE2 cannot compile');
      writeFileSync(
        input,
        "[[rules]]\nid = \"fine\"\nregex = '''secret_[a-z]{8}'''\nkeywords = [\"secret_\"]\n",
      );
      const good = spawnSync(process.execPath, [script, input, output], { encoding: 'utf8' });
      expect(good.status).toBe(0);
      expect(readFileSync(output, 'utf8')).toContain('"id": "fine"');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
