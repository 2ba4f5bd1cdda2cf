import {
  diffPolicies,
  formatDiagnostic,
  loadPolicyFile,
  type NetworkPolicies,
  type NetworkPolicy,
  type Policy,
  type PolicyLoadOptions,
} from '@nemoclaw/policy';
import type { EgressProxy } from '../proxy/egress-proxy-types.js';

/** One field a policy change touches, as `policy apply` reports it. */
export interface ReportedChange {
  readonly field: string;
  readonly class: 'locked' | 'hot';
  readonly kind: 'added' | 'removed' | 'changed';
  readonly explanation: string;
}

/** What `policy apply` reports: LOADED (in force) or FAILED (nothing changed; last-known-good stays). */
export type PolicyApplyReport =
  | {
      readonly status: 'LOADED';
      /** The proxy's policy generation now in force. */
      readonly generation: number;
      readonly changes: readonly ReportedChange[];
      /** Time from receiving the request to the new policy being in force in the proxy. */
      readonly elapsedMs: number;
    }
  | {
      readonly status: 'FAILED';
      /** `invalid`: the file does not load; `locked`: it changes a LOCKED domain; `proxy`: the proxy refused it. */
      readonly reason: 'invalid' | 'locked' | 'proxy';
      readonly message: string;
      /** `file:line:col: key: message` for an invalid file. */
      readonly diagnostics: readonly string[];
      /** Every change, LOCKED ones included, for a refused LOCKED change. */
      readonly changes: readonly ReportedChange[];
      /** The generation still in force (last-known-good). */
      readonly generation: number;
      readonly elapsedMs: number;
    };

/**
 * Holds the policy of a running sandbox and applies new ones: validates the whole file, refuses any
 * LOCKED change with the diff, swaps the network part into the proxy atomically, keeps the inference
 * part for the router, and keeps last-known-good whenever anything fails. Approved rules (session
 * and persisted) are layered on top of the file's `network_policies`.
 */
export class PolicyController {
  private current: Policy;
  private readonly approvedRules = new Map<string, NetworkPolicy>();
  private proxy: EgressProxy | null = null;

  /**
   * @param policy - the resolved policy the sandbox was created with
   * @param loadOptions - how later files are loaded (the sandbox's workdir and home)
   */
  constructor(
    policy: Policy,
    private readonly loadOptions: Omit<PolicyLoadOptions, 'file'>,
  ) {
    this.current = policy;
  }

  /** The policy in force (without approved rules). */
  get policy(): Policy {
    return this.current;
  }

  /** Connects the proxy that enforces the network part. */
  attach(proxy: EgressProxy): void {
    this.proxy = proxy;
  }

  /** The `network_policies` the proxy enforces: the file's, plus every approved rule. */
  effectiveNetwork(): NetworkPolicies {
    const network: Record<string, NetworkPolicy> = { ...(this.current.network_policies ?? {}) };
    for (const [key, rule] of this.approvedRules) network[key] = rule;
    return network as NetworkPolicies;
  }

  /** Layers an approved rule on top of the file's policy and applies it (atomically, last-known-good on error). */
  addApprovedRule(
    key: string,
    rule: NetworkPolicy,
  ): { ok: true; generation: number } | { ok: false; message: string } {
    const previous = this.approvedRules.get(key);
    this.approvedRules.set(key, rule);
    const result = this.proxy?.updatePolicies(this.effectiveNetwork()) ?? {
      ok: true as const,
      generation: 0,
    };
    if (!result.ok) {
      if (previous === undefined) this.approvedRules.delete(key);
      else this.approvedRules.set(key, previous);
      return { ok: false, message: result.error.message };
    }
    return { ok: true, generation: result.generation };
  }

  /** Loads `file` and applies it if only HOT domains change (see {@link PolicyApplyReport}). */
  apply(file: string): PolicyApplyReport {
    const started = performance.now();
    const generation = this.proxy?.generation ?? 0;
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
    const loaded = loadPolicyFile(file, this.loadOptions);
    if (!loaded.ok) {
      const diagnostics = loaded.error.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic));
      return {
        status: 'FAILED',
        reason: 'invalid',
        message: `the policy does not load: ${diagnostics[0] ?? loaded.error.message}`,
        diagnostics,
        changes: [],
        generation,
        elapsedMs: elapsed(),
      };
    }
    const diff = diffPolicies(this.current, loaded.value);
    const changes: ReportedChange[] = diff.changes.map((change) => ({
      field: change.field,
      class: change.class,
      kind: change.kind,
      explanation: change.explanation,
    }));
    if (diff.hasLockedChanges) {
      const locked = changes.filter((change) => change.class === 'locked').map((change) => change.field);
      return {
        status: 'FAILED',
        reason: 'locked',
        message: `LOCKED fields cannot change in a running sandbox (create a new sandbox): ${locked.join(', ')}`,
        diagnostics: [],
        changes,
        generation,
        elapsedMs: elapsed(),
      };
    }
    const previous = this.current;
    this.current = loaded.value;
    const result = this.proxy?.updatePolicies(this.effectiveNetwork()) ?? {
      ok: true as const,
      generation: 0,
    };
    if (!result.ok) {
      this.current = previous;
      return {
        status: 'FAILED',
        reason: 'proxy',
        message: `the egress proxy refused the network policy: ${result.error.message}`,
        diagnostics: [],
        changes,
        generation,
        elapsedMs: elapsed(),
      };
    }
    return { status: 'LOADED', generation: result.generation, changes, elapsedMs: elapsed() };
  }
}
