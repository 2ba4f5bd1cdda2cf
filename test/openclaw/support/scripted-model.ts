import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The tool call a prompt asks the scripted model to make. */
export interface ScriptedToolCall {
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/** Marker a prompt carries: `nemoclaw-test:<base64url JSON of ScriptedToolCall>`. */
export const promptMarker = 'nemoclaw-test:';

/**
 * The prompt that makes the scripted model make `calls` one after the other (each after the
 * previous one's result), then answer with every result (see {@link splitResults}).
 */
export function promptFor(calls: readonly ScriptedToolCall[]): string {
  return `${promptMarker}${Buffer.from(JSON.stringify(calls)).toString('base64url')}`;
}

/** Prefix of each tool result in the model's final answer. */
export const resultPrefix = 'TOOL_RESULT>>';

/** The tool results, in call order, from the model's final answer. */
export function splitResults(answer: string): string[] {
  return answer.split(resultPrefix).slice(1);
}

/** One request the model received, for assertions. */
export interface ModelRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Record<string, unknown>;
}

/** A running scripted model. */
export interface ScriptedModel {
  readonly baseUrl: string;
  readonly requests: ModelRequest[];
  close(): Promise<void>;
}

interface ChatMessage {
  role?: string;
  content?: unknown;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'object' && part !== null && 'text' in part ? String(part.text) : ''))
      .join('');
  }
  return '';
}

/**
 * A loopback OpenAI-compatible chat-completions server that scripts tool calls: for the latest
 * user message carrying {@link promptMarker}, it answers with the next scripted tool call (streamed
 * as `chat.completion.chunk` with `delta.tool_calls`, or as one completion); once the conversation
 * holds every call's result it answers with each result after `TOOL_RESULT>>`, verbatim.
 */
export async function startScriptedModel(): Promise<ScriptedModel> {
  const requests: ModelRequest[] = [];
  let sequence = 0;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        body = {};
      }
      requests.push({ path, headers: request.headers, body });
      if (request.method === 'GET' && path.endsWith('/models')) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ object: 'list', data: [{ id: 'scripted-model', object: 'model' }] }));
        return;
      }
      if (!path.endsWith('/chat/completions')) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `no route ${path}` } }));
        return;
      }
      const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
      // The prompt is the latest user message carrying the marker (OpenClaw appends context messages).
      let promptIndex = -1;
      for (let index = messages.length - 1; index >= 0; index -= 1) {
        const message = messages[index];
        if (message?.role === 'user' && textOf(message.content).includes(promptMarker)) {
          promptIndex = index;
          break;
        }
      }
      const toolResults =
        promptIndex < 0 ? [] : messages.slice(promptIndex + 1).filter((message) => message.role === 'tool');
      sequence += 1;
      const id = `chatcmpl-${sequence}`;
      let toolCall: ScriptedToolCall | null = null;
      let text = 'ok';
      if (promptIndex >= 0) {
        const prompt = textOf(messages[promptIndex]?.content);
        const encoded = prompt
          .slice(prompt.lastIndexOf(promptMarker) + promptMarker.length)
          .trim()
          .split(/\s/)[0];
        const calls = JSON.parse(
          Buffer.from(encoded ?? '', 'base64url').toString('utf8'),
        ) as ScriptedToolCall[];
        const next = calls[toolResults.length];
        if (next !== undefined) toolCall = next;
        else text = toolResults.map((result) => `${resultPrefix}${textOf(result.content)}`).join('\n');
      }
      const created = Math.floor(Date.now() / 1000);
      const model = typeof body.model === 'string' ? body.model : 'scripted-model';
      const callId = `call_${sequence}`;
      if (body.stream === true) {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        const send = (delta: Record<string, unknown>, finish: string | null): void => {
          const chunk = {
            id,
            object: 'chat.completion.chunk',
            created,
            model,
            choices: [{ index: 0, delta, finish_reason: finish }],
          };
          response.write(`data: ${JSON.stringify(chunk)}\n\n`);
        };
        if (toolCall !== null) {
          send(
            {
              role: 'assistant',
              tool_calls: [
                {
                  index: 0,
                  id: callId,
                  type: 'function',
                  function: { name: toolCall.name, arguments: JSON.stringify(toolCall.arguments) },
                },
              ],
            },
            null,
          );
          send({}, 'tool_calls');
        } else {
          send({ role: 'assistant', content: text }, null);
          send({}, 'stop');
        }
        const usage = {
          id,
          object: 'chat.completion.chunk',
          created,
          model,
          choices: [],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        };
        response.write(`data: ${JSON.stringify(usage)}\n\n`);
        response.end('data: [DONE]\n\n');
        return;
      }
      const message =
        toolCall === null
          ? { role: 'assistant', content: text }
          : {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: callId,
                  type: 'function',
                  function: { name: toolCall.name, arguments: JSON.stringify(toolCall.arguments) },
                },
              ],
            };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message, finish_reason: toolCall === null ? 'stop' : 'tool_calls' }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
    });
  });
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.closeAllConnections();
        server.close(() => resolvePromise());
      }),
  };
}
