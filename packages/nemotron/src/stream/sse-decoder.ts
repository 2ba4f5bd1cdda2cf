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
  #data: string[] = [];
  #eventName = '';
  #sawCarriageReturnAtEnd = false;
  /** Number of comment lines (keep-alives) seen so far. */
  comments = 0;

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
    return events;
  }

  #line(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      if (this.#data.length > 0) {
        events.push({ event: this.#eventName || 'message', data: this.#data.join('\n') });
      }
      this.#data = [];
      this.#eventName = '';
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
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#eventName = value;
  }

  /** True when an event has been started (some `data:` lines) but not yet terminated. */
  get hasPendingEvent(): boolean {
    return this.#data.length > 0;
  }
}
