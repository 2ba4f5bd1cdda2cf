import { domainToASCII } from 'node:url';
import { type HostResult, normalizeHost } from './host-name.js';

/** A compiled endpoint host pattern. */
export interface HostPattern {
  /** The canonical pattern text (lower-case, punycode, no trailing dot), for messages. */
  readonly text: string;
  /** Whether a canonical host (see `normalizeHost`) matches. */
  matches(host: string): boolean;
}

/**
 * Compiles an endpoint `host`: either an exact host (name or IP literal) or a name whose FIRST
 * label contains `*` wildcards (OpenShell's rule: wildcards only within the first label).
 *
 * A `*` matches one or more characters inside that one label and never a dot, so
 * `*.example.com` matches `a.example.com` but not `example.com`, `a.b.example.com`,
 * `evil-example.com` or `example.com.evil.com`. Matching is case-insensitive, ignores one
 * trailing dot, and compares IDNs in punycode (`*.bücher.de` = `*.xn--bcher-kva.de`).
 *
 * @param pattern - the endpoint's `host` value
 */
export function compileHostPattern(pattern: string): HostResult<HostPattern> {
  const trimmed = pattern.trim();
  if (!trimmed.includes('*')) {
    const exact = normalizeHost(trimmed);
    if (!exact.ok) {
      return exact;
    }
    const text = exact.value.host;
    return { ok: true, value: { text, matches: (host) => host === text } };
  }
  const withoutDot = trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
  const firstDot = withoutDot.indexOf('.');
  if (firstDot < 0) {
    return {
      ok: false,
      error: `host pattern "${pattern}" needs at least one label after the wildcard label`,
    };
  }
  const firstLabel = withoutDot.slice(0, firstDot).toLowerCase();
  const rest = withoutDot.slice(firstDot + 1);
  if (rest.includes('*')) {
    return { ok: false, error: `host pattern "${pattern}": '*' is only allowed in the first label` };
  }
  if (!/^[a-z0-9*_-]+$/u.test(firstLabel) || firstLabel.includes('**')) {
    return { ok: false, error: `host pattern "${pattern}": invalid first label "${firstLabel}"` };
  }
  const suffix = domainToASCII(rest);
  const normalizedSuffix = suffix === '' ? undefined : normalizeHost(suffix);
  if (normalizedSuffix === undefined || !normalizedSuffix.ok || normalizedSuffix.value.kind !== 'name') {
    return { ok: false, error: `host pattern "${pattern}": invalid domain "${rest}"` };
  }
  const labelExpression = firstLabel.split('*').map(escapeRegExp).join('[^.]+');
  const suffixText = normalizedSuffix.value.host;
  const expression = new RegExp(`^${labelExpression}\\.${escapeRegExp(suffixText)}$`, 'u');
  return {
    ok: true,
    value: { text: `${firstLabel}.${suffixText}`, matches: (host) => expression.test(host) },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}
