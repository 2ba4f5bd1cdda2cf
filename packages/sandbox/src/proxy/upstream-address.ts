import { lookup } from 'node:dns/promises';
import {
  type AddressClassification,
  type AddressRange,
  classifyAddress,
  isCoveredByRanges,
  metadataHostNames,
} from './address-classification.js';
import type { HostKind } from './host-name.js';

/**
 * Resolves a host name to IP addresses. The proxy calls it exactly once per connection or request
 * and dials only addresses from that one answer. The default uses `dns.lookup` with `all: true`.
 */
export type EgressResolver = (hostname: string) => Promise<readonly string[]>;

/** The default resolver: the system resolver (`getaddrinfo`), all addresses, in its order. */
export const systemResolver: EgressResolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
};

/** The result of resolving and SSRF-checking an upstream. */
export type UpstreamAddresses =
  | { readonly ok: true; readonly addresses: readonly AddressClassification[] }
  | { readonly ok: false; readonly status: 403 | 502; readonly reason: string };

/**
 * Resolves `host` once (IP literals are not resolved) and keeps only the addresses that may be
 * dialled: public unicast, or covered by one of `allowedRanges` (the granting endpoints'
 * `allowed_ips`). Cloud-metadata host names count as metadata whatever they resolve to. When
 * nothing is left the answer is a 403 naming the first refused address.
 */
export async function resolveUpstream(
  host: string,
  kind: HostKind,
  allowedRanges: readonly AddressRange[],
  resolver: EgressResolver,
  ownAddresses: ReadonlySet<string>,
): Promise<UpstreamAddresses> {
  let answers: readonly string[];
  if (kind === 'name') {
    try {
      answers = await resolver(host);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return {
        ok: false,
        status: 502,
        reason: `dns-failed: ${host}${typeof code === 'string' ? ` (${code})` : ''}`,
      };
    }
  } else {
    answers = [host];
  }
  const metadataName = kind === 'name' && metadataHostNames.has(host);
  const permitted: AddressClassification[] = [];
  const seen = new Set<string>();
  let firstRefusal: string | null = null;
  for (const answer of answers) {
    const classification = classifyAddress(String(answer).split('%')[0] ?? '', ownAddresses);
    if (classification === null) {
      firstRefusal ??= `dns-failed: ${host} (not an IP address in the answer)`;
      continue;
    }
    const blocked = metadataName ? 'metadata' : classification.blocked;
    if (blocked !== null && !isCoveredByRanges(classification, allowedRanges)) {
      firstRefusal ??= metadataName
        ? `metadata-host: ${host}`
        : `${blocked}-address: ${classification.address}`;
      continue;
    }
    if (!seen.has(classification.dialAddress)) {
      seen.add(classification.dialAddress);
      permitted.push(classification);
    }
  }
  if (permitted.length > 0) {
    return { ok: true, addresses: permitted };
  }
  if (firstRefusal !== null && !firstRefusal.startsWith('dns-failed')) {
    return { ok: false, status: 403, reason: firstRefusal };
  }
  return { ok: false, status: 502, reason: firstRefusal ?? `dns-failed: ${host} (no addresses)` };
}
