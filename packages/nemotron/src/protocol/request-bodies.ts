import { NemotronError } from '../errors.js';
import type { ReasoningPlan } from '../reasoning/reasoning-switch.js';
import type { ChatMessage, ChatRequest, EmbeddingRequest } from '../types.js';

function checkChatRequest(request: ChatRequest): void {
  if (typeof request.model !== 'string' || request.model.trim().length === 0) {
    throw new NemotronError('INVALID_OPTION', 'the chat request needs a model id');
  }
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw new NemotronError('INVALID_OPTION', 'the chat request needs at least one message');
  }
}

function openAiMessage(message: ChatMessage): Record<string, unknown> {
  const wire: Record<string, unknown> = { role: message.role, content: message.content };
  if (message.toolCalls !== undefined && message.toolCalls.length > 0) wire.tool_calls = message.toolCalls;
  if (message.toolCallId !== undefined) wire.tool_call_id = message.toolCallId;
  if (message.name !== undefined && message.role !== 'tool') wire.name = message.name;
  return wire;
}

/** The JSON body of an OpenAI-compatible `POST /chat/completions`. */
export function openAiChatBody(
  request: ChatRequest,
  plan: ReasoningPlan,
  stream: boolean,
): Record<string, unknown> {
  checkChatRequest(request);
  const body: Record<string, unknown> = {
    model: request.model,
    messages: plan.messages.map(openAiMessage),
    stream,
  };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.tools !== undefined && request.tools.length > 0) body.tools = request.tools;
  if (request.toolChoice !== undefined) body.tool_choice = request.toolChoice;
  const format = request.responseFormat;
  if (format !== undefined) {
    body.response_format =
      format.type === 'json_schema'
        ? {
            type: 'json_schema',
            json_schema: {
              name: format.jsonSchema.name,
              schema: format.jsonSchema.schema,
              strict: format.jsonSchema.strict ?? true,
            },
          }
        : { type: format.type };
  }
  if (plan.chatTemplateKwargs !== undefined) body.chat_template_kwargs = plan.chatTemplateKwargs;
  if (stream && request.includeUsage === true) body.stream_options = { include_usage: true };
  return { ...body, ...request.extraBody };
}

function ollamaMessage(message: ChatMessage): Record<string, unknown> {
  const wire: Record<string, unknown> = { role: message.role, content: message.content ?? '' };
  if (message.toolCalls !== undefined && message.toolCalls.length > 0) {
    wire.tool_calls = message.toolCalls.map((call) => {
      let argumentsObject: unknown;
      try {
        argumentsObject =
          call.function.arguments.trim().length === 0 ? {} : JSON.parse(call.function.arguments);
      } catch {
        throw new NemotronError(
          'INVALID_OPTION',
          `tool call ${call.id} has arguments that are not JSON; Ollama needs an object`,
        );
      }
      return { function: { name: call.function.name, arguments: argumentsObject } };
    });
  }
  if (message.role === 'tool' && message.name !== undefined) wire.tool_name = message.name;
  return wire;
}

/** The JSON body of Ollama's native `POST /api/chat`. */
export function ollamaChatBody(
  request: ChatRequest,
  plan: ReasoningPlan,
  stream: boolean,
): Record<string, unknown> {
  checkChatRequest(request);
  const body: Record<string, unknown> = {
    model: request.model,
    messages: plan.messages.map(ollamaMessage),
    stream,
  };
  const options: Record<string, unknown> = {};
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.topP !== undefined) options.top_p = request.topP;
  if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
  if (request.stop !== undefined) options.stop = request.stop;
  if (request.seed !== undefined) options.seed = request.seed;
  if (Object.keys(options).length > 0) body.options = options;
  if (request.tools !== undefined && request.tools.length > 0) body.tools = request.tools;
  const format = request.responseFormat;
  if (format !== undefined && format.type !== 'text') {
    body.format = format.type === 'json_schema' ? format.jsonSchema.schema : 'json';
  }
  if (plan.ollamaThink !== undefined) body.think = plan.ollamaThink;
  return { ...body, ...request.extraBody };
}

function checkEmbeddingRequest(request: EmbeddingRequest): readonly string[] {
  if (typeof request.model !== 'string' || request.model.trim().length === 0) {
    throw new NemotronError('INVALID_OPTION', 'the embedding request needs a model id');
  }
  const input = typeof request.input === 'string' ? [request.input] : request.input;
  if (!Array.isArray(input) || input.length === 0 || input.some((text) => typeof text !== 'string')) {
    throw new NemotronError('INVALID_OPTION', 'the embedding request needs one or more input strings');
  }
  return input;
}

/** The JSON body of an OpenAI-compatible `POST /embeddings` (with NVIDIA's `input_type`/`truncate`). */
export function openAiEmbeddingBody(request: EmbeddingRequest): Record<string, unknown> {
  const input = checkEmbeddingRequest(request);
  const body: Record<string, unknown> = { model: request.model, input, encoding_format: 'float' };
  if (request.inputType !== undefined) body.input_type = request.inputType;
  if (request.truncate !== undefined) body.truncate = request.truncate;
  return { ...body, ...request.extraBody };
}

/** The JSON body of Ollama's native `POST /api/embed`. */
export function ollamaEmbeddingBody(request: EmbeddingRequest): Record<string, unknown> {
  const input = checkEmbeddingRequest(request);
  return { model: request.model, input, ...request.extraBody };
}
