import { describe, expect, it } from 'vitest';
import { splitThinkContent, ThinkSplitter } from './think-splitter.js';

function streamSplit(pieces: string[]): { reasoning: string; content: string } {
  const splitter = new ThinkSplitter();
  let reasoning = '';
  let content = '';
  for (const piece of pieces) {
    const part = splitter.push(piece);
    reasoning += part.reasoning;
    content += part.content;
  }
  const rest = splitter.end();
  return { reasoning: reasoning + rest.reasoning, content: content + rest.content };
}

describe('ThinkSplitter', () => {
  const text =
    '\n<think>Let me think: 2 < 3 and </thin is not a tag.</think>\n\nThe answer is 4 <think>literal</think>.';
  const expected = {
    reasoning: 'Let me think: 2 < 3 and </thin is not a tag.',
    content: 'The answer is 4 <think>literal</think>.',
  };

  it('separates a leading think block from the answer', () => {
    expect(streamSplit([text])).toEqual(expected);
  });

  it('gives the same split for a chunk boundary at every position (tags split across chunks)', () => {
    for (let index = 1; index < text.length; index += 1) {
      expect(streamSplit([text.slice(0, index), text.slice(index)]), `boundary at ${index}`).toEqual(
        expected,
      );
    }
  });

  it('gives the same split when every character is its own chunk', () => {
    expect(streamSplit([...text])).toEqual(expected);
  });

  it('passes answers without a think block through untouched, including a lone "<"', () => {
    expect(streamSplit(['<', 'b>bold</b>'])).toEqual({ reasoning: '', content: '<b>bold</b>' });
    expect(streamSplit(['  ', 'plain'])).toEqual({ reasoning: '', content: '  plain' });
  });

  it('keeps reasoning that never closed as reasoning when the stream ends', () => {
    expect(streamSplit(['<think>unfinished </th'])).toEqual({ reasoning: 'unfinished </th', content: '' });
  });
});

describe('splitThinkContent', () => {
  it('splits a complete think block', () => {
    expect(splitThinkContent('<think>why</think>\n\nbecause')).toEqual({
      reasoning: 'why',
      content: 'because',
    });
  });

  it('splits the forced-open form (template opened <think>, answer has only </think>)', () => {
    expect(splitThinkContent('reasoning here\n</think>\n\nanswer')).toEqual({
      reasoning: 'reasoning here\n',
      content: 'answer',
    });
  });

  it('leaves plain answers alone', () => {
    expect(splitThinkContent('just text')).toEqual({ reasoning: '', content: 'just text' });
  });
});
