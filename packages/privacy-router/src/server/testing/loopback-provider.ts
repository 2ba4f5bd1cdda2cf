import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real model provider on 127.0.0.1 for the router's tests and benchmark: it enforces its API
 * key, records what it receives, and answers in the OpenAI or Anthropic wire format by echoing
 * the last user message (so a test sees exactly what the "model" saw and what came back).
 */

/** A request the provider received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: Record<string, unknown> | undefined;
}

/** Behaviour switches of a {@link LoopbackProvider}. */
export interface LoopbackProviderBehaviour {
  /** Characters per streamed delta (default 4): small values split placeholders across events. */
  chunkSize: number;
  /** Wait this long before sending response headers. */
  headersDelayMs: number;
  /** After the first streamed event, stop sending (never end) — for idle and abort tests. */
  stallAfterFirstEvent: boolean;
  /** Answer streamed tool calls (when the request has `tools`) with `{"text": <last user text>}`. */
  toolCalls: boolean;
  /**
   * When set, a chat stream is this many bytes of 64 KiB events, written only as fast as the reader
   * takes them (write, wait for 'drain' when it returns false); see `streamedBytes`.
   */
  largeStreamBytes?: number | undefined;
  /** When set, a stream sends its first event, waits for this promise, then sends the rest. */
  gate?: Promise<void> | undefined;
  /** Answer every inference call with this status and body instead. */
  fail?: { status: number; body: string } | undefined;
  /** The answer text (after the `[name] ` prefix); default: the last user message's text. */
  answer?: ((body: Record<string, unknown>) => string) | undefined;
  /**
   * The API paths (under `/v1`) the provider serves, e.g. `['/chat/completions']` for a
   * chat-completions-only server; others answer 404. Default: all.
   */
  paths?: readonly string[] | undefined;
  /** The `finish_reason` of a text answer (chat; default `stop`). */
  finishReason?: string | undefined;
  /** Chat answers carry this reasoning (`reasoning_content`, as vLLM's reasoning parsers send it). */
  reasoning?: string | undefined;
  /** Answer a streamed request with one JSON body, as some servers do. */
  ignoreStream?: boolean | undefined;
  /** A chat stream sends its first event, then an error event with this message, and ends. */
  streamError?: string | undefined;
  /**
   * The JSON text of the tool call's arguments (Anthropic: parsed as `input`); default
   * `{"text": <last user text>}`.
   */
  toolArguments?: ((body: Record<string, unknown>) => string) | undefined;
  /**
   * Serve vLLM's `POST /tokenize` (at the server root) for chat requests, with its contract: chat
   * messages only (400 otherwise), `model` optional but, when given, the served one (404
   * otherwise); the count is {@link loopbackTokenCount}. Unset: `/tokenize` answers 404.
   */
  tokenizer?: { servedModel: string } | undefined;
}

const chatRoles = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/** Why a chat message list breaks vLLM's chat message schema, or undefined when it is valid. */
function chatMessagesProblem(messages: unknown): string | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: a non-empty list is required';
  for (const [index, message] of messages.entries()) {
    if (!isRecord(message) || typeof message.role !== 'string' || !chatRoles.has(message.role))
      return `messages.${index}: a chat message with a chat role is required`;
    const content = message.content;
    if (Array.isArray(content)) {
      for (const part of content) {
        if (!isRecord(part)) return `messages.${index}.content: parts must be objects`;
        if (part.type === 'text' && typeof part.text === 'string') continue;
        if (part.type === 'image_url' && isRecord(part.image_url) && typeof part.image_url.url === 'string')
          continue;
        return `messages.${index}.content: unknown part type ${JSON.stringify(part.type)}`;
      }
    } else if (content !== null && content !== undefined && typeof content !== 'string') {
      return `messages.${index}.content: a string, a list of parts or null is required`;
    }
    if (message.role === 'tool' && typeof message.tool_call_id !== 'string')
      return `messages.${index}: tool messages need tool_call_id`;
    if (message.tool_calls !== undefined) {
      if (!Array.isArray(message.tool_calls)) return `messages.${index}.tool_calls: a list is required`;
      for (const call of message.tool_calls) {
        if (!isRecord(call) || !isRecord(call.function) || typeof call.function.arguments !== 'string')
          return `messages.${index}.tool_calls: function.arguments must be a JSON string`;
      }
    }
  }
  return undefined;
}

/**
 * The loopback tokenizer's count for chat messages: 3 per message, 1 per whitespace-separated word
 * of text content, tool-call name and arguments, 1 per image part, 2 for the generation prompt
 * (`add_generation_prompt`, default true), and 1 per 4 characters of the tools' JSON.
 */
export function loopbackTokenCount(body: Record<string, unknown>): number {
  const words = (text: string): number => text.split(/\s+/).filter((word) => word !== '').length;
  let count = body.add_generation_prompt === false ? 0 : 2;
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(message)) continue;
    count += 3;
    if (typeof message.content === 'string') count += words(message.content);
    if (Array.isArray(message.content)) {
      for (const part of message.content) {
        if (isRecord(part) && typeof part.text === 'string') count += words(part.text);
        else count += 1;
      }
    }
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
      if (isRecord(call) && isRecord(call.function))
        count += words(`${String(call.function.name)} ${String(call.function.arguments)}`);
    }
  }
  if (Array.isArray(body.tools)) count += Math.ceil(JSON.stringify(body.tools).length / 4);
  return count;
}

/** A running loopback provider. */
export interface LoopbackProvider {
  /** `http://127.0.0.1:<port>/v1` */
  baseUrl: string;
  port: number;
  requests: RecordedRequest[];
  /** Responses whose client (the router) went away before the response ended. */
  clientClosedEarly: number;
  behaviour: LoopbackProviderBehaviour;
  /** Bytes a large stream (see `largeStreamBytes`) has handed to its socket so far. */
  streamedBytes: number;
  /** Resolves when the next early client close happens. */
  nextEarlyClose(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link startLoopbackProvider}. */
export interface LoopbackProviderOptions {
  /** Wire format. */
  api: 'openai' | 'anthropic';
  /** Prefix of every answer, e.g. `[local]`. */
  name: string;
  /** The key the provider requires (`Authorization: Bearer` or `x-api-key`); none if undefined. */
  apiKey?: string | undefined;
}

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text !== '')
    .join(' ');
}

function lastUserText(body: JsonRecord | undefined): string {
  if (body === undefined) return '';
  if (typeof body.input === 'string') return body.input;
  const list = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : [];
  for (let index = list.length - 1; index >= 0; index--) {
    const message: unknown = list[index];
    if (isRecord(message) && message.role === 'user') return textOf(message.content);
  }
  return '';
}

function pieces(text: string, size: number): string[] {
  const result: string[] = [];
  for (let index = 0; index < text.length; index += size) result.push(text.slice(index, index + size));
  return result.length === 0 ? [''] : result;
}

function sse(response: ServerResponse, data: unknown, event?: string): void {
  response.write(`${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`);
}

/** Starts a provider on 127.0.0.1 and a free port. */
export async function startLoopbackProvider(options: LoopbackProviderOptions): Promise<LoopbackProvider> {
  const requests: RecordedRequest[] = [];
  const waiters: Array<() => void> = [];
  const behaviour: LoopbackProviderBehaviour = {
    chunkSize: 4,
    headersDelayMs: 0,
    stallAfterFirstEvent: false,
    toolCalls: true,
  };
  const provider = { clientClosedEarly: 0, streamedBytes: 0 };
  const toolArgumentsOf = (body: JsonRecord): string =>
    behaviour.toolArguments === undefined
      ? JSON.stringify({ text: lastUserText(body) })
      : behaviour.toolArguments(body);

  const streamLarge = (response: ServerResponse, total: number): void => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const event = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'x'.repeat(65_000) } }] })}\n\n`;
    const pump = (): void => {
      while (provider.streamedBytes < total) {
        provider.streamedBytes += event.length;
        if (!response.write(event)) {
          response.once('drain', pump);
          return;
        }
      }
      response.end('data: [DONE]\n\n');
    };
    pump();
  };

  const unauthorized = (response: ServerResponse): void => {
    const body =
      options.api === 'anthropic'
        ? { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }
        : {
            error: {
              message: 'Incorrect API key provided',
              type: 'invalid_request_error',
              code: 'invalid_api_key',
            },
          };
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  const authorized = (request: IncomingMessage): boolean => {
    if (options.apiKey === undefined) return true;
    if (options.api === 'anthropic') return request.headers['x-api-key'] === options.apiKey;
    return request.headers.authorization === `Bearer ${options.apiKey}`;
  };

  const streamChat = (
    response: ServerResponse,
    body: JsonRecord,
    answer: string,
    close: () => void,
  ): void => {
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: String(body.model) };
    const wantsTools = behaviour.toolCalls && Array.isArray(body.tools) && body.tools.length > 0;
    const events: unknown[] = [
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    ];
    if (wantsTools) {
      events.push({
        ...base,
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [
                { index: 0, id: 'call_1', type: 'function', function: { name: 'note', arguments: '' } },
              ],
            },
            finish_reason: null,
          },
        ],
      });
      for (const piece of pieces(toolArgumentsOf(body), behaviour.chunkSize)) {
        events.push({
          ...base,
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] },
              finish_reason: null,
            },
          ],
        });
      }
      events.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
    } else {
      if (behaviour.reasoning !== undefined) {
        events.push({
          ...base,
          choices: [{ index: 0, delta: { reasoning_content: behaviour.reasoning }, finish_reason: null }],
        });
      }
      for (const piece of pieces(answer, behaviour.chunkSize)) {
        events.push({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
      }
      events.push({
        ...base,
        choices: [{ index: 0, delta: {}, finish_reason: behaviour.finishReason ?? 'stop' }],
      });
    }
    if (behaviour.streamError !== undefined) {
      events.splice(2, events.length, { error: { message: behaviour.streamError, type: 'server_error' } });
    }
    const streamOptions = body.stream_options;
    if (isRecord(streamOptions) && streamOptions.include_usage === true) {
      events.push({
        ...base,
        choices: [],
        usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
      });
    }
    send(
      response,
      events.map((data) => ({ data })),
      close,
      'data: [DONE]\n\n',
    );
  };

  const streamAnthropic = (
    response: ServerResponse,
    body: JsonRecord,
    answer: string,
    close: () => void,
  ): void => {
    const wantsTools = behaviour.toolCalls && Array.isArray(body.tools) && body.tools.length > 0;
    const events: Array<{ event: string; data: unknown }> = [
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: {
            id: 'msg_1',
            type: 'message',
            role: 'assistant',
            model: body.model,
            content: [],
            stop_reason: null,
            usage: { input_tokens: 1, output_tokens: 0 },
          },
        },
      },
    ];
    if (wantsTools) {
      events.push({
        event: 'content_block_start',
        data: {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 'toolu_1', name: 'note', input: {} },
        },
      });
      for (const piece of pieces(toolArgumentsOf(body), behaviour.chunkSize)) {
        events.push({
          event: 'content_block_delta',
          data: {
            type: 'content_block_delta',
            index: 0,
            delta: { type: 'input_json_delta', partial_json: piece },
          },
        });
      }
    } else {
      events.push({
        event: 'content_block_start',
        data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      });
      for (const piece of pieces(answer, behaviour.chunkSize)) {
        events.push({
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } },
        });
      }
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } });
    events.push({
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: wantsTools ? 'tool_use' : 'end_turn' },
        usage: { output_tokens: 5 },
      },
    });
    events.push({ event: 'message_stop', data: { type: 'message_stop' } });
    send(response, events, close);
  };

  const streamResponses = (
    response: ServerResponse,
    body: JsonRecord,
    answer: string,
    close: () => void,
  ): void => {
    const events: Array<{ event: string; data: unknown }> = [
      {
        event: 'response.created',
        data: { type: 'response.created', response: { id: 'resp_1', status: 'in_progress', output: [] } },
      },
    ];
    for (const piece of pieces(answer, behaviour.chunkSize)) {
      events.push({
        event: 'response.output_text.delta',
        data: {
          type: 'response.output_text.delta',
          item_id: 'msg_1',
          output_index: 0,
          content_index: 0,
          delta: piece,
        },
      });
    }
    events.push({
      event: 'response.output_text.done',
      data: {
        type: 'response.output_text.done',
        item_id: 'msg_1',
        output_index: 0,
        content_index: 0,
        text: answer,
      },
    });
    events.push({
      event: 'response.completed',
      data: {
        type: 'response.completed',
        response: {
          id: 'resp_1',
          status: 'completed',
          model: body.model,
          output: [
            {
              type: 'message',
              id: 'msg_1',
              role: 'assistant',
              content: [{ type: 'output_text', text: answer }],
            },
          ],
        },
      },
    });
    send(response, events, close);
  };

  const send = (
    response: ServerResponse,
    events: Array<{ event?: string; data: unknown }>,
    close: () => void,
    trailer = '',
  ): void => {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-request-id': 'req-upstream',
    });
    if (behaviour.stallAfterFirstEvent) {
      const first = events[0];
      if (first !== undefined) sse(response, first.data, first.event);
      return;
    }
    const finish = (from: number): void => {
      for (const { event, data } of events.slice(from)) sse(response, data, event);
      response.end(trailer);
      close();
    };
    const gate = behaviour.gate;
    if (gate === undefined) {
      finish(0);
      return;
    }
    const first = events[0];
    if (first !== undefined) sse(response, first.data, first.event);
    gate.then(() => finish(1)).catch(() => response.destroy());
  };

  const answerJson = (response: ServerResponse, body: unknown): void => {
    response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-upstream' });
    response.end(JSON.stringify(body));
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: JsonRecord | undefined;
      try {
        const parsed: unknown = text === '' ? undefined : JSON.parse(text);
        json = isRecord(parsed) ? parsed : undefined;
      } catch {
        json = undefined;
      }
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      requests.push({ method: request.method ?? 'GET', path, headers: request.headers, body: text, json });
      let finished = false;
      response.on('close', () => {
        if (!finished && !response.writableFinished) {
          provider.clientClosedEarly++;
          for (const waiter of waiters.splice(0)) waiter();
        }
      });
      const done = (): void => {
        finished = true;
      };
      const reply = (): void => {
        if (!authorized(request)) {
          unauthorized(response);
          return;
        }
        if (path === '/v1/models') {
          answerJson(response, {
            object: 'list',
            data: [{ id: `${options.name}-model`, object: 'model', created: 1, owned_by: options.name }],
          });
          return;
        }
        if (behaviour.fail !== undefined) {
          response.writeHead(behaviour.fail.status, { 'content-type': 'application/json' });
          response.end(behaviour.fail.body);
          return;
        }
        if (path === '/tokenize' && behaviour.tokenizer !== undefined) {
          const body = json ?? {};
          const fail = (status: number, type: string, message: string): void => {
            response.writeHead(status, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ object: 'error', message, type, param: null, code: status }));
          };
          if (body.model !== undefined && body.model !== behaviour.tokenizer.servedModel) {
            fail(404, 'NotFoundError', `The model \`${String(body.model)}\` does not exist.`);
            return;
          }
          const problem = chatMessagesProblem(body.messages);
          if (problem !== undefined) {
            fail(400, 'BadRequestError', problem);
            return;
          }
          const count = loopbackTokenCount(body);
          answerJson(response, {
            count,
            max_model_len: 32768,
            tokens: Array.from({ length: count }, (_, index) => index),
          });
          return;
        }
        if (behaviour.paths !== undefined && !behaviour.paths.some((served) => path === `/v1${served}`)) {
          response.writeHead(404, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { message: `no route ${path}`, type: 'not_found' } }));
          return;
        }
        const body = json ?? {};
        const answer = `[${options.name}] ${behaviour.answer === undefined ? lastUserText(body) : behaviour.answer(body)}`;
        const stream = body.stream === true && behaviour.ignoreStream !== true;
        if (path === '/v1/chat/completions') {
          if (stream && behaviour.largeStreamBytes !== undefined)
            streamLarge(response, behaviour.largeStreamBytes);
          else if (stream) streamChat(response, body, answer, done);
          else {
            const wantsTools = behaviour.toolCalls && Array.isArray(body.tools) && body.tools.length > 0;
            answerJson(response, {
              id: 'chatcmpl-1',
              object: 'chat.completion',
              created: 1,
              model: body.model,
              choices: [
                {
                  index: 0,
                  message: wantsTools
                    ? {
                        role: 'assistant',
                        content: null,
                        tool_calls: [
                          {
                            id: 'call_1',
                            type: 'function',
                            function: {
                              name: 'note',
                              arguments: toolArgumentsOf(body),
                            },
                          },
                        ],
                      }
                    : {
                        role: 'assistant',
                        content: answer,
                        ...(behaviour.reasoning === undefined
                          ? {}
                          : { reasoning_content: behaviour.reasoning }),
                      },
                  finish_reason: wantsTools ? 'tool_calls' : (behaviour.finishReason ?? 'stop'),
                },
              ],
              usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
            });
          }
          return;
        }
        if (path === '/v1/responses') {
          if (stream) streamResponses(response, body, answer, done);
          else
            answerJson(response, {
              id: 'resp_1',
              object: 'response',
              status: 'completed',
              model: body.model,
              output: [
                {
                  type: 'message',
                  id: 'msg_1',
                  role: 'assistant',
                  content: [{ type: 'output_text', text: answer }],
                },
              ],
            });
          return;
        }
        if (path === '/v1/embeddings') {
          const inputs = Array.isArray(body.input) ? body.input : [body.input];
          answerJson(response, {
            object: 'list',
            model: body.model,
            data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, 0.2, 0.3] })),
          });
          return;
        }
        if (path === '/v1/messages/count_tokens') {
          answerJson(response, { input_tokens: lastUserText(body).length });
          return;
        }
        if (path === '/v1/messages') {
          if (stream) streamAnthropic(response, body, answer, done);
          else {
            const wantsTools = behaviour.toolCalls && Array.isArray(body.tools) && body.tools.length > 0;
            answerJson(response, {
              id: 'msg_1',
              type: 'message',
              role: 'assistant',
              model: body.model,
              content: wantsTools
                ? [
                    {
                      type: 'tool_use',
                      id: 'toolu_1',
                      name: 'note',
                      input: JSON.parse(toolArgumentsOf(body)) as unknown,
                    },
                  ]
                : [{ type: 'text', text: answer }],
              stop_reason: wantsTools ? 'tool_use' : 'end_turn',
            });
          }
          return;
        }
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `no route ${path}` } }));
      };
      if (behaviour.headersDelayMs > 0) setTimeout(reply, behaviour.headersDelayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get clientClosedEarly() {
      return provider.clientClosedEarly;
    },
    get streamedBytes() {
      return provider.streamedBytes;
    },
    behaviour,
    nextEarlyClose: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
