import { AuditError } from '../audit-error.js';
import type { JsonValue } from '../canonical-json.js';
import {
  createBaseEvent,
  type EventOptions,
  type OcsfClassIdentity,
  requireCount,
  withoutUndefined,
} from './base-event.js';
import { ActionId, DispositionId, SeverityId, StatusId } from './constants.js';
import { type EndpointInput, toOcsfEndpoint } from './inputs.js';
import type { InferenceActivityEvent, OcsfDataClassification } from './types.js';

const apiActivity: OcsfClassIdentity = {
  classUid: 6003,
  className: 'API Activity',
  categoryUid: 6,
  categoryName: 'Application Activity',
};

/** Where the privacy router sent a call. */
export type InferenceRoute = 'local' | 'cloud' | 'block';

/** Input of {@link buildInferenceActivityEvent}. Only names, types and counts: never content. */
export interface InferenceActivityInput extends EventOptions {
  /** The route chosen by the privacy router. */
  route: InferenceRoute;
  /** The provider key from the policy (e.g. `local`, `cloud`) and its kind. */
  provider: { name: string; kind: string };
  /** The model requested. */
  model: string;
  /** The API operation, e.g. `chat.completions` or `messages`. */
  operation: string;
  /** The policy rule that chose the route, e.g. `inference.rules[0]`. */
  rule?: string;
  /** Entity types detected in the request and how many of each, e.g. `{ CREDIT_CARD: 2 }`. */
  entityCounts?: Readonly<Record<string, number>>;
  /** How many values were replaced by reversible redaction before a cloud call. */
  redactedCount?: number;
  /** Token usage reported by the provider. */
  tokens?: { prompt?: number; completion?: number };
  /** The HTTP status the provider answered with. */
  responseCode?: number;
  /** End-to-end latency in milliseconds. */
  latencyMs?: number;
  /** The caller (the sandbox bridge address). */
  source: EndpointInput;
  /** The provider endpoint (host and port, never a URL with a key). */
  destination?: EndpointInput;
  /** Why the call was blocked or failed. */
  reason?: string;
}

const entityTypePattern = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * Builds an API Activity event (6003, activity 1 Create) for an inference call through the privacy
 * router. Detected entities are recorded as types and counts in
 * `resources[].data_classifications[].discovery_details` (OCSF's place for "what was found, how
 * often"); the model and token counts use the AI Operation profile (`ai_model`,
 * `message_context`). There is no field for prompt or completion text: builders accept counts only,
 * and entity types must be UPPER_SNAKE identifiers so a value cannot pass for a type.
 */
export function buildInferenceActivityEvent(input: InferenceActivityInput): InferenceActivityEvent {
  const blocked = input.route === 'block';
  const failed = !blocked && input.responseCode !== undefined && input.responseCode >= 400;
  const details: Array<{ type: string; count: number }> = [];
  let total = 0;
  for (const [type, count] of Object.entries(input.entityCounts ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!entityTypePattern.test(type)) {
      throw new AuditError(
        'INVALID_EVENT_INPUT',
        'entity types must be UPPER_SNAKE identifiers such as CREDIT_CARD (values are never recorded)',
      );
    }
    details.push({ type, count: requireCount(`entityCounts.${type}`, count) });
    total += count;
  }
  const redacted =
    input.redactedCount === undefined ? undefined : requireCount('redactedCount', input.redactedCount);
  const classification: OcsfDataClassification | undefined =
    details.length === 0
      ? undefined
      : {
          category_id: 99,
          classifier_details: { type: 'nemoclaw-privacy-router', name: 'NemoClaw privacy router' },
          discovery_details: details,
          total,
        };
  const base = createBaseEvent(
    {
      identity: apiActivity,
      activityId: 1,
      activityName: 'Create',
      severityId: blocked ? SeverityId.Medium : SeverityId.Informational,
      statusId: blocked || failed ? StatusId.Failure : StatusId.Success,
      statusDetail: input.reason,
      statusCode: input.responseCode === undefined ? undefined : String(input.responseCode),
      actionId: blocked
        ? ActionId.Denied
        : redacted !== undefined && redacted > 0
          ? ActionId.Modified
          : ActionId.Allowed,
      dispositionId: blocked
        ? DispositionId.Blocked
        : redacted !== undefined && redacted > 0
          ? DispositionId.Corrected
          : DispositionId.Allowed,
      policy: input.rule === undefined ? undefined : { name: input.rule, desc: `route: ${input.route}` },
      profiles:
        classification === undefined
          ? ['ai_operation', 'security_control']
          : ['ai_operation', 'data_classification', 'security_control'],
    },
    input,
  );
  const prompt =
    input.tokens?.prompt === undefined ? undefined : requireCount('tokens.prompt', input.tokens.prompt);
  const completion =
    input.tokens?.completion === undefined
      ? undefined
      : requireCount('tokens.completion', input.tokens.completion);
  return withoutUndefined({
    ...base,
    class_uid: 6003,
    actor: { app_name: 'nemoclaw-privacy-router' },
    api: { operation: input.operation, service: { name: input.provider.name } },
    src_endpoint: toOcsfEndpoint('source', input.source),
    dst_endpoint:
      input.destination === undefined ? undefined : toOcsfEndpoint('destination', input.destination),
    http_response:
      input.responseCode === undefined
        ? undefined
        : {
            code: input.responseCode,
            latency: input.latencyMs === undefined ? undefined : requireCount('latencyMs', input.latencyMs),
          },
    resources: [
      {
        type: 'inference_request',
        name: input.model,
        data_classifications: classification === undefined ? undefined : [classification],
      },
    ],
    ai_model: { name: input.model, ai_provider: input.provider.kind },
    message_context: {
      service: { name: input.provider.name },
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens:
        prompt === undefined && completion === undefined ? undefined : (prompt ?? 0) + (completion ?? 0),
    },
    unmapped: unmappedFields(input.route, redacted),
  });
}

function unmappedFields(route: InferenceRoute, redacted: number | undefined): { [key: string]: JsonValue } {
  const fields: { [key: string]: JsonValue } = { route };
  if (redacted !== undefined) fields.redacted_count = redacted;
  return fields;
}
