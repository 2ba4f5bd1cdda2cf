import { describe, expect, it } from 'vitest';
import { errorBodies } from '../testing/wire-format.js';
import { errorPayloadMessage, extractServerMessage, isErrorPayload } from './server-message.js';

describe('extractServerMessage', () => {
  it('reads every server flavour’s error body', () => {
    expect(extractServerMessage(JSON.stringify(errorBodies.openAi('bad request')))).toBe('bad request');
    expect(extractServerMessage(JSON.stringify(errorBodies.vllm('too long', 400)))).toBe('too long');
    expect(
      extractServerMessage(JSON.stringify(errorBodies.nvcf('Unprocessable Entity', 'bad field', 422))),
    ).toBe('Unprocessable Entity: bad field');
    expect(extractServerMessage(JSON.stringify(errorBodies.ollama('model not found')))).toBe(
      'model not found',
    );
    expect(extractServerMessage('{"detail":[{"msg":"field required"},{"msg":"wrong type"}]}')).toBe(
      'field required; wrong type',
    );
    expect(extractServerMessage('404 page not found\n')).toBe('404 page not found');
    expect(extractServerMessage('   ')).toBeUndefined();
  });

  it('clips huge bodies to 500 characters', () => {
    expect(extractServerMessage('x'.repeat(10_000))).toHaveLength(500);
  });
});

describe('isErrorPayload', () => {
  it('recognises in-stream errors of each flavour but not data chunks', () => {
    expect(isErrorPayload(errorBodies.openAi('x'))).toBe(true);
    expect(isErrorPayload(errorBodies.vllm('x', 500))).toBe(true);
    expect(isErrorPayload(errorBodies.nvcf('Internal Server Error', 'worker died', 500))).toBe(true);
    expect(errorPayloadMessage(errorBodies.nvcf('Internal Server Error', 'worker died', 500))).toBe(
      'Internal Server Error: worker died',
    );
    expect(isErrorPayload({ choices: [{ delta: { content: 'x' } }] })).toBe(false);
    expect(isErrorPayload({ status: 200, choices: [] })).toBe(false);
  });
});
