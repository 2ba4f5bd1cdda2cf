import { describe, expect, it } from 'vitest';
import { defaultModelId, findModel, modelCatalog, selectModels, validateModelId } from './model-catalog.js';

describe('model catalog', () => {
  it('has unique ids and aliases, and the default model', () => {
    const names = modelCatalog.flatMap((entry) =>
      [entry.id, ...entry.aliases].map((name) => name.toLowerCase()),
    );
    expect(new Set(names).size).toBe(names.length);
    expect(findModel(defaultModelId)?.family).toBe('nemotron-3');
  });

  it('finds models by the spellings servers use', () => {
    expect(findModel('nvidia/Llama-3_3-Nemotron-Super-49B-v1_5')?.id).toBe(
      'nvidia/llama-3.3-nemotron-super-49b-v1.5',
    );
    expect(findModel('nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-FP8')?.id).toBe('nvidia/nemotron-3-nano-30b-a3b');
    expect(findModel('nvidia/nemotron-3-nano')?.id).toBe('nvidia/nemotron-3-nano-30b-a3b');
    expect(findModel('nvidia/NVIDIA-Nemotron-Nano-9B-v2')?.id).toBe('nvidia/nvidia-nemotron-nano-9b-v2');
    expect(findModel('nemotron-3-nano:latest')?.id).toBe('nvidia/nemotron-3-nano-30b-a3b');
    expect(findModel('nemotron-3-nano:30b-q4_K_M')?.id).toBe('nvidia/nemotron-3-nano-30b-a3b');
    expect(findModel('meta/llama-3.1-8b-instruct')).toBeUndefined();
  });

  it('selects local chat models that fit a GPU, most capable first', () => {
    const fits = selectModels({ kind: 'chat', runsLocally: true, maxGpuMemoryGb: 24 });
    expect(fits.map((entry) => entry.id)).toContain('nvidia/nemotron-3-nano-30b-a3b');
    expect(
      fits.every((entry) => entry.approximateGpuMemoryGb <= 24 && entry.runsLocally && entry.kind === 'chat'),
    ).toBe(true);
    const sizes = fits.map((entry) => entry.approximateGpuMemoryGb);
    expect(sizes).toEqual([...sizes].sort((left, right) => right - left));
    expect(
      selectModels({ minContextWindow: 1_000_000 }).every((entry) => entry.family === 'nemotron-3'),
    ).toBe(true);
  });

  it('validates ids for the CLI and router with a helpful message', () => {
    expect(validateModelId('nvidia/nemotron-3-super-120b-a12b')).toMatchObject({ ok: true });
    const unknown = validateModelId('nvidia/nemotron-3-mega');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error).toMatch(/unknown model .*did you mean nvidia\/nemotron-3/);
    const wrongKind = validateModelId('nvidia/nv-embedqa-e5-v5', { kind: 'chat' });
    expect(wrongKind).toMatchObject({ ok: false });
    expect(validateModelId('nvidia/llama-3.1-nemotron-ultra-253b-v1', { local: true })).toMatchObject({
      ok: false,
    });
  });
});
