import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatChunkSchema } from '../protocol/openai-schemas.js';
import { plainContentOf } from './plain-content-chunk.js';

const loose = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.object(),
);
/** Usually a well-formed value, sometimes anything at all. */
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: loose, weight: 1 });

const chunk = fc.record(
  {
    id: mostly(fc.option(fc.string(), { nil: undefined })),
    model: mostly(fc.option(fc.string(), { nil: undefined })),
    usage: mostly(
      fc.oneof(
        fc.constant(undefined),
        fc.constant(null),
        fc.record({ prompt_tokens: fc.nat(), completion_tokens: fc.nat() }),
      ),
    ),
    choices: mostly(
      fc.array(
        mostly(
          fc.record(
            {
              index: mostly(
                fc.oneof(fc.constant(0), fc.constant(undefined), fc.integer({ min: -2, max: 3 })),
              ),
              finish_reason: mostly(fc.oneof(fc.constant(null), fc.constant(undefined), fc.constant('stop'))),
              logprobs: fc.constant(null),
              delta: mostly(
                fc.record(
                  {
                    role: mostly(fc.oneof(fc.constant('assistant'), fc.constant(undefined))),
                    content: mostly(fc.string()),
                    reasoning: mostly(fc.oneof(fc.constant(undefined), fc.constant(null), fc.string())),
                    reasoning_content: mostly(
                      fc.oneof(fc.constant(undefined), fc.constant(null), fc.string()),
                    ),
                    tool_calls: mostly(
                      fc.oneof(fc.constant(undefined), fc.constant(null), fc.array(loose, { maxLength: 1 })),
                    ),
                  },
                  { requiredKeys: [] },
                ),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
        { minLength: 1, maxLength: 1 },
      ),
    ),
  },
  { requiredKeys: [] },
);

describe('plainContentOf (hot-path guard)', () => {
  it('accepts only what the zod schema accepts, with the same content and nothing else to report', () => {
    let accepted = 0;
    fc.assert(
      fc.property(chunk, (candidate) => {
        const plain = plainContentOf(candidate);
        if (plain === undefined) return;
        accepted += 1;
        const parsed = chatChunkSchema.safeParse(candidate);
        expect(parsed.success).toBe(true);
        if (!parsed.success) return;
        const choice = parsed.data.choices[0];
        expect(parsed.data.choices).toHaveLength(1);
        expect(choice?.delta?.content).toBe(plain);
        expect(choice?.finish_reason ?? null).toBeNull();
        expect(choice?.delta?.tool_calls ?? null).toBeNull();
        expect(choice?.delta?.reasoning ?? choice?.delta?.reasoning_content ?? null).toBeNull();
        expect(parsed.data.usage ?? null).toBeNull();
      }),
      { numRuns: 2000 },
    );
    // The generator must reach the accepting branch often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(40);
  });

  it('takes the common content chunk and leaves everything else to zod', () => {
    const base = {
      id: 'c',
      model: 'm',
      choices: [{ index: 0, delta: { content: 'hi' }, logprobs: null, finish_reason: null }],
    };
    expect(plainContentOf(base)).toBe('hi');
    expect(plainContentOf({ ...base, usage: { prompt_tokens: 1, completion_tokens: 1 } })).toBeUndefined();
    expect(plainContentOf({ choices: [{ delta: { content: 5 } }] })).toBeUndefined();
    expect(plainContentOf({ choices: [{ delta: { content: 'x', tool_calls: [] } }] })).toBeUndefined();
    expect(plainContentOf({ choices: [{ delta: { content: 'x' }, finish_reason: 'stop' }] })).toBeUndefined();
  });
});
