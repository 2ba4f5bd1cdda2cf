import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { buildLauncherFromSource, runSandboxed } from '@nemoclaw/native';
import { type Policy, parsePolicy } from '@nemoclaw/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressProxy } from './egress-proxy.js';
import type { EgressProxy } from './egress-proxy-types.js';

// Bulk bytes through the whole egress path of a real sandbox: curl inside -> the launcher's bridge
// (splice(2) through pipes) -> the proxy's Unix socket -> the proxy's relay (reused read buffer) ->
// a loopback HTTP server. Both directions are checked byte for byte with SHA-256, so a relay that
// reused or reordered bytes fails here.

const payloadBytes = 24 * 1024 * 1024;
const bridgePort = 3128;

/** Deterministic bytes in which every 32-bit word differs. */
function pattern(bytes: number, seed: number): Buffer {
  const words = new Uint32Array(Math.ceil(bytes / 4));
  for (let index = 0; index < words.length; index += 1) {
    words[index] = Math.imul(index + 1, 2_654_435_761) ^ seed;
  }
  return Buffer.from(words.buffer, 0, bytes);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let launcherPath: string;
let workdir: string;
let upstream: Server;
let upstreamPort: number;
let proxy: EgressProxy;
const download = pattern(payloadBytes, 7);

beforeAll(async () => {
  launcherPath = buildLauncherFromSource();
  // Outside /tmp: the sandbox gets a private /tmp, and the bridge must still reach the proxy's socket.
  const cache = '/var/tmp/nemoclaw-proxy-bridge/';
  await mkdir(cache, { recursive: true });
  workdir = await mkdtemp(cache);
  upstream = createServer((request, response) => {
    if (request.method === 'GET') {
      response.writeHead(200, { 'content-length': download.length });
      response.end(download);
      return;
    }
    const hash = createHash('sha256');
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      length += chunk.length;
    });
    request.on('end', () => response.end(`${length} ${hash.digest('hex')}`));
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const address = upstream.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  upstreamPort = address.port;
  proxy = await createEgressProxy({
    policies: policy().network_policies,
    listen: { unixSocket: join(workdir, 'proxy.sock') },
  });
});

afterAll(async () => {
  await proxy?.close();
  upstream?.closeAllConnections();
  upstream?.close();
  if (workdir !== undefined) await rm(workdir, { recursive: true, force: true });
});

function policy(): Policy {
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
      `      - { host: 127.0.0.1, port: ${upstreamPort}, allowed_ips: [127.0.0.1] }`,
      '',
    ].join('\n'),
    { workdir },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed));
  return parsed.value;
}

function inSandbox(script: string) {
  return runSandboxed(policy(), ['/bin/sh', '-c', script], {
    workdir,
    launcherPath,
    env: { PATH: '/usr/bin:/bin' },
    bridge: { listen: `127.0.0.1:${bridgePort}`, unix_socket: join(workdir, 'proxy.sock') },
  });
}

const curl = `curl -sS --max-time 60 -x http://127.0.0.1:${bridgePort} --proxytunnel`;

describe('bulk transfers through the sandbox bridge and the proxy', () => {
  it('downloads 24 MB intact (bridge splice + proxy relay)', async () => {
    const result = await inSandbox(`${curl} http://127.0.0.1:${upstreamPort}/download | sha256sum`);
    expect(result.stderr).toBe('');
    expect(result.stdout.split(' ')[0]).toBe(sha256(download));
  });

  it('uploads 24 MB intact', async () => {
    const upload = pattern(payloadBytes, 8);
    await writeFile(join(workdir, 'upload.bin'), upload);
    const result = await inSandbox(`${curl} -T upload.bin http://127.0.0.1:${upstreamPort}/upload`);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${upload.length} ${sha256(upload)}`);
  });
});
