import { describe, expect, it } from 'vitest';
import {
  estimateAnthropicInputTokens,
  estimateImageTokens,
  estimateTextTokens,
  imageDimensions,
  pdfPageTokens,
  toolUseSystemPromptTokens,
  unknownImageTokens,
} from './estimate-tokens.js';

function png(width: number, height: number): Buffer {
  const bytes = Buffer.alloc(33);
  bytes.writeUInt32BE(0x89504e47, 0);
  bytes.writeUInt32BE(0x0d0a1a0a, 4);
  bytes.writeUInt32BE(13, 8);
  bytes.write('IHDR', 12, 'latin1');
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

function jpeg(width: number, height: number): Buffer {
  // SOI, an APP0 segment of 16 bytes, then SOF0 with precision, height, width.
  const app0 = Buffer.concat([Buffer.from([0xff, 0xe0, 0x00, 0x10]), Buffer.alloc(14)]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof]);
}

function image(bytes: Buffer): Record<string, unknown> {
  return { type: 'base64', media_type: 'image/png', data: bytes.toString('base64') };
}

describe('estimateTextTokens', () => {
  it('counts words by 5 letters, numbers by 3 digits, symbols and line breaks one each', () => {
    expect(estimateTextTokens('Hello, world!')).toBe(4);
    expect(estimateTextTokens('tokenization')).toBe(3);
    expect(estimateTextTokens('4539148803436467')).toBe(6);
    expect(estimateTextTokens('a\n\nb')).toBe(3);
    expect(estimateTextTokens('    x')).toBe(2);
    expect(estimateTextTokens('日本語 😀')).toBe(4);
    expect(estimateTextTokens('')).toBe(0);
  });

  it('grows with the text (more text never counts less)', () => {
    const sentence = 'The quick brown fox jumps over the lazy dog. ';
    expect(estimateTextTokens(sentence.repeat(10))).toBe(10 * estimateTextTokens(sentence));
  });
});

describe('estimateImageTokens', () => {
  it('reads PNG, GIF and JPEG sizes and applies Anthropic width x height / 750', () => {
    expect(imageDimensions(png(1000, 500))).toEqual({ width: 1000, height: 500 });
    expect(estimateImageTokens(image(png(1000, 500)))).toBe(667);
    const gif = Buffer.from('GIF89a\x0a\x00\x0a\x00', 'latin1');
    expect(estimateImageTokens(image(gif))).toBe(1);
    expect(imageDimensions(jpeg(1000, 500))).toEqual({ width: 1000, height: 500 });
    expect(estimateImageTokens(image(jpeg(1000, 500)))).toBe(667);
  });

  it('downscales large images like Anthropic, caps the cost, and prices unknown images at the cap', () => {
    expect(estimateImageTokens(image(png(3136, 1568)))).toBe(unknownImageTokens);
    expect(estimateImageTokens(image(png(1568, 392)))).toBe(820);
    expect(estimateImageTokens({ type: 'url', url: 'https://example.com/a.png' })).toBe(unknownImageTokens);
    expect(estimateImageTokens(image(Buffer.from('not an image')))).toBe(unknownImageTokens);
  });
});

describe('estimateAnthropicInputTokens', () => {
  it('adds 3 per message and for the reply to the content', () => {
    expect(
      estimateAnthropicInputTokens({ model: 'c', messages: [{ role: 'user', content: 'Hello, world!' }] }),
    ).toBe(3 + 3 + 4);
    expect(
      estimateAnthropicInputTokens({
        model: 'c',
        system: [{ type: 'text', text: 'Be brief.' }],
        messages: [{ role: 'user', content: 'Hello, world!' }],
      }),
    ).toBe(3 + 3 + 3 + 3 + 4);
  });

  it('counts tools with the tool-use system prompt, tool calls and results, and skips earlier thinking', () => {
    const tools = [{ name: 'pay', description: 'Pay.', input_schema: { type: 'object' } }];
    const base = { model: 'c', messages: [{ role: 'user', content: 'x' }] };
    expect(estimateAnthropicInputTokens({ ...base, tools }) - estimateAnthropicInputTokens(base)).toBe(
      toolUseSystemPromptTokens + 1 + 2 + 10,
    );
    const withThinking = {
      model: 'c',
      messages: [
        { role: 'user', content: 'x' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'a very long chain of thought '.repeat(100), signature: 's' },
            { type: 'tool_use', id: 't1', name: 'pay', input: { cents: 5 } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'done' }] },
      ],
    };
    // tool_use: 3 + "pay" 1 + {"cents":5} 7; tool_result: 3 + "done" 1.
    expect(estimateAnthropicInputTokens(withThinking)).toBe(3 + 3 + 1 + 3 + 11 + 3 + 4);
  });

  it('counts images by size and PDFs by page', () => {
    const pdf = Buffer.from(
      '%PDF-1.4 1 0 obj <</Type /Pages>> 2 0 obj <</Type /Page>> 3 0 obj <</Type/Page>>',
    );
    expect(
      estimateAnthropicInputTokens({
        model: 'c',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: image(png(1000, 500)) },
              {
                type: 'document',
                source: { type: 'base64', media_type: 'application/pdf', data: pdf.toString('base64') },
              },
            ],
          },
        ],
      }),
    ).toBe(3 + 3 + 667 + 2 * pdfPageTokens);
  });
});
