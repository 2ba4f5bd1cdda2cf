import { z } from 'zod';
import {
  type EndpointProfile,
  nimProfile,
  ollamaProfile,
  openAiCompatibleProfile,
  parseBaseUrl,
  vllmProfile,
} from '../endpoint-profile.js';
import { NemotronError } from '../errors.js';
import { HttpTransport, readBodyText } from '../http/transport.js';
import { ollamaTagsSchema, ollamaVersionSchema } from '../protocol/ollama-schemas.js';
import { modelListSchema } from '../protocol/openai-schemas.js';
import type { ServerModel } from '../types.js';

/** A model server found by {@link detectLocalServers}. */
export interface DetectedServer {
  /** Which server it is. */
  readonly flavour: 'nim' | 'vllm' | 'ollama' | 'openai-compatible';
  /** Its origin, e.g. `http://127.0.0.1:8000`. */
  readonly origin: string;
  /** Version it reports (Ollama `/api/version`, vLLM `/version`, NIM `/v1/version` or metadata). */
  readonly version: string | undefined;
  /** Whether its readiness endpoint says it can serve now. */
  readonly ready: boolean;
  /** Models it serves. */
  readonly models: readonly ServerModel[];
}

/** Options of {@link detectLocalServers}. */
export interface DetectionOptions {
  /** Origins to probe. Default: `http://127.0.0.1:8000` (NIM or vLLM) and `http://127.0.0.1:11434` (Ollama). */
  readonly candidates?: readonly string[];
  /** Limit for each probe request (connect, headers and body). Default 2000 ms. */
  readonly timeoutMs?: number;
  /** Cancels detection. */
  readonly signal?: AbortSignal;
}

const nimMetadataSchema = z
  .object({
    version: z.string().optional(),
    modelInfo: z
      .array(z.object({ shortName: z.string().optional(), modelUrl: z.string().optional() }))
      .optional(),
    assetInfo: z.array(z.unknown()).optional(),
    licenseInfo: z.unknown().optional(),
  })
  .refine((value) => value.modelInfo !== undefined || value.assetInfo !== undefined, {
    message: 'not NIM metadata (no modelInfo or assetInfo)',
  });
const nimVersionSchema = z.object({ release: z.string() });
const vllmVersionSchema = z.object({ version: z.string().min(1) });

type Probe = { status: number; json: unknown } | undefined;

async function probe(
  transport: HttpTransport,
  url: URL,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Probe> {
  try {
    const response = await transport.send(
      {
        method: 'GET',
        url,
        headers: { accept: 'application/json', 'user-agent': '@nemoclaw/nemotron' },
        signal,
        timeouts: { connectMs: timeoutMs, headersMs: timeoutMs, idleMs: timeoutMs },
      },
      { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 },
    );
    const text = await readBodyText(response, signal, url.pathname);
    try {
      return { status: response.status, json: JSON.parse(text) };
    } catch {
      return { status: response.status, json: undefined };
    }
  } catch (error) {
    if (error instanceof NemotronError && error.code === 'ABORTED') throw error;
    return undefined;
  }
}

function openAiModels(result: Probe): ServerModel[] {
  const parsed = modelListSchema.safeParse(result?.json);
  if (!parsed.success) return [];
  return parsed.data.data.map((model) => ({
    id: model.id,
    ownedBy: model.owned_by ?? undefined,
    contextWindow: model.max_model_len ?? undefined,
    sizeBytes: undefined,
  }));
}

async function detectAt(
  transport: HttpTransport,
  origin: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<DetectedServer | undefined> {
  const at = (path: string): URL => new URL(path, `${origin}/`);
  const [ollamaVersion, nimMetadata, vllmVersion] = await Promise.all([
    probe(transport, at('/api/version'), timeoutMs, signal),
    probe(transport, at('/v1/metadata'), timeoutMs, signal),
    probe(transport, at('/version'), timeoutMs, signal),
  ]);
  const ollama = ollamaVersionSchema.safeParse(ollamaVersion?.json);
  if (ollamaVersion?.status === 200 && ollama.success) {
    const tags = ollamaTagsSchema.safeParse(
      (await probe(transport, at('/api/tags'), timeoutMs, signal))?.json,
    );
    const models = tags.success
      ? tags.data.models.map((model) => ({
          id: model.name,
          ownedBy: undefined,
          contextWindow: undefined,
          sizeBytes: model.size,
        }))
      : [];
    return { flavour: 'ollama', origin, version: ollama.data.version, ready: true, models };
  }
  const nim = nimMetadataSchema.safeParse(nimMetadata?.json);
  if (nimMetadata?.status === 200 && nim.success) {
    const [ready, version, models] = await Promise.all([
      probe(transport, at('/v1/health/ready'), timeoutMs, signal),
      probe(transport, at('/v1/version'), timeoutMs, signal),
      probe(transport, at('/v1/models'), timeoutMs, signal),
    ]);
    const release = nimVersionSchema.safeParse(version?.json);
    return {
      flavour: 'nim',
      origin,
      version: release.success ? release.data.release : nim.data.version,
      ready: ready?.status === 200,
      models: openAiModels(models),
    };
  }
  const vllm = vllmVersionSchema.safeParse(vllmVersion?.json);
  if (vllmVersion?.status === 200 && vllm.success) {
    const [health, models] = await Promise.all([
      probe(transport, at('/health'), timeoutMs, signal),
      probe(transport, at('/v1/models'), timeoutMs, signal),
    ]);
    return {
      flavour: 'vllm',
      origin,
      version: vllm.data.version,
      ready: health?.status === 200,
      models: openAiModels(models),
    };
  }
  const models = await probe(transport, at('/v1/models'), timeoutMs, signal);
  if (models?.status === 200 && modelListSchema.safeParse(models.json).success) {
    return {
      flavour: 'openai-compatible',
      origin,
      version: undefined,
      ready: true,
      models: openAiModels(models),
    };
  }
  return undefined;
}

/**
 * Finds local model servers and tells which kind each is, by the endpoints only that kind has:
 * Ollama answers `GET /api/version` with `{"version"}`; NIM answers `GET /v1/metadata` with
 * `modelInfo`/`assetInfo` (and readiness on `/v1/health/ready`); vLLM answers `GET /version`
 * with `{"version"}` (readiness on `/health`). NIM is checked before vLLM because NIM runs on
 * vLLM. Anything else that lists models on `/v1/models` is `openai-compatible`. Candidates are
 * probed concurrently; the result keeps their order and omits origins where nothing answered.
 */
export async function detectLocalServers(options: DetectionOptions = {}): Promise<DetectedServer[]> {
  const candidates = options.candidates ?? ['http://127.0.0.1:8000', 'http://127.0.0.1:11434'];
  const timeoutMs = options.timeoutMs ?? 2000;
  const origins = candidates.map((candidate) => parseBaseUrl(candidate).origin);
  const transport = new HttpTransport(timeoutMs);
  try {
    const found = await Promise.all(
      origins.map((origin) => detectAt(transport, origin, timeoutMs, options.signal)),
    );
    return found.filter((server): server is DetectedServer => server !== undefined);
  } finally {
    await transport.close();
  }
}

/** The first server {@link detectLocalServers} finds, or undefined when none answers. */
export async function detectLocalServer(options: DetectionOptions = {}): Promise<DetectedServer | undefined> {
  const [first] = await detectLocalServers(options);
  return first;
}

/** The endpoint profile to talk to a detected server (Ollama through its native API). */
export function profileForDetectedServer(server: DetectedServer): EndpointProfile {
  switch (server.flavour) {
    case 'ollama':
      return ollamaProfile({ baseUrl: server.origin });
    case 'nim':
      return nimProfile({ baseUrl: `${server.origin}/v1` });
    case 'vllm':
      return vllmProfile({ baseUrl: `${server.origin}/v1` });
    case 'openai-compatible':
      return openAiCompatibleProfile({ baseUrl: `${server.origin}/v1` });
  }
}
