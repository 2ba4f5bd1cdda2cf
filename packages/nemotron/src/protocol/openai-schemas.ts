import { z } from 'zod';

const optionalText = z.string().nullish();

const wireUsage = z
  .object({
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative().default(0),
    total_tokens: z.number().int().nonnegative().optional(),
  })
  .nullish();

/** A complete `POST /chat/completions` answer (OpenAI-compatible: NVIDIA API, NIM, vLLM, Ollama /v1). */
export const chatCompletionSchema = z.object({
  id: z.string().default(''),
  model: z.string().default(''),
  choices: z
    .array(
      z.object({
        index: z.number().int().nonnegative().default(0),
        message: z.object({
          role: z.string().optional(),
          content: optionalText,
          reasoning_content: optionalText,
          reasoning: optionalText,
          tool_calls: z
            .array(
              z.object({
                id: z.string().default(''),
                type: z.string().optional(),
                function: z.object({ name: z.string(), arguments: z.string().default('') }),
              }),
            )
            .nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: wireUsage,
});

/** The parsed shape of {@link chatCompletionSchema}. */
export type WireChatCompletion = z.infer<typeof chatCompletionSchema>;

/** One `data:` chunk of a streamed chat completion. */
export const chatChunkSchema = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z.array(
    z.object({
      index: z.number().int().nonnegative().optional(),
      delta: z
        .object({
          role: z.string().nullish(),
          content: optionalText,
          reasoning_content: optionalText,
          reasoning: optionalText,
          tool_calls: z
            .array(
              z.object({
                index: z.number().int().nonnegative(),
                id: optionalText,
                type: z.string().nullish(),
                function: z.object({ name: optionalText, arguments: optionalText }).nullish(),
              }),
            )
            .nullish(),
        })
        .nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: wireUsage,
});

/** The parsed shape of {@link chatChunkSchema}. */
export type WireChatChunk = z.infer<typeof chatChunkSchema>;

/** `POST /embeddings` answer. */
export const embeddingsSchema = z.object({
  model: z.string().default(''),
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative() }).nullish(),
});

/** `GET /models` answer. */
export const modelListSchema = z.object({
  data: z.array(
    z.object({
      id: z.string().min(1),
      owned_by: z.string().nullish(),
      max_model_len: z.number().int().positive().nullish(),
    }),
  ),
});
