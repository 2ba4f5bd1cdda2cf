/**
 * A local estimate of the input tokens of an Anthropic Messages request, for
 * `POST /v1/messages/count_tokens` when the provider has no tokenizer endpoint. It is an estimate
 * (Claude's tokenizer is not public), computed from the request alone, and meant to lean high:
 * agents use the count to decide when to compact a conversation, and compacting a little early is
 * harmless where overflowing the context window is not.
 */

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Tokens every message costs beyond its content (role and turn markers). */
export const messageOverheadTokens = 3;
/** Tokens the tool-use system prompt adds when tools are given (Anthropic documents 313-346). */
export const toolUseSystemPromptTokens = 346;
/** An image whose size is unknown: Anthropic's cost of the largest image it does not downscale. */
export const unknownImageTokens = 1600;
/** A PDF page: Anthropic documents 1 500-3 000 tokens per page (text plus page image). */
export const pdfPageTokens = 3000;

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/**
 * Tokens of a text: a run of ASCII letters costs one token per 5 letters (rounded up: common words
 * are one token), a run of digits one per 3 digits (tokenizers split numbers into groups of up to
 * three), other ASCII characters one each (punctuation and symbols), whitespace nothing after a
 * single space (it joins the next word) and one per longer run or line break, and every other
 * character one each (non-Latin scripts take about a token per character).
 */
export function estimateTextTokens(text: string): number {
  let tokens = 0;
  let index = 0;
  const length = text.length;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (isAsciiLetter(code) || isDigit(code)) {
      const letters = isAsciiLetter(code);
      let end = index + 1;
      while (end < length && (letters ? isAsciiLetter : isDigit)(text.charCodeAt(end))) end++;
      tokens += Math.ceil((end - index) / (letters ? 5 : 3));
      index = end;
      continue;
    }
    if (isWhitespace(code)) {
      let end = index + 1;
      while (end < length && isWhitespace(text.charCodeAt(end))) end++;
      if (end - index > 1 || code !== 32) tokens++;
      index = end;
      continue;
    }
    tokens++;
    // A surrogate pair is one character.
    index += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
  }
  return tokens;
}

/** Width and height from the first bytes of a PNG, GIF or JPEG, if recognisable. */
export function imageDimensions(bytes: Buffer): { width: number; height: number } | undefined {
  if (
    bytes.length >= 24 &&
    bytes.readUInt32BE(0) === 0x89504e47 &&
    bytes.toString('latin1', 12, 16) === 'IHDR'
  ) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 10 && bytes.toString('latin1', 0, 3) === 'GIF') {
    return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let offset = 2;
    while (offset + 9 < bytes.length) {
      if (bytes[offset] !== 0xff) return undefined;
      const marker = bytes[offset + 1] ?? 0;
      const size = bytes.readUInt16BE(offset + 2);
      // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: bytes.readUInt16BE(offset + 7), height: bytes.readUInt16BE(offset + 5) };
      }
      offset += 2 + size;
    }
  }
  return undefined;
}

/** Base64 characters decoded to find an image's size (JPEG frame headers may follow EXIF data). */
const headerBase64Characters = 128 * 1024;

/**
 * Tokens of an image: Anthropic's formula, width x height / 750, after the downscaling it applies
 * to images whose long edge exceeds 1 568 pixels, at most {@link unknownImageTokens}; an image
 * whose size cannot be read (a URL, another format) costs {@link unknownImageTokens}.
 */
export function estimateImageTokens(source: unknown): number {
  if (!isRecord(source) || source.type !== 'base64' || typeof source.data !== 'string') {
    return unknownImageTokens;
  }
  const size = imageDimensions(Buffer.from(source.data.slice(0, headerBase64Characters), 'base64'));
  if (size === undefined || size.width === 0 || size.height === 0) return unknownImageTokens;
  const scale = Math.min(1, 1568 / Math.max(size.width, size.height));
  return Math.min(unknownImageTokens, Math.ceil((size.width * scale * size.height * scale) / 750));
}

/** Pages of a base64 PDF (`/Type /Page` objects; at least one). */
function pdfPages(data: string): number {
  const text = Buffer.from(data, 'base64').toString('latin1');
  return Math.max(1, text.match(/\/Type\s*\/Page(?![a-z])/g)?.length ?? 0);
}

function blockTokens(block: unknown, depth: number): number {
  if (typeof block === 'string') return estimateTextTokens(block);
  if (!isRecord(block) || depth > 32) return 0;
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? estimateTextTokens(block.text) : 0;
    case 'image':
      return estimateImageTokens(block.source);
    // Thinking of earlier turns is stripped by Anthropic and does not count.
    case 'thinking':
    case 'redacted_thinking':
      return 0;
    case 'tool_use':
      return (
        messageOverheadTokens +
        estimateTextTokens(String(block.name ?? '')) +
        estimateTextTokens(JSON.stringify(block.input ?? {}))
      );
    case 'tool_result':
      return messageOverheadTokens + contentTokens(block.content, depth + 1);
    case 'document': {
      const source = block.source;
      if (isRecord(source) && source.type === 'text' && typeof source.data === 'string')
        return estimateTextTokens(source.data);
      if (isRecord(source) && source.type === 'base64' && typeof source.data === 'string')
        return pdfPages(source.data) * pdfPageTokens;
      if (isRecord(source) && source.type === 'content') return contentTokens(source.content, depth + 1);
      return pdfPageTokens;
    }
    default:
      // Unknown blocks count as their JSON text: more rather than less.
      return estimateTextTokens(JSON.stringify(block));
  }
}

function contentTokens(content: unknown, depth: number): number {
  if (typeof content === 'string') return estimateTextTokens(content);
  if (!Array.isArray(content)) return 0;
  let tokens = 0;
  for (const block of content) tokens += blockTokens(block, depth);
  return tokens;
}

/**
 * The estimated input tokens of an Anthropic Messages (or `count_tokens`) request: the system
 * prompt, every message's content (text, images by size, tool calls and results, documents; not
 * earlier thinking), {@link messageOverheadTokens} per message and once for the reply, and the
 * tools (name, description, input schema as JSON) plus {@link toolUseSystemPromptTokens}.
 */
export function estimateAnthropicInputTokens(body: JsonRecord): number {
  let tokens = messageOverheadTokens;
  if (body.system !== undefined) tokens += messageOverheadTokens + contentTokens(body.system, 0);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (const message of messages) {
    if (!isRecord(message)) continue;
    tokens += messageOverheadTokens + contentTokens(message.content, 0);
  }
  const tools = Array.isArray(body.tools) ? body.tools : [];
  if (tools.length > 0) {
    tokens += toolUseSystemPromptTokens;
    for (const tool of tools) {
      if (!isRecord(tool)) continue;
      tokens +=
        estimateTextTokens(String(tool.name ?? '')) +
        estimateTextTokens(typeof tool.description === 'string' ? tool.description : '') +
        estimateTextTokens(JSON.stringify(tool.input_schema ?? {}));
    }
  }
  return tokens;
}
