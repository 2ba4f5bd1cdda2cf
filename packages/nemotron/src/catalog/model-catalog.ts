import type { ReasoningControl } from '../types.js';

/** The Nemotron families, which differ in how reasoning is switched. */
export type ModelFamily =
  | 'nemotron-3'
  | 'nemotron-nano-2'
  | 'llama-nemotron-v1.5'
  | 'llama-nemotron-v1'
  | 'nemotron-embedding';

/** What the catalog knows about one model. */
export interface CatalogEntry {
  /** Canonical id, as NVIDIA's API catalog names it. */
  readonly id: string;
  /** Other names servers use for it (Hugging Face repository ids, local NIM aliases, Ollama tags). */
  readonly aliases: readonly string[];
  /** Human-readable name. */
  readonly displayName: string;
  /** Family (decides the reasoning switch). */
  readonly family: ModelFamily;
  /** `chat` or `embedding`. */
  readonly kind: 'chat' | 'embedding';
  /** Longest context (prompt + answer) in tokens the model supports; servers may run it shorter. */
  readonly contextWindow: number;
  /** Whether self-hosting it (NIM, vLLM or Ollama) on one workstation or single-GPU server is practical. */
  readonly runsLocally: boolean;
  /** Approximate GPU memory needed to serve it, in GB, at `precision` (weights plus a modest KV cache). */
  readonly approximateGpuMemoryGb: number;
  /** Precision the memory figure assumes. */
  readonly precision: 'bf16' | 'fp8' | '4-bit';
  /** How reasoning is switched on and off. */
  readonly reasoningControl: ReasoningControl;
  /** Whether the model reasons when not told either way. */
  readonly reasonsByDefault: boolean;
  /** Whether a low-effort reasoning mode exists (`reasoning: 'low'`). */
  readonly supportsLowEffort: boolean;
  /** Whether the model was trained for tool calling. */
  readonly supportsTools: boolean;
  /** Embedding vector size, for embedding models. */
  readonly embeddingDimensions?: number;
}

const entries: readonly CatalogEntry[] = [
  {
    id: 'nvidia/nemotron-3-super-120b-a12b',
    aliases: [
      'nvidia/nvidia-nemotron-3-super-120b-a12b-bf16',
      'nvidia/nvidia-nemotron-3-super-120b-a12b-fp8',
      'nvidia/nemotron-3-super',
      'nemotron-3-super',
      'nemotron-3-super:120b',
    ],
    displayName: 'Nemotron 3 Super 120B-A12B',
    family: 'nemotron-3',
    kind: 'chat',
    contextWindow: 1_048_576,
    runsLocally: true,
    approximateGpuMemoryGb: 80,
    precision: '4-bit',
    reasoningControl: 'chat-template-kwargs',
    reasonsByDefault: true,
    supportsLowEffort: true,
    supportsTools: true,
  },
  {
    id: 'nvidia/nemotron-3-nano-30b-a3b',
    aliases: [
      'nvidia/nvidia-nemotron-3-nano-30b-a3b-bf16',
      'nvidia/nvidia-nemotron-3-nano-30b-a3b-fp8',
      'nvidia/nemotron-3-nano',
      'nemotron-3-nano',
      'nemotron-3-nano:30b',
    ],
    displayName: 'Nemotron 3 Nano 30B-A3B',
    family: 'nemotron-3',
    kind: 'chat',
    contextWindow: 1_048_576,
    runsLocally: true,
    approximateGpuMemoryGb: 24,
    precision: '4-bit',
    reasoningControl: 'chat-template-kwargs',
    reasonsByDefault: true,
    supportsLowEffort: false,
    supportsTools: true,
  },
  {
    id: 'nvidia/nvidia-nemotron-nano-9b-v2',
    aliases: ['nvidia/nemotron-nano-9b-v2', 'nemotron-nano-9b-v2'],
    displayName: 'NVIDIA Nemotron Nano 9B v2',
    family: 'nemotron-nano-2',
    kind: 'chat',
    contextWindow: 131_072,
    runsLocally: true,
    approximateGpuMemoryGb: 22,
    precision: 'bf16',
    reasoningControl: 'think-prompt',
    reasonsByDefault: true,
    supportsLowEffort: false,
    supportsTools: true,
  },
  {
    id: 'nvidia/nvidia-nemotron-nano-12b-v2',
    aliases: ['nvidia/nemotron-nano-12b-v2', 'nemotron-nano-12b-v2'],
    displayName: 'NVIDIA Nemotron Nano 12B v2',
    family: 'nemotron-nano-2',
    kind: 'chat',
    contextWindow: 131_072,
    runsLocally: true,
    approximateGpuMemoryGb: 28,
    precision: 'bf16',
    reasoningControl: 'think-prompt',
    reasonsByDefault: true,
    supportsLowEffort: false,
    supportsTools: true,
  },
  {
    id: 'nvidia/llama-3.3-nemotron-super-49b-v1.5',
    aliases: ['nvidia/llama-3_3-nemotron-super-49b-v1_5', 'llama-3.3-nemotron-super-49b-v1.5'],
    displayName: 'Llama 3.3 Nemotron Super 49B v1.5',
    family: 'llama-nemotron-v1.5',
    kind: 'chat',
    contextWindow: 131_072,
    runsLocally: true,
    approximateGpuMemoryGb: 60,
    precision: 'fp8',
    reasoningControl: 'think-prompt',
    reasonsByDefault: true,
    supportsLowEffort: false,
    supportsTools: true,
  },
  {
    id: 'nvidia/llama-3.3-nemotron-super-49b-v1',
    aliases: ['nvidia/llama-3_3-nemotron-super-49b-v1', 'llama-3.3-nemotron-super-49b-v1'],
    displayName: 'Llama 3.3 Nemotron Super 49B v1',
    family: 'llama-nemotron-v1',
    kind: 'chat',
    contextWindow: 131_072,
    runsLocally: true,
    approximateGpuMemoryGb: 60,
    precision: 'fp8',
    reasoningControl: 'detailed-thinking-prompt',
    reasonsByDefault: false,
    supportsLowEffort: false,
    supportsTools: true,
  },
  {
    id: 'nvidia/llama-3.1-nemotron-nano-8b-v1',
    aliases: ['llama-3.1-nemotron-nano-8b-v1'],
    displayName: 'Llama 3.1 Nemotron Nano 8B v1',
    family: 'llama-nemotron-v1',
    kind: 'chat',
    contextWindow: 131_072,
    runsLocally: true,
    approximateGpuMemoryGb: 20,
    precision: 'bf16',
    reasoningControl: 'detailed-thinking-prompt',
    reasonsByDefault: false,
    supportsLowEffort: false,
    supportsTools: true,
  },
  {
    id: 'nvidia/llama-3.1-nemotron-ultra-253b-v1',
    aliases: ['llama-3.1-nemotron-ultra-253b-v1'],
    displayName: 'Llama 3.1 Nemotron Ultra 253B v1',
    family: 'llama-nemotron-v1',
    kind: 'chat',
    contextWindow: 131_072,
    runsLocally: false,
    approximateGpuMemoryGb: 300,
    precision: 'fp8',
    reasoningControl: 'detailed-thinking-prompt',
    reasonsByDefault: false,
    supportsLowEffort: false,
    supportsTools: true,
  },
  {
    id: 'nvidia/llama-3.2-nv-embedqa-1b-v2',
    aliases: ['llama-3.2-nv-embedqa-1b-v2'],
    displayName: 'Llama 3.2 NV EmbedQA 1B v2',
    family: 'nemotron-embedding',
    kind: 'embedding',
    contextWindow: 8_192,
    runsLocally: true,
    approximateGpuMemoryGb: 4,
    precision: 'bf16',
    reasoningControl: 'none',
    reasonsByDefault: false,
    supportsLowEffort: false,
    supportsTools: false,
    embeddingDimensions: 2048,
  },
  {
    id: 'nvidia/nv-embedqa-e5-v5',
    aliases: ['nv-embedqa-e5-v5'],
    displayName: 'NV EmbedQA E5 v5',
    family: 'nemotron-embedding',
    kind: 'embedding',
    contextWindow: 512,
    runsLocally: true,
    approximateGpuMemoryGb: 2,
    precision: 'bf16',
    reasoningControl: 'none',
    reasonsByDefault: false,
    supportsLowEffort: false,
    supportsTools: false,
    embeddingDimensions: 1024,
  },
];

/** Every model the catalog knows, canonical ids first. */
export const modelCatalog: readonly CatalogEntry[] = Object.freeze(
  entries.map((entry) => Object.freeze(entry)),
);

/** The model NVIDIA's hosted API and OpenShell default to. */
export const defaultModelId = 'nvidia/nemotron-3-super-120b-a12b';

function normalise(id: string): string {
  return (
    id
      .trim()
      .toLowerCase()
      .replace(/:latest$/, '')
      // Ollama quantisation tags: nemotron-3-nano:30b-q4_K_M -> nemotron-3-nano:30b
      .replace(/(:[a-z0-9.]+)-(q\d[a-z0-9_]*|fp16|bf16|fp8)$/, '$1')
      .replace(/[_]/g, '.')
  );
}

const byName = new Map<string, CatalogEntry>();
for (const entry of modelCatalog) {
  for (const name of [entry.id, ...entry.aliases]) {
    byName.set(normalise(name), entry);
    // Hugging Face spells dots as underscores (Llama-3_3-...-v1_5): index that spelling too.
    byName.set(normalise(name.replace(/\./g, '_')), entry);
  }
}

/**
 * Finds a model by canonical id, alias or the spelling a server uses (case-insensitive; Hugging
 * Face's `_` for `.`; an Ollama `:latest` tag; a precision suffix such as `-FP8` or `-BF16`).
 * Returns undefined for models the catalog does not know.
 */
export function findModel(id: string): CatalogEntry | undefined {
  const name = normalise(id);
  const direct = byName.get(name);
  if (direct !== undefined) return direct;
  const withoutPrecision = name.replace(/-(bf16|fp8|nvfp4|fp4|awq|gguf)$/, '');
  if (withoutPrecision !== name) return byName.get(withoutPrecision);
  return undefined;
}

/** What {@link selectModels} filters on. */
export interface ModelSelection {
  /** Only models of this kind. */
  readonly kind?: 'chat' | 'embedding';
  /** Only models practical to self-host. */
  readonly runsLocally?: boolean;
  /** Only models that fit in this much GPU memory (GB). */
  readonly maxGpuMemoryGb?: number;
  /** Only models whose context window is at least this many tokens. */
  readonly minContextWindow?: number;
  /** Only models trained for tool calling. */
  readonly supportsTools?: boolean;
}

/**
 * Catalog entries matching every given criterion, largest (most GPU memory) first, so the first
 * entry is the most capable model that fits.
 */
export function selectModels(selection: ModelSelection = {}): CatalogEntry[] {
  return modelCatalog
    .filter(
      (entry) =>
        (selection.kind === undefined || entry.kind === selection.kind) &&
        (selection.runsLocally === undefined || entry.runsLocally === selection.runsLocally) &&
        (selection.maxGpuMemoryGb === undefined ||
          entry.approximateGpuMemoryGb <= selection.maxGpuMemoryGb) &&
        (selection.minContextWindow === undefined || entry.contextWindow >= selection.minContextWindow) &&
        (selection.supportsTools === undefined || entry.supportsTools === selection.supportsTools),
    )
    .sort((left, right) => right.approximateGpuMemoryGb - left.approximateGpuMemoryGb);
}

/** Result of {@link validateModelId}. */
export type ModelValidation =
  | { readonly ok: true; readonly value: CatalogEntry }
  | { readonly ok: false; readonly error: string };

/**
 * Checks that `id` names a catalog model of the wanted kind (and, when `local` is set, one that
 * can be self-hosted). The error names close matches, for a CLI to print as-is.
 */
export function validateModelId(
  id: string,
  options: { kind?: 'chat' | 'embedding'; local?: boolean } = {},
): ModelValidation {
  const entry = findModel(id);
  if (entry === undefined) {
    const words = normalise(id)
      .split(/[^a-z0-9.]+/)
      .filter((word) => word.length > 2);
    const close = modelCatalog
      .filter((candidate) => words.some((word) => candidate.id.includes(word)))
      .map((candidate) => candidate.id)
      .slice(0, 3);
    const hint = close.length > 0 ? `; did you mean ${close.join(', ')}?` : '';
    return { ok: false, error: `unknown model "${id}"${hint}` };
  }
  if (options.kind !== undefined && entry.kind !== options.kind) {
    return {
      ok: false,
      error: `model "${id}" is for ${entry.kind === 'chat' ? 'chat' : 'embeddings'}, not ${options.kind === 'chat' ? 'chat' : 'embeddings'}`,
    };
  }
  if (options.local === true && !entry.runsLocally) {
    return {
      ok: false,
      error: `model "${id}" needs about ${entry.approximateGpuMemoryGb} GB of GPU memory and is not practical to run locally`,
    };
  }
  return { ok: true, value: entry };
}
