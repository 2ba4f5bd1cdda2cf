import { describe, expect, it } from 'vitest';
import { KeywordIndex } from './keyword-index.js';

/** Every occurrence of every keyword by brute force: the reference the index must agree with. */
function bruteForce(text: string, keywords: readonly string[]): string[] {
  const found: string[] = [];
  for (let start = 0; start < text.length; start += 1)
    for (const keyword of [...new Set(keywords)].sort())
      if (text.startsWith(keyword, start)) found.push(`${start}:${keyword}`);
  return found.sort();
}

function indexed(index: KeywordIndex, text: string): string[] {
  return index
    .hits(text)
    .map((hit) => `${hit.start}:${hit.keyword}`)
    .sort();
}

describe('KeywordIndex', () => {
  it('finds every occurrence, overlapping ones included', () => {
    const index = new KeywordIndex(['key', 'keys', 'ey', 'token', 'api_key']);
    const text = 'my api_key and keys; they said token=key';
    expect(indexed(index, text)).toEqual(bruteForce(text, ['key', 'keys', 'ey', 'token', 'api_key']));
  });

  it('agrees with brute force where the pair and triple filters collide (non-Latin-1 code units)', () => {
    // U+0161 and U+0061 share their low byte with 'a' (0x61): the pair filter hashes them together,
    // so only the bucket lookup may decide. Likewise for triples. No hit may be lost or invented.
    const keywords = ['ab', 'abc', 'šbc', 'ξψω', 'aϐc', 'zz'];
    const index = new KeywordIndex(keywords);
    const alphabet = ['a', 'b', 'c', 'š', 'ξ', 'ψ', 'ω', 'ϐ', 'z', ' ', '\u0161', '\u0162'];
    let seed = 7;
    for (let round = 0; round < 300; round += 1) {
      let text = '';
      const length = round % 40;
      for (let position = 0; position < length; position += 1) {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        text += alphabet[seed % alphabet.length];
      }
      expect(indexed(index, text)).toEqual(bruteForce(text, keywords));
    }
  });

  it('skips occurrences glued to a letter or digit when asked for word starts only', () => {
    const index = new KeywordIndex(['dl', 'license']);
    const starts: number[] = [];
    index.forEachHit('handler dl 1 xlicense license', (_keyword, start) => starts.push(start) > 0, true);
    expect(starts).toEqual([8, 22]);
  });

  it('stops when the visitor returns false, and answers containsAny', () => {
    const index = new KeywordIndex(['aa']);
    let calls = 0;
    index.forEachHit('aaaaaa', () => {
      calls += 1;
      return false;
    });
    expect(calls).toBe(1);
    expect(index.containsAny('xxaax')).toBe(true);
    expect(index.containsAny('xaxax')).toBe(false);
  });

  it('gives the same occurrences from the detector-wide pass as from a pass of its own', () => {
    const context = new KeywordIndex(['dl', 'license', 'passport']);
    const secrets = new KeywordIndex(['key', 'pass', 'token']);
    const union = new KeywordIndex([...context.keywords, ...secrets.keywords]);
    const lowerText = 'handler dl: d1234567, passport key=token xlicense license pass';
    const input = { lowerText, keywordHits: union.hits(lowerText), sharedKeywords: union.keywords };
    for (const index of [context, secrets])
      for (const wordStartOnly of [false, true]) {
        const own: string[] = [];
        const shared: string[] = [];
        index.forEachHit(lowerText, (keyword, start) => own.push(`${start}:${keyword}`) > 0, wordStartOnly);
        index.forEachHitOf(input, (keyword, start) => shared.push(`${start}:${keyword}`) > 0, wordStartOnly);
        expect(shared).toEqual(own);
      }
    // A shared pass that misses some of the index's keywords is not used.
    const partial = { lowerText, keywordHits: secrets.hits(lowerText), sharedKeywords: secrets.keywords };
    const found: number[] = [];
    context.forEachHitOf(partial, (_keyword, start) => found.push(start) > 0);
    expect(found.length).toBeGreaterThan(0);
  });

  it('refuses one-character keywords', () => {
    expect(() => new KeywordIndex(['a'])).toThrow(RangeError);
  });
});
