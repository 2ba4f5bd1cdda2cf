import type { Transform } from 'node:stream';
import {
  anthropicMessageId,
  anthropicStopReason,
  anthropicUsage,
  matchedStopSequence,
  thinkingRequested,
} from './chat-response-to-anthropic.js';
import { type ChatStreamSink, createChatStreamTranslator, namedEvent } from './chat-stream-translator.js';
import type { JsonRecord } from './translation-result.js';

function event(data: JsonRecord): string {
  return namedEvent(String(data.type), data);
}

/**
 * A transform from an OpenAI chat completion stream to an Anthropic Messages stream:
 * `message_start`, then per content block `content_block_start` / `content_block_delta`
 * (`text_delta`, `thinking_delta` for the model's reasoning when the request enabled thinking, or
 * `input_json_delta` for a tool call's arguments) / `content_block_stop`, then
 * `message_delta` (stop reason, usage) and `message_stop`. A provider error event becomes an
 * Anthropic `error` event. `request` is the client's request (model, stop sequences).
 */
export function createChatToAnthropicStream(request: JsonRecord): Transform {
  let blockIndex = -1;
  let open: 'text' | 'thinking' | 'tool' | undefined;
  const wantsThinking = thinkingRequested(request);
  const toolBlocks = new Map<number, number>();
  let stopReason = 'end_turn';
  let stopSequence: string | null = null;
  let usage: JsonRecord = { input_tokens: 0, output_tokens: 0 };
  const closeOpen = (): string => {
    if (open === undefined) return '';
    open = undefined;
    return event({ type: 'content_block_stop', index: blockIndex });
  };
  const sink: ChatStreamSink = {
    start(meta) {
      return event({
        type: 'message_start',
        message: {
          id: anthropicMessageId(meta.id),
          type: 'message',
          role: 'assistant',
          model: meta.model === '' ? request.model : meta.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      });
    },
    text(text) {
      let output = '';
      if (open !== 'text') {
        output += closeOpen();
        blockIndex++;
        open = 'text';
        output += event({
          type: 'content_block_start',
          index: blockIndex,
          content_block: { type: 'text', text: '' },
        });
      }
      return (
        output +
        event({ type: 'content_block_delta', index: blockIndex, delta: { type: 'text_delta', text } })
      );
    },
    reasoning(text) {
      if (!wantsThinking) return '';
      let output = '';
      if (open !== 'thinking') {
        output += closeOpen();
        blockIndex++;
        open = 'thinking';
        output += event({
          type: 'content_block_start',
          index: blockIndex,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        });
      }
      return (
        output +
        event({
          type: 'content_block_delta',
          index: blockIndex,
          delta: { type: 'thinking_delta', thinking: text },
        })
      );
    },
    toolStart(index, id, name) {
      let output = closeOpen();
      blockIndex++;
      open = 'tool';
      toolBlocks.set(index, blockIndex);
      output += event({
        type: 'content_block_start',
        index: blockIndex,
        content_block: { type: 'tool_use', id, name, input: {} },
      });
      return output;
    },
    toolArguments(index, text) {
      const block = toolBlocks.get(index) ?? blockIndex;
      return event({
        type: 'content_block_delta',
        index: block,
        delta: { type: 'input_json_delta', partial_json: text },
      });
    },
    finish(reason, choice) {
      stopSequence = matchedStopSequence(choice, request);
      stopReason = stopSequence === null ? anthropicStopReason(reason) : 'stop_sequence';
      return closeOpen();
    },
    usage(value) {
      usage = anthropicUsage(value);
      return '';
    },
    error(message) {
      return (
        closeOpen() +
        event({
          type: 'error',
          error: { type: 'api_error', message: `the provider failed mid-stream: ${message}` },
        })
      );
    },
    end() {
      return (
        closeOpen() +
        event({
          type: 'message_delta',
          delta: { stop_reason: stopReason, stop_sequence: stopSequence },
          usage,
        }) +
        event({ type: 'message_stop' })
      );
    },
  };
  return createChatStreamTranslator(sink);
}
