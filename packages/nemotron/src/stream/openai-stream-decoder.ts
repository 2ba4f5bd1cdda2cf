import type { z } from 'zod';
import { NemotronError } from '../errors.js';
import { chatChunkSchema } from '../protocol/openai-schemas.js';
import { errorPayloadMessage, isErrorPayload } from '../protocol/server-message.js';
import { ThinkSplitter } from '../reasoning/think-splitter.js';
import type { ChatStreamEvent } from '../types.js';
import { plainContentOf } from './plain-content-chunk.js';
import { defaultMaxEventLength, SseDecoder } from './sse-decoder.js';

/** Decodes a byte stream into typed chat events. */
export interface StreamDecoder {
  /** Decodes the next bytes; throws a {@link NemotronError} on a malformed or error payload. */
  push(bytes: Uint8Array): ChatStreamEvent[];
  /** Ends the stream; throws `STREAM_INTERRUPTED` when the server stopped before the end marker. */
  end(): ChatStreamEvent[];
  /** Completion id the server gave (empty until seen, or when it gives none). */
  readonly responseId: string;
}

/** Short description of the first problems zod found, for error messages. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Appends a text event. With `coalesce`, text of the same kind decoded from the same network read
 * is merged into the previous event, so a consumer wakes once per read rather than once per token.
 */
export function pushText(
  events: ChatStreamEvent[],
  type: 'content' | 'reasoning',
  text: string,
  coalesce: boolean,
): void {
  if (text.length === 0) return;
  const last = events[events.length - 1];
  if (coalesce && last !== undefined && last.type === type) {
    events[events.length - 1] = { type, text: last.text + text };
    return;
  }
  events.push({ type, text });
}

/** Appends the reasoning and then the content of a split. */
export function pushSplit(
  events: ChatStreamEvent[],
  split: { reasoning: string; content: string },
  coalesce: boolean,
): void {
  pushText(events, 'reasoning', split.reasoning, coalesce);
  pushText(events, 'content', split.content, coalesce);
}

/**
 * OpenAI-compatible SSE (`data: {chunk}` ... `data: [DONE]`) to typed events. Reasoning comes
 * from `reasoning_content` (NIM, older vLLM), `reasoning` (newer vLLM, Ollama `/v1`) or a
 * `<think>` block at the start of `content`. Only choice 0 is decoded.
 */
export class OpenAiStreamDecoder implements StreamDecoder {
  readonly #sse: SseDecoder;
  readonly #think: ThinkSplitter | undefined;
  readonly #coalesce: boolean;
  #sawDone = false;
  #sawFinish = false;
  /** Completion id from the first chunk that carries one. */
  responseId = '';

  /**
   * @param splitThinkTags - separate `<think>` blocks found in `content` (default true)
   * @param coalesce - merge adjacent text events decoded from one network read (default true)
   * @param maxEventLength - longest SSE event accepted, in characters (default 16 MiB)
   */
  constructor(splitThinkTags = true, coalesce = true, maxEventLength = defaultMaxEventLength) {
    this.#sse = new SseDecoder(maxEventLength);
    this.#think = splitThinkTags ? new ThinkSplitter() : undefined;
    this.#coalesce = coalesce;
  }

  push(bytes: Uint8Array): ChatStreamEvent[] {
    const events: ChatStreamEvent[] = [];
    for (const event of this.#sse.push(bytes)) this.#handle(event.data, events);
    return events;
  }

  end(): ChatStreamEvent[] {
    const events: ChatStreamEvent[] = [];
    for (const event of this.#sse.end()) this.#handle(event.data, events);
    if (this.#think !== undefined) pushSplit(events, this.#think.end(), this.#coalesce);
    if (!this.#sawDone && !this.#sawFinish) {
      throw new NemotronError(
        'STREAM_INTERRUPTED',
        'the server ended the stream before it was complete (no finish_reason and no [DONE])',
      );
    }
    return events;
  }

  #handle(data: string, events: ChatStreamEvent[]): void {
    if (this.#sawDone) return;
    if (data === '[DONE]') {
      this.#sawDone = true;
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      throw new NemotronError(
        'MALFORMED_RESPONSE',
        `the stream carried a chunk that is not JSON: ${JSON.stringify(data.slice(0, 120))}`,
      );
    }
    if (
      this.responseId.length === 0 &&
      typeof json === 'object' &&
      json !== null &&
      'id' in json &&
      typeof json.id === 'string'
    ) {
      this.responseId = json.id;
    }
    const plain = plainContentOf(json);
    if (plain !== undefined) {
      if (plain.length === 0) return;
      if (this.#think === undefined) pushText(events, 'content', plain, this.#coalesce);
      else pushSplit(events, this.#think.push(plain), this.#coalesce);
      return;
    }
    if (isErrorPayload(json)) {
      const message = errorPayloadMessage(json);
      throw new NemotronError('STREAM_ERROR', `the server reported an error mid-stream: ${message}`, {
        serverMessage: message,
      });
    }
    const parsed = chatChunkSchema.safeParse(json);
    if (!parsed.success) {
      throw new NemotronError(
        'MALFORMED_RESPONSE',
        `the stream carried a malformed chunk (${describeIssues(parsed.error)})`,
        {
          cause: parsed.error,
        },
      );
    }
    const chunk = parsed.data;
    for (const choice of chunk.choices) {
      if ((choice.index ?? 0) !== 0) continue;
      const delta = choice.delta;
      if (delta !== null && delta !== undefined) {
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (reasoning !== null && reasoning !== undefined)
          pushText(events, 'reasoning', reasoning, this.#coalesce);
        const content = delta.content;
        if (content !== null && content !== undefined && content.length > 0) {
          if (this.#think === undefined) pushText(events, 'content', content, this.#coalesce);
          else pushSplit(events, this.#think.push(content), this.#coalesce);
        }
        if (delta.tool_calls !== null && delta.tool_calls !== undefined) {
          for (const call of delta.tool_calls) {
            events.push({
              type: 'tool-call',
              index: call.index,
              id: call.id ?? undefined,
              name: call.function?.name ?? undefined,
              argumentsFragment: call.function?.arguments ?? '',
            });
          }
        }
      }
      if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
        if (this.#think !== undefined) pushSplit(events, this.#think.end(), this.#coalesce);
        this.#sawFinish = true;
        events.push({ type: 'finish', finishReason: choice.finish_reason });
      }
    }
    const usage = chunk.usage;
    if (usage !== null && usage !== undefined) {
      events.push({
        type: 'usage',
        usage: {
          promptTokens: usage.prompt_tokens,
          completionTokens: usage.completion_tokens,
          totalTokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens,
        },
      });
    }
  }
}
