import { describe, expect, it } from 'vitest';
import { assertNoSecret, findSecret, redactSecrets } from './redaction-guard.js';

describe('redaction guard', () => {
  it.each([
    ['-----BEGIN OPENSSH PRIVATE KEY-----', 'private-key'],
    ['AKIAIOSFODNN7EXAMPLE', 'aws-access-key-id'],
    ['ghp_0123456789abcdefghijklmnopqrstuvwxyzAB', 'github-token'],
    ['sk-ant-api03-abcdefghijklmnopqrstuv', 'anthropic-api-key'],
    ['sk-proj-abcdefghijklmnopqrstuvwxyz', 'openai-api-key'],
    ['nvapi-abcdefghijklmnopqrstuvwxyz012', 'nvidia-api-key'],
    ['xoxb-1234567890-abcdef', 'slack-token'],
    [
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'json-web-token',
    ],
    ['Authorization: Bearer abcdefghijklmnopqrstuvwxyz', 'bearer-token'],
    ['https://alice:hunter22@example.com/', 'url-credentials'],
    ['password=correcthorse', 'secret-assignment'],
    ['API_KEY: "abcdef123456"', 'secret-assignment'],
  ])('recognises %s as %s', (text, kind) => {
    expect(findSecret(`context ${text} context`)).toBe(kind);
    expect(() => assertNoSecret('message', text)).toThrow(kind);
    expect(redactSecrets(`a ${text} b`)).not.toContain(text);
  });

  it.each([
    'host not in network_policies',
    'connect ECONNREFUSED 127.0.0.1:8000',
    'LOCKED field changed: filesystem_policy.read_write',
    'token count 1200',
    'password policy updated',
    '/usr/bin/git fetch origin',
  ])('lets ordinary text through: %s', (text) => {
    expect(findSecret(text)).toBeUndefined();
    expect(assertNoSecret('message', text)).toBe(text);
    expect(redactSecrets(text)).toBe(text);
  });
});
