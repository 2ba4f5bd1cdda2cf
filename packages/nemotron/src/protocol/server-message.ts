/**
 * Finds the human-readable message in an error body, whichever server wrote it:
 * - OpenAI style (NVIDIA API, newer vLLM, Ollama `/v1`): `{"error": {"message": "..."}}`
 * - vLLM / NIM: `{"object": "error", "message": "...", "type": "...", "code": 400}`
 * - NVIDIA Cloud Functions: `{"status": 422, "title": "...", "detail": "..."}`
 * - Ollama native: `{"error": "..."}`
 * - FastAPI validation: `{"detail": "..."}` or `{"detail": [{"msg": "..."}]}`
 * Falls back to the start of the raw body. Never longer than 500 characters.
 */
export function extractServerMessage(rawBody: string): string | undefined {
  const trimmed = rawBody.trim();
  if (trimmed.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return clip(trimmed);
  }
  const message = messageOf(parsed);
  return clip(message ?? trimmed);
}

function clip(text: string): string {
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const error = body.error;
  if (typeof error === 'string' && error.length > 0) return error;
  if (isRecord(error) && typeof error.message === 'string') return error.message;
  if (typeof body.message === 'string' && body.message.length > 0) return body.message;
  if (typeof body.detail === 'string' && body.detail.length > 0) {
    return typeof body.title === 'string' ? `${body.title}: ${body.detail}` : body.detail;
  }
  if (Array.isArray(body.detail)) {
    const messages = body.detail
      .map((item) => (isRecord(item) && typeof item.msg === 'string' ? item.msg : undefined))
      .filter((item): item is string => item !== undefined);
    if (messages.length > 0) return messages.join('; ');
  }
  if (typeof body.title === 'string') return body.title;
  return undefined;
}

/**
 * True when a parsed stream chunk is an error report rather than data (servers that fail after
 * the stream has started send `data: {"error": ...}`, `data: {"object": "error", ...}` or, on
 * NVIDIA Cloud Functions, problem details with `status` and `title`/`detail`).
 */
export function isErrorPayload(body: unknown): boolean {
  if (!isRecord(body)) return false;
  if (body.error !== undefined || body.object === 'error') return true;
  // NVIDIA Cloud Functions problem details: {"status": 500, "title": "...", "detail": "..."}.
  return (
    body.choices === undefined &&
    typeof body.status === 'number' &&
    (typeof body.title === 'string' || typeof body.detail === 'string')
  );
}

/** The message of an in-stream error payload (see {@link isErrorPayload}). */
export function errorPayloadMessage(body: unknown): string {
  return messageOf(body) ?? 'the server reported an error without a message';
}
