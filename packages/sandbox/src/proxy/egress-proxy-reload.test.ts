import { Agent, request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProxyPolicyError } from '../sandbox-error.js';
import { createEgressProxy } from './egress-proxy.js';
import type { EgressProxy } from './egress-proxy-types.js';
import {
  type EchoServer,
  openTunnel,
  roundTrip,
  startEchoServer,
  startHttpServer,
  type UpstreamHttpServer,
} from './testing/proxy-test-client.js';

let upstream: UpstreamHttpServer;
let echo: EchoServer;
let proxy: EgressProxy | undefined;

beforeAll(async () => {
  upstream = await startHttpServer();
  echo = await startEchoServer();
});
afterAll(async () => {
  await upstream.close();
  await echo.close();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

const policiesAllowing = (ports: number[]) => ({
  local: { name: 'local', endpoints: [{ host: '127.0.0.1', ports, allowed_ips: ['127.0.0.1'] }] },
});

function get(agent: Agent): Promise<number> {
  if (proxy === undefined || !('port' in proxy.address)) throw new Error('no proxy');
  const target = `http://127.0.0.1:${upstream.port}/loop`;
  const { host, port } = proxy.address;
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host, port, path: target, agent, headers: { host: `127.0.0.1:${upstream.port}` } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('hot reload', () => {
  it('a removed host fails from the next request on, while a loop of requests runs', async () => {
    proxy = await createEgressProxy({
      policies: policiesAllowing([upstream.port, echo.port]),
      listen: { port: 0 },
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const established = await openTunnel(proxy, `127.0.0.1:${echo.port}`);
    expect(established.status).toBe(200);
    let updatedAt = 0;
    let firstDeniedAt = 0;
    let allowedAfterUpdate = 0;
    const statuses: number[] = [];
    const loop = (async () => {
      for (let iteration = 0; iteration < 2_000; iteration += 1) {
        const startedAt = performance.now();
        const status = await get(agent);
        statuses.push(status);
        if (updatedAt > 0 && startedAt > updatedAt && status === 200) {
          allowedAfterUpdate += 1;
        }
        if (status === 403) {
          firstDeniedAt = performance.now();
          return;
        }
      }
    })();
    await vi.waitFor(() => expect(statuses.length).toBeGreaterThanOrEqual(3), {
      timeout: 10_000,
      interval: 5,
    });
    expect(statuses.every((status) => status === 200)).toBe(true);
    const result = proxy.updatePolicies(policiesAllowing([echo.port]));
    updatedAt = performance.now();
    expect(result).toEqual({ ok: true, generation: 2 });
    await loop;
    agent.destroy();
    expect(firstDeniedAt).toBeGreaterThan(0);
    // No request that started after updatePolicies returned was allowed.
    expect(allowedAfterUpdate).toBe(0);
    console.log(
      `hot reload: ${statuses.length - 1} requests allowed before the update; first denial ` +
        `${(firstDeniedAt - updatedAt).toFixed(2)} ms after updatePolicies returned (includes the request's round trip)`,
    );
    // The tunnel established under generation 1 keeps its decision.
    expect(await roundTrip(established.socket, 'still open')).toBe('still open');
    established.socket.destroy();
    const fresh = await openTunnel(proxy, `127.0.0.1:${upstream.port}`);
    expect(fresh.status).toBe(403);
  });

  it('an invalid update changes nothing (last-known-good) and says what is wrong', async () => {
    proxy = await createEgressProxy({ policies: policiesAllowing([echo.port]), listen: { port: 0 } });
    const invalid = [
      { local: { name: 'local', endpoints: [{ host: '127.0.0.1' }] } },
      { local: { name: 'local', endpoints: [{ host: 'a.*.example.com', port: 1 }] } },
      { local: { name: 'local', endpoints: [{ host: 'x.test', port: 70_000 }] } },
      { local: { name: 'local', endpoints: [{ host: 'x.test', port: 1, allowed_ips: ['10.0.0.0/99'] }] } },
      {
        local: {
          name: 'local',
          endpoints: [{ host: 'x.test', port: 1, rules: [{ allow: { path: '/a**b' } }] }],
        },
      },
      'not an object',
      [1, 2],
    ];
    for (const next of invalid) {
      const result = proxy.updatePolicies(next);
      expect(result.ok, JSON.stringify(next)).toBe(false);
      if (!result.ok) {
        expect(result.error).toBeInstanceOf(ProxyPolicyError);
        expect(result.error.code).toBe('proxy-invalid-policy');
        expect(result.error.message).toMatch(/network_policies/);
      }
    }
    expect(proxy.generation).toBe(1);
    const reply = await openTunnel(proxy, `127.0.0.1:${echo.port}`);
    expect(reply.status).toBe(200);
    reply.socket.destroy();
  });

  it('refuses to start with an invalid policy', async () => {
    await expect(
      createEgressProxy({ policies: { x: { name: 'x', endpoints: [{ host: '' }] } }, listen: { port: 0 } }),
    ).rejects.toBeInstanceOf(ProxyPolicyError);
  });
});
