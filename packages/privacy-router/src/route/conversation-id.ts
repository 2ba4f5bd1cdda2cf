import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The client APIs the router serves. */
export type ClientApi = 'openai-chat' | 'openai-responses' | 'openai-embeddings' | 'anthropic-messages';

/** The request header that names a conversation explicitly (preferred). */
export const conversationHeader = 'x-nemoclaw-conversation';

const maxHeaderIdLength = 256;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (isRecord(part) && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n');
}

function firstUserText(messages: unknown): string | undefined {
  if (typeof messages === 'string') return messages;
  if (!Array.isArray(messages)) return undefined;
  for (const message of messages) {
    if (isRecord(message) && message.role === 'user') return textOf(message.content);
  }
  return undefined;
}

function systemText(body: Record<string, unknown>, api: ClientApi): string {
  if (api === 'anthropic-messages') return textOf(body.system);
  if (api === 'openai-responses') return typeof body.instructions === 'string' ? body.instructions : '';
  if (!Array.isArray(body.messages)) return '';
  const first = body.messages[0];
  return isRecord(first) && (first.role === 'system' || first.role === 'developer')
    ? textOf(first.content)
    : '';
}

function userIdOf(body: Record<string, unknown>, api: ClientApi): string {
  if (api === 'anthropic-messages') {
    return isRecord(body.metadata) && typeof body.metadata.user_id === 'string' ? body.metadata.user_id : '';
  }
  if (typeof body.user === 'string') return body.user;
  return typeof body.safety_identifier === 'string' ? body.safety_identifier : '';
}

/**
 * The conversation a request belongs to, used for sticky local routing and for stable
 * placeholders. In order of preference:
 * 1. the `x-nemoclaw-conversation` header (`h:<value>`);
 * 2. for `/v1/responses`, the `conversation` id (`c:<id>`);
 * 3. a hash of the user id (OpenAI `user`/`safety_identifier`, Anthropic `metadata.user_id`, may
 *    be empty), the system prompt and the first user message (`m:<sha256 prefix>`) — chat APIs
 *    resend the whole history, so these stay the same for every turn of a conversation.
 * Returns undefined when none applies (embeddings, or no user message).
 */
export function conversationIdOf(
  headers: IncomingHttpHeaders,
  body: Record<string, unknown>,
  api: ClientApi,
): string | undefined {
  const header = headers[conversationHeader];
  const headerValue = Array.isArray(header) ? header[0] : header;
  if (headerValue !== undefined && headerValue.trim() !== '') {
    return `h:${headerValue.trim().slice(0, maxHeaderIdLength)}`;
  }
  if (api === 'openai-embeddings') return undefined;
  if (api === 'openai-responses') {
    const conversation = body.conversation;
    if (typeof conversation === 'string' && conversation !== '')
      return `c:${conversation.slice(0, maxHeaderIdLength)}`;
    if (isRecord(conversation) && typeof conversation.id === 'string') {
      return `c:${conversation.id.slice(0, maxHeaderIdLength)}`;
    }
  }
  const first = firstUserText(api === 'openai-responses' ? body.input : body.messages);
  if (first === undefined) return undefined;
  const hash = createHash('sha256')
    .update(userIdOf(body, api))
    .update('\0')
    .update(systemText(body, api))
    .update('\0')
    .update(first)
    .digest('hex');
  return `m:${hash.slice(0, 32)}`;
}

/** A short one-way digest of a conversation id, for logs and audit events. */
export function conversationDigest(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}
