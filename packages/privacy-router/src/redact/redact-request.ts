import type { Detector } from '../detect/create-detector.js';
import { type RequestApi, type RequestFinding, scanRequest } from '../detect/scan-request.js';
import type { ClientApi } from '../route/conversation-id.js';
import { plainPlaceholderPattern } from './placeholder.js';
import { redactText } from './redact-text.js';
import type { RedactionVault } from './redaction-vault.js';

/**
 * A finding in a request. For a string holding JSON (tool-call `arguments`), `jsonPath` points to
 * the string inside that JSON the offsets refer to.
 */
export interface RouterFinding extends RequestFinding {
  /** JSON Pointer inside the JSON text at `location`, when the finding is in tool-call arguments. */
  jsonPath?: string | undefined;
}

/** The findings of every text of a request. */
export interface RequestScan {
  /** All findings; offsets are relative to the string at `location` (and `jsonPath`). */
  findings: RouterFinding[];
}

const requestApiOf: Record<ClientApi, RequestApi> = {
  'openai-chat': 'openai-chat',
  'openai-responses': 'openai-responses',
  'openai-embeddings': 'embeddings',
  'anthropic-messages': 'anthropic-messages',
};

const maximumDepth = 64;

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function escapePointer(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerParts(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Calls `visit` for every string in `value`, with its JSON Pointer. */
function eachString(
  value: unknown,
  pointer: string,
  visit: (text: string, pointer: string, key: string) => void,
  depth = 0,
  key = '',
): void {
  if (typeof value === 'string') {
    visit(value, pointer, key);
    return;
  }
  if (depth > maximumDepth || !isContainer(value)) return;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      eachString(value[index], `${pointer}/${index}`, visit, depth + 1, String(index));
    }
    return;
  }
  for (const [childKey, child] of Object.entries(value)) {
    eachString(child, `${pointer}/${escapePointer(childKey)}`, visit, depth + 1, childKey);
  }
}

/** The parsed JSON of a tool-call `arguments` string, when it is a JSON object or array. */
function parseArguments(text: string): Container | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isContainer(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Scans every text a request carries with `detector`: the whole body except protocol metadata and
 * base64 payloads (`scanRequest` of the detection engine), so a field the router does not know is
 * scanned — and, if routed to the cloud, redacted — rather than missed. Tool-call `arguments`
 * holding JSON are scanned string by string after parsing, so escaped characters (quotes,
 * newlines of a private key) cannot hide a value.
 */
export function scanRequestTexts(
  body: Record<string, unknown>,
  api: ClientApi,
  detector: Detector,
): RequestScan {
  const argumentsTexts = new Map<string, Container>();
  eachString(body, '', (text, pointer, key) => {
    if (key !== 'arguments') return;
    const parsed = parseArguments(text);
    if (parsed !== undefined) argumentsTexts.set(pointer, parsed);
  });
  const findings: RouterFinding[] = scanRequest(body, { api: requestApiOf[api], detector }).findings.filter(
    (finding) => !argumentsTexts.has(finding.location),
  );
  for (const [location, parsed] of argumentsTexts) {
    eachString(parsed, '', (text, jsonPath) => {
      for (const finding of detector.scan(text)) findings.push({ ...finding, location, jsonPath });
    });
  }
  return { findings };
}

/** The container holding the string at a JSON Pointer, and its key there. */
function resolvePointer(
  root: unknown,
  pointer: string,
): { owner: Record<string, unknown>; key: string } | undefined {
  const parts = pointerParts(pointer);
  const key = parts.pop();
  if (key === undefined) return undefined;
  let owner: unknown = root;
  for (const part of parts) {
    if (!isContainer(owner)) return undefined;
    owner = (owner as Record<string, unknown>)[part];
  }
  if (!isContainer(owner)) return undefined;
  const record = owner as Record<string, unknown>;
  return typeof record[key] === 'string' ? { owner: record, key } : undefined;
}

function groupBy<Item>(items: readonly Item[], keyOf: (item: Item) => string): Map<string, Item[]> {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/**
 * A copy of `body` in which every finding of `scan` (made on the same body) is replaced by its
 * placeholder from `vault`. Tool-call `arguments` are re-serialised after redacting the strings
 * inside them, so they stay valid JSON and their values restore exactly. Placeholder-shaped text
 * the client wrote itself is reserved in the vault first. Returns the copy and how many values
 * were replaced.
 */
export function redactRequest(
  body: Record<string, unknown>,
  scan: RequestScan,
  vault: RedactionVault,
): { body: Record<string, unknown>; redacted: number } {
  const copy = structuredClone(body);
  const serialized = JSON.stringify(body);
  if (serialized.includes('\u27e6')) {
    for (const match of serialized.matchAll(plainPlaceholderPattern))
      if (match[1] !== undefined) vault.reserve(match[1]);
  }
  let redacted = 0;
  for (const [location, findings] of groupBy(scan.findings, (finding) => finding.location)) {
    const target = resolvePointer(copy, location);
    if (target === undefined) continue;
    const text = target.owner[target.key] as string;
    const inJson = findings.filter((finding) => finding.jsonPath !== undefined);
    const parsed = inJson.length > 0 ? parseArguments(text) : undefined;
    if (parsed !== undefined) {
      for (const [jsonPath, inner] of groupBy(inJson, (finding) => finding.jsonPath ?? '')) {
        const innerTarget = resolvePointer({ root: parsed }, `/root${jsonPath}`);
        if (innerTarget === undefined) continue;
        innerTarget.owner[innerTarget.key] = redactText(
          innerTarget.owner[innerTarget.key] as string,
          inner,
          vault,
        );
        redacted += inner.length;
      }
      target.owner[target.key] = JSON.stringify(parsed);
      continue;
    }
    const plain = findings.filter((finding) => finding.jsonPath === undefined);
    target.owner[target.key] = redactText(text, plain, vault);
    redacted += plain.length;
  }
  return { body: copy, redacted };
}
