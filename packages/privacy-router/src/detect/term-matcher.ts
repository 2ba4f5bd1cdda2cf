/** One occurrence of a term found by {@link TermMatcher}. */
export interface TermMatch<T> {
  /** UTF-16 offset of the first character. */
  start: number;
  /** UTF-16 offset after the last character (exclusive). */
  end: number;
  /** The value the term was added with. */
  value: T;
}

/**
 * Aho-Corasick automaton over UTF-16 code units: every occurrence (overlapping ones included) of
 * every term in one left-to-right pass, each character costing one transition lookup however
 * many terms there are. Matching is exact on code units; callers lower-case both sides. Unlike
 * grapheme-cluster matchers it does no Unicode segmentation of the text (that segmentation was
 * most of the cost of matching policy terms); whole-word checks are the caller's.
 */
export class TermMatcher<T> {
  /** Transitions per state: code unit -> state. */
  readonly #next: Map<number, number>[] = [new Map()];
  /** Failure link per state: the state of the longest proper suffix that is a trie prefix. */
  readonly #fail: number[] = [0];
  /** Terms ending at each state (own and via failure links): [length, value]. */
  readonly #output: [number, T][][] = [[]];

  /** Builds the automaton; empty terms are ignored. */
  constructor(terms: Iterable<readonly [term: string, value: T]>) {
    for (const [term, value] of terms) {
      if (term.length === 0) continue;
      let state = 0;
      for (let index = 0; index < term.length; index += 1) {
        const code = term.charCodeAt(index);
        const transitions = this.#next[state] ?? new Map<number, number>();
        let target = transitions.get(code);
        if (target === undefined) {
          target = this.#next.length;
          transitions.set(code, target);
          this.#next.push(new Map());
          this.#fail.push(0);
          this.#output.push([]);
        }
        state = target;
      }
      this.#output[state]?.push([term.length, value]);
    }
    // Breadth-first: failure links of a depth-d state only need states of smaller depth.
    const queue: number[] = [...(this.#next[0]?.values() ?? [])];
    for (let head = 0; head < queue.length; head += 1) {
      const state = queue[head] ?? 0;
      for (const [code, target] of this.#next[state] ?? []) {
        queue.push(target);
        let fallback = this.#fail[state] ?? 0;
        let link = this.#next[fallback]?.get(code);
        while (link === undefined && fallback !== 0) {
          fallback = this.#fail[fallback] ?? 0;
          link = this.#next[fallback]?.get(code);
        }
        const failTarget = link !== undefined && link !== target ? link : 0;
        this.#fail[target] = failTarget;
        const inherited = this.#output[failTarget] ?? [];
        if (inherited.length > 0) this.#output[target]?.push(...inherited);
      }
    }
  }

  /** Whether no term was added. */
  get empty(): boolean {
    return (this.#next[0]?.size ?? 0) === 0;
  }

  /** Every occurrence of every term in `text`, ordered by end offset (then longest first). */
  matches(text: string): TermMatch<T>[] {
    const found: TermMatch<T>[] = [];
    const next = this.#next;
    const fail = this.#fail;
    const output = this.#output;
    let state = 0;
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      let target = next[state]?.get(code);
      while (target === undefined && state !== 0) {
        state = fail[state] ?? 0;
        target = next[state]?.get(code);
      }
      state = target ?? 0;
      const ending = output[state];
      if (ending === undefined || ending.length === 0) continue;
      for (const [length, value] of ending) found.push({ start: index + 1 - length, end: index + 1, value });
    }
    return found;
  }
}
