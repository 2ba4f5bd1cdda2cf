import { connect, type OnReadOpts, type Socket } from 'node:net';
import type { AddressClassification } from './address-classification.js';

/**
 * A one-shot cancellation for a dial (the client went away). Lighter than an AbortController,
 * which costs measurably per tunnel; one listener at a time is all a sequential dial needs.
 */
export class DialCancellation {
  private cancelled = false;
  private listener: (() => void) | null = null;

  /** Whether {@link DialCancellation.cancel} was called. */
  get aborted(): boolean {
    return this.cancelled;
  }

  /** Cancels the dial in progress (and any later one). */
  cancel(): void {
    if (!this.cancelled) {
      this.cancelled = true;
      const listener = this.listener;
      this.listener = null;
      listener?.();
    }
  }

  /** Sets the listener called on cancellation (replacing any previous one); null clears it. */
  onCancel(listener: (() => void) | null): void {
    this.listener = listener;
  }
}

/** Outcome of dialling an upstream. */
export type DialResult =
  | { readonly ok: true; readonly socket: Socket; readonly address: string }
  | { readonly ok: false; readonly timedOut: boolean; readonly reason: string };

/**
 * Connects to the first reachable address of `addresses` (already SSRF-checked), in order, within
 * one overall `timeoutMilliseconds` budget. Only these exact addresses are dialled: no name is
 * resolved again (no DNS rebinding window).
 *
 * @param abort - cancels the attempt (the client went away)
 * @param onread - read the socket into a caller-managed buffer (a tunnel's `UpstreamReader`)
 */
export async function dialUpstream(
  addresses: readonly AddressClassification[],
  port: number,
  timeoutMilliseconds: number,
  abort: DialCancellation,
  onread?: OnReadOpts,
): Promise<DialResult> {
  const deadline = performance.now() + timeoutMilliseconds;
  let lastReason = 'no address';
  for (const candidate of addresses) {
    const remaining = deadline - performance.now();
    if (remaining <= 0 || abort.aborted) {
      break;
    }
    const outcome = await new Promise<DialResult>((resolve) => {
      const socket = connect({
        host: candidate.dialAddress,
        port,
        family: candidate.family,
        noDelay: true,
        ...(onread === undefined ? {} : { onread }),
      });
      const finish = (result: DialResult) => {
        clearTimeout(timer);
        abort.onCancel(null);
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
      abort.onCancel(onAbort);
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
