import { z } from 'zod';

/** One request on the supervisor's control socket (one JSON object per line). */
export const controlRequestSchema = z.discriminatedUnion('op', [
  z.object({ id: z.number().int(), op: z.literal('status') }).strict(),
  z
    .object({ id: z.number().int(), op: z.literal('apply-policy'), file: z.string().min(1).max(4096) })
    .strict(),
  z.object({ id: z.number().int(), op: z.literal('approvals') }).strict(),
  z
    .object({
      id: z.number().int(),
      op: z.literal('approve'),
      approval: z.string().min(1).max(64),
      persist: z.boolean(),
    })
    .strict(),
  z.object({ id: z.number().int(), op: z.literal('deny'), approval: z.string().min(1).max(64) }).strict(),
  z.object({ id: z.number().int(), op: z.literal('stop') }).strict(),
]);

/** A control request. */
export type ControlRequest = z.infer<typeof controlRequestSchema>;

/** Distributive omit: a request without its `id`, as callers write it. */
export type ControlCommand = ControlRequest extends infer Request
  ? Request extends ControlRequest
    ? Omit<Request, 'id'>
    : never
  : never;

/** A control response: `{ id, ok: true, result }` or `{ id, ok: false, error: { code, message } }`. */
export type ControlResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly code: string; readonly message: string };
    };

/** Longest request line the supervisor reads. */
export const maximumControlLineBytes = 64 * 1024;
