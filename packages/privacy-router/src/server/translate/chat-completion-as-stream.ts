import { isRecord, type JsonRecord } from './translation-result.js';

/**
 * The event stream a chat completions server would have sent for `completion` (one chunk with the
 * whole first choice, a usage chunk, `[DONE]`): for a provider that answers a streamed request
 * with one JSON body, so the client still gets the stream it asked for.
 */
export function chatCompletionAsStream(completion: JsonRecord): string {
  const choices = Array.isArray(completion.choices) ? completion.choices : [];
  const choice: JsonRecord = isRecord(choices[0]) ? choices[0] : {};
  const message: JsonRecord = isRecord(choice.message) ? choice.message : {};
  const delta: JsonRecord = { role: 'assistant' };
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string') delta.reasoning_content = reasoning;
  if (typeof message.content === 'string') delta.content = message.content;
  if (Array.isArray(message.tool_calls)) {
    delta.tool_calls = message.tool_calls.map((call: unknown, index) =>
      isRecord(call) ? { index, ...call } : call,
    );
  }
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
  };
  const chunks: unknown[] = [
    { ...base, choices: [{ index: 0, delta, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: choice.finish_reason ?? 'stop' }] },
  ];
  if (isRecord(completion.usage)) chunks.push({ ...base, choices: [], usage: completion.usage });
  return `${chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('')}data: [DONE]\n\n`;
}
