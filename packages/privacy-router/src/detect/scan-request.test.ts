import { describe, expect, it } from 'vitest';
import { createDetector } from './create-detector.js';
import { type RequestFinding, scanRequest } from './scan-request.js';

const ssn = '536-22-1234';
const card = '4104 3321 8196 0018';
const github = 'ghp_VJIqVLB5LzxoiGFfWd3hjOkYRBMeyyMDHqJ3';
const email = 'maria.gonzalez@fastmail.com';
const detector = createDetector();

function summary(findings: readonly RequestFinding[]): string[] {
  return findings.map((finding) => `${finding.location} ${finding.type}`);
}

function valueAt(body: unknown, finding: RequestFinding): string {
  let value: unknown = body;
  for (const part of finding.location.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value !== 'string') throw new Error(`no string at ${finding.location}`);
  if (finding.jsonPath !== undefined) {
    value = JSON.parse(value);
    for (const part of finding.jsonPath.split('/').slice(1)) value = (value as Record<string, unknown>)[part];
    if (typeof value !== 'string') throw new Error(`no string at ${finding.jsonPath}`);
  }
  return value.slice(finding.start, finding.end);
}

describe('scanRequest', () => {
  it('walks OpenAI chat: system, user parts, assistant tool-call arguments, tool results', () => {
    const body = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: `Escalate SSN ${ssn} cases.` },
        {
          role: 'user',
          content: [
            { type: 'text', text: `my card is ${card}` },
            {
              type: 'image_url',
              image_url: {
                url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk',
              },
            },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'lookup', arguments: JSON.stringify({ email }) },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: `token ${github}` },
      ],
      user: 'jane.doe@example.org',
    };
    const result = scanRequest(body, { api: 'openai-chat', detector });
    expect(summary(result.findings)).toEqual([
      '/messages/0/content US_SSN',
      '/messages/1/content/0/text CREDIT_CARD',
      '/messages/2/tool_calls/0/function/arguments EMAIL',
      '/messages/3/content SECRET',
      '/user EMAIL',
    ]);
    expect(result.findings.map((finding) => valueAt(body, finding))).toEqual([
      ssn,
      card,
      email,
      github,
      'jane.doe@example.org',
    ]);
  });

  it('walks the OpenAI Responses shape: instructions, input items, function calls and outputs', () => {
    const body = {
      model: 'gpt-4.1',
      instructions: `Reply to ${email}`,
      input: [
        { role: 'user', content: [{ type: 'input_text', text: `SSN ${ssn}` }] },
        { type: 'function_call', call_id: 'c1', name: 'pay', arguments: `{"card":"${card}"}` },
        { type: 'function_call_output', call_id: 'c1', output: `ok ${github}` },
      ],
    };
    const result = scanRequest(body, { api: 'openai-responses', detector });
    expect(summary(result.findings)).toEqual([
      '/instructions EMAIL',
      '/input/0/content/0/text US_SSN',
      '/input/1/arguments CREDIT_CARD',
      '/input/2/output SECRET',
    ]);
    expect(
      summary(
        scanRequest({ model: 'm', input: `SSN ${ssn}` }, { api: 'openai-responses', detector }).findings,
      ),
    ).toEqual(['/input US_SSN']);
  });

  it('walks Anthropic messages: system blocks, text, tool_use input objects, tool_result blocks, documents', () => {
    const body = {
      model: 'claude-sonnet-4-5',
      system: [{ type: 'text', text: `Customer SSN ${ssn}` }],
      messages: [
        { role: 'user', content: `card ${card}` },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'send', input: { to: email, type: `${github}` } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'text', text: `sent to ${email}` }],
            },
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/png', data: 'QUtJQTUyRE4yWUJZNkFXVFkyTzc=' },
            },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: `SSN ${ssn}` } },
          ],
        },
      ],
    };
    const result = scanRequest(body, { api: 'anthropic-messages', detector });
    expect(summary(result.findings)).toEqual([
      '/system/0/text US_SSN',
      '/messages/0/content CREDIT_CARD',
      '/messages/1/content/0/input/to EMAIL',
      '/messages/1/content/0/input/type SECRET',
      '/messages/2/content/0/content/0/text EMAIL',
      '/messages/2/content/2/source/data US_SSN',
    ]);
  });

  it('walks embeddings input strings and arrays, ignores token arrays', () => {
    const body = { model: 'e', input: [`card ${card}`, 'nothing here', [1, 2, 3]] };
    const result = scanRequest(body, { api: 'embeddings', detector });
    expect(summary(result.findings)).toEqual(['/input/0 CREDIT_CARD']);
    expect(result.textsScanned).toBe(2);
  });

  it('escapes JSON pointer tokens and scans fields it does not know', () => {
    const body = { messages: [], 'x/custom~field': `SSN ${ssn}` };
    expect(summary(scanRequest(body, { api: 'openai-chat', detector }).findings)).toEqual([
      '/x~1custom~0field US_SSN',
    ]);
  });

  it('never throws on odd bodies and bounds the depth', () => {
    expect(scanRequest(null, { api: 'openai-chat', detector }).findings).toEqual([]);
    expect(scanRequest(42, { api: 'openai-chat', detector }).findings).toEqual([]);
    expect(summary(scanRequest(`SSN ${ssn}`, { api: 'embeddings', detector }).findings)).toEqual([' US_SSN']);
    let deep: unknown = `SSN ${ssn}`;
    for (let level = 0; level < 200; level += 1) deep = { content: deep };
    expect(() => scanRequest({ messages: [deep] }, { api: 'openai-chat', detector })).not.toThrow();
  });

  it('attack: JSON escaping in tool-call arguments does not hide a quoted secret or a private key', () => {
    const quoted = [
      'config: password = "Tr0ub4dor&3xQ"',
      'export AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ1a2b3c4d"',
      'api_key: "a8f5f167f44f4964e6c998dee827110c"',
    ];
    const privateKey = [
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEAx4UbaDzY2J8Lq5vFm3kT9sW1nR7pQe2hZ6cY4uXbV0aJdK8L',
      'lM3nO5pQ7rS9tU1vW3xY5zA7bC9dE1fG3hI5jK7lM9nO1pQ3rS5tU7vW9xY1zA3b',
      '-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const argumentsText = JSON.stringify({
      files: [{ path: 'a.env', text: quoted.join('\n') }],
      key: privateKey,
    });
    // The attack works on the raw JSON text: the escaped quotes hide every quoted secret ...
    const raw = detector
      .scan(argumentsText)
      .map((finding) => argumentsText.slice(finding.start, finding.end));
    expect(raw).toHaveLength(1);
    expect(raw[0]?.startsWith('-----BEGIN RSA PRIVATE KEY-----')).toBe(true);
    const body = {
      model: 'gpt-4o',
      messages: [
        {
          role: 'assistant',
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'write', arguments: argumentsText } }],
        },
      ],
    };
    // ... but scanRequest parses the arguments and scans each string unescaped.
    const { findings } = scanRequest(body, { api: 'openai-chat', detector });
    const parsed = JSON.parse(argumentsText) as { files: { text: string }[]; key: string };
    const location = '/messages/0/tool_calls/0/function/arguments';
    expect(findings.map((finding) => [finding.location, finding.jsonPath, finding.type])).toEqual([
      [location, '/files/0/text', 'SECRET'],
      [location, '/files/0/text', 'SECRET'],
      [location, '/files/0/text', 'SECRET'],
      [location, '/key', 'SECRET'],
    ]);
    const values = findings.map((finding) =>
      (finding.jsonPath === '/key' ? parsed.key : (parsed.files[0]?.text ?? '')).slice(
        finding.start,
        finding.end,
      ),
    );
    expect(values).toEqual([
      'Tr0ub4dor&3xQ',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ1a2b3c4d',
      'a8f5f167f44f4964e6c998dee827110c',
      privateKey,
    ]);
  });

  it('still scans what lies outside string values of JSON arguments, and non-JSON arguments as text', () => {
    const asNumber = `{"card": ${card.replaceAll(' ', '')}, "note": "ok"}`;
    const broken = `{"email": "${email}"`;
    const body = {
      input: [
        { type: 'function_call', call_id: 'c1', name: 'pay', arguments: asNumber },
        { type: 'function_call', call_id: 'c2', name: 'mail', arguments: broken },
      ],
    };
    const { findings } = scanRequest(body, { api: 'openai-responses', detector });
    expect(findings.map((finding) => [finding.location, finding.jsonPath, finding.type])).toEqual([
      ['/input/0/arguments', undefined, 'CREDIT_CARD'],
      ['/input/1/arguments', undefined, 'EMAIL'],
    ]);
  });
});
