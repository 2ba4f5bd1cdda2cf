import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFile } from '@nemoclaw/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressProxy } from '../proxy/egress-proxy.js';
import type { EgressProxy } from '../proxy/egress-proxy-types.js';
import { PolicyController } from './policy-controller.js';

let directory: string;
let upstream: Server;
let upstreamPort = 0;
let proxy: EgressProxy;
let controller: PolicyController;

function policyFile(file: string, lines: readonly string[]): string {
  const path = join(directory, file);
  writeFileSync(
    path,
    `${['version: 1', 'filesystem_policy:', '  read_only: [/usr]', ...lines].join('\n')}\n`,
  );
  return path;
}

const allowUpstream = () => [
  'network_policies:',
  '  local:',
  '    name: local',
  `    endpoints: [{ host: 127.0.0.1, port: ${upstreamPort}, allowed_ips: [127.0.0.1] }]`,
];

/** One absolute-form request through the real proxy; resolves to the status and deny reason. */
async function request(): Promise<string> {
  const address = proxy.address;
  if (!('port' in address)) throw new Error('tcp proxy expected');
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port: address.port,
        path: `http://127.0.0.1:${upstreamPort}/`,
        headers: { host: `127.0.0.1:${upstreamPort}` },
        agent: false,
      },
      (incoming) => {
        incoming.resume();
        incoming.on('end', () =>
          resolve(`${incoming.statusCode} ${incoming.headers['x-nemoclaw-deny-reason'] ?? ''}`.trim()),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'nemoclaw-controller-'));
  upstream = createServer((_incoming, outgoing) => outgoing.end('ok'));
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const address = upstream.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  upstreamPort = address.port;
  const loaded = loadPolicyFile(policyFile('start.yaml', allowUpstream()), { workdir: directory });
  if (!loaded.ok) throw loaded.error;
  controller = new PolicyController(loaded.value, { workdir: directory });
  proxy = await createEgressProxy({ policies: controller.effectiveNetwork(), listen: { port: 0 } });
  controller.attach(proxy);
});
afterAll(async () => {
  await proxy.close();
  upstream.closeAllConnections();
  upstream.close();
});

describe('PolicyController', () => {
  it('starts with the file policy in force', async () => {
    expect(await request()).toBe('200');
  });

  it('FAILED invalid: a file that does not load changes nothing', async () => {
    const broken = join(directory, 'broken.yaml');
    writeFileSync(broken, 'version: 1\nnetwork_policies: [\n');
    const report = controller.apply(broken);
    expect(report).toMatchObject({ status: 'FAILED', reason: 'invalid', generation: 1 });
    expect(report.status === 'FAILED' && report.diagnostics[0]).toMatch(/broken\.yaml:\d+:\d+/);
    expect(proxy.generation).toBe(1);
    expect(await request()).toBe('200');
  });

  it('FAILED locked: names every LOCKED field and changes nothing, even with HOT changes alongside', async () => {
    const locked = policyFile('locked.yaml', ['  deny: [/root]', 'syscalls:', '  profile: strict']);
    const report = controller.apply(locked);
    expect(report).toMatchObject({ status: 'FAILED', reason: 'locked', generation: 1 });
    const fields = report.changes.filter((change) => change.class === 'locked').map((change) => change.field);
    expect(fields).toEqual(expect.arrayContaining(['filesystem_policy.deny', 'syscalls.profile']));
    expect(report.changes.some((change) => change.class === 'hot')).toBe(true); // the removed network
    expect(await request()).toBe('200');
  });

  it('LOADED: a HOT change is in force for the next request', async () => {
    const report = controller.apply(policyFile('none.yaml', []));
    expect(report).toMatchObject({ status: 'LOADED', generation: 2 });
    expect(report.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(await request()).toBe(`403 host-not-allowed: 127.0.0.1:${upstreamPort}`);
    expect(controller.policy.network_policies ?? {}).toEqual({});
  });

  it('approved rules sit on top of the file policy and survive later applies', async () => {
    const added = controller.addApprovedRule('approved-x', {
      name: 'approved-x',
      endpoints: [{ host: '127.0.0.1', port: upstreamPort, allowed_ips: ['127.0.0.1'] }],
    } as never);
    expect(added).toEqual({ ok: true, generation: 3 });
    expect(await request()).toBe('200');
    expect(controller.apply(policyFile('none-again.yaml', []))).toMatchObject({ status: 'LOADED' });
    expect(await request()).toBe('200');
  });

  it('FAILED proxy: a rule the proxy cannot compile is refused and last-known-good stays', async () => {
    const refused = controller.addApprovedRule('approved-bad', {
      name: 'approved-bad',
      endpoints: [{ host: 'exa mple', port: 443 }],
    } as never);
    expect(refused.ok).toBe(false);
    expect(Object.keys(controller.effectiveNetwork())).toEqual(['approved-x']);
    expect(await request()).toBe('200');
  });
});
