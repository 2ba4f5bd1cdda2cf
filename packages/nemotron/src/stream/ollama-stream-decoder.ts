import { NemotronError } from '../errors.js';
import { ollamaChatLineSchema } from '../protocol/ollama-schemas.js';
import { errorPayloadMessage, isErrorPayload } from '../protocol/server-message.js';
import { ThinkSplitter } from '../reasoning/think-splitter.js';
import type { ChatStreamEvent } from '../types.js';
import { describeIssues, pushSplit, pushText, type StreamDecoder } from './openai-stream-decoder.js';
import { defaultMaxEventLength } from './sse-decoder.js';

/**
 * Ollama's native `/api/chat` stream (one JSON object per line, the last with `done: true`) to
 * typed events. Reasoning comes from `message.thinking` or a leading `<think>` block; tool calls
 * arrive whole (arguments as an object) and are emitted as one fragment each.
 */
export class OllamaStreamDecoder implements StreamDecoder {
  readonly #textDecoder = new TextDecoder('utf-8');
  readonly #think: ThinkSplitter | undefined;
  readonly #coalesce: boolean;
  readonly #maxLineLength: number;
  #buffer = '';
  #done = false;
  #toolCalls = 0;
  /** Ollama gives no completion id. */
  readonly responseId = '';

  /**
   * @param splitThinkTags - separate `<think>` blocks found in `content` (default true)
   * @param coalesce - merge adjacent text events decoded from one network read (default true)
   * @param maxLineLength - longest line accepted, in characters (default 16 MiB)
   */
  constructor(splitThinkTags = true, coalesce = true, maxLineLength = defaultMaxEventLength) {
    this.#think = splitThinkTags ? new ThinkSplitter() : undefined;
    this.#coalesce = coalesce;
    this.#maxLineLength = maxLineLength;
  }

  push(bytes: Uint8Array): ChatStreamEvent[] {
    return this.#consume(this.#textDecoder.decode(bytes, { stream: true }), false);
  }

  end(): ChatStreamEvent[] {
    const events = this.#consume(this.#textDecoder.decode(), true);
    if (!this.#done)
      throw new NemotronError('STREAM_INTERRUPTED', 'Ollama ended the stream before its final "done" line');
    return events;
  }

  #consume(text: string, final: boolean): ChatStreamEvent[] {
    const events: ChatStreamEvent[] = [];
    const buffer = this.#buffer + text;
    let start = 0;
    for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n', start)) {
      this.#line(buffer.slice(start, end), events);
      start = end + 1;
    }
    this.#buffer = buffer.slice(start);
    if (this.#buffer.length > this.#maxLineLength) {
      throw new NemotronError(
        'MALFORMED_RESPONSE',
        `Ollama sent a line longer than ${this.#maxLineLength} characters`,
      );
    }
    if (final && this.#buffer.trim().length > 0) {
      this.#line(this.#buffer, events);
      this.#buffer = '';
    }
    return events;
  }

  #line(line: string, events: ChatStreamEvent[]): void {
    const trimmed = line.trim();
    if (trimmed.length === 0 || this.#done) return;
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new NemotronError(
        'MALFORMED_RESPONSE',
        `Ollama sent a line that is not JSON: ${JSON.stringify(trimmed.slice(0, 120))}`,
      );
    }
    if (isErrorPayload(json)) {
      const message = errorPayloadMessage(json);
      throw new NemotronError('STREAM_ERROR', `Ollama reported an error mid-stream: ${message}`, {
        serverMessage: message,
      });
    }
    const parsed = ollamaChatLineSchema.safeParse(json);
    if (!parsed.success) {
      throw new NemotronError(
        'MALFORMED_RESPONSE',
        `Ollama sent a malformed line (${describeIssues(parsed.error)})`,
        { cause: parsed.error },
      );
    }
    const chunk = parsed.data;
    const message = chunk.message;
    if (message !== undefined) {
      if (message.thinking !== null && message.thinking !== undefined)
        pushText(events, 'reasoning', message.thinking, this.#coalesce);
      if (message.content.length > 0) {
        if (this.#think === undefined) pushText(events, 'content', message.content, this.#coalesce);
        else pushSplit(events, this.#think.push(message.content), this.#coalesce);
      }
      for (const call of message.tool_calls ?? []) {
        const index = this.#toolCalls;
        this.#toolCalls += 1;
        events.push({
          type: 'tool-call',
          index,
          id: `call_${index}`,
          name: call.function.name,
          argumentsFragment: JSON.stringify(call.function.arguments),
        });
      }
    }
    if (chunk.done) {
      this.#done = true;
      if (this.#think !== undefined) pushSplit(events, this.#think.end(), this.#coalesce);
      const reason = chunk.done_reason ?? 'stop';
      events.push({
        type: 'finish',
        finishReason: reason === 'stop' && this.#toolCalls > 0 ? 'tool_calls' : reason,
      });
      if (chunk.prompt_eval_count !== undefined || chunk.eval_count !== undefined) {
        const promptTokens = chunk.prompt_eval_count ?? 0;
        const completionTokens = chunk.eval_count ?? 0;
        events.push({
          type: 'usage',
          usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
        });
      }
    }
  }
}
