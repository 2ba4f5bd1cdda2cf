import { describe, expect, it } from 'vitest';
import { hostPatternProblem, isLoopbackHost } from './host-pattern.js';

describe('hostPatternProblem', () => {
  it.each([
    'api.github.com',
    '*.github.com',
    '*.api.nvidia.com',
    'localhost',
    '127.0.0.1',
    '::1',
    '[::1]',
    'a-b.example.org',
    'xn--bcher-kva.example',
  ])('accepts %s', (host) => expect(hostPatternProblem(host)).toBeUndefined());
  it.each([
    ['*', 'must have at least two labels after "*."'],
    ['*.com', 'must have at least two labels after "*."'],
    ['*github.com', 'partial wildcard'],
    ['api.*.github.com', 'wildcard outside the first label'],
    ['**.github.com', 'partial wildcard'],
    ['github.*', 'wildcard outside the first label'],
    ['*.*.github.com', 'wildcard outside the first label'],
    ['exa mple.com', 'invalid label'],
    ['a..b.com', 'invalid label ""'],
    ['-bad.example.com', 'invalid label'],
    ['example.com.', 'must not end with a dot'],
    ['example.com/path', 'invalid label'],
    ['user@example.com', 'invalid label'],
    ['', 'host is empty'],
    [`${'a'.repeat(250)}.com`, 'longer than 253'],
  ])('refuses %s', (host, reason) => expect(hostPatternProblem(host)).toContain(reason));
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', 'api.localhost', '::1', '[::1]'])(
    '%s is loopback',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each([
    '10.0.0.1',
    '169.254.169.254',
    'example.com',
    'localhost.example.com',
    '::ffff:8.8.8.8',
    '0.0.0.0',
    '128.0.0.1',
  ])('%s is not loopback', (host) => expect(isLoopbackHost(host)).toBe(false));
});
