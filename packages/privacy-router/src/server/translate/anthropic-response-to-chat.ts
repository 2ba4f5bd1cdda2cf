import { isRecord, type JsonRecord } from './translation-result.js';

/** OpenAI `finish_reason` for an Anthropic `stop_reason`. */
export function chatFinishReason(stopReason: unknown): string {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** OpenAI chat `usage` for Anthropic `usage` (cache reads and writes count as prompt tokens). */
export function chatUsage(usage: unknown): JsonRecord | undefined {
  if (!isRecord(usage)) return undefined;
  const count = (value: unknown): number => (typeof value === 'number' ? value : 0);
  const cached = count(usage.cache_read_input_tokens);
  const prompt = count(usage.input_tokens) + cached + count(usage.cache_creation_input_tokens);
  const completion = count(usage.output_tokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
  };
}

/** A chat completion id for an Anthropic message id. */
export function chatCompletionId(id: unknown): string {
  return `chatcmpl-${typeof id === 'string' && id !== '' ? id.replace(/^msg_/, '') : Date.now().toString(36)}`;
}

/**
 * Translates an Anthropic message to an OpenAI chat completion: text blocks to `content`,
 * thinking to `reasoning_content`, `tool_use` blocks to `tool_calls` (input serialised),
 * `stop_reason` to `finish_reason` (end_turn/stop_sequence -> stop, max_tokens -> length,
 * tool_use -> tool_calls, refusal -> content_filter), usage to prompt/completion tokens.
 */
export function anthropicResponseToChat(message: JsonRecord, request: JsonRecord): JsonRecord {
  const blocks = Array.isArray(message.content) ? message.content : [];
  const texts: string[] = [];
  const thinking: string[] = [];
  const toolCalls: JsonRecord[] = [];
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'thinking' && typeof block.thinking === 'string') thinking.push(block.thinking);
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: String(block.id ?? ''),
        type: 'function',
        function: { name: String(block.name ?? ''), arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const reply: JsonRecord = { role: 'assistant', content: texts.length === 0 ? null : texts.join('') };
  if (thinking.length > 0) reply.reasoning_content = thinking.join('');
  if (toolCalls.length > 0) reply.tool_calls = toolCalls;
  const completion: JsonRecord = {
    id: chatCompletionId(message.id),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: message.model ?? request.model,
    choices: [
      { index: 0, message: reply, finish_reason: chatFinishReason(message.stop_reason), logprobs: null },
    ],
  };
  const usage = chatUsage(message.usage);
  if (usage !== undefined) completion.usage = usage;
  return completion;
}
