import { z } from 'zod';

/** One NDJSON line of `POST /api/chat` (or the whole answer when `stream: false`). */
export const ollamaChatLineSchema = z.object({
  model: z.string().default(''),
  created_at: z.string().optional(),
  message: z
    .object({
      role: z.string().optional(),
      content: z.string().default(''),
      thinking: z.string().nullish(),
      tool_calls: z
        .array(
          z.object({
            function: z.object({
              name: z.string(),
              arguments: z.record(z.string(), z.unknown()).default({}),
            }),
          }),
        )
        .nullish(),
    })
    .optional(),
  done: z.boolean(),
  done_reason: z.string().nullish(),
  prompt_eval_count: z.number().int().nonnegative().optional(),
  eval_count: z.number().int().nonnegative().optional(),
});

/** The parsed shape of {@link ollamaChatLineSchema}. */
export type OllamaChatLine = z.infer<typeof ollamaChatLineSchema>;

/** `GET /api/tags` answer. */
export const ollamaTagsSchema = z.object({
  models: z.array(
    z.object({
      name: z.string().min(1),
      model: z.string().optional(),
      size: z.number().nonnegative().optional(),
      details: z
        .object({
          family: z.string().optional(),
          parameter_size: z.string().optional(),
          quantization_level: z.string().optional(),
        })
        .optional(),
    }),
  ),
});

/** `GET /api/version` answer. */
export const ollamaVersionSchema = z.object({ version: z.string().min(1) });

/** `POST /api/embed` answer. */
export const ollamaEmbedSchema = z.object({
  model: z.string().default(''),
  embeddings: z.array(z.array(z.number())),
  prompt_eval_count: z.number().int().nonnegative().optional(),
});
