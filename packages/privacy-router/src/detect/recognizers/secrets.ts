import { shannonEntropy } from '../entropy.js';
import type { Finding } from '../finding.js';
import { compileLinear, type LinearRegex, matchAll } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';
import { extraSecretRules } from '../secrets/extra-rules.js';
import type { GitleaksAllowlist, GitleaksRule } from '../secrets/gitleaks-rule.js';
import { gitleaksGlobalAllowlist, gitleaksRules } from '../secrets/gitleaks-rules.generated.js';

interface CompiledAllowlist {
  target: GitleaksAllowlist['regexTarget'];
  regexes: readonly LinearRegex[];
  stopwords: readonly string[];
}

interface CompiledRule {
  rule: GitleaksRule;
  regex: LinearRegex;
  allowlists: readonly CompiledAllowlist[];
  generic: boolean;
  score: number;
}

/**
 * Markers of documentation placeholders: a candidate secret containing one (case-insensitive) is
 * not reported, e.g. AWS's `AKIAIOSFODNN7EXAMPLE` or `sk-your-key-here`.
 */
export const placeholderMarkers: readonly string[] = [
  'example',
  'placeholder',
  'your_',
  'your-',
  'yourkey',
  'xxxxxxxx',
  '********',
  'changeme',
  'redacted',
  'dummy',
  'sample',
  '<',
  '>',
  '${',
  '{{',
];

/**
 * NemoClaw's additions to gitleaks' generic-rule allowlist: the value of a key that names an
 * identifier, type, length or location of a credential rather than the credential itself
 * (`token_id=`, `key_name:`, `secret_path=`).
 */
export const genericIdentifierAllowlist: GitleaksAllowlist = {
  regexTarget: 'match',
  regexes: [
    String.raw`(?i)(?:token|key|secret|auth|access|credential|password|api)[_.\-]?(?:id|ids|name|type|kind|version|length|len|size|url|uri|path|file|prefix|hint|count|expiry|expires|ttl)\b`,
  ],
  stopwords: [],
};

function compileAllowlist(allowlist: GitleaksAllowlist): CompiledAllowlist {
  return {
    target: allowlist.regexTarget,
    regexes: allowlist.regexes.map((pattern) => compileLinear(pattern)),
    stopwords: allowlist.stopwords,
  };
}

let compiledRules: readonly CompiledRule[] | undefined;
let compiledGlobal: CompiledAllowlist | undefined;

/** Compiles every built-in secret rule with RE2 (once per process). Throws if one cannot compile. */
export function compileSecretRules(): readonly CompiledRule[] {
  if (compiledRules) return compiledRules;
  compiledGlobal = compileAllowlist(gitleaksGlobalAllowlist);
  compiledRules = [...extraSecretRules, ...gitleaksRules].map((rule) => {
    const generic = rule.id.startsWith('generic');
    return {
      rule,
      regex: compileLinear(rule.regex, 'd'),
      allowlists: [...rule.allowlists, ...(generic ? [genericIdentifierAllowlist] : [])].map(
        compileAllowlist,
      ),
      generic,
      score: generic || rule.id === 'password-assignment' ? 0.8 : 1,
    };
  });
  return compiledRules;
}

function allowed(
  allowlist: CompiledAllowlist,
  secret: string,
  lowerSecret: string,
  matchText: string,
  line: string,
): boolean {
  const target = allowlist.target === 'match' ? matchText : allowlist.target === 'line' ? line : secret;
  for (const regex of allowlist.regexes) {
    regex.lastIndex = 0;
    if (regex.test(target)) return true;
  }
  for (const word of allowlist.stopwords) if (lowerSecret.includes(word)) return true;
  return false;
}

function lineAround(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const newline = text.indexOf('\n', end);
  return text.slice(lineStart, newline === -1 ? text.length : newline);
}

function hasDigit(value: string): boolean {
  return /\d/.test(value);
}

/**
 * Secrets: gitleaks' ruleset (converted at build time, MIT, see
 * `secrets/gitleaks-rules.generated.ts`) plus NemoClaw's extra rules, all run in RE2. As in
 * gitleaks a rule runs only when one of its keywords occurs in the text, its secret must exceed
 * the rule's Shannon-entropy minimum (generic rules also need a digit) and must not match the
 * rule's or the global allowlists. Documentation placeholders ({@link placeholderMarkers}) are
 * dropped. The finding's span is the secret itself (not the `key =` around it); its subtype is
 * the rule id.
 */
export function createSecretsRecognizer(): Recognizer {
  const rules = compileSecretRules();
  const global = compiledGlobal;
  return {
    name: 'secrets',
    entities: ['SECRET'],
    scan(input: ScanInput): Finding[] {
      const findings: Finding[] = [];
      for (const compiled of rules) {
        const { rule } = compiled;
        if (rule.keywords.length > 0 && !rule.keywords.some((word) => input.lowerText.includes(word)))
          continue;
        for (const match of matchAll(compiled.regex, input.text)) {
          let index = rule.secretGroup;
          if (index === 0) index = match.groups.findIndex((group, position) => position > 0 && group);
          if (index <= 0) index = 0;
          const secret = match.groups[index];
          const span = index === 0 ? ([match.start, match.end] as const) : match.spans[index];
          if (secret === undefined || span === undefined || secret.length === 0) continue;
          if (rule.entropy > 0 && shannonEntropy(secret) <= rule.entropy) continue;
          if (compiled.generic && !hasDigit(secret)) continue;
          const lowerSecret = secret.toLowerCase();
          if (placeholderMarkers.some((marker) => lowerSecret.includes(marker))) continue;
          const matchText = input.text.slice(match.start, match.end);
          const line = lineAround(input.text, match.start, match.end);
          if (global && allowed(global, secret, lowerSecret, matchText, line)) continue;
          if (
            compiled.allowlists.some((allowlist) => allowed(allowlist, secret, lowerSecret, matchText, line))
          )
            continue;
          findings.push({
            type: 'SECRET',
            subtype: rule.id,
            start: span[0],
            end: span[1],
            score: compiled.score,
            detector: 'secrets',
          });
        }
      }
      return findings;
    },
  };
}
