import { describe, expect, it } from 'vitest';
import { createDetector } from '../detect/create-detector.js';
import type { Finding } from '../detect/finding.js';
import { redactRequest, scanRequestTexts } from './redact-request.js';
import { redactText } from './redact-text.js';
import { RedactionVault } from './redaction-vault.js';
import { restoreJson } from './restore-json.js';
import { restoreText } from './restore-text.js';
import { formatServerSentEvent, ServerSentEventParser } from './sse-parser.js';

const detector = createDetector({ terms: { customers: ['Acme Corp'] } });

describe('RedactionVault and redactText', () => {
  it('gives the same value the same placeholder and new values new numbers, per type', () => {
    const vault = new RedactionVault();
    expect(vault.placeholderFor('EMAIL', 'a@x.org')).toBe('\u27e6EMAIL_1\u27e7');
    expect(vault.placeholderFor('EMAIL', 'b@x.org')).toBe('\u27e6EMAIL_2\u27e7');
    expect(vault.placeholderFor('EMAIL', 'a@x.org')).toBe('\u27e6EMAIL_1\u27e7');
    expect(vault.placeholderFor('CREDIT_CARD', '4539')).toBe('\u27e6CREDIT_CARD_1\u27e7');
    expect(vault.valueOf('EMAIL_2')).toBe('b@x.org');
  });

  it('never assigns a name the client wrote literally', () => {
    const vault = new RedactionVault();
    vault.reserve('EMAIL_1');
    expect(vault.placeholderFor('EMAIL', 'a@x.org')).toBe('\u27e6EMAIL_2\u27e7');
    expect(restoreText('\u27e6EMAIL_1\u27e7 \u27e6EMAIL_2\u27e7', vault)).toBe('\u27e6EMAIL_1\u27e7 a@x.org');
  });

  it('replaces overlapping findings as one span so no fragment survives', () => {
    const findings: Finding[] = [
      { type: 'PERSON', start: 0, end: 8, score: 0.9, detector: 'ner' },
      { type: 'EMAIL', start: 5, end: 14, score: 1, detector: 'email' },
    ];
    const vault = new RedactionVault();
    expect(redactText('Jane Doe@x.org is', findings, vault)).toBe('\u27e6PERSON_1\u27e7 is');
    expect(vault.valueOf('PERSON_1')).toBe('Jane Doe@x.org');
  });
});

describe('redactRequest', () => {
  it('redacts every text of an OpenAI chat request and keeps tool-call arguments valid JSON', () => {
    const body = {
      model: 'm',
      messages: [
        { role: 'system', content: 'Support for Acme Corp' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'mail jane@example.com' },
            { type: 'image_url', image_url: { url: 'x' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: '1',
              type: 'function',
              function: { name: 'f', arguments: '{"to":"jane@example.com","n":1}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: '1', content: 'sent to jane@example.com' },
      ],
    };
    const original = structuredClone(body);
    const scan = scanRequestTexts(body, 'openai-chat', detector);
    expect(scan.findings.map((finding) => finding.type).sort()).toEqual(['EMAIL', 'EMAIL', 'EMAIL', 'TERM']);
    const vault = new RedactionVault();
    const result = redactRequest(body, scan, vault);
    expect(body).toEqual(original);
    expect(result.redacted).toBe(4);
    const text = JSON.stringify(result.body);
    expect(text).not.toContain('jane@');
    expect(text).not.toContain('Acme');
    const call = (
      result.body.messages as Array<{ tool_calls?: Array<{ function: { arguments: string } }> }>
    )[2]?.tool_calls?.[0];
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ to: '\u27e6EMAIL_1\u27e7', n: 1 });
  });

  it('finds values that JSON escaping would hide inside tool-call arguments, and fields it does not list', () => {
    const quoted = createDetector({ terms: { codenames: ['Project "Blue"'] } });
    const body = {
      model: 'm',
      user: 'jane@example.com',
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: '1',
              type: 'function',
              function: { name: 'f', arguments: JSON.stringify({ q: 'about Project "Blue"', n: [1, 'x'] }) },
            },
          ],
        },
      ],
    };
    const scan = scanRequestTexts(body, 'openai-chat', quoted);
    expect(
      scan.findings.map((finding) => `${finding.location}${finding.jsonPath ?? ''} ${finding.type}`).sort(),
    ).toEqual(['/messages/1/tool_calls/0/function/arguments/q TERM', '/user EMAIL']);
    const result = redactRequest(body, scan, new RedactionVault());
    expect(result.body.user).toBe('\u27e6EMAIL_1\u27e7');
    const call = (
      result.body.messages as Array<{ tool_calls?: Array<{ function: { arguments: string } }> }>
    )[1]?.tool_calls?.[0];
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({
      q: 'about \u27e6TERM_1\u27e7',
      n: [1, 'x'],
    });
  });

  it('redacts the Anthropic shape: system blocks, tool_use input, tool_result content', () => {
    const body = {
      model: 'c',
      max_tokens: 5,
      system: [{ type: 'text', text: 'for Acme Corp' }],
      messages: [
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 't', name: 'f', input: { deep: { to: ['jane@example.com'] } } }],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't',
              content: [{ type: 'text', text: 'ok jane@example.com' }],
            },
          ],
        },
      ],
    };
    const result = redactRequest(
      body,
      scanRequestTexts(body, 'anthropic-messages', detector),
      new RedactionVault(),
    );
    expect(JSON.stringify(result.body)).not.toMatch(/jane@|Acme/);
    expect(result.redacted).toBe(3);
  });

  it('redacts the Responses and embeddings shapes', () => {
    const responses = {
      model: 'm',
      instructions: 'Acme Corp assistant',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'jane@example.com' }] },
        { type: 'function_call', call_id: 'c', name: 'f', arguments: '{"a":"jane@example.com"}' },
        { type: 'function_call_output', call_id: 'c', output: 'jane@example.com' },
      ],
    };
    const redacted = redactRequest(
      responses,
      scanRequestTexts(responses, 'openai-responses', detector),
      new RedactionVault(),
    );
    expect(JSON.stringify(redacted.body)).not.toMatch(/jane@|Acme/);
    const embeddings = { model: 'e', input: ['jane@example.com', 'plain'] };
    const scan = scanRequestTexts(embeddings, 'openai-embeddings', detector);
    expect(redactRequest(embeddings, scan, new RedactionVault()).body.input).toEqual([
      '\u27e6EMAIL_1\u27e7',
      'plain',
    ]);
  });
});

describe('restoreJson', () => {
  it('restores plain strings and JSON-text fields (arguments) with escaping', () => {
    const vault = new RedactionVault();
    const placeholder = vault.placeholderFor('TERM', 'say "hi"');
    const body = {
      content: `x ${placeholder}`,
      tool_calls: [{ function: { arguments: JSON.stringify({ text: placeholder }) } }],
    };
    const restored = restoreJson(body, vault) as typeof body;
    expect(restored.content).toBe('x say "hi"');
    expect(JSON.parse(restored.tool_calls[0]?.function.arguments ?? '')).toEqual({ text: 'say "hi"' });
  });
});

describe('ServerSentEventParser', () => {
  it('parses CRLF, multi-line data, comments and events split anywhere', () => {
    const text = ': ping\r\nevent: a\r\ndata: {"x":\r\ndata: 1}\r\n\r\ndata: [DONE]\r\n\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new ServerSentEventParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut)), ...parser.end()];
      expect(events).toEqual([
        { other: [': ping'], event: 'a', data: '{"x":\n1}' },
        { other: [], data: '[DONE]' },
      ]);
    }
    expect(formatServerSentEvent({ other: [], event: 'e', data: 'a\nb' })).toBe(
      'event: e\ndata: a\ndata: b\n\n',
    );
  });
});
