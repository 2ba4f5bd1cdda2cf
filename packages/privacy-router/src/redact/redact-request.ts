import type { Detector } from '../detect/create-detector.js';
import type { Finding } from '../detect/finding.js';
import type { ClientApi } from '../route/conversation-id.js';
import { placeholderOpen, plainPlaceholderPattern } from './placeholder.js';
import { redactText } from './redact-text.js';
import type { RedactionVault } from './redaction-vault.js';
import { visitRequestTexts } from './request-texts.js';

/** The findings of every text of a request, in visiting order. */
export interface RequestScan {
  /** All findings of the request (offsets relative to their own text). */
  findings: Finding[];
  /** Findings per visited text, in the order {@link visitRequestTexts} visits them. */
  perText: Finding[][];
}

/** Scans every text of a request (see {@link visitRequestTexts}) with `detector`. */
export function scanRequestTexts(
  body: Record<string, unknown>,
  api: ClientApi,
  detector: Detector,
): RequestScan {
  const findings: Finding[] = [];
  const perText: Finding[][] = [];
  visitRequestTexts(body, api, (text) => {
    const found = detector.scan(text);
    perText.push(found);
    for (const finding of found) findings.push(finding);
  });
  return { findings, perText };
}

/**
 * A copy of `body` in which each finding of `scan` (made on the same body) is replaced by its
 * placeholder from `vault`. Returns the copy and how many values were replaced.
 */
export function redactRequest(
  body: Record<string, unknown>,
  api: ClientApi,
  scan: RequestScan,
  vault: RedactionVault,
): { body: Record<string, unknown>; redacted: number } {
  const copy = structuredClone(body);
  // Placeholder-shaped text the client wrote itself is reserved, never assigned to a value.
  visitRequestTexts(copy, api, (text) => {
    if (!text.includes(placeholderOpen)) return;
    for (const match of text.matchAll(plainPlaceholderPattern))
      if (match[1] !== undefined) vault.reserve(match[1]);
  });
  let index = 0;
  let redacted = 0;
  visitRequestTexts(copy, api, (text, replace) => {
    const found = scan.perText[index] ?? [];
    index++;
    if (found.length === 0) return;
    redacted += found.length;
    replace(redactText(text, found, vault));
  });
  return { body: copy, redacted };
}
