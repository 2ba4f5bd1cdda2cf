import { describe, expect, it } from 'vitest';
import { anthropicRequestToChat } from './anthropic-request-to-chat.js';
import { anthropicResponseToChat } from './anthropic-response-to-chat.js';
import { chatRequestToAnthropic } from './chat-request-to-anthropic.js';
import { chatResponseToAnthropic } from './chat-response-to-anthropic.js';
import { providerErrorMessage } from './provider-error-message.js';
import { responsesRequestToChat } from './responses-request-to-chat.js';

function completion(choice: Record<string, unknown>): Record<string, unknown> {
  return { id: 'chatcmpl-9', model: 'm', choices: [{ index: 0, ...choice }] };
}

describe('stop reasons and answers', () => {
  it('maps chat finish reasons to Anthropic stop reasons', () => {
    const request = { model: 'm', stop_sequences: ['###'] };
    const text = { message: { role: 'assistant', content: 'x' } };
    expect(chatResponseToAnthropic(completion({ ...text, finish_reason: 'stop' }), request).stop_reason).toBe(
      'end_turn',
    );
    expect(
      chatResponseToAnthropic(completion({ ...text, finish_reason: 'length' }), request).stop_reason,
    ).toBe('max_tokens');
    expect(
      chatResponseToAnthropic(completion({ ...text, finish_reason: 'content_filter' }), request).stop_reason,
    ).toBe('refusal');
    // vLLM names the stop sequence it matched.
    expect(
      chatResponseToAnthropic(completion({ ...text, finish_reason: 'stop', stop_reason: '###' }), request),
    ).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: '###' });
    // Ollama ends tool calls with `stop`; a tool call is tool_use all the same. Bad JSON arguments survive.
    const call = { id: 'c', type: 'function', function: { name: 'f', arguments: 'not json' } };
    expect(
      chatResponseToAnthropic(
        completion({
          message: { role: 'assistant', content: null, tool_calls: [call] },
          finish_reason: 'stop',
        }),
        request,
      ),
    ).toMatchObject({
      stop_reason: 'tool_use',
      content: [{ type: 'tool_use', id: 'c', name: 'f', input: { arguments: 'not json' } }],
    });
  });

  it('maps Anthropic stop reasons and usage to chat', () => {
    const answer = anthropicResponseToChat(
      {
        id: 'msg_5',
        model: 'claude',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 's' },
          { type: 'text', text: 'hi' },
        ],
        stop_reason: 'max_tokens',
        usage: { input_tokens: 3, cache_read_input_tokens: 2, output_tokens: 4 },
      },
      { model: 'x' },
    );
    expect(answer).toMatchObject({
      id: 'chatcmpl-5',
      choices: [{ message: { content: 'hi', reasoning_content: 'hmm' }, finish_reason: 'length' }],
      usage: {
        prompt_tokens: 5,
        completion_tokens: 4,
        total_tokens: 9,
        prompt_tokens_details: { cached_tokens: 2 },
      },
    });
  });
});

describe('requests', () => {
  it('translates Anthropic images, text documents and error tool results; drops thinking', () => {
    const result = anthropicRequestToChat({
      model: 'm',
      max_tokens: 5,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'doc text' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'secret plan', signature: 'x' },
            { type: 'tool_use', id: 't', name: 'f', input: {} },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't', is_error: true, content: 'boom' }],
        },
      ],
    });
    expect(result.ok && result.value.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          { type: 'text', text: 'doc text' },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 't', content: 'Error: boom' },
    ]);
  });

  it('refuses what it cannot express, naming the field', () => {
    const pdf = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'x' } };
    expect(
      anthropicRequestToChat({
        model: 'm',
        max_tokens: 5,
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [pdf] }] }],
      }),
    ).toEqual({ ok: false, error: expect.stringContaining('messages.0.content.0.content.0') });
    // An image in a tool result whose source cannot be expressed (a Files API id) is refused too.
    const fileImage = { type: 'image', source: { type: 'file', file_id: 'file_1' } };
    expect(
      anthropicRequestToChat({
        model: 'm',
        max_tokens: 5,
        messages: [
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [fileImage] }] },
        ],
      }),
    ).toEqual({ ok: false, error: expect.stringContaining('messages.0.content.0.content.0') });
    expect(
      anthropicRequestToChat({
        model: 'm',
        max_tokens: 5,
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).toEqual({ ok: false, error: expect.stringContaining('tools.0') });
    expect(responsesRequestToChat({ model: 'm', previous_response_id: 'resp_1', input: 'x' })).toEqual({
      ok: false,
      error: expect.stringContaining('previous_response_id'),
    });
    expect(
      responsesRequestToChat({
        model: 'm',
        input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }],
      }),
    ).toEqual({ ok: false, error: expect.stringContaining('input.0.content.0') });
    expect(chatRequestToAnthropic({ model: 'm', n: 2, messages: [] })).toEqual({
      ok: false,
      error: expect.stringContaining('n > 1'),
    });
    expect(
      chatRequestToAnthropic({
        model: 'm',
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] },
        ],
      }),
    ).toEqual({ ok: false, error: expect.stringContaining('messages.0.content.0') });
  });

  it('translates chat images to Anthropic base64 and URL sources and Responses formats to response_format', () => {
    const result = chatRequestToAnthropic({
      model: 'm',
      max_completion_tokens: 9,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/' } },
            { type: 'image_url', image_url: { url: 'https://example.com/b.jpg' } },
          ],
        },
      ],
    });
    expect(result.ok && result.value).toEqual({
      model: 'm',
      max_tokens: 9,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/b.jpg' } },
          ],
        },
      ],
    });
    const responses = responsesRequestToChat({
      model: 'm',
      input: 'x',
      text: { format: { type: 'json_schema', name: 'r', schema: { type: 'object' }, strict: true } },
    });
    expect(responses.ok && responses.value.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'r', schema: { type: 'object' }, strict: true },
    });
  });
});

describe('providerErrorMessage', () => {
  it('finds the message of OpenAI, Anthropic, FastAPI and plain-text errors', () => {
    expect(providerErrorMessage('{"error":{"message":"bad model"}}')).toBe('bad model');
    expect(providerErrorMessage('{"type":"error","error":{"type":"x","message":"overloaded"}}')).toBe(
      'overloaded',
    );
    expect(providerErrorMessage('{"detail":[{"msg":"field required"}]}')).toBe('[{"msg":"field required"}]');
    expect(providerErrorMessage('Bad Gateway\n')).toBe('Bad Gateway');
    expect(providerErrorMessage('')).toBe('no error message');
  });
});
