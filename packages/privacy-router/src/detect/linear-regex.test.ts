import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { createDetector } from './create-detector.js';
import { compileLinear, forEachMatch, matchAll, matchAllIn, type RegexMatch } from './linear-regex.js';
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

describe('searching the shared UTF-8 bytes (matchAllIn, forEachMatch)', () => {
  function plain(match: RegexMatch, offset = 0): unknown {
    return {
      start: match.start + offset,
      end: match.end + offset,
      groups: [...match.groups],
      spans: match.spans.map((span) => (span ? [span[0] + offset, span[1] + offset] : undefined)),
    };
  }

  it('gives the same matches, groups and UTF-16 spans as searching the JavaScript string', () => {
    // Regions start and end next to multi-byte and astral characters: byte offsets must map back
    // to the string indices exactly, and a region must behave as a text of its own (^, $, \b).
    const regexes = [
      compileLinear(String.raw`\b(\p{L}+)-(\d+)\b`, 'd'),
      compileLinear(String.raw`^\S+|\S+$`),
      compileLinear('(?i)(é+)|(😀)', 'd'),
    ];
    const pieces = ['abc-12', ' ', 'é', 'ÉÉ-7', '😀', '\n', 'x', 'ж-3', '€', '9'];
    let seed = 3;
    for (let round = 0; round < 200; round += 1) {
      let text = '';
      for (let part = 0; part < 1 + (round % 12); part += 1) {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        text += pieces[seed % pieces.length];
      }
      // Regions on code-point boundaries (as every recognizer makes them).
      const boundaries = [0];
      for (let index = 1; index < text.length; index += 1) {
        const code = text.charCodeAt(index);
        if (!(code >= 0xdc00 && code <= 0xdfff)) boundaries.push(index);
      }
      boundaries.push(text.length);
      const from = boundaries[seed % boundaries.length] ?? 0;
      const to =
        boundaries[Math.max(boundaries.indexOf(from), (seed >> 5) % boundaries.length)] ?? text.length;
      for (const regex of regexes) {
        const expected = [...matchAll(regex, text.slice(from, to))].map((match) => plain(match, from));
        const actual = matchAllIn(regex, text, [{ start: from, end: to }]).map((match) => plain(match));
        expect(actual, JSON.stringify({ text, from, to, regex: regex.source })).toEqual(expected);
      }
    }
  });

  it('treats a region that starts or ends inside a surrogate pair like the string slice would', () => {
    // Regions are made with margins around digits, so one may start on the second half of an
    // emoji: the search must neither fail nor report offsets inside the pair.
    const regex = compileLinear(String.raw`\d+`);
    const text = '😀😀1234567😀😀';
    for (let from = 0; from <= text.length; from += 1)
      for (let to = from; to <= text.length; to += 1) {
        const found = matchAllIn(regex, text, [{ start: from, end: to }]).map((match) => [
          match.start,
          match.end,
        ]);
        const expected = [...matchAll(regex, text.slice(from, to))].map((match) => [
          match.start + from,
          match.end + from,
        ]);
        expect(found, `${from}..${to}`).toEqual(expected);
      }
  });

  it('resumes where the visitor says, and stops when it returns false', () => {
    const regex = compileLinear('[a-zé]+');
    const text = 'éab cd éf gh';
    const seen: string[] = [];
    forEachMatch(regex, text, 0, text.length, (match) => {
      seen.push(text.slice(match.start, match.end));
      // retry one character after the match's start (a street-line retry does this)
      return seen.length < 3 ? match.start + 1 : false;
    });
    expect(seen).toEqual(['éab', 'ab', 'b']);
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
