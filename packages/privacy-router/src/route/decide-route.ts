import { type Finding, type Sensitivity, sensitivityLevels, sensitivityOf } from '../detect/finding.js';
import type { RouterInferencePolicy, RouterInferenceRuleCondition } from './policy-types.js';
import { type ResolvedProvider, resolveProviders } from './resolve-providers.js';

/** Why a route was chosen: what was found (types and counts only, never values) and which rule. */
export interface RouteReason {
  /** What decided: a rule, the default route, a sticky local conversation, or the local fallback. */
  basis: 'rule' | 'default' | 'sticky' | 'local-unavailable';
  /** Index of the matching rule in `inference.rules`, or null. */
  rule: number | null;
  /** Count of findings by entity type (TERM counted as `TERM:<list>`). */
  entities: Record<string, number>;
  /** The request's sensitivity. */
  sensitivity: Sensitivity;
}

/** The routing decision for one request. */
export interface RouteDecision {
  /** The provider to forward to, or `block`. */
  route: ResolvedProvider | 'block';
  /** Whether the request is redacted (reversibly) before it is forwarded. */
  redact: boolean;
  /** Why. */
  reason: RouteReason;
  /** True when the conversation is (now) pinned to the local provider of `route`. */
  sticky: boolean;
}

/** What the router remembers about the conversation a request belongs to. */
export interface ConversationRouteState {
  /** The conversation id (see the README: header, or `user` + hash of the first user message). */
  id: string;
  /** The local provider this conversation went to earlier, if any: it stays there. */
  localProvider?: string | undefined;
}

/** Options of {@link decideRoute}. */
export interface DecideRouteOptions {
  /** The conversation the request belongs to, when known. */
  conversation?: ConversationRouteState | undefined;
}

const resolvedCache = new WeakMap<RouterInferencePolicy, Map<string, ResolvedProvider>>();

/** The providers of `policy` with defaults applied (cached per policy object). */
export function providersOf(policy: RouterInferencePolicy): Map<string, ResolvedProvider> {
  let providers = resolvedCache.get(policy);
  if (providers === undefined) {
    providers = resolveProviders(policy);
    resolvedCache.set(policy, providers);
  }
  return providers;
}

/** Counts findings by entity type; TERM findings count as `TERM:<list name>`. */
export function countEntities(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of findings) {
    const key =
      finding.type === 'TERM' && finding.subtype !== undefined ? `TERM:${finding.subtype}` : finding.type;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function ruleMatches(
  when: RouterInferenceRuleCondition,
  findings: readonly Finding[],
  sensitivity: Sensitivity,
): boolean {
  if (when.entities !== undefined) {
    const wanted = new Set(when.entities);
    if (!findings.some((finding) => wanted.has(finding.type))) return false;
  }
  if (when.terms !== undefined) {
    const wanted = new Set(when.terms);
    if (
      !findings.some(
        (finding) => finding.type === 'TERM' && finding.subtype !== undefined && wanted.has(finding.subtype),
      )
    )
      return false;
  }
  if (when.sensitivity !== undefined) {
    if (sensitivityLevels.indexOf(sensitivity) < sensitivityLevels.indexOf(when.sensitivity)) return false;
  }
  return true;
}

function redactionFor(
  policy: RouterInferencePolicy,
  provider: ResolvedProvider,
  ruleRedact: boolean | undefined,
): boolean {
  if (ruleRedact !== undefined) return ruleRedact;
  return !provider.local && (policy.redaction ?? 'reversible') === 'reversible';
}

/** The first local provider of the policy, preferring `preferred`, or undefined. */
export function localProviderOf(
  policy: RouterInferencePolicy,
  preferred?: string | undefined,
): ResolvedProvider | undefined {
  const providers = providersOf(policy);
  const wanted = preferred === undefined ? undefined : providers.get(preferred);
  if (wanted?.local === true) return wanted;
  for (const provider of providers.values()) if (provider.local) return provider;
  return undefined;
}

/**
 * Decides where a request goes, from the findings of the detector and the policy's `inference`
 * domain:
 * 1. the first rule whose `when` matches decides (within a list ANY, across keys ALL);
 *    otherwise `default_route`;
 * 2. `block` always wins;
 * 3. a conversation that went to a local provider before stays local (sticky), whatever the rules
 *    say for this request;
 * 4. redaction applies to non-local providers when `redaction` is `reversible` (the default),
 *    unless the rule's `redact` says otherwise.
 *
 * Pure: remembering sticky conversations is the caller's job (see `sticky` in the result).
 */
export function decideRoute(
  findings: readonly Finding[],
  policy: RouterInferencePolicy,
  options: DecideRouteOptions = {},
): RouteDecision {
  const providers = providersOf(policy);
  const sensitivity = sensitivityOf(findings);
  const entities = countEntities(findings);
  const rules = policy.rules ?? [];
  let ruleIndex: number | null = null;
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index];
    if (rule !== undefined && ruleMatches(rule.when, findings, sensitivity)) {
      ruleIndex = index;
      break;
    }
  }
  const rule = ruleIndex === null ? undefined : rules[ruleIndex];
  const routeName = rule?.route ?? policy.default_route;
  const basis = rule === undefined ? 'default' : 'rule';
  if (routeName === 'block') {
    return {
      route: 'block',
      redact: false,
      reason: { basis, rule: ruleIndex, entities, sensitivity },
      sticky: false,
    };
  }
  const stuck = options.conversation?.localProvider;
  if (stuck !== undefined) {
    const local = localProviderOf(policy, stuck);
    const chosen = providers.get(routeName);
    if (local === undefined && chosen?.local !== true) {
      // The conversation went local, but the (reloaded) policy has no local provider any more:
      // that is the local provider being unavailable, never a reason to go to the cloud as is.
      return decideLocalUnavailable(
        {
          route: 'block',
          redact: false,
          reason: { basis: 'sticky', rule: ruleIndex, entities, sensitivity },
          sticky: true,
        },
        policy,
      );
    }
    if (local !== undefined && chosen?.local !== true) {
      return {
        route: local,
        redact: false,
        reason: { basis: 'sticky', rule: ruleIndex, entities, sensitivity },
        sticky: true,
      };
    }
  }
  const provider = providers.get(routeName);
  if (provider === undefined) {
    // resolveProviders checked every route; unreachable unless the policy object was mutated.
    return {
      route: 'block',
      redact: false,
      reason: { basis, rule: ruleIndex, entities, sensitivity },
      sticky: false,
    };
  }
  return {
    route: provider,
    redact: redactionFor(policy, provider, rule?.redact),
    reason: { basis, rule: ruleIndex, entities, sensitivity },
    sticky: provider.local,
  };
}

/**
 * The decision when the local provider of `decision` cannot be reached, per
 * `on_local_unavailable`: `block` (the default: fail closed), or `redact_and_cloud` (the default
 * route if it is a cloud provider, else the first cloud provider, always with redaction).
 */
export function decideLocalUnavailable(
  decision: RouteDecision,
  policy: RouterInferencePolicy,
): RouteDecision {
  const reason: RouteReason = { ...decision.reason, basis: 'local-unavailable' };
  if ((policy.on_local_unavailable ?? 'block') !== 'redact_and_cloud') {
    return { route: 'block', redact: false, reason, sticky: false };
  }
  const providers = providersOf(policy);
  const preferred = providers.get(policy.default_route);
  const cloud =
    preferred !== undefined && !preferred.local
      ? preferred
      : [...providers.values()].find((provider) => !provider.local);
  if (cloud === undefined) return { route: 'block', redact: false, reason, sticky: false };
  return { route: cloud, redact: true, reason, sticky: false };
}

/** A one-line, header-safe explanation, e.g. `rule=0; sensitivity=high; entities=CREDIT_CARD:1`. */
export function formatRouteReason(reason: RouteReason): string {
  const entities = Object.entries(reason.entities)
    .map(([type, count]) => `${type}:${count}`)
    .join(',');
  const basis = reason.basis === 'rule' ? `rule=${reason.rule}` : reason.basis;
  const parts = [basis];
  if (reason.basis !== 'rule' && reason.rule !== null) parts.push(`rule=${reason.rule}`);
  parts.push(`sensitivity=${reason.sensitivity}`, `entities=${entities.length > 0 ? entities : 'none'}`);
  // Term list names come from the policy; keep the header to visible ASCII.
  return parts.join('; ').replace(/[^\x20-\x7e]/g, '?');
}
