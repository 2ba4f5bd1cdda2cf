import { NemotronError } from '../errors.js';

/** Default cap on one event (or one unterminated line): 16 MiB of text. */
export const defaultMaxEventLength = 16 * 1024 * 1024;

/** One Server-Sent Event, as dispatched by {@link SseDecoder}. */
export interface SseEvent {
  /** The `event:` field, or `message` when absent. */
  readonly event: string;
  /** The `data:` lines of the event, joined with `\n`. */
  readonly data: string;
}

/**
 * An incremental Server-Sent Events decoder (the WHATWG event-stream algorithm) that takes raw
 * bytes in whatever pieces the network delivers: a piece may end in the middle of a line, of a
 * `\r\n` pair or of a multi-byte UTF-8 character. Comment lines (`: ping`) are counted and
 * skipped; `id` and `retry` fields are ignored (a client of a one-shot completion never
 * reconnects).
 */
export class SseDecoder {
  readonly #textDecoder = new TextDecoder('utf-8', { fatal: false });
  #buffer = '';
  // The data of the event being built: most events have one data line, kept without an array.
  #data: string | undefined;
  #moreData: string[] | undefined;
  #eventName = '';
  #sawCarriageReturnAtEnd = false;
  #dataLength = 0;
  readonly #maxEventLength: number;
  /** Number of comment lines (keep-alives) seen so far. */
  comments = 0;

  /**
   * @param maxEventLength - longest event (or pending line) accepted, in characters; a server
   *   that sends more without ending it fails with `MALFORMED_RESPONSE` instead of exhausting memory
   */
  constructor(maxEventLength: number = defaultMaxEventLength) {
    this.#maxEventLength = maxEventLength;
  }

  /** Decodes `bytes` and returns the events completed by them (possibly none). */
  push(bytes: Uint8Array): SseEvent[] {
    return this.#consume(this.#textDecoder.decode(bytes, { stream: true }), false);
  }

  /** Flushes the decoder at the end of the body; returns events completed by the final bytes. */
  end(): SseEvent[] {
    return this.#consume(this.#textDecoder.decode(), true);
  }

  #consume(text: string, final: boolean): SseEvent[] {
    let buffer = this.#buffer + text;
    const events: SseEvent[] = [];
    let start = 0;
    if (this.#sawCarriageReturnAtEnd && buffer.charCodeAt(0) === 10) start = 1;
    this.#sawCarriageReturnAtEnd = false;
    if (start === 0 && buffer.indexOf('\r') === -1) {
      // Fast path (almost every server): LF-only line endings, split natively.
      const lines = buffer.split('\n');
      const rest = lines.pop() ?? '';
      for (const line of lines) this.#line(line, events);
      if (final && rest.length > 0) this.#line(rest, events);
      this.#buffer = final ? '' : rest;
      this.#checkPending();
      return events;
    }
    const length = buffer.length;
    // Searched once and then only when passed, so a chunk without `\r` is scanned once (not per line).
    let carriage = buffer.indexOf('\r', start);
    while (start < length) {
      let end = buffer.indexOf('\n', start);
      if (carriage !== -1 && carriage < start) carriage = buffer.indexOf('\r', start);
      if (carriage !== -1 && (end === -1 || carriage < end)) end = carriage;
      if (end === -1) break;
      const line = buffer.slice(start, end);
      if (buffer.charCodeAt(end) === 13) {
        if (end + 1 < length) {
          start = buffer.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
        } else {
          start = end + 1;
          this.#sawCarriageReturnAtEnd = true;
        }
      } else {
        start = end + 1;
      }
      this.#line(line, events);
    }
    buffer = start === 0 ? buffer : buffer.slice(start);
    if (final) {
      // An unterminated last line still counts as a line; an unterminated event is dropped (spec).
      if (buffer.length > 0) this.#line(buffer, events);
      buffer = '';
    }
    this.#buffer = buffer;
    this.#checkPending();
    return events;
  }

  #checkPending(): void {
    if (this.#buffer.length + this.#dataLength > this.#maxEventLength) {
      throw new NemotronError(
        'MALFORMED_RESPONSE',
        `the stream sent an event longer than ${this.#maxEventLength} characters without ending it`,
      );
    }
  }

  #line(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      if (this.#data !== undefined) {
        const data = this.#moreData === undefined ? this.#data : [this.#data, ...this.#moreData].join('\n');
        events.push({ event: this.#eventName || 'message', data });
      }
      this.#data = undefined;
      this.#moreData = undefined;
      this.#dataLength = 0;
      this.#eventName = '';
      return;
    }
    if (line.startsWith('data: ')) {
      this.#addData(line.slice(6));
      return;
    }
    if (line.charCodeAt(0) === 58) {
      this.comments += 1;
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.#addData(value);
    else if (field === 'event') this.#eventName = value;
  }

  #addData(value: string): void {
    this.#dataLength += value.length + 1;
    if (this.#data === undefined) this.#data = value;
    else if (this.#moreData === undefined) this.#moreData = [value];
    else this.#moreData.push(value);
  }

  /** True when an event has been started (some `data:` lines) but not yet terminated. */
  get hasPendingEvent(): boolean {
    return this.#data !== undefined;
  }
}
