import { createDetector, type Detector } from './create-detector.js';
import type { Finding } from './finding.js';

/** The request formats {@link scanRequest} understands. */
export type RequestApi = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'embeddings';

/** The request APIs, as a list. */
export const requestApis: readonly RequestApi[] = [
  'openai-chat',
  'openai-responses',
  'anthropic-messages',
  'embeddings',
];

/** A finding inside one text of a request. Offsets are relative to the string at `location`. */
export interface RequestFinding extends Finding {
  /**
   * JSON Pointer (RFC 6901) to the string in the request body, e.g. `/messages/2/content/0/text`
   * or `/messages/1/tool_calls/0/function/arguments`.
   */
  location: string;
  /**
   * For a finding inside tool-call `arguments` that hold JSON: the JSON Pointer of the string
   * inside the parsed arguments the offsets refer to (`location` is then the arguments string).
   */
  jsonPath?: string | undefined;
}

/** Options of {@link scanRequest}. */
export interface ScanRequestOptions {
  /** The API the body was sent to; decides which fields are metadata rather than text. */
  api: RequestApi;
  /** The detector to use (default: one shared detector with default options). */
  detector?: Detector;
}

/** What {@link scanRequest} found. */
export interface RequestScanResult {
  /** Findings of every text, in document order (by location, then offset). */
  findings: RequestFinding[];
  /** How many strings were scanned. */
  textsScanned: number;
  /** How many UTF-16 code units were scanned. */
  charactersScanned: number;
}

/**
 * Fields that hold protocol metadata, never user text, in the structural part of a request
 * (outside free-form subtrees such as tool-call inputs). Everything else that is a string is
 * scanned, so a field added by a future API version is scanned rather than missed.
 */
const metadataKeys: Readonly<Record<RequestApi, ReadonlySet<string>>> = (() => {
  const common = [
    'model',
    'role',
    'type',
    'id',
    'object',
    'tool_call_id',
    'tool_use_id',
    'call_id',
    'stop',
    'response_format',
    'encoding_format',
    'modalities',
    'service_tier',
    'reasoning_effort',
    'tool_choice',
    'media_type',
    'detail',
    'format',
    'voice',
    'cache_control',
    'status',
    'previous_response_id',
    'truncation',
    'effort',
    'stop_sequences',
    'anthropic_version',
    'mime_type',
    'file_id',
    'encrypted_content',
    'signature',
  ];
  const all = new Set(common);
  return { 'openai-chat': all, 'openai-responses': all, 'anthropic-messages': all, embeddings: all };
})();

/** Keys whose whole subtree is free-form data (tool inputs, user metadata): every string in it is scanned. */
const freeFormKeys = new Set([
  'input',
  'arguments',
  'metadata',
  'parameters',
  'input_schema',
  'output',
  'content',
  'text',
]);

const maximumDepth = 64;

function escapePointer(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

function isBinaryPayload(
  value: string,
  key: string | number,
  parent: Record<string, unknown> | undefined,
): boolean {
  if (value.startsWith('data:') && /^data:[\w.+-]+\/[\w.+-]+;base64,/.test(value.slice(0, 100))) return true;
  // Anthropic image/document sources and OpenAI audio/file parts carry base64 in `data` / `file_data`.
  if ((key === 'data' || key === 'file_data') && parent !== undefined) {
    if (parent.type === 'base64' || typeof parent.format === 'string' || typeof parent.filename === 'string')
      return true;
  }
  return false;
}

/** The parsed JSON of a tool-call `arguments` string, when it is a JSON object or array. */
function parseArguments(text: string): object | undefined {
  const first = text.trimStart().charAt(0);
  if (first !== '{' && first !== '[') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Spans (quotes included) of the string literals of a valid JSON text that are values, not object
 * keys: what the parsed walk scans, so a raw-text finding inside one is a duplicate.
 */
function valueStringSpans(json: string): [number, number][] {
  const spans: [number, number][] = [];
  for (let index = 0; index < json.length; index += 1) {
    if (json.charCodeAt(index) !== 34) continue;
    const start = index;
    for (index += 1; index < json.length; index += 1) {
      const code = json.charCodeAt(index);
      if (code === 92) index += 1;
      else if (code === 34) break;
    }
    let after = index + 1;
    while (after < json.length && ' \t\n\r'.includes(json.charAt(after))) after += 1;
    if (json.charAt(after) !== ':') spans.push([start, index + 1]);
  }
  return spans;
}

let sharedDetector: Detector | undefined;

/**
 * Scans every text a model request carries: system prompts and instructions, every message's
 * content (strings and multi-part arrays), tool results, tool-call arguments (OpenAI
 * `function.arguments` strings, Anthropic `tool_use.input` objects, Responses
 * `function_call.arguments`/`function_call_output.output`), reasoning summaries, embeddings
 * inputs and the `user` field. It walks the whole JSON body and skips only protocol metadata
 * (`model`, `role`, `type`, ids ...) outside free-form subtrees and base64 payloads (images,
 * audio, files), so a field it does not know is scanned rather than missed. Never throws on
 * an unexpected shape: a non-object body has no texts (except a bare string, which is scanned).
 */
export function scanRequest(body: unknown, options: ScanRequestOptions): RequestScanResult {
  if (options.detector === undefined && sharedDetector === undefined) sharedDetector = createDetector();
  const detector = options.detector ?? sharedDetector ?? createDetector();
  const skip = metadataKeys[options.api];
  const findings: RequestFinding[] = [];
  let textsScanned = 0;
  let charactersScanned = 0;

  const scanText = (text: string, location: string): void => {
    if (text.length === 0) return;
    textsScanned += 1;
    charactersScanned += text.length;
    for (const finding of detector.scan(text)) findings.push({ ...finding, location });
  };

  // Tool-call arguments holding JSON: every string inside is scanned unescaped (escaped quotes or
  // newlines must not hide a quoted secret or a private key block), with `jsonPath` pointing to
  // it; the raw text is scanned too, for what lies outside string values (numbers, keys).
  const scanArguments = (text: string, parsed: object, location: string): void => {
    textsScanned += 1;
    charactersScanned += text.length;
    const stringSpans = valueStringSpans(text);
    for (const finding of detector.scan(text)) {
      const inString = stringSpans.some(([start, end]) => finding.start < end && finding.end > start);
      if (!inString) findings.push({ ...finding, location });
    }
    const inner = (value: unknown, jsonPath: string, depth: number): void => {
      if (depth > maximumDepth) return;
      if (typeof value === 'string') {
        if (value.length === 0) return;
        textsScanned += 1;
        charactersScanned += value.length;
        for (const finding of detector.scan(value)) findings.push({ ...finding, location, jsonPath });
        return;
      }
      if (typeof value !== 'object' || value === null) return;
      if (Array.isArray(value)) {
        value.forEach((item, index) => {
          inner(item, `${jsonPath}/${index}`, depth + 1);
        });
        return;
      }
      for (const [childKey, child] of Object.entries(value))
        inner(child, `${jsonPath}/${escapePointer(childKey)}`, depth + 1);
    };
    inner(parsed, '', 0);
  };

  const walk = (
    value: unknown,
    location: string,
    freeForm: boolean,
    depth: number,
    key: string | number,
    parent: Record<string, unknown> | undefined,
  ): void => {
    if (depth > maximumDepth) return;
    if (typeof value === 'string') {
      if (isBinaryPayload(value, key, parent)) return;
      const parsed = key === 'arguments' ? parseArguments(value) : undefined;
      if (parsed !== undefined) scanArguments(value, parsed, location);
      else scanText(value, location);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        walk(item, `${location}/${index}`, freeForm, depth + 1, index, parent);
      });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    for (const [childKey, child] of Object.entries(record)) {
      if (!freeForm && skip.has(childKey)) continue;
      // Anthropic tool_use.input and Responses items are free-form below these keys.
      const childFreeForm =
        freeForm ||
        (freeFormKeys.has(childKey) && typeof child === 'object' && child !== null && childKey !== 'content');
      walk(child, `${location}/${escapePointer(childKey)}`, childFreeForm, depth + 1, childKey, record);
    }
  };

  walk(body, '', false, 0, '', undefined);
  return { findings, textsScanned, charactersScanned };
}
