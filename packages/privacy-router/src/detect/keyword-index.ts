import type { ScanInput } from './recognizer.js';

/** One occurrence of a keyword in a text. */
export interface KeywordHit {
  keyword: string;
  start: number;
  end: number;
}

/** Slot of a pair of UTF-16 code units in the pair filter (exact for Latin-1, hashed above). */
function pairSlot(first: number, second: number): number {
  return ((first & 0xff) << 8) | (second & 0xff);
}

/** Slot of three UTF-16 code units in the triple filter (hashed; collisions only cost a lookup). */
function tripleSlot(first: number, second: number, third: number): number {
  return (((first & 0xff) << 8) ^ ((second & 0xff) << 4) ^ (third & 0xff) ^ ((third & 0xff) << 12)) & 0xffff;
}

/** Pair filter values: no keyword starts with the pair; only keywords of 3+ characters; a 2-character one. */
const noKeyword = 0;
const longKeywordsOnly = 1;
const shortKeyword = 2;

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Finds every occurrence of a set of lower-case keywords (at least two characters each) in a
 * lower-cased text with one pass: keywords are bucketed by their first two UTF-16 code units, and
 * two 64 KiB tables of the pairs and (hashed) triples that start a keyword let almost every
 * position be skipped with an array read or two (the bucket map is consulted only where the
 * tables say a keyword may start). No
 * regular expression; linear in the text for a fixed keyword set. (The secret rules' keyword
 * prefilter; a grapheme-aware Aho-Corasick was 15x slower here because it segments the input into
 * grapheme clusters first.)
 */
export class KeywordIndex {
  readonly #buckets = new Map<number, string[]>();
  /** The last shared keyword set seen by {@link forEachHitOf}, and whether it covers this index. */
  #coveredBy: ReadonlySet<string> | undefined;
  #covered = false;
  /** The keywords (lower-case, deduplicated). */
  readonly keywords: ReadonlySet<string>;
  readonly #pairs = new Uint8Array(65_536);
  readonly #triples = new Uint8Array(65_536);

  constructor(keywords: Iterable<string>) {
    this.keywords = new Set(keywords);
    for (const keyword of this.keywords) {
      if (keyword.length < 2)
        throw new RangeError(`keyword ${JSON.stringify(keyword)} is shorter than two characters`);
      const key = keyword.charCodeAt(0) * 65_536 + keyword.charCodeAt(1);
      const slot = pairSlot(keyword.charCodeAt(0), keyword.charCodeAt(1));
      if (keyword.length === 2) this.#pairs[slot] = shortKeyword;
      else {
        if (this.#pairs[slot] === noKeyword) this.#pairs[slot] = longKeywordsOnly;
        this.#triples[tripleSlot(keyword.charCodeAt(0), keyword.charCodeAt(1), keyword.charCodeAt(2))] = 1;
      }
      const bucket = this.#buckets.get(key);
      if (bucket) bucket.push(keyword);
      else this.#buckets.set(key, [keyword]);
    }
  }

  /** True if any keyword occurs in `lowerText`. */
  containsAny(lowerText: string): boolean {
    let found = false;
    this.forEachHit(lowerText, () => {
      found = true;
      return false;
    });
    return found;
  }

  /**
   * Calls `visit(keyword, start, end)` for every occurrence (overlapping ones included) of every
   * keyword in `lowerText`, by start; stops early when `visit` returns `false`. With
   * `wordStartOnly`, occurrences right after an ASCII letter or digit are skipped (for context
   * words, which only count at the start of a word). Allocates nothing per position.
   */
  forEachHit(
    lowerText: string,
    visit: (keyword: string, start: number, end: number) => boolean | undefined,
    wordStartOnly = false,
  ): void {
    const buckets = this.#buckets;
    const pairs = this.#pairs;
    const triples = this.#triples;
    const length = lowerText.length;
    let previous = lowerText.charCodeAt(0);
    for (let index = 0; index + 1 < length; index += 1) {
      const next = lowerText.charCodeAt(index + 1);
      const first = previous;
      previous = next;
      const pair = pairs[pairSlot(first, next)];
      if (pair === noKeyword) continue;
      if (
        pair === longKeywordsOnly &&
        triples[tripleSlot(first, next, lowerText.charCodeAt(index + 2))] === 0
      )
        continue;
      const bucket = buckets.get(first * 65_536 + next);
      if (bucket === undefined) continue;
      if (wordStartOnly && index > 0 && isAsciiAlphanumeric(lowerText.charCodeAt(index - 1))) continue;
      for (const keyword of bucket) {
        if (keyword.length === 2 || lowerText.startsWith(keyword, index)) {
          if (visit(keyword, index, index + keyword.length) === false) return;
        }
      }
    }
  }

  /**
   * {@link forEachHit} on `input.lowerText`, from the hits the detector found for all recognizers
   * in one pass (`input.keywordHits`) when they cover this index's keywords, else with a pass of
   * its own. The same occurrences either way.
   */
  forEachHitOf(
    input: Pick<ScanInput, 'lowerText' | 'keywordHits' | 'sharedKeywords'>,
    visit: (keyword: string, start: number, end: number) => boolean | undefined,
    wordStartOnly = false,
  ): void {
    const shared = input.keywordHits;
    const covered = input.sharedKeywords;
    if (covered !== this.#coveredBy) {
      this.#coveredBy = covered;
      this.#covered = covered !== undefined && [...this.keywords].every((keyword) => covered.has(keyword));
    }
    if (!this.#covered || shared === undefined) {
      this.forEachHit(input.lowerText, visit, wordStartOnly);
      return;
    }
    const lowerText = input.lowerText;
    for (const hit of shared) {
      if (!this.keywords.has(hit.keyword)) continue;
      if (wordStartOnly && hit.start > 0 && isAsciiAlphanumeric(lowerText.charCodeAt(hit.start - 1)))
        continue;
      if (visit(hit.keyword, hit.start, hit.end) === false) return;
    }
  }

  /** Every occurrence (overlapping ones included) of every keyword in `lowerText`, by start. */
  hits(lowerText: string): KeywordHit[] {
    const found: KeywordHit[] = [];
    this.forEachHit(lowerText, (keyword, start, end) => {
      found.push({ keyword, start, end });
      return true;
    });
    return found;
  }
}
