import type { Transform } from 'node:stream';
import type { ClientApi } from '../../route/conversation-id.js';
import type { ProviderApi } from '../../route/policy-types.js';
import type { ResolvedProvider } from '../../route/resolve-providers.js';
import { anthropicRequestToChat } from './anthropic-request-to-chat.js';
import { anthropicResponseToChat } from './anthropic-response-to-chat.js';
import { createAnthropicToChatStream } from './anthropic-stream-to-chat.js';
import { chainTransforms } from './chain-transforms.js';
import { chatRequestToAnthropic } from './chat-request-to-anthropic.js';
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

const chatToAnthropic: ApiTranslation = {
  from: 'openai-chat',
  to: 'anthropic-messages',
  path: '/v1/messages',
  request: chatRequestToAnthropic,
  response: anthropicResponseToChat,
  stream: createAnthropicToChatStream,
};

/** `outer` (client API -> chat) followed by `inner` (chat -> provider API), e.g. Responses -> Messages. */
function throughChat(outer: ApiTranslation, inner: ApiTranslation): ApiTranslation {
  const chatRequest = (request: JsonRecord): JsonRecord => {
    const translated = outer.request(request);
    return translated.ok ? translated.value : request;
  };
  return {
    from: outer.from,
    to: inner.to,
    path: inner.path,
    request(body) {
      const translated = outer.request(body);
      return translated.ok ? inner.request(translated.value) : translated;
    },
    response: (answer, request) => outer.response(inner.response(answer, chatRequest(request)), request),
    stream: (request) => chainTransforms(inner.stream(chatRequest(request)), outer.stream(request)),
  };
}

const responsesToAnthropic = throughChat(responsesToChat, chatToAnthropic);

/**
 * Decides how a request to `path` in `api` reaches `provider`: natively when the provider serves
 * that API; else translated: Anthropic Messages and OpenAI Responses to chat completions when
 * the provider serves chat, OpenAI chat (and Responses, through chat) to Anthropic Messages when
 * it serves only Messages; otherwise refused with a message (embeddings for an Anthropic provider;
 * Anthropic token counting for a non-Anthropic provider, which the router answers itself before
 * planning — by the provider's tokenizer or an estimate — so the refusal is only a safety net).
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
  if (provider.apis.has('anthropic-messages')) {
    if (api === 'openai-chat') return { kind: 'translate', translation: chatToAnthropic };
    if (api === 'openai-responses') return { kind: 'translate', translation: responsesToAnthropic };
  }
  return {
    kind: 'unsupported',
    message: `provider "${provider.id}" serves ${serves}; the router cannot translate ${api} requests to it`,
  };
}
