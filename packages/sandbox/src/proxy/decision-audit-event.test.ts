import { describe, expect, it } from 'vitest';
import { OcsfSchema, validateOcsfEvent } from '../../../audit/src/testing/ocsf-schema.js';
import { ocsfSchemaDirectory } from '../../../audit/src/testing/schema-location.js';
import { egressDecisionToAuditEvent } from './decision-audit-event.js';
import type { EgressDecision } from './egress-proxy-types.js';

const base: EgressDecision = {
  timestamp: Date.UTC(2026, 10, 30),
  connectionId: 1,
  kind: 'http',
  host: 'api.telegram.org',
  port: 80,
  method: 'POST',
  path: '/bot123456789:AAEhBP0av28Sx0aZ9cQ5w7dLz0nTt3zyFbQ/sendMessage',
  peer: { pid: 7, exe: '/usr/bin/curl', uid: 1000 },
  binary: '/usr/bin/curl',
  allowed: false,
  enforcement: 'enforce',
  reason: 'method-not-allowed: POST /bot123456789:AAEhBP0av28Sx0aZ9cQ5w7dLz0nTt3zyFbQ/sendMessage',
  ruleId: 'telegram/0',
  address: null,
  status: 403,
  generation: 1,
  uninspectedRules: false,
};

describe('egressDecisionToAuditEvent', () => {
  const schema = new OcsfSchema(ocsfSchemaDirectory);

  it.each<[string, Partial<EgressDecision>, number, number]>([
    ['http deny', {}, 4002, 2],
    ['http allow', { allowed: true, reason: null, status: 200, address: '203.0.113.9' }, 4002, 1],
    ['http audit', { allowed: true, enforcement: 'audit', status: 200 }, 4002, 1],
    [
      'tunnel open',
      {
        kind: 'connect',
        method: undefined,
        path: undefined,
        allowed: true,
        reason: null,
        status: 200,
        address: '1.2.3.4',
      },
      4001,
      1,
    ],
    [
      'tunnel refuse',
      { kind: 'connect', method: undefined, path: undefined, reason: 'private-address: 10.0.0.1' },
      4001,
      2,
    ],
    [
      'tunnel fail',
      {
        kind: 'connect',
        method: undefined,
        path: undefined,
        reason: 'upstream-connect-timeout: x',
        status: 504,
      },
      4001,
      1,
    ],
  ])('%s validates against OCSF', (_name, change, classUid, actionId) => {
    const event = egressDecisionToAuditEvent({ ...base, ...change }, { sandbox: 'dev' });
    expect(event.class_uid).toBe(classUid);
    expect(event.action_id).toBe(actionId);
    expect(validateOcsfEvent(schema, event)).toEqual([]);
  });

  it('masks a token in the path and the reason (audit redactSecrets)', () => {
    const token = `ghp_${'a1B2'.repeat(9)}`;
    const text = JSON.stringify(
      egressDecisionToAuditEvent({
        ...base,
        path: `/t/${token}/x`,
        reason: `method-not-allowed: POST /t/${token}/x`,
      }),
    );
    expect(text).not.toContain(token);
    expect(text).toContain('REDACTED');
  });
});
