import type { CompiledEndpoint, CompiledHttpMatch, CompiledPolicies } from './compiled-policy.js';
import { formatAuthority } from './host-name.js';

/** What is visible of a plain-HTTP request (absent for CONNECT tunnels, which are opaque). */
export interface HttpRequestFacts {
  /** Upper-case method. */
  readonly method: string;
  /** Path with dot segments resolved (as the WHATWG URL parser leaves it; percent-encoding kept). */
  readonly path: string;
  /** {@link HttpRequestFacts.path} percent-decoded where that is possible, for deny rules and allows. */
  readonly decodedPath: string;
  /** Query without the `?`. */
  readonly rawQuery: string;
  /** Parsed query. */
  readonly search: URLSearchParams;
}

/** The question asked of the policy for one connection or request. */
export interface PolicyQuestion {
  /** Canonical host (see `normalizeHost`). */
  readonly host: string;
  readonly port: number;
  /** Absolute path of the executable inside the sandbox, or null when unknown. */
  readonly binary: string | null;
  /** Present for absolute-form HTTP requests. */
  readonly http?: HttpRequestFacts;
}

/** The policy's answer, before the SSRF address check. */
export interface PolicyVerdict {
  readonly allowed: boolean;
  /** `audit` when allowed only because an endpoint with `enforcement: audit` matched. */
  readonly enforcement: 'enforce' | 'audit';
  /** For a denial: the reason (`host-not-allowed: evil.com:443`); for an audit allow: the would-be reason. */
  readonly reason: string | null;
  /** `<policy name>/<endpoint index>` of the endpoint that decided, if any. */
  readonly ruleId: string | null;
  /** Endpoints that grant the connection (their `allowed_ips` apply). */
  readonly grantingEndpoints: readonly CompiledEndpoint[];
  /** True when a granting endpoint has method/path rules that an opaque tunnel cannot enforce. */
  readonly uninspectedRules: boolean;
}

function matchesHttp(match: CompiledHttpMatch, http: HttpRequestFacts, eitherPath: boolean): boolean {
  if (match.method !== null && match.method !== http.method) {
    return false;
  }
  if (match.path !== null) {
    const raw = match.path.matches(http.path);
    const decoded = match.path.matches(http.decodedPath);
    if (eitherPath ? !(raw || decoded) : !(raw && decoded)) {
      return false;
    }
  }
  return match.query === null || match.query(http.search, http.rawQuery);
}

function methodAllowed(endpoint: CompiledEndpoint, method: string): boolean {
  const access = endpoint.accessMethods;
  if (access === '*' || access?.has(method)) {
    return true;
  }
  return endpoint.allowRules.some((rule) => rule.method === null || rule.method === method);
}

/** Returns null when the endpoint allows the request, else the reason it does not. */
function endpointRefusal(endpoint: CompiledEndpoint, question: PolicyQuestion): string | null {
  if (endpoint.binaries !== null) {
    const binary = question.binary;
    if (binary === null || !endpoint.binaries.some((glob) => glob.matches(binary))) {
      return `binary-not-allowed: ${binary ?? 'unknown'}`;
    }
  }
  const http = question.http;
  if (http === undefined) {
    return null;
  }
  const request = `${http.method} ${http.path}`;
  // Deny wins, and matches on either the raw or the decoded path (no percent-encoding evasion).
  for (const rule of endpoint.denyRules) {
    if (matchesHttp(rule, http, true)) {
      return `deny-rule: ${endpoint.ruleId}#${rule.index} ${request}`;
    }
  }
  if (endpoint.unrestrictedHttp) {
    return null;
  }
  if (
    endpoint.pathLimit !== null &&
    !(endpoint.pathLimit.matches(http.path) && endpoint.pathLimit.matches(http.decodedPath))
  ) {
    return `path-not-allowed: ${request}`;
  }
  const access = endpoint.accessMethods;
  if (access === '*' || access?.has(http.method)) {
    return null;
  }
  if (access === null && endpoint.allowRules.length === 0) {
    return null; // only a path limit, which passed
  }
  // An allow rule must match both spellings of the path (the raw and the decoded one).
  if (endpoint.allowRules.some((rule) => matchesHttp(rule, http, false))) {
    return null;
  }
  return methodAllowed(endpoint, http.method)
    ? `path-not-allowed: ${request}`
    : `method-not-allowed: ${request}`;
}

function hasHttpRestrictions(endpoint: CompiledEndpoint): boolean {
  return !endpoint.unrestrictedHttp || endpoint.denyRules.length > 0;
}

/**
 * Decides a connection or request against a compiled policy generation: host (exact or
 * first-label wildcard), then port, then the calling binary, then — for plain HTTP — deny rules,
 * the endpoint's path limit, `access` and `rules`. Any endpoint that allows is enough; an
 * endpoint with `enforcement: audit` turns its own refusal into an allow that reports the
 * would-be reason. No endpoint at all (empty policy) means deny.
 */
export function decidePolicy(policies: CompiledPolicies, question: PolicyQuestion): PolicyVerdict {
  const target = formatAuthority(question.host, question.port);
  const hostMatches = policies.endpoints.filter((endpoint) => endpoint.host.matches(question.host));
  if (hostMatches.length === 0) {
    return denial(`host-not-allowed: ${target}`, null);
  }
  const portMatches = hostMatches.filter((endpoint) => endpoint.ports.has(question.port));
  if (portMatches.length === 0) {
    return denial(`port-not-allowed: ${target}`, hostMatches[0]?.ruleId ?? null);
  }
  const granting: CompiledEndpoint[] = [];
  const refusals: { endpoint: CompiledEndpoint; reason: string }[] = [];
  for (const endpoint of portMatches) {
    const reason = endpointRefusal(endpoint, question);
    if (reason === null) {
      granting.push(endpoint);
    } else {
      refusals.push({ endpoint, reason });
    }
  }
  if (granting.length > 0) {
    return {
      allowed: true,
      enforcement: 'enforce',
      reason: null,
      ruleId: granting[0]?.ruleId ?? null,
      grantingEndpoints: granting,
      uninspectedRules: question.http === undefined && granting.some(hasHttpRestrictions),
    };
  }
  const audited = refusals.filter(({ endpoint }) => endpoint.enforcement === 'audit');
  const firstAudited = audited[0];
  if (firstAudited !== undefined) {
    return {
      allowed: true,
      enforcement: 'audit',
      reason: firstAudited.reason,
      ruleId: firstAudited.endpoint.ruleId,
      grantingEndpoints: audited.map(({ endpoint }) => endpoint),
      uninspectedRules:
        question.http === undefined && audited.some(({ endpoint }) => hasHttpRestrictions(endpoint)),
    };
  }
  const first = refusals[0];
  return denial(first?.reason ?? `host-not-allowed: ${target}`, first?.endpoint.ruleId ?? null);
}

function denial(reason: string, ruleId: string | null): PolicyVerdict {
  return {
    allowed: false,
    enforcement: 'enforce',
    reason,
    ruleId,
    grantingEndpoints: [],
    uninspectedRules: false,
  };
}
