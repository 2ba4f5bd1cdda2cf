import { buildInferenceActivityEvent, type InferenceActivityEvent } from '@nemoclaw/audit';
import type { RouteDecisionEvent } from './decision-event.js';

const operations: Record<RouteDecisionEvent['api'], string> = {
  'openai-chat': 'chat.completions',
  'openai-responses': 'responses',
  'openai-embeddings': 'embeddings',
  'anthropic-messages': 'messages',
};

/** Options of {@link decisionToOcsfEvent}. */
export interface DecisionOcsfOptions {
  /** The sandbox the router serves, recorded as the event's `sandbox` tag. */
  sandbox?: string | undefined;
}

/**
 * Turns a router decision into an OCSF API Activity (6003) event with `@nemoclaw/audit`: route,
 * provider, rule, entity types and counts (TERM lists folded into `TERM`), redaction count,
 * API translation (in `api.operation`, e.g. `messages->chat.completions`), status and latency — never a value, prompt or key.
 */
export function decisionToOcsfEvent(
  event: RouteDecisionEvent,
  options: DecisionOcsfOptions = {},
): InferenceActivityEvent {
  const entityCounts: Record<string, number> = {};
  for (const [key, count] of Object.entries(event.reason.entities)) {
    const type = key.startsWith('TERM:') ? 'TERM' : key;
    entityCounts[type] = (entityCounts[type] ?? 0) + count;
  }
  const rule =
    event.reason.rule !== null
      ? `inference.rules[${event.reason.rule}]`
      : event.reason.basis === 'default'
        ? 'inference.default_route'
        : undefined;
  const [hostname, port] = splitHost(event.provider?.host);
  return buildInferenceActivityEvent({
    time: Date.parse(event.time),
    ...(options.sandbox === undefined ? {} : { sandbox: options.sandbox }),
    correlationUid: event.requestId,
    route: event.route === 'block' ? 'block' : event.provider?.local === true ? 'local' : 'cloud',
    provider: { name: event.provider?.id ?? 'block', kind: event.provider?.kind ?? 'none' },
    model: event.model,
    // A translated call names both APIs, e.g. `messages->chat.completions`.
    // A token count answered without Anthropic Messages: by the provider's tokenizer, or estimated.
    operation:
      event.tokenCount === 'tokenizer'
        ? 'messages.count_tokens->tokenize'
        : event.tokenCount === 'estimated'
          ? 'messages.count_tokens'
          : event.translation === undefined
            ? operations[event.api]
            : `${operations[event.translation.from]}->${operations[event.translation.to]}`,
    ...(rule === undefined ? {} : { rule }),
    entityCounts,
    redactedCount: event.redactedValues,
    ...(event.status === 0 ? {} : { responseCode: event.status }),
    latencyMs: Math.round(event.durationMs),
    source: { ip: event.client.ip, ...(event.client.port > 0 ? { port: event.client.port } : {}) },
    ...(hostname === undefined ? {} : { destination: { hostname, ...(port === undefined ? {} : { port }) } }),
    ...(event.outcome === 'forwarded' ? {} : { reason: `${event.outcome}: ${event.reasonText}` }),
  });
}

function splitHost(host: string | undefined): [string | undefined, number | undefined] {
  if (host === undefined) return [undefined, undefined];
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (match === null) return [host, undefined];
  return [match[1], match[2] === undefined ? undefined : Number(match[2])];
}
