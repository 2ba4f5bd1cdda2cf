import { beforeAll, describe, expect, it } from 'vitest';
import { AuditError, SecretInFieldError } from '../audit-error.js';
import { OcsfSchema, validateOcsfEvent } from '../testing/ocsf-schema.js';
import { ocsfSchemaDirectory } from '../testing/schema-location.js';
import { SeverityId } from './constants.js';
import { buildDetectionFinding } from './detection-finding.js';
import { buildHttpActivityEvent } from './http-activity.js';
import { buildInferenceActivityEvent } from './inference-activity.js';
import { buildNetworkActivityEvent } from './network-activity.js';
import { buildPolicyChangeEvent } from './policy-change.js';
import { buildProcessLaunchEvent, buildProcessTerminateEvent } from './process-activity.js';

let schema: OcsfSchema;
beforeAll(() => {
  schema = new OcsfSchema(ocsfSchemaDirectory);
});

const policySha = 'a'.repeat(64);

const samples: Array<[string, () => object]> = [
  [
    'process launch',
    () =>
      buildProcessLaunchEvent({
        sandbox: 'dev',
        outcome: 'success',
        process: {
          pid: 4242,
          executable: '/usr/bin/node',
          argv: ['node', 'agent.js', '--flag=1'],
          workingDirectory: '/work',
        },
      }),
  ],
  [
    'process launch failure',
    () =>
      buildProcessLaunchEvent({
        outcome: 'failure',
        statusDetail: 'landlock: kernel lacks ABI 4 (TCP connect rules)',
        process: { executable: '/usr/bin/true' },
      }),
  ],
  [
    'process exit 0',
    () =>
      buildProcessTerminateEvent({ sandbox: 'dev', process: { pid: 7, executable: '/bin/sh' }, exitCode: 0 }),
  ],
  [
    'process killed',
    () => buildProcessTerminateEvent({ process: { pid: 7, executable: '/bin/sh' }, signal: 'SIGKILL' }),
  ],
  [
    'network open',
    () =>
      buildNetworkActivityEvent({
        sandbox: 'dev',
        outcome: 'open',
        source: { ip: '127.0.0.1', port: 40000 },
        destination: { hostname: 'api.github.com', ip: '140.82.112.5', port: 443 },
        policy: { name: 'network_policies.github' },
        binary: { executable: '/usr/bin/git', pid: 12 },
      }),
  ],
  [
    'network refuse',
    () =>
      buildNetworkActivityEvent({
        outcome: 'refuse',
        destination: { ip: '169.254.169.254', port: 80 },
        reason: 'cloud metadata address refused',
      }),
  ],
  [
    'network fail',
    () =>
      buildNetworkActivityEvent({
        outcome: 'fail',
        destination: { hostname: 'example.com', port: 443 },
        protocol: 'udp',
      }),
  ],
  [
    'network close',
    () =>
      buildNetworkActivityEvent({ outcome: 'close', destination: { hostname: 'example.com', port: 443 } }),
  ],
  [
    'http connect allowed',
    () =>
      buildHttpActivityEvent({
        method: 'CONNECT',
        scheme: 'https',
        host: 'api.github.com',
        port: 443,
        decision: 'allow',
        resolvedAddress: '140.82.112.5',
        responseCode: 200,
        policy: { name: 'network_policies.github' },
        source: { ip: '127.0.0.1' },
      }),
  ],
  [
    'http get denied',
    () =>
      buildHttpActivityEvent({
        method: 'GET',
        scheme: 'http',
        host: 'evil-example.com',
        port: 80,
        path: '/x?token=abcdefgh12345',
        decision: 'deny',
        reason: 'host not in network_policies',
        responseCode: 403,
        binary: { executable: '/usr/bin/curl' },
      }),
  ],
  [
    'http audit mode',
    () =>
      buildHttpActivityEvent({
        method: 'POST',
        scheme: 'http',
        host: '::1',
        port: 8080,
        path: '/',
        decision: 'audit',
      }),
  ],
  [
    'http other method',
    () =>
      buildHttpActivityEvent({
        method: 'PROPFIND',
        scheme: 'http',
        host: 'dav.example.com',
        port: 80,
        decision: 'deny',
      }),
  ],
  [
    'policy load',
    () =>
      buildPolicyChangeEvent({
        sandbox: 'dev',
        kind: 'load',
        policy: { name: 'default.yaml', sha256: policySha, version: '1' },
      }),
  ],
  [
    'policy apply',
    () =>
      buildPolicyChangeEvent({
        kind: 'apply',
        policy: { name: 'p.yaml', sha256: policySha },
        changedDomains: ['network_policies'],
      }),
  ],
  [
    'policy reject',
    () =>
      buildPolicyChangeEvent({
        kind: 'reject',
        policy: { name: 'p.yaml', sha256: policySha },
        reason: 'LOCKED field changed: filesystem_policy.read_write',
      }),
  ],
  [
    'policy fail',
    () =>
      buildPolicyChangeEvent({
        kind: 'fail',
        policy: { name: 'p.yaml', sha256: policySha },
        reason: 'proxy did not ack',
      }),
  ],
  [
    'detection finding',
    () =>
      buildDetectionFinding({
        sandbox: 'dev',
        title: 'Sandbox escape attempt: connect to a Unix socket',
        description: 'socket(AF_UNIX) refused by seccomp',
        types: ['sandbox-violation'],
        severityId: SeverityId.High,
        rule: { name: 'seccomp:socket(AF_UNIX)', uid: 'seccomp.socket.unix' },
        evidence: { process: { executable: '/usr/bin/python3', pid: 3 }, path: '/var/run/docker.sock' },
      }),
  ],
  [
    'detection finding observed',
    () =>
      buildDetectionFinding({
        title: 'Denied egress',
        severityId: SeverityId.Medium,
        rule: { name: 'default-deny' },
        blocked: false,
        evidence: { destination: { hostname: 'evil.example', port: 443 } },
      }),
  ],
  [
    'inference local',
    () =>
      buildInferenceActivityEvent({
        sandbox: 'dev',
        route: 'local',
        provider: { name: 'local', kind: 'nemotron' },
        model: 'nvidia/nemotron-3-nano-30b-a3b',
        operation: 'chat.completions',
        rule: 'inference.rules[0]',
        entityCounts: { CREDIT_CARD: 2, US_SSN: 1 },
        tokens: { prompt: 120, completion: 30 },
        responseCode: 200,
        latencyMs: 512,
        source: { ip: '127.0.0.1' },
        destination: { ip: '127.0.0.1', port: 8000 },
      }),
  ],
  [
    'inference cloud redacted',
    () =>
      buildInferenceActivityEvent({
        route: 'cloud',
        provider: { name: 'cloud', kind: 'openai-compatible' },
        model: 'meta/llama',
        operation: 'chat.completions',
        entityCounts: { EMAIL: 1 },
        redactedCount: 1,
        source: { ip: '127.0.0.1' },
        destination: { hostname: 'integrate.api.nvidia.com', port: 443 },
      }),
  ],
  [
    'inference blocked',
    () =>
      buildInferenceActivityEvent({
        route: 'block',
        provider: { name: 'local', kind: 'nemotron' },
        model: 'm',
        operation: 'messages',
        reason: 'local provider unavailable; on_local_unavailable: block',
        source: { ip: '127.0.0.1' },
      }),
  ],
];

describe('event builders emit schema-valid OCSF', () => {
  it.each(samples)('%s validates against the OCSF schema', (_name, build) => {
    const event = build();
    expect(validateOcsfEvent(schema, event)).toEqual([]);
  });

  it.each(samples)('%s names the product, the schema version and a unique uid', (_name, build) => {
    const first = build() as {
      metadata: { product: object; version: string; uid: string };
      type_uid: number;
      class_uid: number;
      activity_id: number;
    };
    const second = build() as { metadata: { uid: string } };
    expect(first.metadata.product).toEqual({ name: 'NemoClaw', vendor_name: 'NemoClaw', version: '0.0.0' });
    expect(first.metadata.version).toBe('1.8.0');
    expect(first.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.metadata.uid).not.toBe(first.metadata.uid);
    expect(first.type_uid).toBe(first.class_uid * 100 + first.activity_id);
  });
});

describe('the schema validator catches what is wrong (so the tests above can fail)', () => {
  const valid = () =>
    buildNetworkActivityEvent({
      outcome: 'refuse',
      destination: { ip: '10.0.0.1', port: 22 },
    }) as unknown as Record<string, unknown>;

  it('accepts the unmodified event', () => {
    expect(validateOcsfEvent(schema, valid())).toEqual([]);
  });
  it('flags an unknown attribute', () => {
    expect(validateOcsfEvent(schema, { ...valid(), made_up: 1 })).toContain(
      'made_up is not an attribute of network_activity',
    );
  });
  it('flags a missing required attribute', () => {
    const event = valid();
    delete event.time;
    expect(validateOcsfEvent(schema, event)).toContain('time is required by network_activity');
  });
  it('flags an undefined enum value', () => {
    expect(validateOcsfEvent(schema, { ...valid(), severity_id: 42 }).join('\n')).toMatch(
      /severity_id 42 is not a defined value/,
    );
    expect(validateOcsfEvent(schema, { ...valid(), activity_id: 42, type_uid: 400142 }).join('\n')).toMatch(
      /activity_id 42/,
    );
    expect(validateOcsfEvent(schema, { ...valid(), status_id: 7 }).join('\n')).toMatch(/status_id 7/);
  });
  it('flags a wrong type_uid, class_name and sibling caption', () => {
    const errors = validateOcsfEvent(schema, {
      ...valid(),
      type_uid: 400101,
      class_name: 'Net',
      disposition: 'Allowed',
    }).join('\n');
    expect(errors).toMatch(/type_uid 400101 should be 400105/);
    expect(errors).toMatch(/class_name "Net"/);
    expect(errors).toMatch(/disposition "Allowed" should be "Blocked"/);
  });
  it('flags bad nested object keys, types and object constraints', () => {
    const event = valid();
    const errors = validateOcsfEvent(schema, {
      ...event,
      dst_endpoint: { port: 70000, colour: 'red' },
      metadata: { ...(event.metadata as object), product: { vendor_name: 'x' } },
    }).join('\n');
    expect(errors).toMatch(/dst_endpoint.colour is not an attribute of network_endpoint/);
    expect(errors).toMatch(/dst_endpoint.port 70000 is outside 0-65535/);
    expect(errors).toMatch(/dst_endpoint needs at least one of ip/);
    expect(errors).toMatch(/metadata.product needs at least one of name, uid/);
  });
  it('flags a profile attribute whose profile is not declared', () => {
    const event = valid();
    const metadata = { ...(event.metadata as Record<string, unknown>) };
    delete metadata.profiles;
    expect(validateOcsfEvent(schema, { ...event, metadata }).join('\n')).toMatch(
      /belongs to profile "security_control"/,
    );
  });
  it('flags a required attribute of a nested object', () => {
    const finding = buildDetectionFinding({
      title: 't',
      severityId: 2,
      rule: { name: 'r' },
    }) as unknown as Record<string, unknown>;
    const errors = validateOcsfEvent(schema, { ...finding, finding_info: { title: 't' } });
    expect(errors).toContain('finding_info.uid is required by finding_info');
  });
  it('resolves inherited attributes through the extends chain and includes', () => {
    const process = schema.resolveClass('process_activity');
    expect(process.classUid).toBe(1007);
    expect(process.attributes.get('metadata')?.requirement).toBe('required'); // from base_event
    expect(process.attributes.get('actor')?.profile).toBeUndefined(); // host profile made core by system
    expect(process.attributes.get('disposition_id')?.profile).toBe('security_control');
    expect(schema.resolveClass('device_config_state_change').classUid).toBe(5019);
    expect(schema.resolveClass('config_state').deprecated).toBe(true);
    expect(schema.resolveObject('network_endpoint').attributes.has('uid')).toBe(true); // from _entity
  });
});

describe('builders refuse secrets and content', () => {
  it('refuses a secret-looking status_detail and names the field, not the value', () => {
    const attempt = () =>
      buildNetworkActivityEvent({
        outcome: 'fail',
        destination: { hostname: 'x.example', port: 443 },
        reason: 'upstream said: Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345',
      });
    expect(attempt).toThrow(SecretInFieldError);
    expect(attempt).toThrow(/bearer-token into audit field "status_detail"/);
    try {
      attempt();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('abcdefghijklmnop');
    }
  });
  it('refuses secrets in messages and finding titles', () => {
    expect(() =>
      buildProcessTerminateEvent({
        process: { executable: '/bin/sh' },
        exitCode: 0,
        message: 'key AKIAIOSFODNN7EXAMPLE',
      }),
    ).toThrow(/aws-access-key-id/);
    expect(() =>
      buildDetectionFinding({
        title: 'leak of ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ',
        severityId: 4,
        rule: { name: 'r' },
      }),
    ).toThrow(/github-token/);
  });
  it('masks secrets in command lines and drops query strings from URLs', () => {
    const launch = buildProcessLaunchEvent({
      outcome: 'success',
      process: {
        executable: '/usr/bin/curl',
        argv: ['curl', '-H', 'Authorization: Bearer sk-abcdefghijklmnopqrstuvwxyz', 'https://u:p4ssw0rd@h/'],
      },
    });
    expect(launch.process.cmd_line).not.toMatch(/sk-abcdefghij|p4ssw0rd/);
    expect(launch.process.cmd_line).toContain('[REDACTED:');
    const http = buildHttpActivityEvent({
      method: 'GET',
      scheme: 'http',
      host: 'h.example',
      port: 80,
      path: '/a?api_key=s3cr3tvalue',
      decision: 'deny',
    });
    expect(JSON.stringify(http)).not.toContain('s3cr3tvalue');
  });
  it('accepts only entity type names and counts for inference events', () => {
    const base = {
      route: 'local',
      provider: { name: 'l', kind: 'nemotron' },
      model: 'm',
      operation: 'chat',
      source: { ip: '127.0.0.1' },
    } as const;
    expect(() =>
      buildInferenceActivityEvent({ ...base, entityCounts: { '4111 1111 1111 1111': 1 } }),
    ).toThrow(AuditError);
    expect(() => buildInferenceActivityEvent({ ...base, entityCounts: { CREDIT_CARD: -1 } })).toThrow(
      /non-negative integer/,
    );
    const event = buildInferenceActivityEvent({ ...base, entityCounts: { CREDIT_CARD: 3 } });
    expect(event.resources?.[0]?.data_classifications?.[0]?.discovery_details).toEqual([
      { type: 'CREDIT_CARD', count: 3 },
    ]);
  });
  it('rejects malformed input with a specific error', () => {
    expect(() =>
      buildHttpActivityEvent({ method: 'GET /', scheme: 'http', host: 'h', port: 80, decision: 'deny' }),
    ).toThrow(/not an HTTP method/);
    expect(() => buildNetworkActivityEvent({ outcome: 'open', destination: { port: 1 } })).toThrow(
      /needs an ip or a hostname/,
    );
    expect(() => buildPolicyChangeEvent({ kind: 'load', policy: { name: 'p', sha256: 'xyz' } })).toThrow(
      /sha256/,
    );
    expect(() =>
      buildNetworkActivityEvent({ outcome: 'open', destination: { ip: '1.2.3.4', port: 99999 } }),
    ).toThrow(/port number/);
  });
});
