import { createConnection } from 'node:net';
import { SandboxError } from '../sandbox-error.js';
import type { ControlCommand, ControlResponse } from '../supervisor/control-protocol.js';

let nextRequestId = 1;

/**
 * Sends one request to a supervisor's control socket and resolves to its `result`.
 *
 * @throws {@link SandboxError} `sandbox-not-running` when nothing answers on the socket,
 * `sandbox-control-timeout` after `timeoutMs`, or the supervisor's own error code and message.
 */
export function sendControlRequest(
  socketPath: string,
  command: ControlCommand,
  timeoutMs = 10_000,
): Promise<unknown> {
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffered = '';
    let settled = false;
    const finish = (error: SandboxError | null, result?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error === null) resolve(result);
      else reject(error);
    };
    const timer = setTimeout(
      () =>
        finish(
          new SandboxError('sandbox-control-timeout', `the supervisor did not answer within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ ...command, id })}\n`));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end === -1) return;
      let response: ControlResponse;
      try {
        response = JSON.parse(buffered.slice(0, end)) as ControlResponse;
      } catch (error) {
        finish(
          new SandboxError('sandbox-control-protocol', 'the supervisor sent a malformed answer', {
            cause: error,
          }),
        );
        return;
      }
      if (response.ok) finish(null, response.result);
      else finish(new SandboxError(response.error.code, response.error.message));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      finish(
        new SandboxError(
          'sandbox-not-running',
          `no supervisor answers on ${socketPath} (${error.code ?? error.message})`,
          { cause: error },
        ),
      );
    });
    socket.on('close', () =>
      finish(
        new SandboxError(
          'sandbox-control-protocol',
          'the supervisor closed the connection without answering',
        ),
      ),
    );
  });
}
