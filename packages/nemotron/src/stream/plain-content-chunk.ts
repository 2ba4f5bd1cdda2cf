function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Hot-path guard for the commonest stream chunk: one choice (index 0) whose delta carries only
 * text `content` (optionally a `role`), no finish reason, no usage. Returns the text when `json`
 * is exactly that, else undefined and the caller validates with the zod schema
 * (`chatChunkSchema`). Every field it accepts is checked against the same types the schema
 * demands (a property test asserts that whatever it accepts, the schema accepts with the same
 * content), so skipping zod here never lets a malformed chunk through; it only skips the
 * allocation-heavy general path for the chunks that make up nearly all of a stream.
 */
export function plainContentOf(json: unknown): string | undefined {
  if (!isRecord(json)) return undefined;
  const choices = json.choices;
  if (!Array.isArray(choices) || choices.length !== 1) return undefined;
  if (json.usage !== undefined && json.usage !== null) return undefined;
  if (json.id !== undefined && typeof json.id !== 'string') return undefined;
  if (json.model !== undefined && typeof json.model !== 'string') return undefined;
  const choice: unknown = choices[0];
  if (!isRecord(choice)) return undefined;
  if (choice.finish_reason !== undefined && choice.finish_reason !== null) return undefined;
  if (choice.index !== undefined && choice.index !== 0) return undefined;
  const delta = choice.delta;
  if (!isRecord(delta)) return undefined;
  const content = delta.content;
  if (typeof content !== 'string') return undefined;
  const role = delta.role;
  if (role !== undefined && role !== null && typeof role !== 'string') return undefined;
  if (delta.tool_calls !== undefined && delta.tool_calls !== null) return undefined;
  if (delta.reasoning_content !== undefined && delta.reasoning_content !== null) return undefined;
  if (delta.reasoning !== undefined && delta.reasoning !== null) return undefined;
  return content;
}
