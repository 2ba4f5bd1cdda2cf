import ipaddr from 'ipaddr.js';

/** What a normalised host is: a DNS name, an IPv4 literal or an IPv6 literal. */
export type HostKind = 'name' | 'ipv4' | 'ipv6';

/** A host in canonical form: lower-case ASCII (IDN as punycode), no trailing dot, IPv6 without brackets. */
export interface NormalizedHost {
  /** The canonical host, e.g. `xn--bcher-kva.de`, `127.0.0.1` (also for `0x7f.1`), `::1`. */
  readonly host: string;
  /** Whether {@link NormalizedHost.host} is a name or an address literal. */
  readonly kind: HostKind;
}

/** A `host:port` authority from a CONNECT line, an absolute URI or a Host header, canonicalised. */
export interface NormalizedAuthority extends NormalizedHost {
  /** The TCP port (1-65535). */
  readonly port: number;
}

/** A result that never throws: parsing untrusted input. */
export type HostResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const forbiddenAuthorityCharacters = /[\s@/\\?#\u0000-\u001f\u007f]/u;
const authorityShape = /^(\[[0-9A-Za-z:.%]+\]|[^:[\]]+)(?::(\d{1,5}))?$/u;
const maximumNameLength = 253;
const maximumLabelLength = 63;

/**
 * Canonicalises a host name or address literal the way the WHATWG URL parser does (which is what
 * HTTP clients do): lower-case, IDN to punycode, percent-decoding, numeric IPv4 forms such as
 * `0x7f.1` or `2130706433` to dotted quads, IPv6 compressed. One trailing dot is removed. Empty
 * labels, over-long names and anything the URL parser refuses are errors.
 *
 * @param raw - a host without port; IPv6 may be bracketed or not
 */
export function normalizeHost(raw: string): HostResult<NormalizedHost> {
  if (raw.length === 0 || raw.length > 1024 || forbiddenAuthorityCharacters.test(raw)) {
    return { ok: false, error: `invalid host "${printable(raw)}"` };
  }
  let candidate = raw;
  if (!raw.startsWith('[') && raw.includes(':')) {
    if (!ipaddr.IPv6.isValid(raw)) {
      return { ok: false, error: `invalid host "${printable(raw)}"` };
    }
    candidate = `[${raw}]`;
  }
  let hostname: string;
  try {
    hostname = new URL(`http://${candidate}/`).hostname;
  } catch {
    return { ok: false, error: `invalid host "${printable(raw)}"` };
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) {
    const inner = hostname.slice(1, -1);
    if (!ipaddr.IPv6.isValid(inner)) {
      return { ok: false, error: `invalid IPv6 literal "${printable(raw)}"` };
    }
    return { ok: true, value: { host: ipaddr.IPv6.parse(inner).toString(), kind: 'ipv6' } };
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(hostname)) {
    return { ok: true, value: { host: hostname, kind: 'ipv4' } };
  }
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (name.length === 0 || name.length > maximumNameLength) {
    return { ok: false, error: `invalid host name "${printable(raw)}"` };
  }
  for (const label of name.split('.')) {
    if (label.length === 0 || label.length > maximumLabelLength || label.includes('*')) {
      return { ok: false, error: `invalid host name "${printable(raw)}"` };
    }
  }
  return { ok: true, value: { host: name, kind: 'name' } };
}

/**
 * Parses and canonicalises `host[:port]` (IPv6 in brackets). Userinfo, paths and whitespace are
 * refused so that the host the policy sees is the host that gets dialled.
 *
 * @param authority - the authority text
 * @param defaultPort - port to use when none is given; when undefined a port is required
 */
export function parseAuthority(authority: string, defaultPort?: number): HostResult<NormalizedAuthority> {
  if (authority.length === 0 || authority.length > 1024 || forbiddenAuthorityCharacters.test(authority)) {
    return { ok: false, error: `invalid authority "${printable(authority)}"` };
  }
  const shape = authorityShape.exec(authority);
  if (shape === null) {
    return { ok: false, error: `invalid authority "${printable(authority)}"` };
  }
  const hostPart = shape[1] ?? '';
  const portText = shape[2];
  let port: number;
  if (portText === undefined) {
    if (defaultPort === undefined) {
      return { ok: false, error: `missing port in "${printable(authority)}"` };
    }
    port = defaultPort;
  } else {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return { ok: false, error: `invalid port in "${printable(authority)}"` };
    }
  }
  const host = normalizeHost(hostPart);
  if (!host.ok) {
    return host;
  }
  return { ok: true, value: { ...host.value, port } };
}

/** Formats host and port as an authority (`[::1]:443`, `example.com:80`). */
export function formatAuthority(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Makes untrusted text safe to echo in a reason or log line: printable ASCII, at most 200 characters. */
export function printable(text: string): string {
  const cleaned = text.replace(/[^\u0020-\u007e]/gu, '?');
  return cleaned.length > 200 ? `${cleaned.slice(0, 200)}...` : cleaned;
}
