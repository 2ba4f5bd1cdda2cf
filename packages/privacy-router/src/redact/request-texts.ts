import type { ClientApi } from '../route/conversation-id.js';

/** Called for each text of a request; `replace` swaps it in the (mutable) body. */
export type TextVisitor = (text: string, replace: (next: string) => void) => void;

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function visitField(owner: JsonRecord | unknown[], key: string | number, visit: TextVisitor): void {
  const value = (owner as Record<string | number, unknown>)[key];
  if (typeof value === 'string') {
    visit(value, (next) => {
      (owner as Record<string | number, unknown>)[key] = next;
    });
  }
}

/** Every string inside a JSON value (object values and array items, not keys). */
function visitDeep(owner: JsonRecord | unknown[], key: string | number, visit: TextVisitor, depth = 0): void {
  const value = (owner as Record<string | number, unknown>)[key];
  if (typeof value === 'string') visitField(owner, key, visit);
  else if (depth > 64) return;
  else if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) visitDeep(value, index, visit, depth + 1);
  } else if (isRecord(value))
    for (const inner of Object.keys(value)) visitDeep(value, inner, visit, depth + 1);
}

/**
 * A string holding JSON (tool-call arguments): its string values are visited one by one and the
 * JSON re-serialised if any changed; text that is not valid JSON is visited as a whole.
 */
function visitJsonText(owner: JsonRecord, key: string, visit: TextVisitor): void {
  const value = owner[key];
  if (typeof value !== 'string') return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    visitField(owner, key, visit);
    return;
  }
  const holder: JsonRecord = { value: parsed };
  let changed = false;
  visitDeep(holder, 'value', (text, replace) =>
    visit(text, (next) => {
      changed = true;
      replace(next);
    }),
  );
  if (changed) owner[key] = JSON.stringify(holder.value);
}

/** Text parts of message content: a string, or an array of parts with `text` (any text part type). */
function visitContent(owner: JsonRecord, key: string, visit: TextVisitor): void {
  const content = owner[key];
  if (typeof content === 'string') {
    visitField(owner, key, visit);
    return;
  }
  if (!Array.isArray(content)) return;
  for (const part of content) {
    if (!isRecord(part)) continue;
    visitField(part, 'text', visit);
    // Anthropic blocks.
    if (part.type === 'tool_use') visitDeep(part, 'input', visit);
    if (part.type === 'tool_result') visitContent(part, 'content', visit);
    // Responses API parts inside messages carrying tool output.
    if (part.type === 'function_call_output') visitContent(part, 'output', visit);
  }
}

function visitChat(body: JsonRecord, visit: TextVisitor): void {
  if (!Array.isArray(body.messages)) return;
  for (const message of body.messages) {
    if (!isRecord(message)) continue;
    visitContent(message, 'content', visit);
    if (Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls) {
        if (isRecord(call) && isRecord(call.function)) visitJsonText(call.function, 'arguments', visit);
      }
    }
    if (isRecord(message.function_call)) visitJsonText(message.function_call, 'arguments', visit);
  }
}

function visitResponses(body: JsonRecord, visit: TextVisitor): void {
  visitField(body, 'instructions', visit);
  if (typeof body.input === 'string') {
    visitField(body, 'input', visit);
    return;
  }
  if (!Array.isArray(body.input)) return;
  for (const item of body.input) {
    if (!isRecord(item)) continue;
    visitContent(item, 'content', visit);
    if (item.type === 'function_call' || item.type === 'mcp_call') visitJsonText(item, 'arguments', visit);
    if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') {
      visitContent(item, 'output', visit);
    }
    if (item.type === 'custom_tool_call') visitField(item, 'input', visit);
  }
}

function visitEmbeddings(body: JsonRecord, visit: TextVisitor): void {
  const input = body.input;
  if (typeof input === 'string') visitField(body, 'input', visit);
  else if (Array.isArray(input)) {
    for (let index = 0; index < input.length; index++) visitField(input, index, visit);
  }
}

function visitAnthropic(body: JsonRecord, visit: TextVisitor): void {
  visitContent(body, 'system', visit);
  if (!Array.isArray(body.messages)) return;
  for (const message of body.messages) if (isRecord(message)) visitContent(message, 'content', visit);
}

/**
 * Visits every text a request carries that may hold user data: system prompts, messages (string
 * or multi-part), tool results, tool-call arguments (each string value of the JSON), in the
 * OpenAI chat, OpenAI Responses, embeddings and Anthropic Messages shapes. The visitor may replace
 * texts in place; pass a copy of the body when the original must stay intact.
 */
export function visitRequestTexts(body: JsonRecord, api: ClientApi, visit: TextVisitor): void {
  switch (api) {
    case 'openai-chat':
      visitChat(body, visit);
      return;
    case 'openai-responses':
      visitResponses(body, visit);
      return;
    case 'openai-embeddings':
      visitEmbeddings(body, visit);
      return;
    case 'anthropic-messages':
      visitAnthropic(body, visit);
      return;
  }
}
