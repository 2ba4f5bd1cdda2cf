import type { Detector } from '../detect/create-detector.js';
import { type RequestApi, type RequestFinding, scanRequest } from '../detect/scan-request.js';
import type { ClientApi } from '../route/conversation-id.js';
import { jsonTextTokens } from './json-text-tokens.js';
import { plainPlaceholderPattern } from './placeholder.js';
import { redactText } from './redact-text.js';
import type { RedactionVault } from './redaction-vault.js';

/**
 * A finding in a request. For a string holding JSON (tool-call `arguments`), `jsonPath` points to
 * the string inside that JSON the offsets refer to.
 */
export interface RouterFinding extends RequestFinding {
  /**
   * True when the finding is a JSON number of the body (at `location`, offsets covering its
   * decimal text): redaction replaces the number by a placeholder string.
   */
  numeric?: boolean | undefined;
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

/** Integers with at least this many digits are scanned too (card, account and phone numbers). */
const minimumScannedDigits = 7;

/** Where tool-call inputs are JSON values rather than JSON text: Anthropic `tool_use.input`, object `arguments`. */
function isToolInput(key: string, value: unknown, parent: Record<string, unknown> | undefined): boolean {
  if (!isContainer(value)) return false;
  if (key === 'arguments') return true;
  return (
    key === 'input' &&
    parent !== undefined &&
    typeof parent.type === 'string' &&
    parent.type.endsWith('tool_use')
  );
}

/**
 * Calls `visit` for every integer inside tool-call inputs that are JSON values (Anthropic
 * `tool_use.input`, `arguments` objects), with its JSON Pointer. Numbers elsewhere (`seed`,
 * `max_tokens`, schema bounds) are protocol, not data.
 */
function eachToolInputNumber(
  value: unknown,
  pointer: string,
  visit: (value: number, pointer: string) => void,
  inside: boolean,
  depth = 0,
  key = '',
  parent: Record<string, unknown> | undefined = undefined,
): void {
  if (typeof value === 'number') {
    if (inside) visit(value, pointer);
    return;
  }
  if (depth > maximumDepth || !isContainer(value)) return;
  const nowInside = inside || isToolInput(key, value, parent);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++)
      eachToolInputNumber(
        value[index],
        `${pointer}/${index}`,
        visit,
        nowInside,
        depth + 1,
        String(index),
        parent,
      );
    return;
  }
  for (const [childKey, child] of Object.entries(value)) {
    eachToolInputNumber(
      child,
      `${pointer}/${escapePointer(childKey)}`,
      visit,
      nowInside,
      depth + 1,
      childKey,
      value,
    );
  }
}

/**
 * Scans every text a request carries with `detector`: the whole body except protocol metadata and
 * base64 payloads (`scanRequest` of the detection engine), so a field the router does not know is
 * scanned — and, if routed to the cloud, redacted — rather than missed. Its findings are used as
 * they are, with their locations: tool-call `arguments` holding JSON text come with findings inside
 * their strings (`jsonPath`) and in the raw text outside strings (numbers such as a card number
 * sent as a JSON number, keys). Integers of 7 or more digits inside tool inputs that are JSON
 * values (Anthropic `tool_use.input`) are scanned as their decimal text too, with `numeric` set.
 */
export function scanRequestTexts(
  body: Record<string, unknown>,
  api: ClientApi,
  detector: Detector,
): RequestScan {
  const findings: RouterFinding[] = scanRequest(body, { api: requestApiOf[api], detector }).findings;
  eachToolInputNumber(
    body,
    '',
    (value, pointer) => {
      if (!Number.isSafeInteger(value)) return;
      const text = String(Math.abs(value));
      if (text.length < minimumScannedDigits) return;
      for (const finding of detector.scan(text)) {
        findings.push({ ...finding, location: pointer, numeric: true, start: 0, end: text.length });
      }
    },
    false,
  );
  return { findings };
}

/** The container holding the string (or number) at a JSON Pointer, and its key there. */
function resolvePointer(
  root: unknown,
  pointer: string,
): { owner: Record<string, unknown>; key: string; value: string | number } | undefined {
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
  const value = record[key];
  return typeof value === 'string' || typeof value === 'number' ? { owner: record, key, value } : undefined;
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

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Characters that may lie between number tokens one raw finding covers (`4111, 1111`). */
const betweenNumbers = /^[\s,]*$/;

/**
 * Redacts a tool-call `arguments` JSON text in place of its raw characters, so it stays valid JSON
 * with its formatting and exact number digits: findings inside strings (`jsonPath`) replace the
 * string by its redacted re-encoding; raw-text findings over numbers replace those numbers by a
 * placeholder STRING (a JSON number cannot hold one); raw-text findings inside an object key
 * replace the characters in the key. A finding over one whole number gets a `number` placeholder
 * (restored as that number, see `restoreText`). Returns undefined when a finding fits none of these, or
 * the result is not valid JSON: the caller then fails closed.
 */
function redactJsonText(
  text: string,
  findings: readonly RouterFinding[],
  vault: RedactionVault,
): string | undefined {
  const tokens = jsonTextTokens(text);
  if (tokens === undefined) return undefined;
  const splices: Splice[] = [];
  for (const [jsonPath, inner] of groupBy(
    findings.filter((finding) => finding.jsonPath !== undefined),
    (finding) => finding.jsonPath ?? '',
  )) {
    const token = tokens.find((candidate) => candidate.kind === 'string' && candidate.pointer === jsonPath);
    if (token === undefined) return undefined;
    const decoded = JSON.parse(text.slice(token.start, token.end)) as string;
    splices.push({
      start: token.start,
      end: token.end,
      text: JSON.stringify(redactText(decoded, inner, vault)),
    });
  }
  for (const finding of findings) {
    if (finding.jsonPath !== undefined) continue;
    const touched = tokens.filter((token) => token.start < finding.end && token.end > finding.start);
    const first = touched[0];
    const last = touched[touched.length - 1];
    if (first === undefined || last === undefined) return undefined;
    if (
      touched.length === 1 &&
      first.kind === 'key' &&
      finding.start > first.start &&
      finding.end < first.end
    ) {
      splices.push({
        start: finding.start,
        end: finding.end,
        text: vault.placeholderFor(finding.type, text.slice(finding.start, finding.end)),
      });
      continue;
    }
    if (!touched.every((token) => token.kind === 'number')) return undefined;
    for (let index = 1; index < touched.length; index++) {
      const previous = touched[index - 1];
      const next = touched[index];
      if (previous === undefined || next === undefined) return undefined;
      if (!betweenNumbers.test(text.slice(previous.end, next.start))) return undefined;
    }
    const value = text.slice(first.start, last.end);
    splices.push({
      start: first.start,
      end: last.end,
      // One whole number: a number placeholder, restored as that number; several: their text.
      text: JSON.stringify(
        vault.placeholderFor(finding.type, value, touched.length === 1 ? 'number' : 'text'),
      ),
    });
  }
  splices.sort((left, right) => left.start - right.start || left.end - right.end);
  let result = '';
  let cursor = 0;
  for (const splice of splices) {
    // Two raw findings over the same number: the first replacement already covers it.
    if (splice.start < cursor) {
      if (splice.end <= cursor) continue;
      return undefined;
    }
    result += text.slice(cursor, splice.start) + splice.text;
    cursor = splice.end;
  }
  result += text.slice(cursor);
  try {
    JSON.parse(result);
  } catch {
    return undefined;
  }
  return result;
}

/**
 * A copy of `body` in which every finding of `scan` (made on the same body) is replaced by its
 * placeholder from `vault`:
 * - plain strings: each finding's span;
 * - tool-call `arguments` JSON text: by the findings' locations in it (see `redactJsonText`), so
 *   the arguments stay valid JSON and their values restore exactly; a number found there (a card
 *   number sent as a JSON number) becomes a placeholder string; when the text cannot be redacted
 *   structurally, the whole arguments string is replaced by one placeholder (fail closed);
 * - numbers of tool inputs (`numeric` findings): replaced by a placeholder string.
 * Placeholders of whole JSON numbers are made with form `number`: where the model puts one back as
 * a whole JSON string of a tool input, restoring gives the number again.
 * Placeholder-shaped text the client wrote itself is reserved in the vault first. Returns the copy
 * and how many values were replaced.
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
    const first = findings[0];
    if (target === undefined || first === undefined) continue;
    redacted += findings.length;
    if (typeof target.value === 'number') {
      target.owner[target.key] = vault.placeholderFor(first.type, String(target.value), 'number');
      continue;
    }
    const text = target.value;
    const isJsonText = target.key === 'arguments' && jsonTextTokens(text) !== undefined;
    if (!isJsonText && findings.every((finding) => finding.jsonPath === undefined)) {
      target.owner[target.key] = redactText(text, findings, vault);
      continue;
    }
    target.owner[target.key] =
      redactJsonText(text, findings, vault) ?? vault.placeholderFor(first.type, text);
  }
  return { body: copy, redacted };
}
