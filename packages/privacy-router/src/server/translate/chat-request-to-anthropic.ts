import {
  isRecord,
  type JsonRecord,
  parseToolArguments,
  type TranslationResult,
  translating,
  UntranslatableContent,
} from './translation-result.js';

/** Anthropic requires `max_tokens`; this is sent when the chat request names none. */
export const defaultAnthropicMaxTokens = 4096;

function unsupported(what: string, where: string): UntranslatableContent {
  return new UntranslatableContent(
    `${where}: ${what} cannot be translated to Anthropic Messages for this provider`,
  );
}

const dataUrl = /^data:([\w.+-]+\/[\w.+-]+);base64,(.*)$/s;

function imageBlock(part: JsonRecord, where: string): JsonRecord {
  const image = isRecord(part.image_url) ? part.image_url : {};
  const url =
    typeof image.url === 'string' ? image.url : typeof part.image_url === 'string' ? part.image_url : '';
  const inline = dataUrl.exec(url);
  if (inline !== null)
    return { type: 'image', source: { type: 'base64', media_type: inline[1], data: inline[2] } };
  if (/^https?:\/\//.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw unsupported('an image that is neither a data: URL nor an http(s) URL', where);
}

function contentBlocks(content: unknown, where: string): JsonRecord[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) throw unsupported(`content of type ${typeof content}`, where);
  return content.map((part: unknown, index) => {
    const at = `${where}.${index}`;
    if (!isRecord(part)) throw unsupported(`a ${typeof part} content part`, at);
    if (part.type === 'text') return { type: 'text', text: String(part.text ?? '') };
    if (part.type === 'refusal') return { type: 'text', text: String(part.refusal ?? '') };
    if (part.type === 'image_url') return imageBlock(part, at);
    throw unsupported(`content of type ${JSON.stringify(part.type)}`, at);
  });
}

function textOf(content: unknown, where: string): string {
  return contentBlocks(content, where)
    .map((block) => {
      if (block.type !== 'text') throw unsupported('an image in a system or tool message', where);
      return String(block.text);
    })
    .join('\n');
}

function tools(list: unknown): JsonRecord[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((tool: unknown, index) => {
    if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) {
      throw unsupported(
        `the tool type ${JSON.stringify(isRecord(tool) ? tool.type : tool)}`,
        `tools.${index}`,
      );
    }
    const definition: JsonRecord = {
      name: tool.function.name,
      input_schema: isRecord(tool.function.parameters) ? tool.function.parameters : { type: 'object' },
    };
    if (typeof tool.function.description === 'string') definition.description = tool.function.description;
    return definition;
  });
}

function toolChoice(choice: unknown, parallel: unknown): JsonRecord | undefined {
  let result: JsonRecord | undefined;
  if (choice === 'auto') result = { type: 'auto' };
  else if (choice === 'none') result = { type: 'none' };
  else if (choice === 'required') result = { type: 'any' };
  else if (isRecord(choice) && choice.type === 'function' && isRecord(choice.function)) {
    result = { type: 'tool', name: choice.function.name };
  } else if (choice !== undefined && choice !== null) {
    throw unsupported(`the tool_choice ${JSON.stringify(choice)}`, 'tool_choice');
  }
  if (parallel === false) result = { ...(result ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return result;
}

/**
 * Translates an OpenAI chat completions request to an Anthropic Messages request: system and
 * developer messages to `system`, text and image parts to blocks, assistant `tool_calls` to
 * `tool_use` blocks, `tool` messages to `tool_result` blocks (consecutive user-side messages
 * merged), function tools, `tool_choice` and `parallel_tool_calls`, `max_completion_tokens` /
 * `max_tokens` (default 4096), `temperature` (at most 1), `top_p`, `stop`, `stream`, `user`.
 * Several choices (`n`), structured output formats, audio and files are refused.
 */
export function chatRequestToAnthropic(body: JsonRecord): TranslationResult {
  return translating(() => {
    if (typeof body.n === 'number' && body.n > 1) throw unsupported('several choices (n > 1)', 'n');
    if (isRecord(body.response_format) && body.response_format.type !== 'text') {
      throw unsupported(
        `the response_format ${JSON.stringify(body.response_format.type)}`,
        'response_format',
      );
    }
    const system: string[] = [];
    const messages: JsonRecord[] = [];
    const append = (role: 'user' | 'assistant', blocks: JsonRecord[]): void => {
      if (blocks.length === 0) return;
      const last = messages[messages.length - 1];
      if (last !== undefined && last.role === role && Array.isArray(last.content))
        last.content.push(...blocks);
      else messages.push({ role, content: blocks });
    };
    const list = Array.isArray(body.messages) ? body.messages : [];
    list.forEach((message: unknown, index) => {
      const where = `messages.${index}`;
      if (!isRecord(message)) throw unsupported(`a ${typeof message} message`, where);
      switch (message.role) {
        case 'system':
        case 'developer':
          system.push(textOf(message.content, `${where}.content`));
          return;
        case 'user':
          append('user', contentBlocks(message.content, `${where}.content`));
          return;
        case 'tool':
          append('user', [
            {
              type: 'tool_result',
              tool_use_id: String(message.tool_call_id ?? ''),
              content: textOf(message.content, `${where}.content`),
            },
          ]);
          return;
        case 'assistant': {
          const blocks = contentBlocks(message.content, `${where}.content`);
          const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
          calls.forEach((call: unknown, position) => {
            if (!isRecord(call) || !isRecord(call.function)) {
              throw unsupported('a tool call without a function', `${where}.tool_calls.${position}`);
            }
            blocks.push({
              type: 'tool_use',
              id: String(call.id ?? `toolu_${position}`),
              name: String(call.function.name ?? ''),
              input: parseToolArguments(call.function.arguments),
            });
          });
          append('assistant', blocks);
          return;
        }
        default:
          throw unsupported(`the role ${JSON.stringify(message.role)}`, where);
      }
    });
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    const anthropic: JsonRecord = {
      model: body.model,
      max_tokens: typeof maxTokens === 'number' ? maxTokens : defaultAnthropicMaxTokens,
      messages,
    };
    if (system.length > 0) anthropic.system = system.join('\n');
    if (typeof body.temperature === 'number') anthropic.temperature = Math.min(1, body.temperature);
    if (typeof body.top_p === 'number') anthropic.top_p = body.top_p;
    if (typeof body.stop === 'string') anthropic.stop_sequences = [body.stop];
    else if (Array.isArray(body.stop)) anthropic.stop_sequences = body.stop;
    const translatedTools = tools(body.tools);
    if (translatedTools !== undefined && translatedTools.length > 0) {
      anthropic.tools = translatedTools;
      const choice = toolChoice(body.tool_choice, body.parallel_tool_calls);
      if (choice !== undefined) anthropic.tool_choice = choice;
    }
    if (typeof body.user === 'string') anthropic.metadata = { user_id: body.user };
    if (body.stream === true) anthropic.stream = true;
    return anthropic;
  });
}
