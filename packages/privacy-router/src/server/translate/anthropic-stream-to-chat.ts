import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parseEventData, type ServerSentEvent, ServerSentEventParser } from '../../redact/sse-parser.js';
import { chatCompletionId, chatFinishReason, chatUsage } from './anthropic-response-to-chat.js';
import { isRecord, type JsonRecord } from './translation-result.js';

/**
 * A transform from an Anthropic Messages stream to an OpenAI chat completion stream:
 * `message_start` -> a role chunk; `text_delta` -> `content`; `thinking_delta` ->
 * `reasoning_content`; a `tool_use` block -> a tool call (id and name) whose `input_json_delta`s
 * are its `arguments`; `message_delta` -> the `finish_reason` chunk; `message_stop` -> a usage
 * chunk (when `stream_options.include_usage`) and `[DONE]`. An Anthropic `error` event becomes an
 * OpenAI error event. `request` is the chat request (for `stream_options`).
 */
export function createAnthropicToChatStream(request: JsonRecord): Transform {
  const decoder = new StringDecoder('utf8');
  const parser = new ServerSentEventParser();
  const wantsUsage = isRecord(request.stream_options) && request.stream_options.include_usage === true;
  let base: JsonRecord = {
    id: chatCompletionId(undefined),
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
  };
  let usage: JsonRecord = {};
  let ended = false;
  let toolCount = 0;
  const toolByBlock = new Map<number, number>();
  const chunk = (delta: JsonRecord, finishReason: string | null = null): string =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
  const onEvent = (event: ServerSentEvent): string => {
    if (ended) return '';
    const data = parseEventData(event);
    if (data === undefined) return '';
    const blockIndex = typeof data.index === 'number' ? data.index : 0;
    switch (data.type) {
      case 'message_start': {
        const message = isRecord(data.message) ? data.message : {};
        base = { ...base, id: chatCompletionId(message.id), model: message.model ?? request.model };
        if (isRecord(message.usage)) usage = { ...message.usage };
        return chunk({ role: 'assistant', content: '' });
      }
      case 'content_block_start': {
        const block = isRecord(data.content_block) ? data.content_block : {};
        if (block.type === 'tool_use') {
          const tool = toolCount++;
          toolByBlock.set(blockIndex, tool);
          return chunk({
            tool_calls: [
              { index: tool, id: block.id, type: 'function', function: { name: block.name, arguments: '' } },
            ],
          });
        }
        if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
          return chunk({ content: block.text });
        }
        return '';
      }
      case 'content_block_delta': {
        const delta = isRecord(data.delta) ? data.delta : {};
        if (delta.type === 'text_delta' && typeof delta.text === 'string')
          return chunk({ content: delta.text });
        if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string') {
          return chunk({ reasoning_content: delta.thinking });
        }
        const tool = toolByBlock.get(blockIndex);
        if (
          delta.type === 'input_json_delta' &&
          typeof delta.partial_json === 'string' &&
          tool !== undefined
        ) {
          return chunk({ tool_calls: [{ index: tool, function: { arguments: delta.partial_json } }] });
        }
        return '';
      }
      case 'message_delta': {
        const delta = isRecord(data.delta) ? data.delta : {};
        if (isRecord(data.usage)) usage = { ...usage, ...data.usage };
        return delta.stop_reason === undefined || delta.stop_reason === null
          ? ''
          : chunk({}, chatFinishReason(delta.stop_reason));
      }
      case 'message_stop': {
        ended = true;
        const usageChunk = wantsUsage
          ? `data: ${JSON.stringify({ ...base, choices: [], usage: chatUsage(usage) })}\n\n`
          : '';
        return `${usageChunk}data: [DONE]\n\n`;
      }
      case 'error': {
        ended = true;
        const error = isRecord(data.error) ? data.error : {};
        const message = typeof error.message === 'string' ? error.message : 'the provider reported an error';
        return `data: ${JSON.stringify({ error: { message, type: String(error.type ?? 'api_error'), param: null, code: null } })}\n\n`;
      }
      default:
        return '';
    }
  };
  return new Transform({
    transform(piece: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      let output = '';
      for (const event of parser.push(decoder.write(piece))) output += onEvent(event);
      callback(null, output === '' ? undefined : output);
    },
    flush(callback: TransformCallback) {
      let output = '';
      for (const event of parser.push(decoder.end())) output += onEvent(event);
      for (const event of parser.end()) output += onEvent(event);
      if (!ended) output += 'data: [DONE]\n\n';
      callback(null, output === '' ? undefined : output);
    },
  });
}
