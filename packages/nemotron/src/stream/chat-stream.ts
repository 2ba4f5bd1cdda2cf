import type { Readable } from 'node:stream';
import { NemotronError } from '../errors.js';
import { type IdleWatchdog, mapTransportError, redactSecrets } from '../http/transport.js';
import type { ChatResult, ChatStreamEvent, FinishReason, Usage } from '../types.js';
import type { StreamDecoder } from './openai-stream-decoder.js';
import { ToolCallAssembler } from './tool-call-assembler.js';

/** Facts about the HTTP exchange behind a {@link ChatStream}. */
export interface ChatStreamSource {
  /** The response body. */
  readonly body: Readable;
  /** Idle-timeout watchdog of the body. */
  readonly watchdog: IdleWatchdog;
  /** Decoder for the server's stream format. */
  readonly decoder: StreamDecoder;
  /** The caller's signal (aborting it closes the connection). */
  readonly signal: AbortSignal | undefined;
  /** `METHOD url` for error messages. */
  readonly target: string;
  /** Server request id. */
  readonly requestId: string | undefined;
  /** Model asked for (reported in the collected result when the server does not say). */
  readonly model: string;
  /** Values (API keys) to blank out of in-stream error messages. */
  readonly secrets: readonly string[];
}

/**
 * A streamed chat answer: an async iterator of typed {@link ChatStreamEvent}s, read once.
 * Leaving the loop early (`break`, `return`, an exception), calling {@link ChatStream.cancel} or
 * aborting the request's signal closes the upstream connection, which stops generation on the
 * server. Failures after the stream started are never retried: they end the loop with a
 * {@link NemotronError} (`STREAM_INTERRUPTED`, `STREAM_ERROR`, `IDLE_TIMEOUT`, `ABORTED`,
 * `MALFORMED_RESPONSE`).
 */
export class ChatStream implements AsyncIterableIterator<ChatStreamEvent> {
  /** Server request id (`x-request-id` / `nvcf-reqid`), when sent. */
  readonly requestId: string | undefined;
  readonly #source: ChatStreamSource;
  readonly #chunks: AsyncIterator<Buffer>;
  #queue: ChatStreamEvent[] = [];
  #queueIndex = 0;
  #finished = false;
  #started = false;

  /** @internal Created by the client once response headers arrived. */
  constructor(source: ChatStreamSource) {
    this.#source = source;
    this.requestId = source.requestId;
    this.#chunks = source.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ChatStreamEvent> {
    if (this.#started) throw new NemotronError('INVALID_OPTION', 'a ChatStream can be read only once');
    this.#started = true;
    return this;
  }

  /** Next event, or done at the end of the answer. */
  async next(): Promise<IteratorResult<ChatStreamEvent, undefined>> {
    for (;;) {
      if (this.#queueIndex < this.#queue.length) {
        const value = this.#queue[this.#queueIndex] as ChatStreamEvent;
        this.#queueIndex += 1;
        return { value, done: false };
      }
      if (this.#finished) return { value: undefined, done: true };
      let step: IteratorResult<Buffer>;
      const watchdog = this.#source.watchdog;
      watchdog.resume();
      try {
        step = await this.#chunks.next();
      } catch (error) {
        this.#close();
        throw this.#withRequestId(
          watchdog.fired ?? mapTransportError(error, this.#source.signal, this.#source.target, 'body'),
        );
      }
      // Time the consumer spends on what it got is not server silence.
      watchdog.pause();
      try {
        if (step.done === true) {
          this.#finished = true;
          this.#queue = this.#source.decoder.end();
        } else {
          this.#queue = this.#source.decoder.push(step.value);
        }
        this.#queueIndex = 0;
      } catch (error) {
        this.#close();
        throw this.#withRequestId(error);
      }
    }
  }

  /** Called when a `for await` loop exits early: closes the connection. */
  async return(): Promise<IteratorResult<ChatStreamEvent, undefined>> {
    this.#close();
    return { value: undefined, done: true };
  }

  /** Stops reading and closes the upstream connection. Safe to call more than once. */
  cancel(): void {
    this.#close();
  }

  /** Reads the rest of the stream and assembles it into one {@link ChatResult}. */
  async collect(): Promise<ChatResult> {
    const content: string[] = [];
    const reasoning: string[] = [];
    const tools = new ToolCallAssembler();
    let finishReason: FinishReason | null = null;
    let usage: Usage | undefined;
    for await (const event of this) {
      switch (event.type) {
        case 'content':
          content.push(event.text);
          break;
        case 'reasoning':
          reasoning.push(event.text);
          break;
        case 'tool-call':
          tools.push(event);
          break;
        case 'finish':
          finishReason = event.finishReason;
          break;
        case 'usage':
          usage = event.usage;
          break;
      }
    }
    return {
      id: this.#source.decoder.responseId,
      model: this.#source.model,
      content: content.join(''),
      reasoning: reasoning.join(''),
      toolCalls: tools.toolCalls,
      finishReason,
      usage,
      requestId: this.requestId,
    };
  }

  #close(): void {
    this.#finished = true;
    this.#queue = [];
    this.#queueIndex = 0;
    this.#source.watchdog.stop();
    if (!this.#source.body.destroyed) this.#source.body.destroy();
  }

  /** Adds the request id and blanks out secrets the server may have echoed. */
  #withRequestId(error: unknown): unknown {
    if (!(error instanceof NemotronError)) return error;
    const secrets = this.#source.secrets;
    const addId = error.requestId === undefined && this.requestId !== undefined;
    const message = redactSecrets(
      addId ? `${error.message} (request id ${this.requestId})` : error.message,
      secrets,
    );
    const serverMessage =
      error.serverMessage === undefined ? undefined : redactSecrets(error.serverMessage, secrets);
    if (!addId && message === error.message && serverMessage === error.serverMessage) return error;
    return new NemotronError(error.code, message, {
      cause: error.cause,
      status: error.status,
      requestId: error.requestId ?? this.requestId,
      serverMessage,
    });
  }
}
