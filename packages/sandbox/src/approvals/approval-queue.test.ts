import { describe, expect, it } from 'vitest';
import type { EgressDecision } from '../proxy/egress-proxy-types.js';
import { ApprovalQueue, approvalId } from './approval-queue.js';

function denial(overrides: Partial<EgressDecision> = {}): EgressDecision {
  return {
    timestamp: 1_700_000_000_000,
    connectionId: 1,
    kind: 'connect',
    host: 'evil.example',
    port: 443,
    peer: null,
    binary: '/usr/bin/curl',
    allowed: false,
    enforcement: 'enforce',
    reason: 'host-not-allowed: evil.example:443',
    ruleId: null,
    address: null,
    status: 403,
    generation: 1,
    uninspectedRules: false,
    ...overrides,
  };
}

describe('ApprovalQueue', () => {
  it('records a policy denial once per host:port:binary and counts the attempts', () => {
    const queue = new ApprovalQueue();
    queue.record(denial());
    queue.record(denial({ timestamp: 1_700_000_001_000 }));
    const [entry, ...rest] = queue.list();
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      id: approvalId('evil.example', 443, '/usr/bin/curl'),
      attempts: 2,
      firstSeen: '2023-11-14T22:13:20.000Z',
      lastSeen: '2023-11-14T22:13:21.000Z',
    });
    queue.record(denial({ binary: '/usr/bin/git' }));
    queue.record(denial({ port: 80 }));
    expect(queue.list()).toHaveLength(3);
  });

  it('ignores allowed requests, audit-mode passes and refusals no rule can fix', () => {
    const queue = new ApprovalQueue();
    expect(queue.record(denial({ allowed: true, reason: null }))).toBeNull();
    expect(
      queue.record(denial({ allowed: true, enforcement: 'audit', reason: 'path-not-allowed' })),
    ).toBeNull();
    for (const reason of [
      'loopback-address: 127.0.0.1',
      'metadata-host',
      'malformed-request: x',
      'dns-failed',
    ]) {
      expect(queue.record(denial({ reason }))).toBeNull();
    }
    expect(queue.record(denial({ reason: 'binary-not-allowed: /usr/bin/curl' }))).not.toBeNull();
    expect(queue.record(denial({ reason: 'port-not-allowed: evil.example:22', port: 22 }))).not.toBeNull();
    expect(queue.list()).toHaveLength(2);
  });

  it('stays bounded under a flood of distinct denials (drops the least recently seen)', () => {
    const queue = new ApprovalQueue(10);
    queue.record(denial({ host: 'keep.example' }));
    for (let index = 0; index < 1000; index++) {
      queue.record(denial({ host: `h${index}.example` }));
      if (index % 5 === 0) queue.record(denial({ host: 'keep.example' }));
    }
    const hosts = queue.list().map((entry) => entry.host);
    expect(hosts).toHaveLength(10);
    expect(hosts).toContain('keep.example');
    expect(hosts).toContain('h999.example');
    expect(hosts).not.toContain('h0.example');
  });

  it('take removes an entry; get and take of an unknown id find nothing', () => {
    const queue = new ApprovalQueue();
    const entry = queue.record(denial());
    if (entry === null) throw new Error('not recorded');
    expect(queue.get('nope')).toBeUndefined();
    expect(queue.take(entry.id)).toEqual(entry);
    expect(queue.take(entry.id)).toBeUndefined();
    expect(queue.list()).toEqual([]);
  });
});
