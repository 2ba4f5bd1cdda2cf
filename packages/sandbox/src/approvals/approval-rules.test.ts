import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFile, type NetworkPolicies } from '@nemoclaw/policy';
import { describe, expect, it } from 'vitest';
import type { PendingApproval } from './approval-queue.js';
import { approvalRule, approvalRuleKey, persistApprovalRule } from './approval-rules.js';

const pending: PendingApproval = {
  id: 'abcdef012345',
  host: 'api.example.com',
  port: 443,
  binary: '/usr/bin/curl',
  reason: 'binary-not-allowed: /usr/bin/curl',
  firstSeen: '2026-01-01T00:00:00.000Z',
  lastSeen: '2026-01-01T00:00:00.000Z',
  attempts: 1,
};

describe('approval rules', () => {
  it('allows exactly the host, port and binary that were refused', () => {
    expect(approvalRuleKey(pending)).toBe('approved-abcdef012345');
    expect(approvalRule(pending, {} as NetworkPolicies)).toEqual({
      name: 'approved-abcdef012345',
      endpoints: [{ host: 'api.example.com', port: 443 }],
      binaries: [{ path: '/usr/bin/curl' }],
    });
    expect(approvalRule({ ...pending, binary: null }, {} as NetworkPolicies)).not.toHaveProperty('binaries');
  });

  it('inherits allowed_ips only from endpoints for the same host', () => {
    const current = {
      same: {
        name: 'same',
        endpoints: [{ host: 'api.example.com', port: 8443, allowed_ips: ['10.0.0.0/8'] }],
      },
      other: {
        name: 'other',
        endpoints: [{ host: 'other.example', port: 443, allowed_ips: ['192.168.0.0/16'] }],
      },
    } as unknown as NetworkPolicies;
    expect(approvalRule(pending, current).endpoints).toEqual([
      { host: 'api.example.com', port: 443, allowed_ips: ['10.0.0.0/8'] },
    ]);
  });

  it('persists rules into a 0600 preset that loads as a policy, keeping earlier ones', () => {
    const directory = mkdtempSync(join(tmpdir(), 'nemoclaw-approval-'));
    const path = join(directory, 'presets', 'dev.yaml');
    persistApprovalRule(path, 'dev', 'approved-1', approvalRule(pending, {} as NetworkPolicies));
    persistApprovalRule(
      path,
      'dev',
      'approved-2',
      approvalRule({ ...pending, port: 8443 }, {} as NetworkPolicies),
    );
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(directory, 'presets')).mode & 0o777).toBe(0o700);
    expect(readFileSync(path, 'utf8')).toContain('name: dev-approvals');
    const loaded = loadPolicyFile(path, { workdir: directory });
    if (!loaded.ok) throw loaded.error;
    expect(Object.keys(loaded.value.network_policies ?? {})).toEqual(['approved-1', 'approved-2']);
  });
});
