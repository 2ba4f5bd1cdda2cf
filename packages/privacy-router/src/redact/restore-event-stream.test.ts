import { describe, expect, it } from 'vitest';
import { RedactionVault } from './redaction-vault.js';
import { createEventStreamRestorer } from './restore-event-stream.js';

async function run(
  api: Parameters<typeof createEventStreamRestorer>[0],
  vault: RedactionVault,
  input: Buffer,
  step: number,
) {
  const restorer = createEventStreamRestorer(api, vault);
  const output: string[] = [];
  restorer.on('data', (chunk: Buffer | string) => output.push(chunk.toString()));
  const ended = new Promise((resolve) => restorer.on('end', resolve));
  for (let offset = 0; offset < input.length; offset += step)
    restorer.write(input.subarray(offset, offset + step));
  restorer.end();
  await ended;
  return output.join('');
}

function payloads(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
}

describe('createEventStreamRestorer', () => {
  const vault = new RedactionVault();
  const email = vault.placeholderFor('EMAIL', 'jane@example.com');

  it('restores OpenAI chat deltas whatever the byte boundaries (multi-byte brackets split too)', async () => {
    const deltas = ['Hi ', email.slice(0, 3), email.slice(3), '!'];
    const stream = `${deltas
      .map(
        (content) =>
          `data: ${JSON.stringify({ id: 'x', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`,
      )
      .join('')}data: [DONE]\n\n`;
    for (const step of [1, 2, 3, 7, 64]) {
      const text = await run('openai-chat', vault, Buffer.from(stream), step);
      const content = payloads(text)
        .map((data) => (data.choices as Array<{ delta: { content?: string } }>)[0]?.delta.content ?? '')
        .join('');
      expect(content).toBe('Hi jane@example.com!');
      expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    }
  });

  it('flushes a held-back tail before finish_reason, and synthesises a chunk when the stream just ends', async () => {
    const stream = `data: ${JSON.stringify({ id: 'x', choices: [{ index: 0, delta: { content: 'see \u27e6EM' }, finish_reason: null }] })}\n\n`;
    const text = await run('openai-chat', vault, Buffer.from(stream), 1000);
    expect(
      payloads(text)
        .map((data) => (data.choices as Array<{ delta: { content?: string } }>)[0]?.delta.content)
        .join(''),
    ).toBe('see \u27e6EM');
  });

  it('restores Anthropic tool input JSON and flushes at content_block_stop', async () => {
    const parts = ['{"to": "', email.slice(0, 5), `${email.slice(5)}"}`];
    const events = [
      ...parts.map((partial_json) => ({
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json },
      })),
      { type: 'content_block_stop', index: 1 },
    ];
    const stream = events.map((data) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`).join('');
    const text = await run('anthropic-messages', vault, Buffer.from(stream), 5);
    const json = payloads(text)
      .map((data) => (data.delta as { partial_json?: string } | undefined)?.partial_json ?? '')
      .join('');
    expect(JSON.parse(json)).toEqual({ to: 'jane@example.com' });
    expect(text.match(/event: content_block_stop/g)).toHaveLength(1);
  });
});
