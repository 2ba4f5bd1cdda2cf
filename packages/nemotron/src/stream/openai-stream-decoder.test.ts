import { describe, expect, it } from 'vitest';
import { sseChunk, sseDone } from '../testing/wire-format.js';
import { OllamaStreamDecoder } from './ollama-stream-decoder.js';
import { OpenAiStreamDecoder } from './openai-stream-decoder.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('OpenAiStreamDecoder', () => {
  const wire = [
    sseChunk({ reasoning: 'a' }),
    sseChunk({ reasoning: 'b' }),
    sseChunk({ content: 'c' }),
    sseChunk({ content: 'd' }),
    sseChunk({}, 'stop'),
    sseDone,
  ].join('');

  it('merges adjacent text of one kind from one network read by default', () => {
    const decoder = new OpenAiStreamDecoder();
    expect([...decoder.push(bytes(wire)), ...decoder.end()]).toEqual([
      { type: 'reasoning', text: 'ab' },
      { type: 'content', text: 'cd' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('keeps one event per server chunk when coalescing is off', () => {
    const decoder = new OpenAiStreamDecoder(true, false);
    expect([...decoder.push(bytes(wire)), ...decoder.end()].map((event) => event.type)).toEqual([
      'reasoning',
      'reasoning',
      'content',
      'content',
      'finish',
    ]);
  });

  it('ignores anything after [DONE] and accepts a stream that ends after finish_reason without [DONE]', () => {
    const afterDone = new OpenAiStreamDecoder();
    expect(afterDone.push(bytes(`${sseDone}${sseChunk({ content: 'late' })}`))).toEqual([]);
    expect(afterDone.end()).toEqual([]);
    const noDone = new OpenAiStreamDecoder();
    noDone.push(bytes(sseChunk({ content: 'x' }, 'length')));
    expect(() => noDone.end()).not.toThrow();
  });

  it('leaves <think> in content when splitting is off', () => {
    const decoder = new OpenAiStreamDecoder(false);
    const events = [
      ...decoder.push(bytes(`${sseChunk({ content: '<think>x</think>y' })}${sseDone}`)),
      ...decoder.end(),
    ];
    expect(events).toEqual([{ type: 'content', text: '<think>x</think>y' }]);
  });
});

describe('OllamaStreamDecoder', () => {
  it('needs the final done line', () => {
    const decoder = new OllamaStreamDecoder();
    decoder.push(
      bytes(`${JSON.stringify({ model: 'm', message: { role: 'assistant', content: 'x' }, done: false })}\n`),
    );
    expect(() => decoder.end()).toThrow(expect.objectContaining({ code: 'STREAM_INTERRUPTED' }));
  });

  it('rejects a line of the wrong shape', () => {
    const decoder = new OllamaStreamDecoder();
    expect(() => decoder.push(bytes('{"model":"m","message":{"content":5},"done":false}\n'))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_RESPONSE' }),
    );
  });
});
