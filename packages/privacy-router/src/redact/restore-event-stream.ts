import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { ClientApi } from '../route/conversation-id.js';
import type { RedactionVault } from './redaction-vault.js';
import { restoreJson } from './restore-json.js';
import type { RestoreMode } from './restore-text.js';
import {
  formatServerSentEvent,
  parseEventData,
  type ServerSentEvent,
  ServerSentEventParser,
} from './sse-parser.js';
import { StreamingRestorer } from './streaming-restorer.js';

type JsonRecord = Record<string, unknown>;
type Emit = (event: ServerSentEvent) => void;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withData(event: ServerSentEvent, data: JsonRecord): ServerSentEvent {
  return { ...event, data: JSON.stringify(data) };
}

/** The restorers of one stream, one per text channel (a choice's content, a tool call's arguments ...). */
class Channels<Info> {
  readonly #channels = new Map<string, { restorer: StreamingRestorer; info: Info }>();
  readonly #vault: RedactionVault;

  constructor(vault: RedactionVault) {
    this.#vault = vault;
  }

  push(key: string, text: string, mode: RestoreMode, info: Info): string {
    let channel = this.#channels.get(key);
    if (channel === undefined) {
      channel = { restorer: new StreamingRestorer(this.#vault, mode), info };
      this.#channels.set(key, channel);
    }
    return channel.restorer.push(text);
  }

  /** Flushes one channel: its held-back text ('' if none) and info. */
  flush(key: string): { rest: string; info: Info } | undefined {
    const channel = this.#channels.get(key);
    if (channel === undefined) return undefined;
    this.#channels.delete(key);
    return { rest: channel.restorer.flush(), info: channel.info };
  }

  /** Flushes every channel whose key passes `filter`. */
  flushWhere(filter: (key: string) => boolean): Array<{ key: string; rest: string; info: Info }> {
    const flushed: Array<{ key: string; rest: string; info: Info }> = [];
    for (const key of [...this.#channels.keys()]) {
      if (!filter(key)) continue;
      const channel = this.flush(key);
      if (channel !== undefined && channel.rest !== '') flushed.push({ key, ...channel });
    }
    return flushed;
  }
}

interface StreamHandler {
  onEvent(event: ServerSentEvent, emit: Emit): void;
  onEnd(emit: Emit): void;
}

const chatTextFields = ['content', 'reasoning_content', 'reasoning', 'refusal'] as const;

interface ChatChannel {
  choice: number;
  field: string;
  tool?: number;
}

/** OpenAI chat completion chunks: `choices[].delta.content` and tool-call argument deltas. */
function chatHandler(vault: RedactionVault): StreamHandler {
  const channels = new Channels<ChatChannel>(vault);
  let template: JsonRecord = { object: 'chat.completion.chunk' };
  const synthetic = (flushed: Array<{ rest: string; info: ChatChannel }>, emit: Emit): void => {
    for (const { rest, info } of flushed) {
      const delta: JsonRecord =
        info.tool === undefined
          ? { [info.field]: rest }
          : { tool_calls: [{ index: info.tool, function: { arguments: rest } }] };
      emit({
        other: [],
        data: JSON.stringify({ ...template, choices: [{ index: info.choice, delta, finish_reason: null }] }),
      });
    }
  };
  return {
    onEvent(event, emit) {
      if (event.data?.trim() === '[DONE]') {
        synthetic(
          channels.flushWhere(() => true),
          emit,
        );
        emit(event);
        return;
      }
      const data = parseEventData(event);
      if (data === undefined) {
        emit(event);
        return;
      }
      if (!Array.isArray(data.choices)) {
        emit(withData(event, restoreJson(data, vault) as JsonRecord));
        return;
      }
      template = { id: data.id, object: data.object, created: data.created, model: data.model };
      for (const choice of data.choices) {
        if (!isRecord(choice)) continue;
        const choiceIndex = typeof choice.index === 'number' ? choice.index : 0;
        const delta = isRecord(choice.delta) ? choice.delta : undefined;
        if (delta !== undefined) {
          for (const field of chatTextFields) {
            const text = delta[field];
            if (typeof text === 'string') {
              delta[field] = channels.push(`${choiceIndex}:${field}`, text, 'plain', {
                choice: choiceIndex,
                field,
              });
            }
          }
          if (Array.isArray(delta.tool_calls)) {
            delta.tool_calls.forEach((call: unknown, position: number) => {
              if (!isRecord(call) || !isRecord(call.function)) return;
              const tool = typeof call.index === 'number' ? call.index : position;
              if (typeof call.function.arguments === 'string') {
                call.function.arguments = channels.push(
                  `${choiceIndex}:tool:${tool}`,
                  call.function.arguments,
                  'json',
                  {
                    choice: choiceIndex,
                    field: 'arguments',
                    tool,
                  },
                );
              }
            });
          }
        }
        if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
          const target = delta ?? {};
          choice.delta = target;
          for (const { rest, info } of channels.flushWhere((key) => key.startsWith(`${choiceIndex}:`))) {
            if (info.tool === undefined) {
              const before = target[info.field];
              target[info.field] = (typeof before === 'string' ? before : '') + rest;
              continue;
            }
            const calls = Array.isArray(target.tool_calls) ? target.tool_calls : [];
            target.tool_calls = calls;
            const existing = calls.find((call: unknown) => isRecord(call) && call.index === info.tool);
            if (isRecord(existing) && isRecord(existing.function)) {
              const before = existing.function.arguments;
              existing.function.arguments = (typeof before === 'string' ? before : '') + rest;
            } else calls.push({ index: info.tool, function: { arguments: rest } });
          }
        }
      }
      emit(withData(event, data));
    },
    onEnd(emit) {
      synthetic(
        channels.flushWhere(() => true),
        emit,
      );
    },
  };
}

interface AnthropicChannel {
  index: unknown;
  deltaType: string;
  field: string;
  eventName: string | undefined;
}

const anthropicDeltaFields: Record<string, { field: string; mode: RestoreMode }> = {
  text_delta: { field: 'text', mode: 'plain' },
  input_json_delta: { field: 'partial_json', mode: 'json' },
  thinking_delta: { field: 'thinking', mode: 'plain' },
};

/** Anthropic Messages events: `content_block_delta` text, thinking and tool input JSON. */
function anthropicHandler(vault: RedactionVault): StreamHandler {
  const channels = new Channels<AnthropicChannel>(vault);
  const synthetic = (flushed: Array<{ rest: string; info: AnthropicChannel }>, emit: Emit): void => {
    for (const { rest, info } of flushed) {
      emit({
        other: [],
        event: info.eventName,
        data: JSON.stringify({
          type: 'content_block_delta',
          index: info.index,
          delta: { type: info.deltaType, [info.field]: rest },
        }),
      });
    }
  };
  return {
    onEvent(event, emit) {
      const data = parseEventData(event);
      if (data === undefined) {
        emit(event);
        return;
      }
      if (
        data.type === 'content_block_delta' &&
        isRecord(data.delta) &&
        typeof data.delta.type === 'string'
      ) {
        const spec = anthropicDeltaFields[data.delta.type];
        const text = spec === undefined ? undefined : data.delta[spec.field];
        if (spec !== undefined && typeof text === 'string') {
          data.delta[spec.field] = channels.push(`${String(data.index)}`, text, spec.mode, {
            index: data.index,
            deltaType: data.delta.type,
            field: spec.field,
            eventName: event.event,
          });
        }
        emit(withData(event, data));
        return;
      }
      if (data.type === 'content_block_stop') {
        synthetic(
          channels.flushWhere((key) => key === String(data.index)),
          emit,
        );
        emit(event);
        return;
      }
      emit(withData(event, restoreJson(data, vault) as JsonRecord));
    },
    onEnd(emit) {
      synthetic(
        channels.flushWhere(() => true),
        emit,
      );
    },
  };
}

interface ResponsesChannel {
  template: JsonRecord;
  eventName: string | undefined;
}

/** OpenAI Responses events: every `*.delta` text, with the matching `*.done` flushing it. */
function responsesHandler(vault: RedactionVault): StreamHandler {
  const channels = new Channels<ResponsesChannel>(vault);
  const keyOf = (stem: string, data: JsonRecord): string =>
    `${stem}:${String(data.item_id ?? data.output_index)}:${String(data.content_index ?? data.summary_index ?? '')}`;
  const synthetic = (flushed: Array<{ rest: string; info: ResponsesChannel }>, emit: Emit): void => {
    for (const { rest, info } of flushed) {
      emit({ other: [], event: info.eventName, data: JSON.stringify({ ...info.template, delta: rest }) });
    }
  };
  return {
    onEvent(event, emit) {
      const data = parseEventData(event);
      if (data === undefined || typeof data.type !== 'string') {
        emit(data === undefined ? event : withData(event, restoreJson(data, vault) as JsonRecord));
        return;
      }
      const type = data.type;
      if (type.endsWith('.delta') && typeof data.delta === 'string') {
        const stem = type.slice(0, -'.delta'.length);
        const mode: RestoreMode = stem.endsWith('_arguments') ? 'json' : 'plain';
        const { delta: _delta, sequence_number: _sequence, ...template } = data;
        data.delta = channels.push(keyOf(stem, data), data.delta, mode, { template, eventName: event.event });
        emit(withData(event, data));
        return;
      }
      if (type.endsWith('.done')) {
        const key = keyOf(type.slice(0, -'.done'.length), data);
        synthetic(
          channels.flushWhere((candidate) => candidate === key),
          emit,
        );
      }
      if (type === 'response.completed' || type === 'response.failed' || type === 'response.incomplete') {
        synthetic(
          channels.flushWhere(() => true),
          emit,
        );
      }
      emit(withData(event, restoreJson(data, vault) as JsonRecord));
    },
    onEnd(emit) {
      synthetic(
        channels.flushWhere(() => true),
        emit,
      );
    },
  };
}

/**
 * A transform from an upstream `text/event-stream` body to the same stream with the placeholders
 * of `vault` restored: in text deltas, reasoning, tool-call arguments (JSON-escaped) and final
 * events. A placeholder split across events is held back until complete (see
 * {@link StreamingRestorer}); held text is flushed before the event that closes its block.
 */
export function createEventStreamRestorer(api: ClientApi, vault: RedactionVault): Transform {
  const decoder = new StringDecoder('utf8');
  const parser = new ServerSentEventParser();
  const handler =
    api === 'anthropic-messages'
      ? anthropicHandler(vault)
      : api === 'openai-responses'
        ? responsesHandler(vault)
        : chatHandler(vault);
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      let output = '';
      const emit: Emit = (event) => {
        output += formatServerSentEvent(event);
      };
      for (const event of parser.push(decoder.write(chunk))) handler.onEvent(event, emit);
      callback(null, output === '' ? undefined : output);
    },
    flush(callback: TransformCallback) {
      let output = '';
      const emit: Emit = (event) => {
        output += formatServerSentEvent(event);
      };
      for (const event of parser.push(decoder.end())) handler.onEvent(event, emit);
      for (const event of parser.end()) handler.onEvent(event, emit);
      handler.onEnd(emit);
      callback(null, output === '' ? undefined : output);
    },
  });
}
