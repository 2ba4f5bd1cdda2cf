const OPEN_TAG = '<think>';
const CLOSE_TAG = '</think>';

/** Text separated into the model's reasoning and its answer. */
export interface SplitText {
  /** Text inside `<think>...</think>` (empty when none). */
  readonly reasoning: string;
  /** The answer: everything outside the think block. */
  readonly content: string;
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialTagSuffix(text: string, tag: string): number {
  const longest = Math.min(text.length, tag.length - 1);
  for (let size = longest; size > 0; size -= 1) {
    if (tag.startsWith(text.slice(text.length - size))) return size;
  }
  return 0;
}

/**
 * Separates `<think>...</think>` reasoning from the answer in streamed content, where either tag
 * may be split across any number of chunks. A think block is recognised only at the start of the
 * content (after optional whitespace), which is where Nemotron models emit it; a `<think>`
 * appearing later is ordinary answer text.
 */
export class ThinkSplitter {
  #state: 'start' | 'reasoning' | 'after-reasoning' | 'content' = 'start';
  #pending = '';

  /** Feeds the next content fragment; returns the reasoning and answer text it releases. */
  push(fragment: string): SplitText {
    if (this.#state === 'content') return { reasoning: '', content: fragment };
    if (this.#state === 'after-reasoning')
      return { reasoning: '', content: this.#skipLeadingSpace(fragment) };
    let text = this.#pending + fragment;
    this.#pending = '';
    let reasoning = '';
    let content = '';
    if (this.#state === 'start') {
      const trimmed = text.trimStart();
      if (trimmed.length === 0) {
        this.#pending = text;
        return { reasoning, content };
      }
      if (trimmed.startsWith(OPEN_TAG)) {
        this.#state = 'reasoning';
        text = trimmed.slice(OPEN_TAG.length);
      } else if (OPEN_TAG.startsWith(trimmed)) {
        this.#pending = text;
        return { reasoning, content };
      } else {
        this.#state = 'content';
        return { reasoning, content: text };
      }
    }
    // state === 'reasoning'
    const close = text.indexOf(CLOSE_TAG);
    if (close !== -1) {
      reasoning = text.slice(0, close);
      this.#state = 'after-reasoning';
      content = this.#skipLeadingSpace(text.slice(close + CLOSE_TAG.length));
      return { reasoning, content };
    }
    const keep = partialTagSuffix(text, CLOSE_TAG);
    reasoning = text.slice(0, text.length - keep);
    this.#pending = text.slice(text.length - keep);
    return { reasoning, content };
  }

  /** Drops the blank lines that follow `</think>`, up to the first character of the answer. */
  #skipLeadingSpace(text: string): string {
    const answer = text.replace(/^\s+/, '');
    if (answer.length > 0) this.#state = 'content';
    return answer;
  }

  /** Ends the stream: releases anything held back while waiting to see whether a tag completes. */
  end(): SplitText {
    const pending = this.#pending;
    this.#pending = '';
    if (this.#state === 'reasoning') return { reasoning: pending, content: '' };
    return { reasoning: '', content: pending };
  }
}

/**
 * Splits a complete answer into reasoning and content. Handles a leading `<think>...</think>` block
 * and the "forced-open" form some chat templates produce (the prompt ends with `<think>`, so the
 * answer is `reasoning</think>answer` with no opening tag). The answer is trimmed of the blank
 * lines that usually follow `</think>`.
 */
export function splitThinkContent(text: string): SplitText {
  const trimmed = text.trimStart();
  if (trimmed.startsWith(OPEN_TAG)) {
    const close = trimmed.indexOf(CLOSE_TAG);
    if (close === -1) return { reasoning: trimmed.slice(OPEN_TAG.length), content: '' };
    return {
      reasoning: trimmed.slice(OPEN_TAG.length, close),
      content: trimmed.slice(close + CLOSE_TAG.length).replace(/^\s+/, ''),
    };
  }
  const close = text.indexOf(CLOSE_TAG);
  if (close !== -1 && !text.slice(0, close).includes(OPEN_TAG)) {
    return {
      reasoning: text.slice(0, close),
      content: text.slice(close + CLOSE_TAG.length).replace(/^\s+/, ''),
    };
  }
  return { reasoning: '', content: text };
}
