/** Who wrote a chat message. */
export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

/** A function call the model asked for, with its arguments as the JSON text the model produced. */
export interface ToolCall {
  /** Call id, echoed back in the `tool` message that answers it. */
  readonly id: string;
  /** Always `function` (the only kind OpenAI-compatible servers define). */
  readonly type: 'function';
  /** The function name and its JSON-encoded arguments. */
  readonly function: { readonly name: string; readonly arguments: string };
}

/** One message of a conversation. */
export interface ChatMessage {
  /** Author of the message. */
  readonly role: ChatRole;
  /** Text of the message (null for an assistant message that only calls tools). */
  readonly content: string | null;
  /** Tool calls made by an assistant message. */
  readonly toolCalls?: readonly ToolCall[];
  /** For a `tool` message: the id of the call it answers. */
  readonly toolCallId?: string;
  /** For a `tool` message: the name of the function that produced it (used by Ollama's native API). */
  readonly name?: string;
}

/** A function the model may call. `parameters` is a JSON Schema object. */
export interface ToolDefinition {
  /** Always `function`. */
  readonly type: 'function';
  /** Name, description and JSON Schema of the arguments. */
  readonly function: {
    readonly name: string;
    readonly description?: string;
    readonly parameters?: Readonly<Record<string, unknown>>;
  };
}

/** Which tool the model must (or may) call. */
export type ToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  | { readonly type: 'function'; readonly function: { readonly name: string } };

/** Constrains the answer's format: free text, any JSON object, or JSON valid for a schema. */
export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | {
      readonly type: 'json_schema';
      readonly jsonSchema: {
        readonly name: string;
        readonly schema: Readonly<Record<string, unknown>>;
        readonly strict?: boolean;
      };
    };

/**
 * How a model family is told to reason or not:
 * - `detailed-thinking-prompt`: system prompt `detailed thinking on|off` (Llama-Nemotron v1).
 * - `think-prompt`: system prompt `/think` or `/no_think` (Llama-Nemotron v1.5, Nemotron Nano 2).
 * - `chat-template-kwargs`: request field `chat_template_kwargs: { enable_thinking }` (Nemotron 3);
 *   on Ollama's native API the `think` field.
 * - `none`: the model has no reasoning switch.
 */
export type ReasoningControl = 'detailed-thinking-prompt' | 'think-prompt' | 'chat-template-kwargs' | 'none';

/** A chat completion request. */
export interface ChatRequest {
  /** Model id as the server knows it (catalog ids, Hugging Face ids or Ollama tags). */
  readonly model: string;
  /** The conversation so far. */
  readonly messages: readonly ChatMessage[];
  /** Sampling temperature. */
  readonly temperature?: number;
  /** Nucleus sampling probability mass. */
  readonly topP?: number;
  /** Upper bound on generated tokens. */
  readonly maxTokens?: number;
  /** Stop sequences. */
  readonly stop?: readonly string[];
  /** Sampling seed, for reproducible answers where the server supports it. */
  readonly seed?: number;
  /** Functions the model may call. */
  readonly tools?: readonly ToolDefinition[];
  /** Tool-use constraint. */
  readonly toolChoice?: ToolChoice;
  /** JSON mode / structured output (`response_format`, or Ollama's `format`). */
  readonly responseFormat?: ResponseFormat;
  /**
   * Reasoning on (`true`), off (`false`), low-effort (`'low'`, Nemotron 3 Super only) or the
   * model's default (undefined). Applied the way the model's family expects (see `reasoningControl`).
   */
  readonly reasoning?: boolean | 'low';
  /** Overrides the reasoning switch for models that are not in the catalog. */
  readonly reasoningControl?: ReasoningControl;
  /** Ask for token usage in the last stream chunk (`stream_options.include_usage`). */
  readonly includeUsage?: boolean;
  /** Server-specific fields merged into the request body last (e.g. `nvext`, `top_k`). */
  readonly extraBody?: Readonly<Record<string, unknown>>;
}

/** Why the model stopped. Servers may send other strings, which are passed through. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | (string & {});

/** Token counts reported by the server. */
export interface Usage {
  /** Tokens in the prompt. */
  readonly promptTokens: number;
  /** Tokens generated. */
  readonly completionTokens: number;
  /** Sum of both. */
  readonly totalTokens: number;
}

/** A complete chat answer. */
export interface ChatResult {
  /** Completion id given by the server (empty when the server gives none). */
  readonly id: string;
  /** Model that answered. */
  readonly model: string;
  /** The answer, without any reasoning. */
  readonly content: string;
  /** The model's reasoning (from `reasoning_content`, `reasoning`, `thinking` or a `<think>` block). */
  readonly reasoning: string;
  /** Tool calls the model made, in order. */
  readonly toolCalls: readonly ToolCall[];
  /** Why the model stopped (null when the server did not say). */
  readonly finishReason: FinishReason | null;
  /** Token counts, when reported. */
  readonly usage: Usage | undefined;
  /** The server's request id, when it sent one. */
  readonly requestId: string | undefined;
}

/** One typed event of a streamed chat answer. */
export type ChatStreamEvent =
  | { readonly type: 'content'; readonly text: string }
  | { readonly type: 'reasoning'; readonly text: string }
  | {
      readonly type: 'tool-call';
      /** Position of the call; fragments with the same index belong to the same call. */
      readonly index: number;
      /** Call id (usually only on the first fragment). */
      readonly id: string | undefined;
      /** Function name (usually only on the first fragment). */
      readonly name: string | undefined;
      /** The next piece of the JSON-encoded arguments. */
      readonly argumentsFragment: string;
    }
  | { readonly type: 'finish'; readonly finishReason: FinishReason }
  | { readonly type: 'usage'; readonly usage: Usage };

/** An embeddings request. */
export interface EmbeddingRequest {
  /** Embedding model id. */
  readonly model: string;
  /** Texts to embed. */
  readonly input: string | readonly string[];
  /**
   * For NVIDIA's asymmetric retrieval models (e.g. `nvidia/llama-3.2-nv-embedqa-1b-v2`): whether the
   * texts are search queries or stored passages. Sent as `input_type`; required by those models.
   */
  readonly inputType?: 'query' | 'passage';
  /** What NVIDIA endpoints do with texts longer than the model accepts (`truncate`). */
  readonly truncate?: 'NONE' | 'START' | 'END';
  /** Server-specific fields merged into the request body last. */
  readonly extraBody?: Readonly<Record<string, unknown>>;
}

/** Embedding vectors, in input order. */
export interface EmbeddingResult {
  /** Model that produced them. */
  readonly model: string;
  /** One vector per input text. */
  readonly embeddings: readonly (readonly number[])[];
  /** Prompt tokens consumed, when reported. */
  readonly promptTokens: number | undefined;
}

/** A model a server offers. */
export interface ServerModel {
  /** Id to put in requests. */
  readonly id: string;
  /** Owner reported by the server (`owned_by`), when any. */
  readonly ownedBy: string | undefined;
  /** Context window the server runs it with (vLLM's `max_model_len`), when reported. */
  readonly contextWindow: number | undefined;
  /** Size on disk in bytes (Ollama), when reported. */
  readonly sizeBytes: number | undefined;
}
