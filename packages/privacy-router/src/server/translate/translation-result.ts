/** A JSON object. */
export type JsonRecord = Record<string, unknown>;

/** The outcome of translating a request: the translated body, or why it cannot be translated. */
export type TranslationResult = { ok: true; value: JsonRecord } | { ok: false; error: string };

/** True for a plain JSON object. */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Thrown inside a translator for content it cannot express; turned into a `TranslationResult`. */
export class UntranslatableContent extends Error {
  override readonly name = 'UntranslatableContent';
}

/** Runs `translate`, turning an {@link UntranslatableContent} into `{ ok: false }`. */
export function translating(translate: () => JsonRecord): TranslationResult {
  try {
    return { ok: true, value: translate() };
  } catch (error) {
    if (error instanceof UntranslatableContent) return { ok: false, error: error.message };
    throw error;
  }
}

/** Copies the listed fields of `from` that are present into `to` (under the same or a new name). */
export function copyFields(
  from: JsonRecord,
  to: JsonRecord,
  fields: ReadonlyArray<string | readonly [string, string]>,
): void {
  for (const field of fields) {
    const [source, target] = typeof field === 'string' ? [field, field] : field;
    if (from[source] !== undefined && from[source] !== null) to[target] = from[source];
  }
}

/** A JSON text of tool-call arguments parsed to an object (`{}` when empty or not an object). */
export function parseToolArguments(text: unknown): JsonRecord {
  if (typeof text !== 'string' || text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : { value: parsed };
  } catch {
    return { arguments: text };
  }
}

/**
 * A tool result with images, for a chat provider: a chat `tool` message carries text only, so the
 * images travel in the user message after the tool messages, behind a text part naming the call.
 * Returns the `tool` message's text (a pointer to the images when the result had no text) and the
 * parts for that user message (none without images).
 */
export function toolResultForChat(
  callId: string,
  text: string,
  images: readonly JsonRecord[],
): { text: string; imageParts: JsonRecord[] } {
  if (images.length === 0) return { text, imageParts: [] };
  const count = images.length === 1 ? 'image' : `${images.length} images`;
  return {
    text: text === '' ? `(the result is the ${count} in the next user message)` : text,
    imageParts: [{ type: 'text', text: `Result of tool call ${callId} (${count}):` }, ...images],
  };
}
