import { isIP } from 'node:net';

/**
 * Checks an `allowed_ips` entry: an IPv4 or IPv6 address, or a CIDR block (`10.0.0.0/8`,
 * `fd00::/8`) whose prefix length fits the address family.
 *
 * @returns `undefined` when valid, else the reason it is not.
 */
export function ipRangeProblem(entry: string): string | undefined {
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return `"${entry}" is not an IP address or CIDR block`;
  const family = isIP(address);
  if (family === 0) return `"${entry}" is not an IP address or CIDR block`;
  if (prefix === undefined) return undefined;
  const maximum = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > maximum)
    return `"${entry}" has an invalid prefix length (0-${maximum} for IPv${family})`;
  return undefined;
}
