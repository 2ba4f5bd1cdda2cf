import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from './did-you-mean.js';

describe('closestMatch', () => {
  it('suggests close keys', () => {
    expect(closestMatch('read_onyl', ['read_only', 'read_write'])).toBe('read_only');
    expect(closestMatch('READ_ONLY', ['read_only'])).toBe('read_only');
    expect(closestMatch('endpoint', ['endpoints', 'binaries'])).toBe('endpoints');
  });
  it('stays silent for far-off words', () => {
    expect(closestMatch('banana', ['read_only', 'read_write'])).toBeUndefined();
    expect(closestMatch('x', [])).toBeUndefined();
  });
  it('counts a transposition as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
