import { isRecord, type JsonRecord } from './translation-result.js';

/** Responses `usage` for OpenAI chat `usage`. */
export function responsesUsage(usage: unknown): JsonRecord | null {
  if (!isRecord(usage)) return null;
  const input = typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : 0;
  const output = typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0;
  const cached = isRecord(usage.prompt_tokens_details)
    ? usage.prompt_tokens_details.cached_tokens
    : undefined;
  const reasoning = isRecord(usage.completion_tokens_details)
    ? usage.completion_tokens_details.reasoning_tokens
    : undefined;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: typeof cached === 'number' ? cached : 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: typeof reasoning === 'number' ? reasoning : 0 },
    total_tokens: typeof usage.total_tokens === 'number' ? usage.total_tokens : input + output,
  };
}

/** Responses `status` and `incomplete_details` for a chat `finish_reason`. */
export function responsesStatus(finishReason: unknown): {
  status: 'completed' | 'incomplete';
  incomplete_details: JsonRecord | null;
} {
  if (finishReason === 'length')
    return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter') {
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  }
  return { status: 'completed', incomplete_details: null };
}

/** A Responses id with `prefix` derived from a chat completion id. */
export function responsesId(prefix: string, id: unknown, suffix = ''): string {
  const stem = typeof id === 'string' && id !== '' ? id.replace(/^chatcmpl-/, '') : Date.now().toString(36);
  return `${prefix}_${stem}${suffix}`;
}

/** The Responses `message` output item for an answer text. */
export function messageItem(id: string, text: string, status: string): JsonRecord {
  return {
    type: 'message',
    id,
    status,
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [] }],
  };
}

/**
 * The Responses `reasoning` output item for a chat model's reasoning (vLLM `reasoning_content`):
 * the raw chain of thought as a `reasoning_text` content part, as the Responses API carries
 * reasoning text of open-weight models; `summary` stays empty (no summary was made) and there is
 * no `encrypted_content` (nothing for the client to send back: the router drops reasoning items).
 */
export function reasoningItem(id: string, text: string, status: string): JsonRecord {
  return { type: 'reasoning', id, summary: [], content: [{ type: 'reasoning_text', text }], status };
}

/** The reasoning text of a chat message or delta (`reasoning_content`, or vLLM's newer `reasoning`). */
export function chatReasoningText(message: JsonRecord): string {
  const reasoning = message.reasoning_content ?? message.reasoning;
  return typeof reasoning === 'string' ? reasoning : '';
}

/** The Responses `function_call` output item for a tool call. */
export function functionCallItem(
  id: string,
  callId: string,
  name: string,
  argumentsText: string,
  status: string,
): JsonRecord {
  return { type: 'function_call', id, call_id: callId, name, arguments: argumentsText, status };
}

/** The response object around `output` (fields echoed from the client's request). */
export function responseObject(
  meta: { id: unknown; created: unknown; model: unknown },
  request: JsonRecord,
  output: JsonRecord[],
  status: string,
  incompleteDetails: JsonRecord | null,
  usage: JsonRecord | null,
): JsonRecord {
  return {
    id: responsesId('resp', meta.id),
    object: 'response',
    created_at: typeof meta.created === 'number' ? meta.created : Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: incompleteDetails,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: typeof meta.model === 'string' && meta.model !== '' ? meta.model : request.model,
    output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    temperature: request.temperature ?? null,
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? null,
    usage,
  };
}

/**
 * Translates an OpenAI chat completion to an OpenAI Responses response: the first choice's
 * reasoning (`reasoning_content`) to a `reasoning` item, its content
 * to a `message` item with `output_text`, its tool calls to `function_call` items,
 * `finish_reason` length/content_filter to status `incomplete` with the reason, usage to
 * input/output tokens. `request` is the client's Responses request.
 */
export function chatResponseToResponses(completion: JsonRecord, request: JsonRecord): JsonRecord {
  const choices = Array.isArray(completion.choices) ? completion.choices : [];
  const choice: JsonRecord = isRecord(choices[0]) ? choices[0] : {};
  const message: JsonRecord = isRecord(choice.message) ? choice.message : {};
  const output: JsonRecord[] = [];
  const reasoning = chatReasoningText(message);
  if (reasoning !== '') output.push(reasoningItem(responsesId('rs', completion.id), reasoning, 'completed'));
  const text =
    typeof message.content === 'string' && message.content !== ''
      ? message.content
      : typeof message.refusal === 'string'
        ? message.refusal
        : '';
  if (text !== '') output.push(messageItem(responsesId('msg', completion.id), text, 'completed'));
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  calls.forEach((call: unknown, index) => {
    if (!isRecord(call)) return;
    const fn = isRecord(call.function) ? call.function : {};
    output.push(
      functionCallItem(
        responsesId('fc', completion.id, `_${index}`),
        typeof call.id === 'string' && call.id !== '' ? call.id : `call_${index}`,
        String(fn.name ?? ''),
        typeof fn.arguments === 'string' ? fn.arguments : '{}',
        'completed',
      ),
    );
  });
  const { status, incomplete_details } = responsesStatus(choice.finish_reason);
  return responseObject(
    { id: completion.id, created: completion.created, model: completion.model },
    request,
    output,
    status,
    incomplete_details,
    responsesUsage(completion.usage),
  );
}
