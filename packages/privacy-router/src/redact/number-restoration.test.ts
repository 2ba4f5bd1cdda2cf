import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDetector } from '../detect/create-detector.js';
import { redactRequest, scanRequestTexts } from './redact-request.js';
import { RedactionVault } from './redaction-vault.js';
import { restoreJson } from './restore-json.js';
import { restoreText } from './restore-text.js';
import { StreamingRestorer } from './streaming-restorer.js';

const detector = createDetector();
/** Valid Luhn, Visa range, not a published test number. */
const cardNumber = 4539148803436467;
/** A 19-digit card number (Visa allows 19 digits; valid Luhn): beyond 2^53. */
const longCard = '4539148803436467008';

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

/** Redacts a chat request's tool-call arguments; returns what the provider would see and the vault. */
function redactArguments(argumentsText: string): { sent: string; vault: RedactionVault } {
  const vault = new RedactionVault();
  const body = chatWithArguments(argumentsText);
  const { body: redacted } = redactRequest(body, scanRequestTexts(body, 'openai-chat', detector), vault);
  const messages = redacted.messages as Array<{ tool_calls?: Array<{ function: { arguments: string } }> }>;
  return { sent: messages[1]?.tool_calls?.[0]?.function.arguments ?? '', vault };
}

function streamed(text: string, vault: RedactionVault, cuts: number[]): string {
  const restorer = new StreamingRestorer(vault, 'json');
  let output = '';
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((left, right) => left - right)) {
    output += restorer.push(text.slice(from, cut));
    from = cut;
  }
  return output + restorer.push(text.slice(from)) + restorer.flush();
}

describe('a number redacted in tool-call arguments comes back as a number', () => {
  it('round-trips arguments exactly: the model echoes the placeholder, the client gets the number', () => {
    const original = `{"card": ${cardNumber}, "cents": 1250, "note": "card on file"}`;
    const { sent, vault } = redactArguments(original);
    expect(sent).not.toContain('4539');
    expect(JSON.parse(sent)).toEqual({
      card: '\u27e6CREDIT_CARD_1\u27e7',
      cents: 1250,
      note: 'card on file',
    });
    expect(restoreText(sent, vault, 'json')).toBe(original);
    expect(JSON.parse(restoreText(sent, vault, 'json'))).toEqual(JSON.parse(original));
    // The model may re-serialise compactly or escape the brackets: still the number.
    expect(restoreText('{"card":"\\u27E6CREDIT_CARD_1\\u27e7"}', vault, 'json')).toBe(
      `{"card":${cardNumber}}`,
    );
    expect(restoreText(`[ "\u27e6CREDIT_CARD_1\u27e7" , 1]`, vault, 'json')).toBe(`[ ${cardNumber} , 1]`);
  });

  it('keeps the exact digits of a number beyond 2^53 in JSON text', () => {
    const original = `{"card": ${longCard}}`;
    const { sent, vault } = redactArguments(original);
    expect(sent).not.toContain('4539');
    expect(restoreText(sent, vault, 'json')).toBe(original);
  });

  it('a placeholder inside a longer string keeps the string form (legit: the model quotes it)', () => {
    const { sent, vault } = redactArguments(`{"card": ${cardNumber}}`);
    expect(sent).toContain('\u27e6CREDIT_CARD_1\u27e7');
    const echoed =
      '{"message": "charged \u27e6CREDIT_CARD_1\u27e7 today", "said": "\\"\u27e6CREDIT_CARD_1\u27e7\\""}';
    expect(JSON.parse(restoreText(echoed, vault, 'json'))).toEqual({
      message: `charged ${cardNumber} today`,
      said: `"${cardNumber}"`,
    });
    // In plain text (an answer's content) it is text, always.
    expect(restoreText('"\u27e6CREDIT_CARD_1\u27e7"', vault)).toBe(`"${cardNumber}"`);
  });

  it('attack: a placeholder used as an object key stays a string, so the JSON stays valid', () => {
    const { vault } = redactArguments(`{"card": ${cardNumber}}`);
    const restored = restoreText(
      '{"\u27e6CREDIT_CARD_1\u27e7" : 1, "x": "\u27e6CREDIT_CARD_1\u27e7"}',
      vault,
      'json',
    );
    expect(JSON.parse(restored)).toEqual({ [String(cardNumber)]: 1, x: cardNumber });
  });

  it('a value redacted as text is never turned into a number, even with the same digits', () => {
    const vault = new RedactionVault();
    const text = vault.placeholderFor('CREDIT_CARD', String(cardNumber));
    const number = vault.placeholderFor('CREDIT_CARD', String(cardNumber), 'number');
    expect(text).not.toBe(number);
    expect(restoreText(`{"a": "${text}", "b": "${number}"}`, vault, 'json')).toBe(
      `{"a": "${cardNumber}", "b": ${cardNumber}}`,
    );
    // Not a JSON number literal: treated as text.
    const odd = vault.placeholderFor('PHONE', '0123', 'number');
    expect(restoreText(`{"p": "${odd}"}`, vault, 'json')).toBe('{"p": "0123"}');
  });

  it('streaming: the placeholder and its quotes split at every position still give the number', () => {
    const original = `{"card": ${cardNumber}, "k": {"\u27e6CREDIT_CARD_1\u27e7": "x \u27e6CREDIT_CARD_1\u27e7"}}`;
    const { sent, vault } = redactArguments(`{"card": ${cardNumber}}`);
    const answer = `${sent.slice(0, -1)}, "k": {"\u27e6CREDIT_CARD_1\u27e7": "x \u27e6CREDIT_CARD_1\u27e7"}}`;
    const expected = JSON.parse(
      original
        .replace('{"\u27e6CREDIT_CARD_1\u27e7"', `{"${cardNumber}"`)
        .replace('x \u27e6CREDIT_CARD_1\u27e7', `x ${cardNumber}`),
    ) as unknown;
    for (let cut = 0; cut <= answer.length; cut++) {
      expect(JSON.parse(streamed(answer, vault, [cut]))).toEqual(expected);
    }
    fc.assert(
      fc.property(fc.array(fc.nat({ max: answer.length }), { maxLength: 12 }), (cuts) => {
        expect(JSON.parse(streamed(answer, vault, cuts))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    // One character per piece, brackets escaped as the model may send them.
    const escaped = answer.replaceAll('\u27e6', '\\u27e6').replaceAll('\u27e7', '\\u27e7');
    expect(
      JSON.parse(
        streamed(
          escaped,
          vault,
          [...escaped].map((_, index) => index),
        ),
      ),
    ).toEqual(expected);
  });

  it('streaming attack: a key placeholder with whitespace before its colon, cut anywhere, stays a key', () => {
    const { vault } = redactArguments(`{"card": ${cardNumber}}`);
    const answer = `{"⟦CREDIT_CARD_1⟧" \n\t  ${' '.repeat(80)}: "⟦CREDIT_CARD_1⟧"  }`;
    for (let cut = 0; cut <= answer.length; cut++) {
      expect(JSON.parse(streamed(answer, vault, [cut, cut + 3]))).toEqual({
        [String(cardNumber)]: cardNumber,
      });
    }
  });

  it('streaming: an escaped quote split from the placeholder does not open a string', () => {
    const { vault } = redactArguments(`{"card": ${cardNumber}}`);
    const answer = '{"said": "\\"\u27e6CREDIT_CARD_1\u27e7\\""}';
    for (let cut = 0; cut <= answer.length; cut++) {
      expect(JSON.parse(streamed(answer, vault, [cut]))).toEqual({ said: `"${cardNumber}"` });
    }
  });

  it('restores a number in a parsed Anthropic tool_use input, and nowhere else', () => {
    const body = {
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'pay' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 't1', name: 'pay', input: { card: cardNumber } }],
        },
      ],
    };
    const vault = new RedactionVault();
    const { body: redacted } = redactRequest(
      body,
      scanRequestTexts(body, 'anthropic-messages', detector),
      vault,
    );
    expect(JSON.stringify(redacted)).not.toContain('4539');
    const answer = {
      content: [
        { type: 'text', text: '\u27e6CREDIT_CARD_1\u27e7' },
        {
          type: 'tool_use',
          id: 't2',
          name: 'pay',
          input: {
            card: '\u27e6CREDIT_CARD_1\u27e7',
            list: ['\u27e6CREDIT_CARD_1\u27e7'],
            note: 'x \u27e6CREDIT_CARD_1\u27e7',
          },
        },
      ],
    };
    expect(restoreJson(answer, vault)).toEqual({
      content: [
        { type: 'text', text: String(cardNumber) },
        {
          type: 'tool_use',
          id: 't2',
          name: 'pay',
          input: { card: cardNumber, list: [cardNumber], note: `x ${cardNumber}` },
        },
      ],
    });
  });

  it('a number beyond 2^53 in a parsed tool input stays its exact digits as a string (never rounded)', () => {
    const vault = new RedactionVault();
    const placeholder = vault.placeholderFor('CREDIT_CARD', longCard, 'number');
    expect(restoreJson({ type: 'tool_use', input: { card: placeholder } }, vault)).toEqual({
      type: 'tool_use',
      input: { card: longCard },
    });
  });
});
