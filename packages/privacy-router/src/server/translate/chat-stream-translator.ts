import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parseEventData, type ServerSentEvent, ServerSentEventParser } from '../../redact/sse-parser.js';
import { isRecord, type JsonRecord } from './translation-result.js';

/** Metadata of a chat completion stream (from its first chunk). */
export interface ChatStreamStart {
  id: string;
  model: string;
  created: number;
}

/**
 * Receives what an OpenAI chat completion stream says, choice 0 only, normalised; every method
 * returns the SSE text to send to the client in its own API.
 */
export interface ChatStreamSink {
  /** The first chunk arrived. */
  start(meta: ChatStreamStart): string;
  /** Answer text. */
  text(text: string): string;
  /** Reasoning text (vLLM `reasoning_content` / `reasoning`). */
  reasoning(text: string): string;
  /** A tool call begins (`index` is the call's index in the stream). */
  toolStart(index: number, id: string, name: string): string;
  /** A piece of a tool call's JSON arguments. */
  toolArguments(index: number, text: string): string;
  /** The choice finished; `choice` is the raw choice (e.g. vLLM's `stop_reason`). */
  finish(reason: string, choice: JsonRecord): string;
  /** Token usage (the last chunk with `stream_options.include_usage`). */
  usage(usage: JsonRecord): string;
  /** An error event of the provider: the stream ends with it. */
  error(message: string): string;
  /** The stream ended (after `[DONE]` or at the end of the body). */
  end(): string;
}

function errorMessage(error: unknown): string {
  if (isRecord(error) && typeof error.message === 'string') return error.message;
  return typeof error === 'string' ? error : 'the provider reported an error mid-stream';
}

/**
 * A transform from an OpenAI chat completion `text/event-stream` to another API's stream, written
 * by `sink`: parses the events, follows choice 0 (text, tool calls by index, finish reason),
 * usage chunks, error events and `[DONE]`, and ends the client stream exactly once.
 */
export function createChatStreamTranslator(sink: ChatStreamSink): Transform {
  const decoder = new StringDecoder('utf8');
  const parser = new ServerSentEventParser();
  let started = false;
  let ended = false;
  const knownTools = new Set<number>();
  const ensureStarted = (data: JsonRecord): string => {
    if (started) return '';
    started = true;
    return sink.start({
      id: typeof data.id === 'string' ? data.id : '',
      model: typeof data.model === 'string' ? data.model : '',
      created: typeof data.created === 'number' ? data.created : Math.floor(Date.now() / 1000),
    });
  };
  const onEvent = (event: ServerSentEvent): string => {
    if (ended) return '';
    if (event.data?.trim() === '[DONE]') {
      ended = true;
      return ensureStarted({}) + sink.end();
    }
    const data = parseEventData(event);
    if (data === undefined) return '';
    if (data.error !== undefined) {
      ended = true;
      return sink.error(errorMessage(data.error));
    }
    let output = ensureStarted(data);
    const choices = Array.isArray(data.choices) ? data.choices : [];
    for (const choice of choices) {
      if (!isRecord(choice) || (typeof choice.index === 'number' && choice.index !== 0)) continue;
      const delta = isRecord(choice.delta) ? choice.delta : {};
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (typeof reasoning === 'string' && reasoning !== '') output += sink.reasoning(reasoning);
      if (typeof delta.content === 'string' && delta.content !== '') output += sink.text(delta.content);
      if (typeof delta.refusal === 'string' && delta.refusal !== '') output += sink.text(delta.refusal);
      const calls = Array.isArray(delta.tool_calls) ? delta.tool_calls : [];
      calls.forEach((call: unknown, position) => {
        if (!isRecord(call)) return;
        const index = typeof call.index === 'number' ? call.index : position;
        const fn = isRecord(call.function) ? call.function : {};
        if (!knownTools.has(index)) {
          knownTools.add(index);
          output += sink.toolStart(
            index,
            typeof call.id === 'string' && call.id !== '' ? call.id : `call_${index}`,
            typeof fn.name === 'string' ? fn.name : '',
          );
        }
        if (typeof fn.arguments === 'string' && fn.arguments !== '') {
          output += sink.toolArguments(index, fn.arguments);
        }
      });
      if (typeof choice.finish_reason === 'string') {
        const reason =
          knownTools.size > 0 && choice.finish_reason === 'stop' ? 'tool_calls' : choice.finish_reason;
        output += sink.finish(reason, choice);
      }
    }
    if (isRecord(data.usage)) output += sink.usage(data.usage);
    return output;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      let output = '';
      for (const event of parser.push(decoder.write(chunk))) output += onEvent(event);
      callback(null, output === '' ? undefined : output);
    },
    flush(callback: TransformCallback) {
      let output = '';
      for (const event of parser.push(decoder.end())) output += onEvent(event);
      for (const event of parser.end()) output += onEvent(event);
      if (!ended) {
        ended = true;
        output += ensureStarted({}) + sink.end();
      }
      callback(null, output === '' ? undefined : output);
    },
  });
}

/** One server-sent event with a name and JSON data. */
export function namedEvent(name: string, data: JsonRecord): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
