import {
  copyFields,
  isRecord,
  type JsonRecord,
  type TranslationResult,
  toolResultForChat,
  translating,
  UntranslatableContent,
} from './translation-result.js';

function unsupported(what: string, where: string): UntranslatableContent {
  return new UntranslatableContent(
    `${where}: ${what} cannot be translated to OpenAI chat completions for this provider`,
  );
}

function contentPart(part: unknown, where: string): JsonRecord {
  if (!isRecord(part)) throw unsupported(`a ${typeof part} content part`, where);
  switch (part.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return { type: 'text', text: String(part.text ?? '') };
    case 'refusal':
      return { type: 'text', text: String(part.refusal ?? '') };
    case 'input_image': {
      if (typeof part.image_url !== 'string') {
        throw unsupported('an input_image without image_url (file_id)', where);
      }
      const image: JsonRecord = { url: part.image_url };
      if (typeof part.detail === 'string') image.detail = part.detail;
      return { type: 'image_url', image_url: image };
    }
    default:
      throw unsupported(`content of type ${JSON.stringify(part.type)}`, where);
  }
}

function messageContent(content: unknown, where: string): unknown {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts = content.map((part: unknown, index) => contentPart(part, `${where}.content.${index}`));
  return parts.every((part) => part.type === 'text')
    ? parts.map((part) => String(part.text)).join('\n')
    : parts;
}

/**
 * A `function_call_output`'s output: its text, and its images as chat image parts (a chat `tool`
 * message carries text only, so they travel in a user message).
 */
function outputContent(output: unknown, where: string): { text: string; images: JsonRecord[] } {
  if (typeof output === 'string') return { text: output, images: [] };
  if (!Array.isArray(output)) return { text: JSON.stringify(output ?? ''), images: [] };
  const texts: string[] = [];
  const images: JsonRecord[] = [];
  output.forEach((part: unknown, index) => {
    const translated = contentPart(part, `${where}.output.${index}`);
    if (translated.type === 'text') texts.push(String(translated.text));
    else images.push(translated);
  });
  return { text: texts.join('\n'), images };
}

const roles: Record<string, string> = {
  user: 'user',
  assistant: 'assistant',
  system: 'system',
  developer: 'system',
};

function inputMessages(input: unknown): JsonRecord[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) return [];
  const messages: JsonRecord[] = [];
  // Images of function outputs: sent in one user message after the run of tool messages, merged
  // with a user message that follows right away (roles keep alternating).
  let pendingImages: JsonRecord[] = [];
  let imageMessage: JsonRecord | undefined;
  const flushImages = (): void => {
    if (pendingImages.length === 0) return;
    imageMessage = { role: 'user', content: pendingImages };
    messages.push(imageMessage);
    pendingImages = [];
  };
  input.forEach((item: unknown, index) => {
    const where = `input.${index}`;
    if (!isRecord(item)) throw unsupported(`a ${typeof item} input item`, where);
    const type = item.type ?? 'message';
    if (type !== 'function_call_output') flushImages();
    if (type === 'message') {
      const role = roles[String(item.role)];
      if (role === undefined) throw unsupported(`the role ${JSON.stringify(item.role)}`, where);
      const content = messageContent(item.content, where);
      const last = messages[messages.length - 1];
      if (role === 'user' && last !== undefined && last === imageMessage && Array.isArray(last.content)) {
        last.content = [
          ...last.content,
          ...(typeof content === 'string' ? [{ type: 'text', text: content }] : (content as JsonRecord[])),
        ];
        return;
      }
      messages.push({ role, content: role === 'assistant' && Array.isArray(content) ? '' : content });
      return;
    }
    if (type === 'function_call') {
      const call = {
        id: String(item.call_id ?? item.id ?? `call_${index}`),
        type: 'function',
        function: {
          name: String(item.name ?? ''),
          arguments: typeof item.arguments === 'string' ? item.arguments : '{}',
        },
      };
      const last = messages[messages.length - 1];
      if (last !== undefined && last.role === 'assistant') {
        last.tool_calls = [...(Array.isArray(last.tool_calls) ? last.tool_calls : []), call];
        if (last.content === '') last.content = null;
      } else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      return;
    }
    if (type === 'function_call_output') {
      const callId = String(item.call_id ?? '');
      const output = outputContent(item.output, where);
      const { text, imageParts } = toolResultForChat(callId, output.text, output.images);
      pendingImages.push(...imageParts);
      messages.push({ role: 'tool', tool_call_id: callId, content: text });
      return;
    }
    // Reasoning items are the model's own scratch work; a chat model cannot take them back.
    if (type === 'reasoning') return;
    throw unsupported(`an input item of type ${JSON.stringify(type)}`, where);
  });
  flushImages();
  return messages;
}

function tools(list: unknown): JsonRecord[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((tool: unknown, index) => {
    if (!isRecord(tool) || tool.type !== 'function') {
      throw unsupported(
        `the built-in tool ${JSON.stringify(isRecord(tool) ? tool.type : tool)} (function tools only)`,
        `tools.${index}`,
      );
    }
    const definition: JsonRecord = { name: tool.name };
    copyFields(tool, definition, ['description', 'parameters', 'strict']);
    return { type: 'function', function: definition };
  });
}

function toolChoice(choice: unknown): unknown {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isRecord(choice) && choice.type === 'function' && typeof choice.name === 'string') {
    return { type: 'function', function: { name: choice.name } };
  }
  throw unsupported(`the tool_choice ${JSON.stringify(choice)}`, 'tool_choice');
}

function responseFormat(text: unknown): unknown {
  if (!isRecord(text) || !isRecord(text.format)) return undefined;
  const format = text.format;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type === 'json_schema') {
    const schema: JsonRecord = {};
    copyFields(format, schema, ['name', 'description', 'schema', 'strict']);
    return { type: 'json_schema', json_schema: schema };
  }
  return undefined;
}

/**
 * Translates an OpenAI Responses request to a chat completions request: `instructions` to a
 * system message, `input` (a string or items: messages with text and image parts,
 * `function_call`, `function_call_output`) to messages, function tools, `tool_choice`,
 * `max_output_tokens`, `temperature`, `top_p`, `parallel_tool_calls`, `text.format`, `user`,
 * `stream` (with usage). Images of a `function_call_output` go, after the tool messages, in a
 * user message naming the call. Reasoning items are dropped. Server-side state (`previous_response_id`,
 * `conversation`), built-in tools and file inputs cannot be expressed and are refused.
 */
export function responsesRequestToChat(body: JsonRecord): TranslationResult {
  return translating(() => {
    for (const stateful of ['previous_response_id', 'conversation'] as const) {
      if (body[stateful] !== undefined && body[stateful] !== null) {
        throw new UntranslatableContent(
          `${stateful}: this provider speaks chat completions and keeps no conversation state; send the whole conversation in input`,
        );
      }
    }
    const messages: JsonRecord[] = [];
    if (typeof body.instructions === 'string' && body.instructions !== '') {
      messages.push({ role: 'system', content: body.instructions });
    }
    messages.push(...inputMessages(body.input));
    const chat: JsonRecord = { model: body.model, messages };
    copyFields(body, chat, [
      ['max_output_tokens', 'max_tokens'],
      'temperature',
      'top_p',
      'parallel_tool_calls',
      'user',
    ]);
    if (chat.user === undefined && typeof body.safety_identifier === 'string')
      chat.user = body.safety_identifier;
    const translatedTools = tools(body.tools);
    if (translatedTools !== undefined && translatedTools.length > 0) {
      chat.tools = translatedTools;
      const choice = toolChoice(body.tool_choice);
      if (choice !== undefined) chat.tool_choice = choice;
    } else delete chat.parallel_tool_calls;
    const format = responseFormat(body.text);
    if (format !== undefined) chat.response_format = format;
    if (body.stream === true) {
      chat.stream = true;
      chat.stream_options = { include_usage: true };
    }
    return chat;
  });
}
