import type { ChatStreamEvent, ToolCall } from '../types.js';

interface PartialCall {
  id: string;
  name: string;
  fragments: string[];
}

/**
 * Assembles streamed tool-call fragments into complete calls. Servers send a call's id and name
 * in its first fragment and its JSON arguments in pieces, all tagged with the call's `index`;
 * calls may interleave. Feed every `tool-call` event; read {@link ToolCallAssembler.toolCalls}
 * at the end.
 */
export class ToolCallAssembler {
  readonly #calls = new Map<number, PartialCall>();

  /** Adds one `tool-call` event (other events are ignored). */
  push(event: ChatStreamEvent): void {
    if (event.type !== 'tool-call') return;
    let call = this.#calls.get(event.index);
    if (call === undefined) {
      call = { id: '', name: '', fragments: [] };
      this.#calls.set(event.index, call);
    }
    if (event.id !== undefined && event.id.length > 0 && call.id.length === 0) call.id = event.id;
    if (event.name !== undefined && event.name.length > 0) {
      // Some servers repeat the whole name on every fragment, others split it: never double it.
      if (call.name.length === 0) call.name = event.name;
      else if (call.name !== event.name) call.name += event.name;
    }
    if (event.argumentsFragment.length > 0) call.fragments.push(event.argumentsFragment);
  }

  /** The calls assembled so far, ordered by index. Calls without an id get `call_<index>`. */
  get toolCalls(): ToolCall[] {
    return [...this.#calls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([index, call]) => ({
        id: call.id.length > 0 ? call.id : `call_${index}`,
        type: 'function' as const,
        function: { name: call.name, arguments: call.fragments.join('') },
      }));
  }
}

/** Result of {@link parseToolArguments}. */
export type ToolArgumentsResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly error: string };

/** Parses a tool call's JSON arguments into an object (an empty string counts as `{}`). */
export function parseToolArguments(call: ToolCall): ToolArgumentsResult {
  const text = call.function.arguments.trim();
  if (text.length === 0) return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: `arguments of ${call.function.name} are not valid JSON: ${(error as Error).message}`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `arguments of ${call.function.name} are not a JSON object` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
