import { connect, type Socket } from 'node:net';
import type { AddressClassification } from './address-classification.js';

/** Outcome of dialling an upstream. */
export type DialResult =
  | { readonly ok: true; readonly socket: Socket; readonly address: string }
  | { readonly ok: false; readonly timedOut: boolean; readonly reason: string };

/**
 * Connects to the first reachable address of `addresses` (already SSRF-checked), in order, within
 * one overall `timeoutMilliseconds` budget. Only these exact addresses are dialled: no name is
 * resolved again (no DNS rebinding window).
 *
 * @param abort - aborts the attempt (the client went away)
 */
export async function dialUpstream(
  addresses: readonly AddressClassification[],
  port: number,
  timeoutMilliseconds: number,
  abort: AbortSignal,
): Promise<DialResult> {
  const deadline = performance.now() + timeoutMilliseconds;
  let lastReason = 'no address';
  for (const candidate of addresses) {
    const remaining = deadline - performance.now();
    if (remaining <= 0 || abort.aborted) {
      break;
    }
    const outcome = await new Promise<DialResult>((resolve) => {
      const socket = connect({ host: candidate.dialAddress, port, family: candidate.family, noDelay: true });
      const finish = (result: DialResult) => {
        clearTimeout(timer);
        abort.removeEventListener('abort', onAbort);
        socket.removeListener('error', onError);
        socket.removeListener('connect', onConnect);
        resolve(result);
      };
      const onConnect = () => finish({ ok: true, socket, address: candidate.dialAddress });
      const onError = (error: NodeJS.ErrnoException) => {
        socket.destroy();
        finish({ ok: false, timedOut: false, reason: error.code ?? error.message });
      };
      const onAbort = () => {
        socket.destroy();
        finish({ ok: false, timedOut: false, reason: 'client closed' });
      };
      const timer = setTimeout(() => {
        socket.destroy();
        finish({ ok: false, timedOut: true, reason: 'timeout' });
      }, remaining);
      socket.once('connect', onConnect);
      socket.once('error', onError);
      abort.addEventListener('abort', onAbort, { once: true });
    });
    if (outcome.ok) {
      return outcome;
    }
    lastReason = `${candidate.dialAddress}: ${outcome.reason}`;
    if (outcome.timedOut) {
      return { ok: false, timedOut: true, reason: lastReason };
    }
  }
  const timedOut = performance.now() >= deadline;
  return { ok: false, timedOut, reason: timedOut ? `timeout (${lastReason})` : lastReason };
}
