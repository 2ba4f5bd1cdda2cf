/** Hop-by-hop header handling for forwarded absolute-form HTTP. */

/** Request and response headers that belong to one hop and are never forwarded. */
const hopByHopHeaders = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
]);

/**
 * Returns the headers of `rawHeaders` (Node's flat name/value list) that may be forwarded: without
 * hop-by-hop headers, `Proxy-Authorization`, `Host` (set by the proxy) and any header named in
 * `Connection`, grouped by lower-case name in their original order.
 */
export function headersWithoutHopByHop(rawHeaders: readonly string[]): Map<string, string[]> {
  const listed = new Set<string>();
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] ?? '').toLowerCase();
    if (name === 'connection' || name === 'proxy-connection') {
      for (const token of (rawHeaders[index + 1] ?? '').split(',')) {
        listed.add(token.trim().toLowerCase());
      }
    }
  }
  const kept = new Map<string, string[]>();
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] ?? '').toLowerCase();
    if (hopByHopHeaders.has(name) || listed.has(name)) {
      continue;
    }
    const values = kept.get(name) ?? [];
    values.push(rawHeaders[index + 1] ?? '');
    kept.set(name, values);
  }
  return kept;
}

/** `decodeURIComponent`, or the input unchanged when it is not valid percent-encoding. */
export function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
