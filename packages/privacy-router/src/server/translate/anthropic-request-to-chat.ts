import {
  copyFields,
  isRecord,
  type JsonRecord,
  type TranslationResult,
  toolResultForChat,
  translating,
  UntranslatableContent,
} from './translation-result.js';

function imagePart(source: unknown, where: string): JsonRecord {
  if (isRecord(source) && source.type === 'base64' && typeof source.data === 'string') {
    const mediaType = typeof source.media_type === 'string' ? source.media_type : 'image/png';
    return { type: 'image_url', image_url: { url: `data:${mediaType};base64,${source.data}` } };
  }
  if (isRecord(source) && source.type === 'url' && typeof source.url === 'string') {
    return { type: 'image_url', image_url: { url: source.url } };
  }
  throw new UntranslatableContent(
    `${where}: an image source of type ${JSON.stringify(isRecord(source) ? source.type : source)} cannot be translated to OpenAI chat (base64 and url only)`,
  );
}

function unsupported(type: unknown, where: string): UntranslatableContent {
  return new UntranslatableContent(
    `${where}: content of type ${JSON.stringify(type)} cannot be translated to OpenAI chat completions for this provider`,
  );
}

/** A `tool_result` block's content: its text, and its images as chat image parts. */
interface ToolResultContent {
  text: string;
  images: JsonRecord[];
}

/**
 * The content of a `tool_result` block (a string, or text and image blocks). Images are kept as
 * chat image parts: a chat `tool` message carries text only, so they travel in a user message.
 */
function toolResultContent(content: unknown, where: string): ToolResultContent {
  if (content === undefined || content === null) return { text: '', images: [] };
  if (typeof content === 'string') return { text: content, images: [] };
  if (!Array.isArray(content)) throw unsupported(typeof content, where);
  const texts: string[] = [];
  const images: JsonRecord[] = [];
  content.forEach((block: unknown, index) => {
    if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (isRecord(block) && block.type === 'image')
      images.push(imagePart(block.source, `${where}.${index}`));
    else throw unsupported(isRecord(block) ? block.type : typeof block, `${where}.${index}`);
  });
  return { text: texts.join('\n'), images };
}

/** The text of a `system` prompt (a string, or text blocks). */
function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return system
    .map((block: unknown, index) => {
      if (!isRecord(block) || block.type !== 'text' || typeof block.text !== 'string') {
        throw unsupported(isRecord(block) ? block.type : typeof block, `system.${index}`);
      }
      return block.text;
    })
    .join('\n');
}

/** Thinking is the model's own scratch work: a chat model cannot take it back, so it is dropped. */
const droppedBlocks = new Set(['thinking', 'redacted_thinking']);

function userMessages(content: unknown, where: string): JsonRecord[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  if (!Array.isArray(content)) return [];
  const toolMessages: JsonRecord[] = [];
  const toolImages: JsonRecord[] = [];
  const parts: JsonRecord[] = [];
  content.forEach((block: unknown, index) => {
    const at = `${where}.content.${index}`;
    if (!isRecord(block)) throw unsupported(typeof block, at);
    if (block.type === 'text' && typeof block.text === 'string')
      parts.push({ type: 'text', text: block.text });
    else if (block.type === 'image') parts.push(imagePart(block.source, at));
    else if (block.type === 'tool_result') {
      const callId = String(block.tool_use_id ?? '');
      const result = toolResultContent(block.content, `${at}.content`);
      const { text, imageParts } = toolResultForChat(callId, result.text, result.images);
      toolImages.push(...imageParts);
      toolMessages.push({
        role: 'tool',
        tool_call_id: callId,
        content: block.is_error === true ? `Error: ${text}` : text,
      });
    } else if (
      block.type === 'document' &&
      isRecord(block.source) &&
      block.source.type === 'text' &&
      typeof block.source.data === 'string'
    ) {
      parts.push({ type: 'text', text: block.source.data });
    } else if (!droppedBlocks.has(String(block.type))) throw unsupported(block.type, at);
  });
  // Tool results answer the assistant's tool calls and must come right after them; their images
  // follow in one user message, with the user's own content (roles keep alternating).
  const messages = [...toolMessages];
  parts.unshift(...toolImages);
  if (parts.length > 0) {
    const onlyText = parts.every((part) => part.type === 'text');
    messages.push({
      role: 'user',
      content: onlyText ? parts.map((part) => String(part.text)).join('\n') : parts,
    });
  }
  return messages;
}

function assistantMessage(content: unknown, where: string): JsonRecord | undefined {
  if (typeof content === 'string') return { role: 'assistant', content };
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  const toolCalls: JsonRecord[] = [];
  content.forEach((block: unknown, index) => {
    const at = `${where}.content.${index}`;
    if (!isRecord(block)) throw unsupported(typeof block, at);
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: String(block.id ?? `call_${index}`),
        type: 'function',
        function: { name: String(block.name ?? ''), arguments: JSON.stringify(block.input ?? {}) },
      });
    } else if (!droppedBlocks.has(String(block.type))) throw unsupported(block.type, at);
  });
  if (texts.length === 0 && toolCalls.length === 0) return undefined;
  const message: JsonRecord = { role: 'assistant', content: texts.length === 0 ? null : texts.join('\n') };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

function tools(list: unknown): JsonRecord[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((tool: unknown, index) => {
    if (!isRecord(tool) || (tool.type !== undefined && tool.type !== 'custom')) {
      throw new UntranslatableContent(
        `tools.${index}: the server tool ${JSON.stringify(isRecord(tool) ? tool.type : tool)} cannot be translated to OpenAI chat completions (custom tools only)`,
      );
    }
    const definition: JsonRecord = {
      name: tool.name,
      parameters: isRecord(tool.input_schema) ? tool.input_schema : { type: 'object' },
    };
    if (typeof tool.description === 'string') definition.description = tool.description;
    return { type: 'function', function: definition };
  });
}

function toolChoice(choice: unknown): unknown {
  if (!isRecord(choice)) return undefined;
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
    default:
      throw new UntranslatableContent(`tool_choice: ${JSON.stringify(choice.type)} cannot be translated`);
  }
}

/**
 * Translates an Anthropic Messages request to an OpenAI chat completions request: `system` to a
 * system message, text and image blocks to content parts, `tool_use` blocks to `tool_calls`,
 * `tool_result` blocks to `tool` messages, custom tools to functions, `tool_choice`,
 * `max_tokens`, `temperature`, `top_p`, `stop_sequences`, `stream` (with usage), and
 * `metadata.user_id` to `user`. Images inside tool results go, after the `tool` messages (which
 * keep the text), in a user message that names the tool call. Thinking blocks are dropped; server
 * tools and documents other than plain text (also inside tool results) cannot be expressed and are
 * refused with the field.
 */
export function anthropicRequestToChat(body: JsonRecord): TranslationResult {
  return translating(() => {
    const messages: JsonRecord[] = [];
    const system = systemText(body.system);
    if (system !== '') messages.push({ role: 'system', content: system });
    const list = Array.isArray(body.messages) ? body.messages : [];
    list.forEach((message: unknown, index) => {
      if (!isRecord(message)) return;
      const where = `messages.${index}`;
      if (message.role === 'assistant') {
        const translated = assistantMessage(message.content, where);
        if (translated !== undefined) messages.push(translated);
      } else messages.push(...userMessages(message.content, where));
    });
    const chat: JsonRecord = { model: body.model, messages };
    copyFields(body, chat, ['max_tokens', 'temperature', 'top_p', ['stop_sequences', 'stop']]);
    const translatedTools = tools(body.tools);
    if (translatedTools !== undefined && translatedTools.length > 0) {
      chat.tools = translatedTools;
      const choice = toolChoice(body.tool_choice);
      if (choice !== undefined) chat.tool_choice = choice;
      if (isRecord(body.tool_choice) && body.tool_choice.disable_parallel_tool_use === true) {
        chat.parallel_tool_calls = false;
      }
    }
    if (isRecord(body.metadata) && typeof body.metadata.user_id === 'string')
      chat.user = body.metadata.user_id;
    if (body.stream === true) {
      chat.stream = true;
      chat.stream_options = { include_usage: true };
    }
    return chat;
  });
}
