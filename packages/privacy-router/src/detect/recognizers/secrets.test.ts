import { describe, expect, it } from 'vitest';
import { createDetector } from '../create-detector.js';

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
