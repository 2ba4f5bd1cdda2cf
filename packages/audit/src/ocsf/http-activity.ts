import { isIP } from 'node:net';
import { AuditError } from '../audit-error.js';
import { redactSecrets } from '../redaction-guard.js';
import {
  createBaseEvent,
  type EventOptions,
  type OcsfClassIdentity,
  requirePort,
  withoutUndefined,
} from './base-event.js';
import { ActionId, DispositionId, SeverityId, StatusId } from './constants.js';
import { type EndpointInput, type ProcessInput, toOcsfEndpoint, toOcsfProcess } from './inputs.js';
import type { HttpActivityEvent, OcsfPolicy } from './types.js';

const httpActivity: OcsfClassIdentity = {
  classUid: 4002,
  className: 'HTTP Activity',
  categoryUid: 4,
  categoryName: 'Network Activity',
};

/** HTTP methods with their OCSF 1.8 activity ids; any other method is recorded as Other (99). */
const methodActivities: Readonly<Record<string, { id: number; name: string }>> = {
  CONNECT: { id: 1, name: 'Connect' },
  DELETE: { id: 2, name: 'Delete' },
  GET: { id: 3, name: 'Get' },
  HEAD: { id: 4, name: 'Head' },
  OPTIONS: { id: 5, name: 'Options' },
  POST: { id: 6, name: 'Post' },
  PUT: { id: 7, name: 'Put' },
  TRACE: { id: 8, name: 'Trace' },
  PATCH: { id: 9, name: 'Patch' },
};

/** The proxy's decision: allowed, denied, or allowed only because the policy is in audit mode. */
export type HttpDecision = 'allow' | 'deny' | 'audit';

/** Input of {@link buildHttpActivityEvent}. */
export interface HttpActivityInput extends EventOptions {
  /** The request method, e.g. `CONNECT` or `GET`. */
  method: string;
  /** Scheme of the request (`https` for CONNECT tunnels). */
  scheme: 'http' | 'https';
  /** Target host name or IP literal as requested. */
  host: string;
  port: number;
  /** Request path for plain HTTP (the query string is never recorded). */
  path?: string;
  decision: HttpDecision;
  /** The rule that decided, e.g. `network_policies.github`, or `default-deny`. */
  policy?: OcsfPolicy;
  /** Why it was denied (also sent to the client in the 403). */
  reason?: string;
  /** The status the proxy answered with (403 on denial). */
  responseCode?: number;
  source?: EndpointInput;
  /** The resolved address that was dialed, when allowed. */
  resolvedAddress?: string;
  /** The executable inside the sandbox that made the request, when attributed. */
  binary?: ProcessInput;
}

/**
 * Builds an HTTP Activity event (4002) for a proxy decision. The activity is the method (Connect,
 * Get, ...); `action_id`/`disposition_id` carry the decision (Allowed/Allowed, Denied/Blocked, or
 * for audit mode Allowed/Logged with `is_alert`). Query strings are dropped and the path is masked
 * for secret-looking segments.
 */
export function buildHttpActivityEvent(input: HttpActivityInput): HttpActivityEvent {
  const method = input.method.toUpperCase();
  if (!/^[A-Z][A-Z-]{0,31}$/.test(method)) {
    throw new AuditError('INVALID_EVENT_INPUT', `"${input.method}" is not an HTTP method`);
  }
  const activity = methodActivities[method] ?? { id: 99, name: 'Other' };
  const port = requirePort('port', input.port);
  const denied = input.decision === 'deny';
  const profiles = ['security_control'];
  if (input.binary !== undefined) profiles.push('host');
  const base = createBaseEvent(
    {
      identity: httpActivity,
      activityId: activity.id,
      activityName: activity.name,
      severityId: denied
        ? SeverityId.Medium
        : input.decision === 'audit'
          ? SeverityId.Low
          : SeverityId.Informational,
      statusId: denied ? StatusId.Failure : StatusId.Success,
      statusDetail: input.reason,
      statusCode: input.responseCode === undefined ? undefined : String(input.responseCode),
      actionId: denied ? ActionId.Denied : ActionId.Allowed,
      dispositionId: denied
        ? DispositionId.Blocked
        : input.decision === 'audit'
          ? DispositionId.Logged
          : DispositionId.Allowed,
      policy: input.policy,
      profiles,
    },
    input,
  );
  const path = input.path === undefined ? undefined : redactSecrets(input.path.split('?')[0] ?? '');
  const urlString = `${input.scheme}://${input.host.includes(':') ? `[${input.host}]` : input.host}:${port}${path ?? ''}`;
  return withoutUndefined({
    ...base,
    class_uid: 4002,
    is_alert: input.decision === 'audit' ? true : undefined,
    actor: input.binary === undefined ? undefined : { process: toOcsfProcess(input.binary, input.sandbox) },
    src_endpoint: input.source === undefined ? undefined : toOcsfEndpoint('source', input.source),
    dst_endpoint: toOcsfEndpoint(
      'destination',
      isIP(input.host) === 0
        ? { hostname: input.host, port, ip: input.resolvedAddress }
        : { ip: input.host, port },
    ),
    http_request: {
      http_method: method,
      url: {
        scheme: input.scheme,
        hostname: input.host,
        port,
        path: path ?? (method === 'CONNECT' ? undefined : '/'),
        url_string: urlString,
      },
    },
    http_response: input.responseCode === undefined ? undefined : { code: input.responseCode },
    http_status: input.responseCode,
  });
}
