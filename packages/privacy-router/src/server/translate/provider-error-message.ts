import { isRecord } from './translation-result.js';

const maximumLength = 500;

/**
 * The human-readable message of a provider's error body, whatever its API: OpenAI and Anthropic
 * `error.message`, vLLM/FastAPI `message` or `detail`, else the start of the text itself.
 */
export function providerErrorMessage(body: string): string {
  let message: string | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed)) {
      const error = parsed.error;
      if (isRecord(error) && typeof error.message === 'string') message = error.message;
      else if (typeof error === 'string') message = error;
      else if (typeof parsed.message === 'string') message = parsed.message;
      else if (typeof parsed.detail === 'string') message = parsed.detail;
      else if (parsed.detail !== undefined) message = JSON.stringify(parsed.detail);
    }
  } catch {
    message = undefined;
  }
  const text = (message ?? body).replace(/\s+/g, ' ').trim();
  if (text === '') return 'no error message';
  return text.length > maximumLength ? `${text.slice(0, maximumLength)}...` : text;
}
