import type { GitleaksRule } from './gitleaks-rule.js';

/**
 * Boundary after a token: anything that cannot continue it (gitleaks' own rules require a quote,
 * space or `;` there, which misses keys at the end of a sentence or before `,` `)` `}` in prose).
 */
export const tokenEnd = String.raw`(?:[^A-Za-z0-9_\-]|$)`;

/**
 * NemoClaw's own secret rules, in gitleaks' shape, run before gitleaks' rules. They cover common
 * cloud and AI-provider keys with a boundary that also works in prose and JSON, AWS secret access
 * keys in context, passwords embedded in URLs and `password = ...` assignments, JWTs and private
 * key headers even when the block is truncated.
 */
export const extraSecretRules: readonly GitleaksRule[] = [
  {
    id: 'private-key-header',
    description: 'A PEM/OpenSSH private key header (the block may be truncated).',
    // Base64 lines (16+ characters) and `Proc-Type:`-style header lines, then the END line if present.
    regex: String.raw`-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:\r?\n(?:[A-Za-z0-9+/=]{16,200}|[A-Za-z][A-Za-z\-]{1,30}: [^\r\n]{0,200}))*(?:\r?\n-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)?`,
    secretGroup: 0,
    entropy: 0,
    keywords: ['private key'],
    allowlists: [],
  },
  {
    id: 'openai-api-key-loose',
    description: 'An OpenAI API key (sk-, sk-proj-, sk-svcacct-, sk-admin-).',
    regex: String.raw`\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{32,200})${tokenEnd}`,
    secretGroup: 1,
    entropy: 3.5,
    keywords: ['sk-'],
    allowlists: [{ regexTarget: 'secret', regexes: ['^sk-ant-'], stopwords: [] }],
  },
  {
    id: 'anthropic-api-key-loose',
    description: 'An Anthropic API or admin key (sk-ant-...).',
    regex: String.raw`\b(sk-ant-(?:api|admin|sid)[0-9]{2}-[A-Za-z0-9_\-]{32,200})${tokenEnd}`,
    secretGroup: 1,
    entropy: 3.5,
    keywords: ['sk-ant-'],
    allowlists: [],
  },
  {
    id: 'github-token-loose',
    description: 'A GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_).',
    regex: String.raw`\b((?:gh[pousr]_[A-Za-z0-9]{36,255})|(?:github_pat_[A-Za-z0-9_]{60,255}))${tokenEnd}`,
    secretGroup: 1,
    entropy: 3,
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    allowlists: [],
  },
  {
    id: 'slack-token-loose',
    description: 'A Slack token (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xapp-).',
    regex: String.raw`\b((?:xox[abposr]|xapp)-[0-9A-Za-z\-]{20,255})${tokenEnd}`,
    secretGroup: 1,
    entropy: 3,
    keywords: ['xox', 'xapp-'],
    allowlists: [],
  },
  {
    id: 'stripe-key-loose',
    description: 'A Stripe secret or restricted key (sk_live_, rk_live_, sk_test_, rk_test_).',
    regex: String.raw`\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,255})${tokenEnd}`,
    secretGroup: 1,
    entropy: 3,
    keywords: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_'],
    allowlists: [],
  },
  {
    id: 'gcp-api-key-loose',
    description: 'A Google API key (AIza...).',
    regex: String.raw`\b(AIza[A-Za-z0-9_\-]{35})${tokenEnd}`,
    secretGroup: 1,
    entropy: 3,
    keywords: ['aiza'],
    allowlists: [],
  },
  {
    id: 'aws-access-key-id-loose',
    description: 'An AWS access key id (AKIA..., ASIA...).',
    regex: String.raw`\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`,
    secretGroup: 1,
    entropy: 3,
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    allowlists: [{ regexTarget: 'secret', regexes: ['.+EXAMPLE$'], stopwords: [] }],
  },
  {
    id: 'aws-secret-access-key',
    description: 'An AWS secret access key next to an AWS/secret-key name.',
    regex: String.raw`(?i)(?:aws|secret_?access_?key|secretaccesskey)[\w.\-]{0,30}["']?\s{0,3}(?:=|:|=>|,)\s{0,3}["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`,
    secretGroup: 1,
    entropy: 3.5,
    keywords: ['aws', 'secret_access_key', 'secretaccesskey', 'secret-access-key'],
    allowlists: [],
  },
  {
    id: 'jwt-loose',
    description: 'A JSON Web Token (three base64url parts, the first two JSON objects).',
    regex: String.raw`\b(eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})${tokenEnd}`,
    secretGroup: 1,
    entropy: 3,
    keywords: ['eyj'],
    allowlists: [],
  },
  {
    id: 'password-in-url',
    description: 'A password embedded in a URL (scheme://user:password@host).',
    regex: String.raw`(?i)\b[a-z][a-z0-9+.\-]{1,20}://[^\s:/@'"]{1,100}:([^\s@/'"]{3,200})@[a-z0-9.\-\[\]]{1,255}`,
    secretGroup: 1,
    entropy: 0,
    keywords: ['://'],
    allowlists: [
      {
        regexTarget: 'secret',
        regexes: [String.raw`^(?i:password|passwd|pass|secret|pwd|\*+|x+)$`, String.raw`^\$`],
        stopwords: [],
      },
    ],
  },
  {
    id: 'cli-password-flag',
    description:
      'A password given on the command line of a database or SSH client (-pSECRET, --password=SECRET).',
    regex: String.raw`(?i)\b(?:mysql|mysqldump|mysqladmin|mariadb|sshpass|psql|mongo|mongosh|redis-cli)\b[^\n]{0,120}?(?:\s-p|\s--password[= ]|\s-a )([^\s'"\x60-][^\s'"\x60]{5,127})`,
    secretGroup: 1,
    entropy: 2.3,
    keywords: ['mysql', 'mariadb', 'sshpass', 'psql', 'mongo', 'redis-cli'],
    allowlists: [{ regexTarget: 'secret', regexes: [String.raw`^\$`, '^[A-Za-z_]+$'], stopwords: [] }],
  },
  {
    id: 'password-assignment',
    description: 'A literal password assigned to a password-named key (config, env, CLI flag).',
    regex: String.raw`(?i)(?:^|[^\w])(?:[\w.\-]{0,30}?(?:password|passwd|passwort|pwd|passphrase|db_pass|_pass))["']?[ \t]{0,3}(?:=|:|:=|=>|\s)[ \t]{0,3}["']?([^\s"'\x60,;]{6,128})`,
    secretGroup: 1,
    entropy: 2.3,
    keywords: ['pass', 'pwd'],
    allowlists: [
      {
        regexTarget: 'secret',
        regexes: [
          // identifiers, types and references rather than literals
          '^[A-Za-z_]+$',
          String.raw`^[a-z_]+[.(\[]`,
          String.raw`^\$`,
          '^%',
          '^(?i:true|false|null|none|undefined|required|optional|string|str)$',
        ],
        stopwords: ['****', 'getenv', 'process.env', 'os.environ'],
      },
    ],
  },
];
