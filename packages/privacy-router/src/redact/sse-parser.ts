/** One server-sent event. */
export interface ServerSentEvent {
  /** The `event:` field, if any. */
  event?: string | undefined;
  /** The `data:` lines joined with `\n` (undefined when the block had no data line). */
  data?: string | undefined;
  /** Other lines of the block (comments, `id:`, `retry:`), kept verbatim. */
  other: string[];
}

/**
 * An incremental parser of `text/event-stream` text: push decoded text, get the complete events;
 * a partial event waits for the rest.
 */
export class ServerSentEventParser {
  #buffer = '';

  /** Adds text; returns the events completed by it. */
  push(text: string): ServerSentEvent[] {
    this.#buffer += text;
    if (this.#buffer.includes('\r')) {
      const keepCarriageReturn = this.#buffer.endsWith('\r');
      const body = keepCarriageReturn ? this.#buffer.slice(0, -1) : this.#buffer;
      this.#buffer = body.replace(/\r\n?/g, '\n') + (keepCarriageReturn ? '\r' : '');
    }
    const events: ServerSentEvent[] = [];
    let boundary = this.#buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const block = this.#buffer.slice(0, boundary);
      this.#buffer = this.#buffer.slice(boundary + 2);
      const event = parseBlock(block);
      if (event !== undefined) events.push(event);
      boundary = this.#buffer.indexOf('\n\n');
    }
    return events;
  }

  /** The unterminated remainder at the end of the stream (returned as an event if it has data). */
  end(): ServerSentEvent[] {
    const rest = this.#buffer.replace(/\r$/, '');
    this.#buffer = '';
    const event = rest.trim() === '' ? undefined : parseBlock(rest);
    return event === undefined ? [] : [event];
  }
}

function parseBlock(block: string): ServerSentEvent | undefined {
  if (block === '') return undefined;
  const event: ServerSentEvent = { other: [] };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event.event = value;
    else event.other.push(line);
  }
  if (data.length > 0) event.data = data.join('\n');
  return event;
}

/** Serialises an event back to `text/event-stream` text, blank line included. */
export function formatServerSentEvent(event: ServerSentEvent): string {
  let text = '';
  for (const line of event.other) text += `${line}\n`;
  if (event.event !== undefined) text += `event: ${event.event}\n`;
  if (event.data !== undefined) for (const line of event.data.split('\n')) text += `data: ${line}\n`;
  return `${text}\n`;
}

/** The event's `data` parsed as a JSON object; undefined when it has none, is not JSON, or is not an object. */
export function parseEventData(event: ServerSentEvent): Record<string, unknown> | undefined {
  if (event.data === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(event.data);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
