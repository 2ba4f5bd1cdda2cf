/**
 * End to end: a named sandbox whose supervisor runs the egress proxy on the sandbox's Unix socket;
 * the launcher's bridge is the only way out, and the proxy variables point every client at it.
 * Real kernel sandbox, real proxy, real loopback HTTP server (allowed through allowed_ips).
 */

import { readFileSync } from 'node:fs';
import { verifyAuditLog } from '@nemoclaw/audit';
import { inspectSandbox, sandboxPaths, stopSandbox } from '@nemoclaw/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcsfSchema, validateOcsfEvent } from '../../packages/audit/src/testing/ocsf-schema.ts';
import { ocsfSchemaDirectory } from '../../packages/audit/src/testing/schema-location.ts';
import {
  auditEvents,
  type LifecycleHarness,
  prepareLifecycle,
  startSandbox,
  startUpstream,
  waitFor,
  writePolicy,
} from './support.ts';

let harness: LifecycleHarness;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let output = '';

beforeAll(async () => {
  harness = await prepareLifecycle('net');
  upstream = await startUpstream();
  const policy = writePolicy(harness, 'net.yaml', {
    port: upstream.port,
    binaries: '[{ path: /usr/bin/curl }]',
  });
  // One sandbox runs every attempt in sequence, then exits; each line is labelled.
  const script = [
    `echo "allowed: $(curl -sS --max-time 10 http://127.0.0.1:${upstream.port}/through-proxy)"`,
    `echo "tunnel: $(curl -sS --max-time 10 --proxytunnel -x "$HTTPS_PROXY" http://127.0.0.1:${upstream.port}/tunnelled)"`,
    "echo \"unlisted: $(curl -sS --max-time 10 -D - -o /dev/null http://unlisted.example/ | tr -d '\\r' | grep -i -e ^HTTP/ -e ^x-nemoclaw | tr '\\n' ' ')\"",
    `curl -sS --max-time 5 --noproxy '*' http://127.0.0.1:${upstream.port}/direct; echo "direct exit $?"`,
    'echo "env: $http_proxy $HTTPS_PROXY $npm_config_proxy $PIP_PROXY no_proxy=[$NO_PROXY]"',
  ].join('; ');
  await startSandbox(harness, 'net', policy, ['/bin/sh', '-c', script]);
  const paths = sandboxPaths(harness.home, 'net');
  await waitFor(
    () => inspectSandbox(harness.home, 'net')?.status === 'exited',
    60_000,
    'the sandbox to finish',
  );
  output = readFileSync(paths.outputLog, 'utf8');
});
afterAll(async () => {
  upstream.close();
  await stopSandbox(harness.home, 'net').catch(() => undefined);
});

describe('a named sandbox reaches the network only through its proxy', () => {
  it('reaches an allowed loopback server through the bridge and proxy (absolute-form HTTP, from the env variables)', () => {
    expect(output).toContain('allowed: upstream saw GET /through-proxy');
  });

  it('reaches it through a CONNECT tunnel too', () => {
    expect(output).toContain('tunnel: upstream saw GET /tunnelled');
  });

  it('an unlisted host is refused with 403 and the reason header', () => {
    expect(output).toMatch(
      /unlisted: HTTP\/1\.1 403 Forbidden x-nemoclaw-deny-reason: host-not-allowed: unlisted\.example:80/,
    );
  });

  it('a direct TCP connection that bypasses the proxy fails (no route out, Landlock allows only the bridge port)', () => {
    expect(output).not.toContain('/direct');
    expect(output).toMatch(/direct exit [1-9]/);
  });

  it('points the usual clients at the in-sandbox bridge and lets nothing bypass it', () => {
    const url = 'http://127.0.0.1:3128';
    expect(output).toContain(`env: ${url} ${url} ${url} ${url} no_proxy=[]`);
  });

  it('the audit log verifies and records the launch, the decisions (the denial included) and the exit', async () => {
    const paths = sandboxPaths(harness.home, 'net');
    const verified = await verifyAuditLog(paths.auditLog);
    expect(verified).toMatchObject({ ok: true });
    const events = auditEvents(paths.auditLog);
    const classes = events.map((event) => event.class_uid);
    expect(classes[0]).toBe(5019); // policy load
    expect(classes).toContain(1007);
    const denial = events.find(
      (event) =>
        event.class_uid === 4002 &&
        String(event.status_detail).startsWith('host-not-allowed: unlisted.example'),
    );
    expect(denial).toBeDefined();
    const allowed = events.filter((event) => event.class_uid === 4002 && event.action_id === 1);
    expect(allowed.length).toBeGreaterThanOrEqual(1);
    const activities = events.filter((event) => event.class_uid === 1007).map((event) => event.activity_id);
    expect(activities).toEqual([1, 2]);
  });
  it('every event the supervisor wrote validates against the OCSF schema', async () => {
    const schema = new OcsfSchema(ocsfSchemaDirectory);
    const events = auditEvents(sandboxPaths(harness.home, 'net').auditLog);
    expect(new Set(events.map((event) => event.class_uid))).toEqual(new Set([5019, 1007, 4001, 4002]));
    for (const event of events) expect(validateOcsfEvent(schema, event), String(event.class_uid)).toEqual([]);
  });
});
