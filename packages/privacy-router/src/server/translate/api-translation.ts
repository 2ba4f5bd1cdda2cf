import type { Transform } from 'node:stream';
import type { ClientApi } from '../../route/conversation-id.js';
import type { ProviderApi } from '../../route/policy-types.js';
import type { ResolvedProvider } from '../../route/resolve-providers.js';
import { anthropicRequestToChat } from './anthropic-request-to-chat.js';
import { chatResponseToAnthropic } from './chat-response-to-anthropic.js';
import { chatResponseToResponses } from './chat-response-to-responses.js';
import { createChatToAnthropicStream } from './chat-stream-to-anthropic.js';
import { createChatToResponsesStream } from './chat-stream-to-responses.js';
import { responsesRequestToChat } from './responses-request-to-chat.js';
import type { JsonRecord, TranslationResult } from './translation-result.js';

/** How a request in one API is sent to a provider that speaks another, and its answer brought back. */
export interface ApiTranslation {
  /** The client's API. */
  from: ClientApi;
  /** The provider's API. */
  to: ProviderApi;
  /** The provider path under `/v1`, e.g. `/v1/chat/completions`. */
  path: string;
  /** The client's request (already redacted) in the provider's API. */
  request(body: JsonRecord): TranslationResult;
  /** The provider's non-streamed answer (already restored) in the client's API. */
  response(answer: JsonRecord, request: JsonRecord): JsonRecord;
  /** A transform from the provider's event stream (already restored) to the client's. */
  stream(request: JsonRecord): Transform;
}

/** What to do with a request for a provider: forward as is, translate, or refuse. */
export type TranslationPlan =
  | { kind: 'native' }
  | { kind: 'translate'; translation: ApiTranslation }
  | { kind: 'unsupported'; message: string };

/** A header-safe label, e.g. `anthropic-messages->openai-chat`. */
export function translationLabel(translation: { from: string; to: string }): string {
  return `${translation.from}->${translation.to}`;
}

const anthropicToChat: ApiTranslation = {
  from: 'anthropic-messages',
  to: 'openai-chat',
  path: '/v1/chat/completions',
  request: anthropicRequestToChat,
  response: chatResponseToAnthropic,
  stream: createChatToAnthropicStream,
};

const responsesToChat: ApiTranslation = {
  from: 'openai-responses',
  to: 'openai-chat',
  path: '/v1/chat/completions',
  request: responsesRequestToChat,
  response: chatResponseToResponses,
  stream: createChatToResponsesStream,
};

/**
 * Decides how a request to `path` in `api` reaches `provider`: natively when the provider serves
 * that API; translated to OpenAI chat completions for Anthropic Messages and OpenAI Responses
 * clients when the provider serves chat; otherwise refused with a message (e.g. Anthropic token
 * counting, embeddings for an Anthropic provider, or chat for a Messages-only provider).
 */
export function planTranslation(api: ClientApi, path: string, provider: ResolvedProvider): TranslationPlan {
  if (provider.apis.has(api)) return { kind: 'native' };
  const serves = [...provider.apis].join(', ');
  if (path === '/v1/messages/count_tokens') {
    return {
      kind: 'unsupported',
      message: `provider "${provider.id}" does not serve Anthropic token counting (it serves ${serves})`,
    };
  }
  if (provider.apis.has('openai-chat')) {
    if (api === 'anthropic-messages') return { kind: 'translate', translation: anthropicToChat };
    if (api === 'openai-responses') return { kind: 'translate', translation: responsesToChat };
  }
  return {
    kind: 'unsupported',
    message: `provider "${provider.id}" serves ${serves}; the router cannot translate ${api} requests to it`,
  };
}
