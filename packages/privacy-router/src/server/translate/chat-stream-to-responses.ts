import type { Transform } from 'node:stream';
import {
  functionCallItem,
  messageItem,
  reasoningItem,
  responseObject,
  responsesId,
  responsesStatus,
  responsesUsage,
} from './chat-response-to-responses.js';
import { type ChatStreamSink, createChatStreamTranslator, namedEvent } from './chat-stream-translator.js';
import type { JsonRecord } from './translation-result.js';

interface OpenItem {
  kind: 'message' | 'reasoning' | 'function_call';
  outputIndex: number;
  id: string;
  text: string;
  callId: string;
  name: string;
}

/**
 * A transform from an OpenAI chat completion stream to an OpenAI Responses stream:
 * `response.created`, `response.in_progress`; per stretch of reasoning (`reasoning_content`) a
 * `reasoning` item: `response.output_item.added`, `response.content_part.added` (`reasoning_text`),
 * `response.reasoning_text.delta`, `response.reasoning_text.done`, `response.content_part.done`,
 * `response.output_item.done`; per answer text `response.output_item.added`,
 * `response.content_part.added`, `response.output_text.delta`, `response.output_text.done`,
 * `response.content_part.done`, `response.output_item.done`; per tool call
 * `response.output_item.added`, `response.function_call_arguments.delta`,
 * `response.function_call_arguments.done`, `response.output_item.done`; finally
 * `response.completed` (or `response.incomplete` for length/content filter) with the whole
 * output and usage. Every event has its `sequence_number`. A provider error event becomes
 * `error` then `response.failed`. `request` is the client's Responses request.
 */
export function createChatToResponsesStream(request: JsonRecord): Transform {
  let sequence = 0;
  let meta = { id: '' as unknown, created: undefined as unknown, model: '' as unknown };
  const output: JsonRecord[] = [];
  const toolItems = new Map<number, OpenItem>();
  let open: OpenItem | undefined;
  let finishReason: string | undefined;
  let usage: JsonRecord | null = null;
  const send = (data: JsonRecord): string => {
    const type = String(data.type);
    return namedEvent(type, { type, sequence_number: sequence++, ...data });
  };
  const snapshot = (status: string, incomplete: JsonRecord | null): JsonRecord =>
    responseObject(meta, request, [...output], status, incomplete, usage);
  const close = (item: OpenItem | undefined): string => {
    if (item === undefined) return '';
    if (open === item) open = undefined;
    if (item.kind === 'reasoning') {
      const done = reasoningItem(item.id, item.text, 'completed');
      output[item.outputIndex] = done;
      const position = { item_id: item.id, output_index: item.outputIndex, content_index: 0 };
      return (
        send({ type: 'response.reasoning_text.done', ...position, text: item.text }) +
        send({
          type: 'response.content_part.done',
          ...position,
          part: { type: 'reasoning_text', text: item.text },
        }) +
        send({ type: 'response.output_item.done', output_index: item.outputIndex, item: done })
      );
    }
    if (item.kind === 'message') {
      const done = messageItem(item.id, item.text, 'completed');
      output[item.outputIndex] = done;
      const position = { item_id: item.id, output_index: item.outputIndex, content_index: 0 };
      return (
        send({ type: 'response.output_text.done', ...position, text: item.text, logprobs: [] }) +
        send({
          type: 'response.content_part.done',
          ...position,
          part: { type: 'output_text', text: item.text, annotations: [] },
        }) +
        send({ type: 'response.output_item.done', output_index: item.outputIndex, item: done })
      );
    }
    const done = functionCallItem(item.id, item.callId, item.name, item.text, 'completed');
    output[item.outputIndex] = done;
    return (
      send({
        type: 'response.function_call_arguments.done',
        item_id: item.id,
        output_index: item.outputIndex,
        arguments: item.text,
      }) + send({ type: 'response.output_item.done', output_index: item.outputIndex, item: done })
    );
  };
  const openItem = (kind: OpenItem['kind'], id: string, callId = '', name = ''): OpenItem => {
    const item: OpenItem = { kind, outputIndex: output.length, id, text: '', callId, name };
    output.push(
      kind === 'message'
        ? { ...messageItem(id, '', 'in_progress'), content: [] }
        : kind === 'reasoning'
          ? { ...reasoningItem(id, '', 'in_progress'), content: [] }
          : functionCallItem(id, callId, name, '', 'in_progress'),
    );
    open = item;
    return item;
  };
  /**
   * The open item of `kind` (a message or a reasoning item with one content part), and the events
   * that close the previous item and announce a new one when it was not open.
   */
  const openContent = (
    kind: 'message' | 'reasoning',
    idPrefix: string,
    part: Record<string, unknown>,
  ): { item: OpenItem; events: string } => {
    if (open !== undefined && open.kind === kind) return { item: open, events: '' };
    let events = close(open);
    const item = openItem(kind, responsesId(idPrefix, meta.id, `_${output.length}`));
    events +=
      send({
        type: 'response.output_item.added',
        output_index: item.outputIndex,
        item: output[item.outputIndex],
      }) +
      send({
        type: 'response.content_part.added',
        item_id: item.id,
        output_index: item.outputIndex,
        content_index: 0,
        part,
      });
    return { item, events };
  };
  const sink: ChatStreamSink = {
    start(start) {
      meta = { id: start.id, created: start.created, model: start.model };
      const response = snapshot('in_progress', null);
      return send({ type: 'response.created', response }) + send({ type: 'response.in_progress', response });
    },
    text(text) {
      const { item, events } = openContent('message', 'msg', {
        type: 'output_text',
        text: '',
        annotations: [],
      });
      item.text += text;
      return (
        events +
        send({
          type: 'response.output_text.delta',
          item_id: item.id,
          output_index: item.outputIndex,
          content_index: 0,
          delta: text,
          logprobs: [],
        })
      );
    },
    reasoning(text) {
      const { item, events } = openContent('reasoning', 'rs', { type: 'reasoning_text', text: '' });
      item.text += text;
      return (
        events +
        send({
          type: 'response.reasoning_text.delta',
          item_id: item.id,
          output_index: item.outputIndex,
          content_index: 0,
          delta: text,
        })
      );
    },
    toolStart(index, id, name) {
      const result = close(open);
      const item = openItem('function_call', responsesId('fc', meta.id, `_${index}`), id, name);
      toolItems.set(index, item);
      return (
        result +
        send({
          type: 'response.output_item.added',
          output_index: item.outputIndex,
          item: output[item.outputIndex],
        })
      );
    },
    toolArguments(index, text) {
      const item = toolItems.get(index);
      if (item === undefined) return '';
      item.text += text;
      return send({
        type: 'response.function_call_arguments.delta',
        item_id: item.id,
        output_index: item.outputIndex,
        delta: text,
      });
    },
    finish(reason) {
      finishReason = reason;
      return '';
    },
    usage(value) {
      usage = responsesUsage(value);
      return '';
    },
    error(message) {
      const text = `the provider failed mid-stream: ${message}`;
      return (
        send({ type: 'error', code: 'upstream_error', message: text, param: null }) +
        send({
          type: 'response.failed',
          response: { ...snapshot('failed', null), error: { code: 'server_error', message: text } },
        })
      );
    },
    end() {
      let result = close(open);
      for (const item of toolItems.values()) {
        const current = output[item.outputIndex];
        if (current !== undefined && current.status === 'in_progress') result += close(item);
      }
      const { status, incomplete_details } = responsesStatus(finishReason);
      const type = status === 'completed' ? 'response.completed' : 'response.incomplete';
      return result + send({ type, response: snapshot(status, incomplete_details) });
    },
  };
  return createChatStreamTranslator(sink);
}
