import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';

/** Why an address may not be dialled without an `allowed_ips` override. */
export type BlockedAddressCategory =
  | 'loopback'
  | 'private'
  | 'carrier-grade-nat'
  | 'link-local'
  | 'metadata'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved'
  | 'own-address';

/** The SSRF verdict for one resolved or literal address. */
export interface AddressClassification {
  /** The address as given (canonical text). */
  readonly address: string;
  /** What to dial if allowed: IPv4-mapped and IPv4-compatible forms dial the embedded IPv4. */
  readonly dialAddress: string;
  /** Address family of {@link AddressClassification.dialAddress}. */
  readonly family: 4 | 6;
  /** Null when the address is a public unicast address; otherwise why it is refused. */
  readonly blocked: BlockedAddressCategory | null;
  /** Addresses an `allowed_ips` entry may cover to override a block (the address and any embedded IPv4). */
  readonly overrideCandidates: readonly (ipaddr.IPv4 | ipaddr.IPv6)[];
}

type Range = readonly [string, number, BlockedAddressCategory];

/** Checked first: more specific than the ranges that contain them. */
const metadataAddresses = new Set(['169.254.169.254', '100.100.100.200', 'fd00:ec2::254', '169.254.170.2']);

const blockedIpv4Ranges: readonly Range[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade-nat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** IPv6 outside these blocks is refused as reserved unless another rule below applies. */
const blockedIpv6Ranges: readonly Range[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'private'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'reserved'],
  ['ff00::', 8, 'multicast'],
  ['100::', 64, 'reserved'],
  ['2001::', 32, 'reserved'], // Teredo (the client address is obfuscated): refuse outright
  ['2001:2::', 48, 'reserved'],
  ['2001:10::', 28, 'reserved'],
  ['2001:20::', 28, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
  ['3fff::', 20, 'reserved'],
  ['5f00::', 16, 'reserved'],
  ['64:ff9b:1::', 48, 'private'],
];

const parsedIpv4Ranges = blockedIpv4Ranges.map(([base, bits, category]) => ({
  range: [ipaddr.IPv4.parse(base), bits] as [ipaddr.IPv4, number],
  category,
}));
const parsedIpv6Ranges = blockedIpv6Ranges.map(([base, bits, category]) => ({
  range: [ipaddr.IPv6.parse(base), bits] as [ipaddr.IPv6, number],
  category,
}));
const globalUnicast: [ipaddr.IPv6, number] = [ipaddr.IPv6.parse('2000::'), 3];
const nat64: [ipaddr.IPv6, number] = [ipaddr.IPv6.parse('64:ff9b::'), 96];
const sixToFour: [ipaddr.IPv6, number] = [ipaddr.IPv6.parse('2002::'), 16];
const ipv4Compatible: [ipaddr.IPv6, number] = [ipaddr.IPv6.parse('::'), 96];

/**
 * Parses an IP address. A trailing dotted quad in IPv6 text is converted to hex groups first:
 * ipaddr.js reads `::a.b.c.d` (IPv4-compatible) as `::ffff:a.b.c.d` (IPv4-mapped), which would
 * misclassify it.
 */
export function parseIpAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (text.includes('%')) {
    return null; // zone ids select an interface: never accepted
  }
  let candidate = text;
  const embedded = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/u.exec(text);
  if (embedded !== null) {
    const octets = embedded.slice(2, 6).map(Number);
    if (octets.some((octet) => octet > 255)) {
      return null;
    }
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    candidate = `${embedded[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  if (!ipaddr.isValid(candidate)) {
    return null;
  }
  return ipaddr.parse(candidate);
}

function classifyIpv4(address: ipaddr.IPv4): BlockedAddressCategory | null {
  if (metadataAddresses.has(address.toString())) {
    return 'metadata';
  }
  for (const { range, category } of parsedIpv4Ranges) {
    if (address.match(range)) {
      return category;
    }
  }
  return null;
}

function embeddedIpv4(address: ipaddr.IPv6, firstByte: number): ipaddr.IPv4 {
  const bytes = address.toByteArray();
  return new ipaddr.IPv4(bytes.slice(firstByte, firstByte + 4));
}

/**
 * Classifies an IP address for the SSRF guard. IPv4: loopback, RFC 1918, CGNAT (100.64/10),
 * link-local, cloud metadata, multicast, unspecified, broadcast, and IANA reserved/documentation
 * blocks are refused. IPv6: only global unicast (2000::/3) minus documentation, Teredo, ORCHID and
 * benchmarking blocks is public; IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`),
 * NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`) forms are judged by the IPv4 address they embed
 * (IPv4-compatible is always refused: deprecated and never routed). Addresses of this host's own
 * interfaces are refused too.
 *
 * @param address - an IP literal (no brackets, no zone)
 * @param ownAddresses - canonical texts of the host's interface addresses
 * @returns null when `address` is not an IP literal
 */
export function classifyAddress(
  address: string,
  ownAddresses: ReadonlySet<string>,
): AddressClassification | null {
  const parsed = parseIpAddress(address);
  if (parsed === null) {
    return null;
  }
  if (parsed.kind() === 'ipv4') {
    const ipv4 = parsed as ipaddr.IPv4;
    const text = ipv4.toString();
    const blocked = classifyIpv4(ipv4) ?? (ownAddresses.has(text) ? 'own-address' : null);
    return { address: text, dialAddress: text, family: 4, blocked, overrideCandidates: [ipv4] };
  }
  const ipv6 = parsed as ipaddr.IPv6;
  const text = ipv6.toString();
  if (ipv6.isIPv4MappedAddress()) {
    const inner = ipv6.toIPv4Address();
    const innerText = inner.toString();
    const blocked = classifyIpv4(inner) ?? (ownAddresses.has(innerText) ? 'own-address' : null);
    return { address: text, dialAddress: innerText, family: 4, blocked, overrideCandidates: [ipv6, inner] };
  }
  if (metadataAddresses.has(text)) {
    return { address: text, dialAddress: text, family: 6, blocked: 'metadata', overrideCandidates: [ipv6] };
  }
  for (const { range, category } of parsedIpv6Ranges) {
    if (ipv6.match(range)) {
      return { address: text, dialAddress: text, family: 6, blocked: category, overrideCandidates: [ipv6] };
    }
  }
  if (ipv6.match(ipv4Compatible)) {
    const inner = embeddedIpv4(ipv6, 12);
    const blocked = classifyIpv4(inner) ?? 'reserved';
    return {
      address: text,
      dialAddress: inner.toString(),
      family: 4,
      blocked,
      overrideCandidates: [ipv6, inner],
    };
  }
  if (ipv6.match(nat64)) {
    const inner = embeddedIpv4(ipv6, 12);
    const blocked = classifyIpv4(inner) ?? (ownAddresses.has(inner.toString()) ? 'own-address' : null);
    return { address: text, dialAddress: text, family: 6, blocked, overrideCandidates: [ipv6] };
  }
  if (ipv6.match(sixToFour)) {
    const inner = embeddedIpv4(ipv6, 2);
    const blocked = classifyIpv4(inner) ?? (ownAddresses.has(inner.toString()) ? 'own-address' : null);
    return { address: text, dialAddress: text, family: 6, blocked, overrideCandidates: [ipv6] };
  }
  if (!ipv6.match(globalUnicast)) {
    return { address: text, dialAddress: text, family: 6, blocked: 'reserved', overrideCandidates: [ipv6] };
  }
  const blocked = ownAddresses.has(text) ? 'own-address' : null;
  return { address: text, dialAddress: text, family: 6, blocked, overrideCandidates: [ipv6] };
}

/** A parsed `allowed_ips` entry. */
export type AddressRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Parses an `allowed_ips` entry: a CIDR (`10.0.0.0/8`, `fd00::/8`) or a single address.
 *
 * @returns the range, or an error message
 */
export function parseAddressRange(
  text: string,
): { ok: true; value: AddressRange } | { ok: false; error: string } {
  try {
    const [addressText = '', bitsText] = text.split('/');
    const address = parseIpAddress(addressText);
    if (address === null) {
      return { ok: false, error: `"${text}" is not an IP address or CIDR` };
    }
    if (bitsText !== undefined) {
      const bits = Number(bitsText);
      const maximum = address.kind() === 'ipv4' ? 32 : 128;
      if (!/^\d{1,3}$/u.test(bitsText) || bits > maximum) {
        return { ok: false, error: `"${text}" has an invalid prefix length` };
      }
      return { ok: true, value: [address, bits] };
    }
    return { ok: true, value: [address, address.kind() === 'ipv4' ? 32 : 128] };
  } catch {
    return { ok: false, error: `"${text}" is not an IP address or CIDR` };
  }
}

/** Whether any of `ranges` covers any of the classification's override candidates. */
export function isCoveredByRanges(
  classification: AddressClassification,
  ranges: readonly AddressRange[],
): boolean {
  for (const candidate of classification.overrideCandidates) {
    for (const [base, bits] of ranges) {
      if (candidate.kind() === base.kind() && candidate.match(base, bits)) {
        return true;
      }
    }
  }
  return false;
}

/**
 * The canonical addresses of this host's interfaces (`os.networkInterfaces()`), cached for a
 * few seconds so that a DHCP change is noticed without a system call per connection.
 */
export class OwnAddresses {
  private cached: ReadonlySet<string> = new Set();
  private readAt = Number.NEGATIVE_INFINITY;

  /** @param maximumAgeMilliseconds - how long a snapshot of the interfaces is reused */
  constructor(private readonly maximumAgeMilliseconds = 5_000) {}

  /** The current set (refreshed when older than the maximum age). */
  current(): ReadonlySet<string> {
    const now = performance.now();
    if (now - this.readAt > this.maximumAgeMilliseconds) {
      const addresses = new Set<string>();
      for (const entries of Object.values(networkInterfaces())) {
        for (const entry of entries ?? []) {
          const withoutZone = entry.address.split('%')[0] ?? entry.address;
          const parsed = parseIpAddress(withoutZone);
          if (parsed !== null) {
            addresses.add(parsed.toString());
          }
        }
      }
      this.cached = addresses;
      this.readAt = now;
    }
    return this.cached;
  }
}

/** Host names that are cloud metadata services whatever they resolve to. */
export const metadataHostNames: ReadonlySet<string> = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);
