import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../types.js';
import { planReasoning } from './reasoning-switch.js';

const ask = (model: string, reasoning: ChatRequest['reasoning'], system?: string): ChatRequest => ({
  model,
  reasoning,
  messages: [
    ...(system === undefined ? [] : [{ role: 'system' as const, content: system }]),
    { role: 'user', content: 'Hi' },
  ],
});

describe('planReasoning', () => {
  it('Llama-Nemotron v1: "detailed thinking on|off" as the system prompt', () => {
    expect(planReasoning(ask('nvidia/llama-3.3-nemotron-super-49b-v1', true)).messages[0]).toEqual({
      role: 'system',
      content: 'detailed thinking on',
    });
    expect(
      planReasoning(ask('nvidia/llama-3.1-nemotron-nano-8b-v1', false, 'Be brief.')).messages[0],
    ).toEqual({
      role: 'system',
      content: 'detailed thinking off\nBe brief.',
    });
  });

  it('Llama-Nemotron v1.5 and Nano 2: /think or /no_think, replacing a directive the caller wrote', () => {
    const plan = planReasoning(
      ask('nvidia/llama-3.3-nemotron-super-49b-v1.5', false, '/think You are terse.'),
    );
    expect(plan.messages[0]).toEqual({ role: 'system', content: '/no_think\nYou are terse.' });
    expect(plan.chatTemplateKwargs).toBeUndefined();
    expect(planReasoning(ask('nvidia/nvidia-nemotron-nano-9b-v2', true)).messages[0]).toEqual({
      role: 'system',
      content: '/think',
    });
  });

  it('Nemotron 3: chat_template_kwargs.enable_thinking (and low_effort on Super), messages untouched', () => {
    const request = ask('nvidia/nemotron-3-nano-30b-a3b', false);
    const plan = planReasoning(request);
    expect(plan.messages).toBe(request.messages);
    expect(plan.chatTemplateKwargs).toEqual({ enable_thinking: false });
    expect(plan.ollamaThink).toBe(false);
    expect(planReasoning(ask('nvidia/nemotron-3-super-120b-a12b', 'low')).chatTemplateKwargs).toEqual({
      enable_thinking: true,
      low_effort: true,
    });
  });

  it('changes nothing when reasoning is left to the model', () => {
    const request = ask('nvidia/llama-3.3-nemotron-super-49b-v1', undefined, 'sys');
    expect(planReasoning(request).messages).toBe(request.messages);
  });

  it('refuses to guess for unknown models and impossible modes', () => {
    expect(() => planReasoning(ask('some/other-model', true))).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_MODEL' }),
    );
    expect(
      planReasoning({ ...ask('some/other-model', true), reasoningControl: 'think-prompt' }).messages[0]
        ?.content,
    ).toBe('/think');
    expect(() => planReasoning(ask('nvidia/nemotron-3-nano-30b-a3b', 'low'))).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => planReasoning(ask('nvidia/nv-embedqa-e5-v5', true))).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
