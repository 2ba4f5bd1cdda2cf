import type { ServerResponse } from 'node:http';

/** The error format a client expects: OpenAI's error object or Anthropic's. */
export type ErrorFormat = 'openai' | 'anthropic';

/** Codes of the errors the router itself answers with (in `error.code`). */
export type RouterErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'request_too_large'
  | 'unknown_route'
  | 'method_not_allowed'
  | 'blocked_by_policy'
  | 'local_model_unavailable'
  | 'provider_credentials_missing'
  | 'upstream_unreachable'
  | 'upstream_connect_timeout'
  | 'upstream_timeout'
  | 'upstream_idle_timeout'
  | 'upstream_error'
  | 'upstream_response_too_large'
  | 'upstream_status'
  | 'unsupported_content'
  | 'provider_api_unsupported'
  | 'router_closing';

function openaiType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status < 500) return 'invalid_request_error';
  return 'server_error';
}

function anthropicType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 503) return 'overloaded_error';
  if (status < 500) return 'invalid_request_error';
  return 'api_error';
}

/**
 * The error body in the client's format: OpenAI `{error: {message, type, param, code}}`, Anthropic
 * `{type: "error", error: {type, message}}` (plus `code`, which Anthropic clients ignore).
 */
export function errorBody(
  format: ErrorFormat,
  status: number,
  code: RouterErrorCode,
  message: string,
): string {
  if (format === 'anthropic') {
    return JSON.stringify({ type: 'error', error: { type: anthropicType(status), message, code } });
  }
  return JSON.stringify({ error: { message, type: openaiType(status), param: null, code } });
}

/** Answers `response` with an error in the client's format (if headers were not sent yet). */
export function sendError(
  response: ServerResponse,
  format: ErrorFormat,
  status: number,
  code: RouterErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = errorBody(format, status, code, message);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

/** An error as a server-sent event, to end a stream that already started (idle upstream ...). */
export function streamErrorEvent(format: ErrorFormat, code: RouterErrorCode, message: string): string {
  if (format === 'anthropic') {
    return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message, code } })}\n\n`;
  }
  return `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code } })}\n\n`;
}
