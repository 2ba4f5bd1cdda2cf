import { describe, expect, it } from 'vitest';
import { SseDecoder, type SseEvent } from './sse-decoder.js';

function decodeInPieces(bytes: Uint8Array, offsets: number[]): SseEvent[] {
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  let start = 0;
  for (const offset of offsets) {
    events.push(...decoder.push(bytes.subarray(start, offset)));
    start = offset;
  }
  events.push(...decoder.push(bytes.subarray(start)));
  events.push(...decoder.end());
  return events;
}

const stream = [
  ': ping\n\n',
  'data: {"text":"héllo — 世界 🎉"}\n\n',
  'event: custom\r\ndata: first\r\ndata: second\r\n\r\n',
  'data:no-space\r\r',
  ': keep-alive\n',
  'data: [DONE]\n\n',
].join('');

const expected: SseEvent[] = [
  { event: 'message', data: '{"text":"héllo — 世界 🎉"}' },
  { event: 'custom', data: 'first\nsecond' },
  { event: 'message', data: 'no-space' },
  { event: 'message', data: '[DONE]' },
];

describe('SseDecoder', () => {
  it('decodes a whole stream: comments skipped, multi-line data joined, CR, LF and CRLF endings', () => {
    const decoder = new SseDecoder();
    expect([...decoder.push(new TextEncoder().encode(stream)), ...decoder.end()]).toEqual(expected);
    expect(decoder.comments).toBe(2);
  });

  it('gives the same events for a boundary at every byte (inside lines, CRLF pairs and UTF-8 characters)', () => {
    const bytes = new TextEncoder().encode(stream);
    for (let offset = 1; offset < bytes.length; offset += 1) {
      expect(decodeInPieces(bytes, [offset]), `split at byte ${offset}`).toEqual(expected);
    }
  });

  it('gives the same events when every byte arrives alone', () => {
    const bytes = new TextEncoder().encode(stream);
    const offsets = Array.from({ length: bytes.length - 1 }, (_, index) => index + 1);
    expect(decodeInPieces(bytes, offsets)).toEqual(expected);
  });

  it('drops an event that was never terminated by a blank line (per the SSE spec)', () => {
    const decoder = new SseDecoder();
    const events = [
      ...decoder.push(new TextEncoder().encode('data: complete\n\ndata: cut off')),
      ...decoder.end(),
    ];
    expect(events).toEqual([{ event: 'message', data: 'complete' }]);
  });
});
