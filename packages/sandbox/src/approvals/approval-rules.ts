import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { NetworkPolicies, NetworkPolicy } from '@nemoclaw/policy';
import { parse, stringify } from 'yaml';
import type { PendingApproval } from './approval-queue.js';

/** The `network_policies` key of the rule an approval adds: `approved-<id>`. */
export function approvalRuleKey(approval: PendingApproval): string {
  return `approved-${approval.id}`;
}

/**
 * The network policy entry that allows exactly what was denied: the host and port, for the binary
 * that asked (any binary when it was unknown is **not** granted: an unknown binary gets no rule
 * restriction only if the proxy could not name it, so the rule then lists no `binaries`).
 * `allowed_ips` are copied from the existing endpoints for the same host, so an approval never
 * opens an address range the policy did not already allow for that host.
 */
export function approvalRule(approval: PendingApproval, current: NetworkPolicies): NetworkPolicy {
  const allowedIps = new Set<string>();
  for (const entry of Object.values(current)) {
    for (const endpoint of entry.endpoints) {
      if (endpoint.host === approval.host) for (const ip of endpoint.allowed_ips ?? []) allowedIps.add(ip);
    }
  }
  const endpoint = {
    host: approval.host,
    port: approval.port,
    ...(allowedIps.size === 0 ? {} : { allowed_ips: [...allowedIps] }),
  };
  return {
    name: approvalRuleKey(approval),
    endpoints: [endpoint],
    ...(approval.binary === null ? {} : { binaries: [{ path: approval.binary }] }),
  } as NetworkPolicy;
}

/**
 * Adds `rule` under `key` (also its `name`, which must be unique) to the preset file at `path` (created with mode 0600 in a 0700 directory
 * when missing; the user owns it and may edit it). The file is an OpenShell-style preset:
 * `preset: {name, description}` and `network_policies`.
 */
export function persistApprovalRule(path: string, sandbox: string, key: string, rule: NetworkPolicy): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let document: { preset?: unknown; network_policies?: Record<string, unknown> } = {};
  try {
    const parsed: unknown = parse(readFileSync(path, 'utf8'));
    if (parsed !== null && typeof parsed === 'object') document = parsed as typeof document;
  } catch {
    // A missing file starts empty.
  }
  const next = {
    preset: document.preset ?? {
      name: `${sandbox}-approvals`,
      description: `Destinations approved for sandbox ${sandbox} (nemoclaw sandbox approve --persist)`,
    },
    network_policies: { ...(document.network_policies ?? {}), [key]: { ...rule, name: key } },
  };
  writeFileSync(path, stringify(next, { lineWidth: 0 }), { mode: 0o600 });
  chmodSync(path, 0o600);
}
