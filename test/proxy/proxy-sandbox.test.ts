/**
 * End to end: a real kernel sandbox (nemoclaw-sandbox-exec with its in-namespace bridge) whose only
 * way out is the egress proxy on a Unix socket. The bridge prefixes every connection with the
 * NEMOCLAW-PEER line, so `binaries` is enforced on the real executable; decisions become OCSF
 * events validated against the schema in ../shared/data/ocsf-schema.
 */

import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { runSandboxed, spawnSandboxed } from '@nemoclaw/native';
import { type Policy, parsePolicy } from '@nemoclaw/policy';
import {
  createEgressProxy,
  type EgressDecision,
  type EgressProxy,
  egressDecisionToAuditEvent,
} from '@nemoclaw/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcsfSchema, validateOcsfEvent } from '../../packages/audit/src/testing/ocsf-schema.ts';
import { ocsfSchemaDirectory } from '../../packages/audit/src/testing/schema-location.ts';
import { buildFreshLauncher } from '../../packages/native/test-support/fresh-launcher.ts';

let launcherPath: string;
let workdir: string;
let upstream: Server;
let upstreamPort: number;
const bridgePort = 3128;

beforeAll(async () => {
  launcherPath = buildFreshLauncher();
  // Outside /tmp: the sandbox gets a private /tmp, and the bridge must still see the proxy's socket.
  // Outside /tmp (private inside the sandbox; the repository may be cloned under /tmp).
  const cache = '/var/tmp/nemoclaw-proxy-e2e/';
  await mkdir(cache, { recursive: true });
  workdir = await mkdtemp(cache);
  upstream = createServer((request, response) =>
    response.end(`upstream saw ${request.method} ${request.url}`),
  );
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const address = upstream.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  upstreamPort = address.port;
});
afterAll(async () => {
  upstream.closeAllConnections();
  upstream.close();
  await rm(workdir, { recursive: true, force: true });
});

function policyWith(binaries: string): Policy {
  const parsed = parsePolicy(
    [
      'version: 1',
      'filesystem_policy:',
      '  include_workdir: true',
      '  read_only: [/usr, /lib, /lib64, /bin, /etc]',
      'network_policies:',
      '  local:',
      '    name: local',
      '    endpoints:',
      `      - { host: allowed.test, port: ${upstreamPort}, allowed_ips: [127.0.0.1], access: read-only }`,
      `    binaries: ${binaries}`,
      '',
    ].join('\n'),
    { workdir },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed));
  return parsed.value;
}

async function withProxy<T>(
  policy: Policy,
  body: (proxy: EgressProxy, decisions: EgressDecision[]) => Promise<T>,
) {
  const decisions: EgressDecision[] = [];
  const proxy = await createEgressProxy({
    policies: policy.network_policies,
    listen: { unixSocket: join(workdir, 'proxy.sock') },
    resolver: async (name) => (name === 'allowed.test' ? ['127.0.0.1'] : []),
    onDecision: (decision) => decisions.push(decision),
  });
  try {
    return await body(proxy, decisions);
  } finally {
    await proxy.close();
  }
}

function curlInSandbox(policy: Policy, args: readonly string[]) {
  return runSandboxed(policy, ['/usr/bin/curl', '-sS', '--max-time', '10', ...args], {
    workdir,
    launcherPath,
    env: { PATH: '/usr/bin:/bin' },
    bridge: { listen: `127.0.0.1:${bridgePort}`, unix_socket: join(workdir, 'proxy.sock') },
  });
}

const proxyUrl = `http://127.0.0.1:${bridgePort}`;

describe('egress through the launcher bridge', () => {
  it('curl, an allowed binary, reaches an allowed host through a CONNECT tunnel; the decision names it', async () => {
    await withProxy(policyWith('[{ path: /usr/bin/curl }]'), async (_proxy, decisions) => {
      const result = await curlInSandbox(policyWith('[{ path: /usr/bin/curl }]'), [
        '-x',
        proxyUrl,
        '--proxytunnel',
        `http://allowed.test:${upstreamPort}/tunnelled`,
      ]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('upstream saw GET /tunnelled');
      expect(decisions[0]).toMatchObject({ kind: 'connect', allowed: true, binary: '/usr/bin/curl' });
      expect(decisions[0]?.peer?.pid).toBeGreaterThan(0);
    });
  });

  it('absolute-form HTTP from the sandbox is checked by method (read-only refuses POST)', async () => {
    const policy = policyWith('[{ path: /usr/bin/curl }]');
    await withProxy(policy, async (_proxy, decisions) => {
      const allowed = await curlInSandbox(policy, [
        '-x',
        proxyUrl,
        `http://allowed.test:${upstreamPort}/read`,
      ]);
      expect(allowed.stdout).toBe('upstream saw GET /read');
      const refused = await curlInSandbox(policy, [
        '-x',
        proxyUrl,
        '-X',
        'POST',
        '-D',
        '-',
        '-o',
        '/dev/null',
        `http://allowed.test:${upstreamPort}/write`,
      ]);
      expect(refused.stdout).toMatch(/^HTTP\/1\.1 403/);
      expect(refused.stdout).toContain('x-nemoclaw-deny-reason: method-not-allowed: POST /write');
      expect(decisions.map((decision) => decision.allowed)).toEqual([true, false]);
    });
  });

  it('refuses curl when only git may use the endpoint (binary attribution through NEMOCLAW-PEER)', async () => {
    const policy = policyWith('[{ path: /usr/bin/git }]');
    await withProxy(policy, async (_proxy, decisions) => {
      const result = await curlInSandbox(policy, [
        '-x',
        proxyUrl,
        '--proxytunnel',
        `http://allowed.test:${upstreamPort}/`,
      ]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/403/);
      expect(decisions[0]).toMatchObject({ allowed: false, reason: 'binary-not-allowed: /usr/bin/curl' });
    });
  });

  it('a direct connection that ignores the proxy does not get out', async () => {
    const policy = policyWith('[{ path: /usr/bin/curl }]');
    await withProxy(policy, async (_proxy, decisions) => {
      const result = await curlInSandbox(policy, [
        '--noproxy',
        '*',
        `http://127.0.0.1:${upstreamPort}/direct`,
      ]);
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(decisions).toHaveLength(0);
    });
  });

  it('every decision converts into an OCSF event that validates against the schema', async () => {
    const schema = new OcsfSchema(ocsfSchemaDirectory);
    const policy = policyWith('[{ path: /usr/bin/curl }]');
    await withProxy(policy, async (_proxy, decisions) => {
      await curlInSandbox(policy, ['-x', proxyUrl, '--proxytunnel', `http://allowed.test:${upstreamPort}/a`]);
      await curlInSandbox(policy, ['-x', proxyUrl, '--proxytunnel', 'http://evil.test:443/']);
      await curlInSandbox(policy, ['-x', proxyUrl, '-X', 'DELETE', `http://allowed.test:${upstreamPort}/b`]);
      expect(decisions).toHaveLength(3);
      const events = decisions.map((decision) => egressDecisionToAuditEvent(decision, { sandbox: 'e2e' }));
      expect(events.map((event) => event.class_uid)).toEqual([4001, 4001, 4002]);
      for (const event of events) {
        expect(validateOcsfEvent(schema, event)).toEqual([]);
      }
      expect(events[1]).toMatchObject({ activity_id: 5, status_detail: 'host-not-allowed: evil.test:443' });
    });
  });

  it('hot reload: a sandboxed loop of requests is refused right after updatePolicies removes the host', async () => {
    const policy = policyWith('[{ path: /usr/bin/curl }]');
    await withProxy(policy, async (proxy) => {
      const script = `while true; do /usr/bin/curl -s -o /dev/null -w '%{http_code}\\n' -x ${proxyUrl} http://allowed.test:${upstreamPort}/loop; done`;
      const handle = spawnSandboxed(policy, ['/bin/sh', '-c', script], {
        workdir,
        launcherPath,
        env: { PATH: '/usr/bin:/bin' },
        bridge: { listen: `127.0.0.1:${bridgePort}`, unix_socket: join(workdir, 'proxy.sock') },
        stdio: 'pipe',
      });
      const codes: { code: string; at: number }[] = [];
      let pending = '';
      handle.stdout?.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) codes.push({ code: line.trim(), at: performance.now() });
      });
      try {
        await waitUntil(() => codes.filter((entry) => entry.code === '200').length >= 3);
        const result = proxy.updatePolicies({});
        const updatedAt = performance.now();
        expect(result).toEqual({ ok: true, generation: 2 });
        await waitUntil(() => codes.some((entry) => entry.at > updatedAt && entry.code === '403'));
        const firstRefusal = codes.find((entry) => entry.at > updatedAt && entry.code === '403');
        const allowedLater = codes.filter(
          (entry) => entry.at > (firstRefusal?.at ?? updatedAt) && entry.code === '200',
        );
        expect(allowedLater).toEqual([]);
        console.log(
          `sandboxed loop: first 403 ${((firstRefusal?.at ?? updatedAt) - updatedAt).toFixed(1)} ms after updatePolicies ` +
            '(includes the in-flight curl process and its round trip)',
        );
        expect(proxy.updatePolicies({ broken: { name: 'x', endpoints: [{ host: 'a.*' }] } }).ok).toBe(false);
        expect(proxy.generation).toBe(2);
      } finally {
        handle.kill('SIGKILL');
        await handle.exited.catch(() => undefined);
      }
    });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
