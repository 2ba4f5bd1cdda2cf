import { type ServerResponse, STATUS_CODES } from 'node:http';
import { printable } from './host-name.js';

/** The response header that names why the proxy refused a request. */
export const denyReasonHeader = 'x-nemoclaw-deny-reason';

function body(status: number, reason: string): string {
  const title =
    status === 403 ? 'Forbidden by the NemoClaw egress policy' : (STATUS_CODES[status] ?? 'Error');
  const hint =
    status === 403
      ? "To allow it, add the destination to the sandbox's network_policies (nemoclaw policy apply)."
      : 'The NemoClaw egress proxy could not complete this request.';
  return `${status} ${title}\nreason: ${reason}\n${hint}\n`;
}

/**
 * A complete raw HTTP/1.1 error response (for CONNECT and protocol errors, written straight to
 * the socket), always with `Connection: close`.
 *
 * @param status - the status code
 * @param reason - the reason, echoed in `x-nemoclaw-deny-reason` and the body (made printable)
 */
export function rawErrorResponse(status: number, reason: string): string {
  const safeReason = printable(reason);
  const text = body(status, safeReason);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    `${denyReasonHeader}: ${safeReason}\r\n` +
    'content-type: text/plain; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(text)}\r\n` +
    'connection: close\r\n\r\n' +
    text
  );
}

/**
 * Sends an error through a `ServerResponse` (absolute-form HTTP), keeping the client connection
 * open for the next request unless `close` is set.
 */
export function sendErrorResponse(
  response: ServerResponse,
  status: number,
  reason: string,
  close: boolean,
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const safeReason = printable(reason);
  const text = body(status, safeReason);
  response.shouldKeepAlive = response.shouldKeepAlive && !close;
  response.writeHead(status, {
    [denyReasonHeader]: safeReason,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  response.end(text);
}
