import { SecretInFieldError } from './audit-error.js';

/** One recognisable kind of secret. */
interface SecretPattern {
  readonly kind: string;
  readonly pattern: RegExp;
}

/**
 * Obvious secret shapes. This is a guard against accidents (a token pasted into an error message
 * that ends up in `status_detail`), not a data-loss-prevention engine: the privacy router does the
 * thorough detection on inference content, and builders never accept content at all.
 */
const secretPatterns: readonly SecretPattern[] = [
  { kind: 'private-key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { kind: 'aws-access-key-id', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/ },
  { kind: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { kind: 'anthropic-api-key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/ },
  { kind: 'openai-api-key', pattern: /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/ },
  { kind: 'nvidia-api-key', pattern: /\bnvapi-[A-Za-z0-9_-]{20,}/ },
  { kind: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}/ },
  {
    kind: 'json-web-token',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
  },
  { kind: 'bearer-token', pattern: /\b(?:Bearer|Basic|Splunk)\s+[A-Za-z0-9._~+/=-]{16,}/i },
  { kind: 'url-credentials', pattern: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
  {
    kind: 'secret-assignment',
    pattern:
      /\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)\b["']?\s*[:=]\s*["']?[^\s"',;]{6,}/i,
  },
];

/**
 * Returns the kind of the first secret-looking substring in `text`, or `undefined` when none is
 * recognised.
 */
export function findSecret(text: string): string | undefined {
  for (const { kind, pattern } of secretPatterns) {
    if (pattern.test(text)) return kind;
  }
  return undefined;
}

/**
 * Refuses free text that looks like it contains a secret: throws {@link SecretInFieldError}
 * naming `field` and the kind of secret (never the value). Returns `text` unchanged otherwise, so
 * it can wrap an assignment.
 */
export function assertNoSecret(field: string, text: string): string {
  const kind = findSecret(text);
  if (kind !== undefined) throw new SecretInFieldError(field, kind);
  return text;
}

/**
 * Replaces every secret-looking substring of `text` with `[REDACTED:<kind>]`. Used for fields
 * whose loss would hide what happened (a command line, a URL path), where refusing the whole
 * event would be worse than masking a part of it.
 */
export function redactSecrets(text: string): string {
  let result = text;
  for (const { kind, pattern } of secretPatterns) {
    result = result.replace(
      new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`),
      `[REDACTED:${kind}]`,
    );
  }
  return result;
}
