import { describe, expect, it } from 'vitest';
import { createDetector } from '../detect/create-detector.js';
import { jsonTextTokens } from './json-text-tokens.js';
import { redactRequest, scanRequestTexts } from './redact-request.js';
import { RedactionVault } from './redaction-vault.js';
import { restoreText } from './restore-text.js';

const detector = createDetector();
/** Valid Luhn, Visa range, not a published test number. */
const cardNumber = 4539148803436467;

function chatWithArguments(argumentsText: string): Record<string, unknown> {
  return {
    model: 'm',
    messages: [
      { role: 'user', content: 'book it' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'pay', arguments: argumentsText } }],
      },
    ],
  };
}

function redactedArguments(argumentsText: string, vault = new RedactionVault()): string {
  const body = chatWithArguments(argumentsText);
  const { body: redacted } = redactRequest(body, scanRequestTexts(body, 'openai-chat', detector), vault);
  const messages = redacted.messages as Array<{ tool_calls?: Array<{ function: { arguments: string } }> }>;
  return messages[1]?.tool_calls?.[0]?.function.arguments ?? '';
}

describe('redaction of tool-call arguments by the findings locations', () => {
  it('replaces a card number sent as a JSON NUMBER by a placeholder string (attack: numbers are not strings)', () => {
    const vault = new RedactionVault();
    const text = redactedArguments(`{"card": ${cardNumber}, "amount": 12.5}`, vault);
    expect(text).not.toContain('4539');
    expect(text).toBe('{"card": "\u27e6CREDIT_CARD_1\u27e7", "amount": 12.5}');
    expect(JSON.parse(text)).toEqual({ card: '\u27e6CREDIT_CARD_1\u27e7', amount: 12.5 });
    // Restored as the number it was, not as a string of its digits.
    expect(restoreText(text, vault, 'json')).toBe(`{"card": ${cardNumber}, "amount": 12.5}`);
  });

  it('keeps formatting and the exact digits of numbers a parse and re-serialisation would round', () => {
    const text = redactedArguments('{\n  "id": 12345678901234567890,\n  "to": "mail jane@example.com"\n}');
    expect(text).toBe('{\n  "id": 12345678901234567890,\n  "to": "mail \u27e6EMAIL_1\u27e7"\n}');
  });

  it('redacts values in object keys and in strings with escapes, staying valid JSON', () => {
    const text = redactedArguments(`{"jane@example.com": {"note": "say \\"hi\\" to bob@example.org"}}`);
    expect(text).not.toMatch(/jane@|bob@/);
    expect(JSON.parse(text)).toEqual({
      '\u27e6EMAIL_2\u27e7': { note: 'say "hi" to \u27e6EMAIL_1\u27e7' },
    });
  });

  it('fails closed: arguments it cannot redact structurally become one placeholder', () => {
    // A JSON string literal as the whole arguments text: the raw finding lies inside a value string.
    const text = redactedArguments(JSON.stringify(`card ${cardNumber}`));
    expect(text).toBe('\u27e6CREDIT_CARD_1\u27e7');
  });

  it('redacts a card number as a JSON number inside an Anthropic tool_use input', () => {
    const body = {
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'pay' },
        {
          role: 'assistant',
          content: [
            {
              type: 'tool_use',
              id: 't1',
              name: 'pay',
              input: { card: cardNumber, cents: 1250, seq: [1, 2] },
            },
          ],
        },
      ],
    };
    const vault = new RedactionVault();
    const { body: redacted, redacted: count } = redactRequest(
      body,
      scanRequestTexts(body, 'anthropic-messages', detector),
      vault,
    );
    expect(count).toBe(1);
    expect(JSON.stringify(redacted)).not.toContain('4539');
    const messages = redacted.messages as Array<{ content: Array<{ input: unknown }> }>;
    expect(messages[1]?.content[0]?.input).toEqual({
      card: '\u27e6CREDIT_CARD_1\u27e7',
      cents: 1250,
      seq: [1, 2],
    });
    expect(vault.valueOf('CREDIT_CARD_1')).toBe(String(cardNumber));
    // Protocol numbers outside tool inputs are never touched.
    expect(redacted.max_tokens).toBe(10);
  });
});

describe('jsonTextTokens', () => {
  it('lists keys, strings and numbers with raw spans and pointers', () => {
    const text = '{"a/b": [1, "x\\"y", {"~": -2e3}], "n": null}';
    expect(
      jsonTextTokens(text)?.map((token) => [token.kind, text.slice(token.start, token.end), token.pointer]),
    ).toEqual([
      ['key', '"a/b"', '/a~1b'],
      ['number', '1', '/a~1b/0'],
      ['string', '"x\\"y"', '/a~1b/1'],
      ['key', '"~"', '/a~1b/2/~0'],
      ['number', '-2e3', '/a~1b/2/~0'],
      ['key', '"n"', '/n'],
    ]);
    expect(jsonTextTokens('{"a": 1} x')).toBeUndefined();
    expect(jsonTextTokens('['.repeat(300) + ']'.repeat(300))).toBeUndefined();
  });
});
