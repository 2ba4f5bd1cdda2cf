// biome-ignore-all lint/suspicious/noTemplateCurlyInString: placeholders such as ${VAR} are test data
import { describe, expect, it } from 'vitest';
import { createDetector } from '../create-detector.js';
import { compileLinear, matchAll } from '../linear-regex.js';
import { gitleaksGlobalAllowlist } from '../secrets/gitleaks-rules.generated.js';
import { compileSecretRules, globalAllowlistMayMatch, knownGlobalRegexes, spanFinderOf } from './secrets.js';

const detector = createDetector({ entities: ['SECRET'] });

function secrets(text: string): string[][] {
  return detector
    .scan(text)
    .map((finding) => [finding.subtype ?? '', text.slice(finding.start, finding.end)]);
}

describe('secrets', () => {
  it.each([
    [
      'OpenAI project key',
      'OPENAI_API_KEY=sk-proj-vH2BzNZV45pFCiRcDCajhDieQjEJ-Bq8F80ymm3T207gmhZRnFyy5r2xJ7Fj4mgblEv0',
      'sk-proj-vH2BzNZV45pFCiRcDCajhDieQjEJ-Bq8F80ymm3T207gmhZRnFyy5r2xJ7Fj4mgblEv0',
    ],
    [
      'GitHub token at a sentence end',
      'use ghp_VJIqVLB5LzxoiGFfWd3hjOkYRBMeyyMDHqJ3.',
      'ghp_VJIqVLB5LzxoiGFfWd3hjOkYRBMeyyMDHqJ3',
    ],
    ['AWS access key id', 'aws_access_key_id = AKIA52DN2YBY6AWTY2O7', 'AKIA52DN2YBY6AWTY2O7'],
    [
      'AWS secret key',
      'aws_secret_access_key = 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',
      'r7xgHWPB6PRWJ1Gk8cgSCifdFzctEq8oB7GVvouN',
    ],
    [
      'Slack bot token',
      "new WebClient('xoxb-680443699577-7387214895134-oZmjbcpEN2XeDA4OKmTSyFzp')",
      'xoxb-680443699577-7387214895134-oZmjbcpEN2XeDA4OKmTSyFzp',
    ],
    [
      'Stripe live key in JSON',
      '{"stripe":"sk_live_jPSa5W3X4gXBolZ9SHDdJp62"}',
      'sk_live_jPSa5W3X4gXBolZ9SHDdJp62',
    ],
    ['password in a URL', 'postgres://orders:Xk9#mP2vL8qT@10.20.4.17:5432/orders', 'Xk9#mP2vL8qT'],
    ['password assignment', 'DB_PASSWORD="T7#kL9qZ2@vX"', 'T7#kL9qZ2@vX'],
    ['mysql -p flag', 'mysql -u root -pT7#kL9qZ2@vX db', 'T7#kL9qZ2@vX'],
    [
      'SendGrid key (gitleaks rule)',
      'SENDGRID_API_KEY=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',
      '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',
    ],
  ])('finds a %s', (_name, text, secret) => {
    expect(secrets(text).map(([, value]) => value)).toContain(secret);
  });

  it('finds a private key block, also when truncated', () => {
    const block =
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----';
    expect(secrets(`key:\n${block}\nthanks`).map(([, value]) => value)).toEqual([block]);
    expect(
      secrets('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ'),
    ).toHaveLength(1);
  });

  it('finds a JWT', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4ODQxIiwibmFtZSI6IkFkYSJ9.Xq3mC8e2uTzP5d0k7HjYb4R9sWn1vLaQ6fGhJkE2oMc';
    expect(secrets(`Authorization: Bearer ${jwt}`).map(([, value]) => value)).toContain(jwt);
  });

  it('ignores documentation placeholders and example keys', () => {
    expect(
      secrets(
        'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      ),
    ).toEqual([]);
    const placeholders =
      "apiKey: 'sk-your-api-key-here', token: '<YOUR_TOKEN>', password: $" + '{DB_PASSWORD}';
    expect(secrets(placeholders)).toEqual([]);
    expect(secrets('password=changeme123 password: ********')).toEqual([]);
  });

  it('ignores hashes, UUIDs, ids and references that look random', () => {
    expect(
      secrets(
        [
          'commit 01a19bbd47d5552c7f47e8e80e952eb9d8e96cf3',
          'sha256:7cb990c801f97b7684319e1b429ad564b858f9a3e247cb2c083eb8cb37f0a72e',
          'request_id=8f14e45f-ceea-467f-a0e6-3f1a2b9c7d21',
          'token_id=tok_01HF3Z9K7Q2W8E5R1T6Y4U3I0P',
          'password=os.environ["DB_PASSWORD"]',
          'password: string',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('keeps the secret span tight (the value, not the key name)', () => {
    const text = 'export GITHUB_TOKEN="ghp_VJIqVLB5LzxoiGFfWd3hjOkYRBMeyyMDHqJ3"';
    const [finding] = detector.scan(text);
    expect(finding && text.slice(finding.start, finding.end)).toBe(
      'ghp_VJIqVLB5LzxoiGFfWd3hjOkYRBMeyyMDHqJ3',
    );
  });
});

describe('secret rule shortcuts (same findings, less work)', () => {
  it('the global allowlist shortcut is in use and never skips a secret the regexes would allow', () => {
    expect(gitleaksGlobalAllowlist.regexes).toEqual(knownGlobalRegexes);
    const global = compileLinear(gitleaksGlobalAllowlist.regexes.map((regex) => `(?:${regex})`).join('|'));
    const candidates = [
      'true',
      'TrueColor9x',
      'xxfalsexx',
      'FALSE',
      'isnull',
      'aaaaaaaa',
      'AaAaA',
      '********',
      '........',
      '$12',
      '${12}',
      '$HOME_DIR',
      '${API_TOKEN}',
      '{{ token }}',
      '${{ secrets.API_KEY }}',
      '%APPDATA%',
      '%s',
      '{1}',
      '@TOKEN@',
      '/Users/ada/keys/id.pem',
      '/etc/ssl/private.key',
      // RE2's case folding: the long s folds to s, the Kelvin sign to k
      'falſe',
      'ſſſſ',
      '\u212a\u212a\u212a',
      'xoxb-680443699577-oZmjbcpEN2Xe',
      'r7xgHWPB6PRWJ1Gk8cgSCifdFzctEq8oB7GVvouN',
      'nullable9',
      'trux',
    ];
    for (const candidate of candidates) {
      global.lastIndex = 0;
      if (global.test(candidate))
        expect(globalAllowlistMayMatch(candidate, candidate.toLowerCase()), candidate).toBe(true);
    }
    // ... and it does skip ordinary keys (which is its point).
    expect(globalAllowlistMayMatch('r7xgHWPB6PRWJ1Gk8cgS', 'r7xghwpb6prwj1gk8cgs')).toBe(false);
  });

  it('capture-free finders exist only for the token-shaped NemoClaw rules', () => {
    const withFinder = compileSecretRules()
      .filter((compiled) => compiled.finder !== undefined)
      .map((compiled) => compiled.rule.id);
    expect(withFinder).toEqual([
      'openai-api-key-loose',
      'anthropic-api-key-loose',
      'github-token-loose',
      'slack-token-loose',
      'stripe-key-loose',
      'gcp-api-key-loose',
      'aws-access-key-id-loose',
      'jwt-loose',
    ]);
    expect(spanFinderOf({ ...fakeRule, regex: String.raw`\b(ab(c)d)(?:[^A-Za-z0-9_\-]|$)` })).toBeUndefined();
    expect(spanFinderOf({ ...fakeRule, regex: String.raw`\b(ab)|(cd)\b` })).toBeUndefined();
    expect(spanFinderOf({ ...fakeRule, regex: String.raw`\b(a[(]b)\b` })).toBeUndefined();
    expect(spanFinderOf({ ...fakeRule, regex: String.raw`\b(ab)\b`, secretGroup: 0 })).toBeUndefined();
  });

  it('a finder gives the span the capture group gives, whatever ends the token', () => {
    const keys: Record<string, string> = {
      'openai-api-key-loose': 'sk-proj-vH2BzNZV45pFCiRcDCajhDieQjEJ-Bq8F80ymm3T207gmhZRnFyy5r2xJ7Fj4mgblEv0',
      'anthropic-api-key-loose':
        'sk-ant-api03-Hu42bojteVs3qfNUfTAFnT0tEuw0dwQ0FIunWe8Cz6SNDCdyZQJiJSZQdoHwHen3SO3oXyGf3azU3',
      'github-token-loose': 'ghp_VJIqVLB5LzxoiGFfWd3hjOkYRBMeyyMDHqJ3',
      'slack-token-loose': 'xoxb-680443699577-7387214895134-oZmjbcpEN2XeDA4OKmTSyFzp',
      'stripe-key-loose': 'sk_live_jPSa5W3X4gXBolZ9SHDdJp62',
      'gcp-api-key-loose': 'AIzaSyD8fK2mQ9xL4vN7pR1tW6yZ3bC5eG0hJ2k',
      'aws-access-key-id-loose': 'AKIA52DN2YBY6AWTY2O7',
      'jwt-loose':
        'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    };
    for (const compiled of compileSecretRules()) {
      const key = keys[compiled.rule.id];
      if (compiled.finder === undefined) continue;
      expect(key, compiled.rule.id).toBeDefined();
      for (const text of [key, `${key}.`, `(${key})`, `${key}😀 next`, `${key}é`, `"${key}"\n`]) {
        const captured = [...matchAll(compiled.regex, text ?? '')].map((match) => match.spans[1]);
        const found = detector
          .scan(text ?? '')
          .filter((finding) => finding.subtype === compiled.rule.id)
          .map((finding) => [finding.start, finding.end]);
        expect(captured.length, `${compiled.rule.id} in ${text}`).toBe(1);
        // The finding of this rule, if it survived overlap resolution, has the captured span.
        for (const span of found) expect(span, `${compiled.rule.id} in ${text}`).toEqual(captured[0]);
      }
    }
  });

  it('generic-api-key still finds a value whose operator is as far from the keyword as gitleaks allows', () => {
    // 20 characters of [ \t\w.-], then 3 of [\s'"], then `=`: the farthest the prefilter looks.
    const text = `token_abcdefghijklmnopqrs" \t= "Xk9mP2vL8qTz4Rw7Yb3N"`;
    expect(secrets(text)).toEqual([['generic-api-key', 'Xk9mP2vL8qTz4Rw7Yb3N']]);
  });
});

const fakeRule = {
  id: 'test',
  description: 'test',
  regex: '',
  secretGroup: 1,
  entropy: 0,
  keywords: ['ab'],
  allowlists: [],
};
