import { type NetworkEndpoint, type NetworkPolicies, networkPoliciesSchema } from '@nemoclaw/policy';
import { ProxyPolicyError } from '../sandbox-error.js';
import { type AddressRange, parseAddressRange } from './address-classification.js';
import { compileGlob, type PathGlob } from './glob.js';
import { compileHostPattern, type HostPattern } from './host-pattern.js';

/** A compiled HTTP match (`rules[].allow`, `deny_rules[]`). */
export interface CompiledHttpMatch {
  /** Index in its list, for reasons such as `deny-rule: github/0#1`. */
  readonly index: number;
  /** Upper-case method, or null for any. */
  readonly method: string | null;
  /** Path glob, or null for any. */
  readonly path: PathGlob | null;
  /** Query matcher, or null for any. */
  readonly query: ((search: URLSearchParams, rawQuery: string) => boolean) | null;
}

/** One endpoint of one policy entry, ready for fast matching. */
export interface CompiledEndpoint {
  /** The `network_policies` key. */
  readonly policyKey: string;
  /** The entry's `name`. */
  readonly policyName: string;
  /** Index in the entry's `endpoints`. */
  readonly endpointIndex: number;
  /** `<policyName>/<endpointIndex>`, used in reasons and decisions. */
  readonly ruleId: string;
  readonly host: HostPattern;
  readonly ports: ReadonlySet<number>;
  readonly enforcement: 'enforce' | 'audit';
  /** Methods allowed by `access`, null when `access` is absent; `'*'` when full. */
  readonly accessMethods: ReadonlySet<string> | '*' | null;
  readonly allowRules: readonly CompiledHttpMatch[];
  readonly denyRules: readonly CompiledHttpMatch[];
  /** The endpoint's `path` limit, or null. */
  readonly pathLimit: PathGlob | null;
  /** True when no `access`, `rules` or `path` restricts methods/paths (L4 pass-through). */
  readonly unrestrictedHttp: boolean;
  readonly allowedRanges: readonly AddressRange[];
  /** Binary globs from the entry's `binaries`, or null when any binary may use it. */
  readonly binaries: readonly PathGlob[] | null;
}

/** A whole compiled `network_policies` generation. */
export interface CompiledPolicies {
  /** Increments on every successful update; the first generation is 1. */
  readonly generation: number;
  readonly endpoints: readonly CompiledEndpoint[];
}

const readOnlyMethods = ['GET', 'HEAD', 'OPTIONS'];
const readWriteMethods = [...readOnlyMethods, 'POST', 'PUT', 'PATCH'];

function compileValueGlob(pattern: string): (value: string) => boolean {
  if (pattern === '*') {
    return () => true;
  }
  const expression = new RegExp(
    `^${pattern
      .split('*')
      .map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'))
      .join('.*')}$`,
    'su',
  );
  return (value) => expression.test(value);
}

type HttpMatchInput = NonNullable<NetworkEndpoint['deny_rules']>[number];

function compileHttpMatch(match: HttpMatchInput, index: number, where: string): CompiledHttpMatch {
  let path: PathGlob | null = null;
  if (match.path !== undefined) {
    const glob = compileGlob(match.path);
    if (!glob.ok) {
      throw new ProxyPolicyError(`${where}.path`, glob.error);
    }
    path = glob.value;
  }
  let query: CompiledHttpMatch['query'] = null;
  const queryInput = match.query;
  if (typeof queryInput === 'string') {
    const matcher = compileValueGlob(queryInput);
    query = (_search, rawQuery) => matcher(rawQuery);
  } else if (queryInput !== undefined) {
    const parameters = Object.entries(queryInput).map(([name, globs]) => ({
      name,
      matchers: (Array.isArray(globs) ? globs : [globs]).map(compileValueGlob),
    }));
    // Every listed parameter must be present, and each of its values must match one of its globs.
    query = (search) =>
      parameters.every(({ name, matchers }) => {
        const values = search.getAll(name);
        return values.length > 0 && values.every((value) => matchers.some((matcher) => matcher(value)));
      });
  }
  const method = match.method === undefined || match.method === '*' ? null : match.method.toUpperCase();
  return { index, method, path, query };
}

function compileEndpoint(
  policyKey: string,
  policyName: string,
  endpoint: NetworkEndpoint,
  endpointIndex: number,
  binaries: readonly PathGlob[] | null,
): CompiledEndpoint {
  const where = `network_policies.${policyKey}.endpoints[${endpointIndex}]`;
  const host = compileHostPattern(endpoint.host);
  if (!host.ok) {
    throw new ProxyPolicyError(`${where}.host`, host.error);
  }
  const ports = new Set<number>(endpoint.ports ?? (endpoint.port === undefined ? [] : [endpoint.port]));
  if (ports.size === 0) {
    throw new ProxyPolicyError(where, 'endpoint needs "port" or "ports"');
  }
  let pathLimit: PathGlob | null = null;
  if (endpoint.path !== undefined) {
    // `path: /api` limits the endpoint to /api and everything below it; globs are kept as written.
    const pattern = endpoint.path.includes('*') ? endpoint.path : `${endpoint.path.replace(/\/+$/u, '')}/**`;
    const glob = compileGlob(pattern);
    if (!glob.ok) {
      throw new ProxyPolicyError(`${where}.path`, glob.error);
    }
    pathLimit = glob.value;
  }
  const accessMethods =
    endpoint.access === undefined
      ? null
      : endpoint.access === 'full'
        ? '*'
        : new Set(endpoint.access === 'read-only' ? readOnlyMethods : readWriteMethods);
  const allowRules = (endpoint.rules ?? []).map((rule, index) =>
    compileHttpMatch(rule.allow, index, `${where}.rules[${index}].allow`),
  );
  const denyRules = (endpoint.deny_rules ?? []).map((rule, index) =>
    compileHttpMatch(rule, index, `${where}.deny_rules[${index}]`),
  );
  const allowedRanges = (endpoint.allowed_ips ?? []).map((text, index) => {
    const range = parseAddressRange(text);
    if (!range.ok) {
      throw new ProxyPolicyError(`${where}.allowed_ips[${index}]`, range.error);
    }
    return range.value;
  });
  return {
    policyKey,
    policyName,
    endpointIndex,
    ruleId: `${policyName}/${endpointIndex}`,
    host: host.value,
    ports,
    enforcement: endpoint.enforcement ?? 'enforce',
    accessMethods,
    allowRules,
    denyRules,
    pathLimit,
    unrestrictedHttp: accessMethods === null && allowRules.length === 0 && pathLimit === null,
    allowedRanges,
    binaries,
  };
}

/**
 * Validates (with `@nemoclaw/policy`'s schema) and compiles `network_policies`. Never throws:
 * untrusted or hand-built input yields `{ ok: false, error }` naming the offending field.
 *
 * @param input - a `network_policies` object, as in the YAML (snake_case)
 * @param generation - the generation number to stamp on the result
 */
export function compilePolicies(
  input: unknown,
  generation: number,
): { ok: true; value: CompiledPolicies } | { ok: false; error: ProxyPolicyError } {
  const parsed = networkPoliciesSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['network_policies', ...(issue?.path ?? []).map(String)].join('.');
    return { ok: false, error: new ProxyPolicyError(path, issue?.message ?? 'invalid network policy') };
  }
  const policies: NetworkPolicies = parsed.data;
  try {
    const endpoints: CompiledEndpoint[] = [];
    for (const [policyKey, policy] of Object.entries(policies)) {
      let binaries: PathGlob[] | null = null;
      if (policy.binaries !== undefined) {
        // An empty list means no executable may use these endpoints (fail closed).
        binaries = policy.binaries.map((binary, index) => {
          const glob = compileGlob(binary.path);
          if (!glob.ok) {
            throw new ProxyPolicyError(`network_policies.${policyKey}.binaries[${index}].path`, glob.error);
          }
          return glob.value;
        });
      }
      policy.endpoints.forEach((endpoint, index) => {
        endpoints.push(compileEndpoint(policyKey, policy.name, endpoint, index, binaries));
      });
    }
    return { ok: true, value: { generation, endpoints } };
  } catch (error) {
    if (error instanceof ProxyPolicyError) {
      return { ok: false, error };
    }
    // Fail closed on anything unexpected: the caller keeps its last-known-good policy.
    return { ok: false, error: new ProxyPolicyError('network_policies', `cannot compile: ${String(error)}`) };
  }
}
