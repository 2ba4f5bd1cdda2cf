import { isIP } from 'node:net';

const labelPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * Checks an endpoint host as OpenShell accepts it: an exact DNS name, an IP literal, or a name whose
 * whole first label is `*` (`*.github.com`, matching exactly one label in front of `github.com`: `api.github.com`, not `a.b.github.com` or `github.com` itself; the egress proxy enforces the same).
 * A wildcard needs at least two labels after it, so `*.com` is refused.
 *
 * @returns `undefined` when valid, else the reason it is not.
 */
export function hostPatternProblem(host: string): string | undefined {
  if (host.length === 0) return 'host is empty';
  if (host.length > 253) return 'host is longer than 253 characters';
  if (isIP(host) !== 0) return undefined;
  if (host.startsWith('[') && host.endsWith(']') && isIP(host.slice(1, -1)) === 6) return undefined;
  if (host.endsWith('.')) return `host "${host}" must not end with a dot`;
  const labels = host.split('.');
  const wildcard = labels[0] === '*';
  const rest = wildcard ? labels.slice(1) : labels;
  if (wildcard && rest.length < 2) return `wildcard host "${host}" must have at least two labels after "*."`;
  if (!wildcard && labels[0]?.includes('*'))
    return `host "${host}" has a partial wildcard; only "*." as the whole first label is allowed`;
  for (const label of rest) {
    if (label.includes('*'))
      return `host "${host}" has a wildcard outside the first label; only "*." as the whole first label is allowed`;
    if (!labelPattern.test(label)) return `host "${host}" has an invalid label "${label}"`;
  }
  return undefined;
}

/** Whether `host` (a name or IP literal, IPv6 optionally in brackets) is a loopback address. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lowered = bare.toLowerCase();
  if (lowered === 'localhost' || lowered.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return lowered === '::1' || lowered === '0:0:0:0:0:0:0:1';
  return false;
}
