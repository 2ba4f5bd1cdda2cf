import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEgressProxy } from './egress-proxy.js';
import type { EgressDecision, EgressProxy } from './egress-proxy-types.js';
import {
  type EchoServer,
  openTunnel,
  rawExchange,
  roundTrip,
  startEchoServer,
} from './testing/proxy-test-client.js';

let echo: EchoServer;
let directory: string;
let proxy: EgressProxy | undefined;
const decisions: EgressDecision[] = [];

beforeAll(async () => {
  echo = await startEchoServer();
  directory = await mkdtemp(join(tmpdir(), 'nemoclaw-proxy-test-'));
});
afterAll(async () => {
  await echo.close();
  await rm(directory, { recursive: true, force: true });
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  decisions.length = 0;
});

function gitOnly(binaries: { path: string }[] | undefined) {
  return {
    git: {
      name: 'git',
      endpoints: [{ host: '127.0.0.1', port: echo.port, allowed_ips: ['127.0.0.1'] }],
      ...(binaries === undefined ? {} : { binaries }),
    },
  };
}

async function startOnSocket(policies: Record<string, unknown>, name = 'proxy.sock') {
  proxy = await createEgressProxy({
    policies,
    listen: { unixSocket: join(directory, name) },
    onDecision: (decision) => decisions.push(decision),
  });
  return proxy;
}

const peer = (exe: string, pid = 42, uid = 1000) => `NEMOCLAW-PEER pid=${pid} exe=${exe} uid=${uid}\n`;

describe('Unix socket listener', () => {
  it('creates the socket with mode 0600 even under umask 000', async () => {
    const previous = process.umask(0);
    try {
      const started = await startOnSocket(gitOnly(undefined));
      if (!('unixSocket' in started.address)) throw new Error('expected a unix socket');
      const mode = (await stat(started.address.unixSocket)).mode & 0o777;
      expect(mode.toString(8)).toBe('600');
    } finally {
      process.umask(previous);
    }
  });

  it('replaces a stale socket file, refuses a live one and a regular file', async () => {
    const stalePath = join(directory, 'stale.sock');
    const stale = createServer();
    await new Promise<void>((resolve) => stale.listen(stalePath, resolve));
    const live = await createEgressProxy({ policies: {}, listen: { unixSocket: stalePath } }).catch(
      (error) => error,
    );
    expect(live).toMatchObject({ code: 'proxy-listen-failed' });
    await new Promise<void>((resolve) => stale.close(() => resolve()));
    // A socket file left behind by a killed process (nobody listening) is replaced.
    const child = spawn(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(stalePath)}, () => process.stdout.write('up'))`,
    ]);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect((await stat(stalePath)).isSocket()).toBe(true);
    await startOnSocket({}, 'stale.sock');
    await proxy?.close();
    proxy = undefined;
    const filePath = join(directory, 'file.sock');
    await writeFile(filePath, 'precious');
    await expect(createEgressProxy({ policies: {}, listen: { unixSocket: filePath } })).rejects.toMatchObject(
      {
        code: 'proxy-listen-failed',
        message: expect.stringContaining('is not a socket'),
      },
    );
  });

  it('removes its socket on close', async () => {
    const started = await startOnSocket({}, 'closing.sock');
    await started.close();
    proxy = undefined;
    await expect(stat(join(directory, 'closing.sock'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('NEMOCLAW-PEER preamble and binaries', () => {
  it('lets an allowed binary through and reports the peer', async () => {
    const started = await startOnSocket(gitOnly([{ path: '/usr/bin/git' }]));
    const reply = await openTunnel(started, `127.0.0.1:${echo.port}`, { preamble: peer('/usr/bin/git') });
    expect(reply.status).toBe(200);
    expect(await roundTrip(reply.socket, 'x')).toBe('x');
    reply.socket.destroy();
    expect(decisions[0]).toMatchObject({
      allowed: true,
      binary: '/usr/bin/git',
      peer: { pid: 42, exe: '/usr/bin/git', uid: 1000 },
    });
  });

  it('matches binary globs', async () => {
    const started = await startOnSocket(gitOnly([{ path: '/usr/bin/python3*' }]));
    const reply = await openTunnel(started, `127.0.0.1:${echo.port}`, {
      preamble: peer('/usr/bin/python3.12'),
    });
    expect(reply.status).toBe(200);
    reply.socket.destroy();
  });

  it('refuses a binary that is not listed', async () => {
    const started = await startOnSocket(gitOnly([{ path: '/usr/bin/git' }]));
    const reply = await openTunnel(started, `127.0.0.1:${echo.port}`, { preamble: peer('/usr/bin/curl') });
    expect(reply.status).toBe(403);
    expect(reply.headers['x-nemoclaw-deny-reason']).toBe('binary-not-allowed: /usr/bin/curl');
  });

  it('refuses an unknown binary (exe=-) when binaries are listed', async () => {
    const started = await startOnSocket(gitOnly([{ path: '/usr/bin/git' }]));
    const reply = await openTunnel(started, `127.0.0.1:${echo.port}`, { preamble: peer('-') });
    expect(reply.headers['x-nemoclaw-deny-reason']).toBe('binary-not-allowed: unknown');
  });

  it('refuses a binary that was replaced after exec (" (deleted)")', async () => {
    const started = await startOnSocket(gitOnly([{ path: '/usr/bin/git*' }]));
    const reply = await openTunnel(started, `127.0.0.1:${echo.port}`, {
      preamble: peer('/usr/bin/git%20(deleted)'),
    });
    expect(reply.headers['x-nemoclaw-deny-reason']).toBe('binary-not-allowed: unknown');
  });

  it('refuses every binary when binaries is an empty list', async () => {
    const started = await startOnSocket(gitOnly([]));
    const reply = await openTunnel(started, `127.0.0.1:${echo.port}`, { preamble: peer('/usr/bin/git') });
    expect(reply.status).toBe(403);
  });

  it('refuses a connection without the preamble (a client cannot skip attribution)', async () => {
    const started = await startOnSocket(gitOnly(undefined));
    const answer = await rawExchange(started, `CONNECT 127.0.0.1:${echo.port} HTTP/1.1\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('bad-peer-preamble');
  });

  it('treats a second, client-written preamble as a malformed request (no spoofing)', async () => {
    const started = await startOnSocket(gitOnly([{ path: '/usr/bin/git' }]));
    const answer = await rawExchange(
      started,
      `${peer('/usr/bin/git')}CONNECT 127.0.0.1:${echo.port} HTTP/1.1\r\n\r\n`,
      peer('/usr/bin/curl'),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('in direct mode (no preamble) the binary is unknown, so binaries-restricted entries deny', async () => {
    proxy = await createEgressProxy({ policies: gitOnly([{ path: '/usr/bin/git' }]), listen: { port: 0 } });
    const reply = await openTunnel(proxy, `127.0.0.1:${echo.port}`);
    expect(reply.headers['x-nemoclaw-deny-reason']).toBe('binary-not-allowed: unknown');
  });

  it('accepts the preamble on TCP when asked (peerPreamble: required)', async () => {
    proxy = await createEgressProxy({
      policies: gitOnly([{ path: '/usr/bin/git' }]),
      listen: { port: 0, peerPreamble: 'required' },
    });
    const reply = await openTunnel(proxy, `127.0.0.1:${echo.port}`, { preamble: peer('/usr/bin/git') });
    expect(reply.status).toBe(200);
    reply.socket.destroy();
  });
});
