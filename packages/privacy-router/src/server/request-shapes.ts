import { z } from 'zod';
import type { ClientApi } from '../route/conversation-id.js';

const part = z.looseObject({ type: z.string() });
const openaiContent = z.union([z.string(), z.array(part), z.null()]).optional();

const chatRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.string().min(1), content: openaiContent })).min(1),
  stream: z.boolean().optional(),
});

const responsesRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.looseObject({}))]).optional(),
  instructions: z.string().nullable().optional(),
  stream: z.boolean().optional(),
});

const embeddingsRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()), z.array(z.number()), z.array(z.array(z.number()))]),
});

const anthropicContent = z.union([z.string(), z.array(part)]);
const anthropicRequest = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']), content: anthropicContent })).min(1),
  system: anthropicContent.optional(),
  stream: z.boolean().optional(),
});

const countTokensPath = '/v1/messages/count_tokens';

/** `/v1/messages/count_tokens`: the Messages shape without `max_tokens`. */
const anthropicCountTokensRequest = anthropicRequest.omit({ max_tokens: true, stream: true });

const shapes = {
  'openai-chat': chatRequest,
  'openai-responses': responsesRequest,
  'openai-embeddings': embeddingsRequest,
  'anthropic-messages': anthropicRequest,
} as const;

/** The outcome of {@link checkRequestShape}. */
export type RequestShapeResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/**
 * Checks the fields the router relies on (model, messages/input, stream) without rejecting fields
 * it does not know: those go to the provider unchanged. `path` selects the count-tokens variant of
 * the Anthropic shape.
 */
export function checkRequestShape(api: ClientApi, body: unknown, path = ''): RequestShapeResult {
  const shape = path === countTokensPath ? anthropicCountTokensRequest : shapes[api];
  const result = shape.safeParse(body);
  if (result.success) return { ok: true, value: body as Record<string, unknown> };
  const issue = result.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.map(String).join('.');
  return { ok: false, error: `${field}: ${issue?.message ?? 'invalid request'}` };
}
