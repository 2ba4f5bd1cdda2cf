import { isRecord, type JsonRecord, parseToolArguments } from './translation-result.js';

/** Anthropic `stop_reason` for an OpenAI `finish_reason`. */
export function anthropicStopReason(finishReason: unknown): string {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/**
 * The stop sequence that ended the answer, when the provider says which (vLLM reports the matched
 * string in `stop_reason`) and the request asked for it.
 */
export function matchedStopSequence(choice: JsonRecord, request: JsonRecord): string | null {
  const matched = choice.stop_reason;
  if (choice.finish_reason !== 'stop' || typeof matched !== 'string') return null;
  const wanted = request.stop_sequences;
  return Array.isArray(wanted) && wanted.includes(matched) ? matched : null;
}

/** Anthropic `usage` for OpenAI `usage`. */
export function anthropicUsage(usage: unknown): JsonRecord {
  if (!isRecord(usage)) return { input_tokens: 0, output_tokens: 0 };
  const result: JsonRecord = {
    input_tokens: typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : 0,
    output_tokens: typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0,
  };
  const details = usage.prompt_tokens_details;
  if (isRecord(details) && typeof details.cached_tokens === 'number') {
    result.cache_read_input_tokens = details.cached_tokens;
  }
  return result;
}

/**
 * Whether the Anthropic request enabled extended thinking: only then does the model's reasoning
 * (vLLM `reasoning_content`) come back as `thinking` blocks (with an empty signature: they are
 * not Anthropic's, and are dropped again when the client sends them back to a chat provider).
 */
export function thinkingRequested(request: JsonRecord): boolean {
  return isRecord(request.thinking) && request.thinking.type === 'enabled';
}

/** An Anthropic message id for an OpenAI completion id. */
export function anthropicMessageId(id: unknown): string {
  return `msg_${typeof id === 'string' && id !== '' ? id.replace(/^chatcmpl-/, '') : Date.now().toString(36)}`;
}

/**
 * Translates an OpenAI chat completion to an Anthropic message: the first choice's content to a
 * text block, its tool calls to `tool_use` blocks (arguments parsed), `finish_reason` to
 * `stop_reason` (stop -> end_turn or stop_sequence, length -> max_tokens, tool_calls -> tool_use,
 * content_filter -> refusal), usage to input/output tokens. `request` is the client's request.
 */
export function chatResponseToAnthropic(completion: JsonRecord, request: JsonRecord): JsonRecord {
  const choices = Array.isArray(completion.choices) ? completion.choices : [];
  const choice: JsonRecord = isRecord(choices[0]) ? choices[0] : {};
  const message: JsonRecord = isRecord(choice.message) ? choice.message : {};
  const content: JsonRecord[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (thinkingRequested(request) && typeof reasoning === 'string' && reasoning !== '') {
    content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  }
  if (typeof message.content === 'string' && message.content !== '') {
    content.push({ type: 'text', text: message.content });
  } else if (typeof message.refusal === 'string' && message.refusal !== '') {
    content.push({ type: 'text', text: message.refusal });
  }
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  calls.forEach((call: unknown, index) => {
    if (!isRecord(call)) return;
    const fn = isRecord(call.function) ? call.function : {};
    content.push({
      type: 'tool_use',
      id: typeof call.id === 'string' && call.id !== '' ? call.id : `toolu_${index}`,
      name: String(fn.name ?? ''),
      input: parseToolArguments(fn.arguments),
    });
  });
  const stopSequence = matchedStopSequence(choice, request);
  return {
    id: anthropicMessageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model ?? request.model,
    content,
    // Some servers (Ollama) end a tool call with `stop`: a tool call is a tool_use stop all the same.
    stop_reason:
      stopSequence !== null
        ? 'stop_sequence'
        : calls.length > 0
          ? 'tool_use'
          : anthropicStopReason(choice.finish_reason),
    stop_sequence: stopSequence,
    usage: anthropicUsage(completion.usage),
  };
}
