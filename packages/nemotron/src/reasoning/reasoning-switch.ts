import { findModel } from '../catalog/model-catalog.js';
import { NemotronError } from '../errors.js';
import type { ChatMessage, ChatRequest, ReasoningControl } from '../types.js';

/** How a request must change to switch reasoning the way its model expects. */
export interface ReasoningPlan {
  /** Messages with the system-prompt switch applied (the originals when the switch is not a prompt). */
  readonly messages: readonly ChatMessage[];
  /** `chat_template_kwargs` to send, for template-switched families. */
  readonly chatTemplateKwargs: Readonly<Record<string, boolean>> | undefined;
  /** Ollama native `think` field, for template-switched families. */
  readonly ollamaThink: boolean | undefined;
}

// Directives a caller may already have written; removed so that ours is the only one.
const DIRECTIVE_PATTERN = /(^|\s)(\/think|\/no_think|detailed thinking (on|off))(?=\s|$)/gi;

function withSystemDirective(messages: readonly ChatMessage[], directive: string): ChatMessage[] {
  const first = messages[0];
  if (first !== undefined && first.role === 'system') {
    const rest = (first.content ?? '').replace(DIRECTIVE_PATTERN, '$1').trim();
    const content = rest.length > 0 ? `${directive}\n${rest}` : directive;
    return [{ ...first, content }, ...messages.slice(1)];
  }
  return [{ role: 'system', content: directive }, ...messages];
}

/**
 * Works out how to apply `request.reasoning` for the request's model:
 * - Llama-Nemotron v1 (`detailed-thinking-prompt`): first system message `detailed thinking on|off`.
 * - Llama-Nemotron v1.5 and Nemotron Nano 2 (`think-prompt`): `/think` or `/no_think` at the start
 *   of the system message.
 * - Nemotron 3 (`chat-template-kwargs`): `chat_template_kwargs: {enable_thinking, low_effort?}`
 *   (Ollama native: `think`).
 * The family comes from `request.reasoningControl` or else the catalog. Leaving `reasoning`
 * undefined changes nothing. Asking to switch reasoning on a model whose family is unknown is an
 * `UNKNOWN_MODEL` error rather than a silent no-op.
 */
export function planReasoning(request: ChatRequest): ReasoningPlan {
  const unchanged: ReasoningPlan = {
    messages: request.messages,
    chatTemplateKwargs: undefined,
    ollamaThink: undefined,
  };
  if (request.reasoning === undefined) return unchanged;
  const entry = findModel(request.model);
  const control: ReasoningControl | undefined = request.reasoningControl ?? entry?.reasoningControl;
  if (control === undefined) {
    throw new NemotronError(
      'UNKNOWN_MODEL',
      `cannot switch reasoning for "${request.model}": it is not in the model catalog; set reasoningControl to say how its family is switched`,
    );
  }
  if (request.reasoning === 'low' && entry !== undefined && !entry.supportsLowEffort) {
    throw new NemotronError('INVALID_OPTION', `model "${request.model}" has no low-effort reasoning mode`);
  }
  if (request.reasoning === 'low' && control !== 'chat-template-kwargs') {
    throw new NemotronError(
      'INVALID_OPTION',
      `low-effort reasoning needs a chat-template-kwargs model, not ${control}`,
    );
  }
  const enabled = request.reasoning !== false;
  switch (control) {
    case 'none':
      if (enabled) throw new NemotronError('INVALID_OPTION', `model "${request.model}" does not reason`);
      return unchanged;
    case 'detailed-thinking-prompt':
      return {
        ...unchanged,
        messages: withSystemDirective(request.messages, `detailed thinking ${enabled ? 'on' : 'off'}`),
      };
    case 'think-prompt':
      return {
        ...unchanged,
        messages: withSystemDirective(request.messages, enabled ? '/think' : '/no_think'),
      };
    case 'chat-template-kwargs':
      return {
        messages: request.messages,
        chatTemplateKwargs:
          request.reasoning === 'low'
            ? { enable_thinking: true, low_effort: true }
            : { enable_thinking: enabled },
        ollamaThink: enabled,
      };
  }
}
