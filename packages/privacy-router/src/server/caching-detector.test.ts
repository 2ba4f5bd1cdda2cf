import { describe, expect, it } from 'vitest';
import { createDetector } from '../detect/create-detector.js';
import { createCachingDetector } from './caching-detector.js';

describe('createCachingDetector', () => {
  const long = `${'Context line about the build system and its flags. '.repeat(20)} mail jane@example.com, card 4539 1488 0343 6467.`;

  it('returns the same findings as the detector, on first and repeated scans, as fresh objects', () => {
    const detector = createDetector();
    const caching = createCachingDetector(detector, { minLength: 100 });
    const expected = detector.scan(long);
    expect(expected.map((finding) => finding.type).sort()).toEqual(['CREDIT_CARD', 'EMAIL']);
    const first = caching.scan(long);
    const second = caching.scan(long);
    expect(first).toEqual(expected);
    expect(second).toEqual(expected);
    second[0] = { ...expected[0], start: -1 } as (typeof expected)[0];
    expect(caching.scan(long)).toEqual(expected);
  });

  it('tells different texts apart, short ones are not cached, and a different detector does not share it', () => {
    const caching = createCachingDetector(createDetector({ terms: { customers: ['Acme Corp'] } }), {
      minLength: 100,
    });
    const other = `${long} Acme Corp`;
    expect(caching.scan(long).some((finding) => finding.type === 'TERM')).toBe(false);
    expect(caching.scan(other).some((finding) => finding.type === 'TERM')).toBe(true);
    expect(caching.scan('Acme Corp')).toHaveLength(1);
    expect(
      createCachingDetector(createDetector(), { minLength: 100 })
        .scan(other)
        .some((finding) => finding.type === 'TERM'),
    ).toBe(false);
  });
});
