import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AttackWorld,
  createWorld,
  expectSucceeded,
  inSandbox,
  outside,
  probeInside,
  probeOutside,
  shippedPolicy,
} from './support/harness.ts';
import { type Listener, settle, tcpListener, udpListener, waitFor } from './support/listeners.ts';

// "Direct network" attempts: the sandbox has an empty network namespace (loopback only) and, on
// Landlock ABI >= 4, no TCP connect/bind at all. (Attempts through the egress proxy are tested
// with the proxy, in test/proxy.) Listeners run on 127.0.0.1 OUTSIDE the sandbox.
let world: AttackWorld;
let listener: Listener;
beforeAll(() => {
  world = createWorld('net');
});
afterAll(() => world.dispose());
afterEach(async () => {
  await listener.close();
});

const defaultPolicy = () => shippedPolicy('default', world);
const proxyEnvironment = (port: number) => ({
  PATH: '/usr/bin:/bin',
  HOME: world.home,
  LANG: 'C.UTF-8',
  HTTP_PROXY: `http://127.0.0.1:${port}`,
  HTTPS_PROXY: `http://127.0.0.1:${port}`,
});

describe('direct connections', () => {
  it('TCP to a real listener on 127.0.0.1 outside, ignoring HTTP_PROXY: EACCES (Landlock TCP rules)', async () => {
    listener = await tcpListener();
    const port = String(listener.port);
    const attempt = await probeInside(['tcp-connect', '127.0.0.1', port], {
      world,
      policy: defaultPolicy(),
      env: proxyEnvironment(listener.port),
    });
    expect(attempt.outcome).toBe('EACCES');
    await settle();
    expect(listener.hits()).toBe(0);
    expectSucceeded(probeOutside(['tcp-connect', '127.0.0.1', port])); // control
    expect(await waitFor(() => listener.received().includes('pwned'))).toBe(true);
  });

  it('TCP over IPv6 to a real listener on ::1 outside: EACCES', async (context) => {
    try {
      listener = await tcpListener('::1');
    } catch {
      listener = await tcpListener(); // keeps afterEach simple
      context.skip('no IPv6 loopback on this machine');
    }
    const port = String(listener.port);
    expect(
      (await probeInside(['tcp6-connect', '::1', port], { world, policy: defaultPolicy() })).outcome,
    ).toBe('EACCES');
    await settle();
    expect(listener.hits()).toBe(0);
    expectSucceeded(probeOutside(['tcp6-connect', '::1', port]));
    expect(await waitFor(() => listener.hits() === 1)).toBe(true);
  });

  it.each([
    ['TCP Fast Open (sendto MSG_FASTOPEN)', 'tcp-fastopen'],
    ['MPTCP', 'mptcp-connect'],
  ])(
    '%s, the paths Landlock TCP rules do not cover, to a listener outside: nothing arrives',
    async (_name, operation) => {
      listener = await tcpListener();
      const port = String(listener.port);
      const attempt = await probeInside([operation, '127.0.0.1', port], { world, policy: defaultPolicy() });
      expect(['EACCES', 'ECONNREFUSED', 'EPERM', 'EPROTONOSUPPORT', 'EINVAL']).toContain(attempt.outcome);
      await settle();
      expect(listener.hits()).toBe(0);
      const control = probeOutside([operation, '127.0.0.1', port]);
      if (control.outcome === 'ok') {
        await settle();
        expect(listener.hits()).toBe(1);
      } else {
        // MPTCP can be disabled in the kernel (net.mptcp.enabled=0): then there is nothing to escape with.
        expect(control.outcome).toMatch(/^(EPROTONOSUPPORT|ENOPROTOOPT|EINVAL)$/);
      }
    },
  );

  it('TCP to a non-loopback address: no route in the empty namespace', async () => {
    listener = await tcpListener();
    // 192.0.2.1 is TEST-NET-1; inside the sandbox's empty namespace nothing can leave anyway.
    const attempt = await probeInside(['tcp-connect', '192.0.2.1', '443'], {
      world,
      policy: defaultPolicy(),
    });
    expect(['EACCES', 'ENETUNREACH']).toContain(attempt.outcome);
  });

  it("bash's /dev/tcp to the listener: Permission denied; control: works outside", async () => {
    listener = await tcpListener();
    const script = `echo pwned > /dev/tcp/127.0.0.1/${listener.port}; echo "rc=$?"`;
    const attempt = await inSandbox(['bash', '-c', script], { world, policy: defaultPolicy() });
    expect(attempt.stdout).toContain('rc=1');
    expect(attempt.stderr).toMatch(/Permission denied/);
    await settle();
    expect(listener.hits()).toBe(0);
    expect(outside(['bash', '-c', script]).stdout).toContain('rc=0');
    expect(await waitFor(() => listener.hits() === 1)).toBe(true);
  });

  it('UDP to a listener on 127.0.0.1 outside never arrives (separate loopback); non-loopback: ENETUNREACH', async () => {
    listener = await udpListener();
    const port = String(listener.port);
    // sendto on the sandbox's own loopback succeeds locally, but reaches nothing outside.
    const attempt = await probeInside(['udp-send', '127.0.0.1', port], { world, policy: defaultPolicy() });
    expect(['ok', 'ECONNREFUSED', 'EACCES', 'EPERM']).toContain(attempt.outcome);
    expect(
      (await probeInside(['udp-send', '192.0.2.1', '53'], { world, policy: defaultPolicy() })).outcome,
    ).toBe('ENETUNREACH');
    await settle();
    expect(listener.hits()).toBe(0);
    expectSucceeded(probeOutside(['udp-send', '127.0.0.1', port])); // control
    expect(await waitFor(() => listener.hits() === 1)).toBe(true);
  });
});

describe('DNS', () => {
  it('name lookups fail inside (no resolver reachable)', async () => {
    listener = await udpListener();
    const lookups = await inSandbox(
      [
        'python3',
        '-c',
        "import socket\ntry:\n    socket.getaddrinfo('example.com', 443)\n    print('resolved')\nexcept OSError as error:\n    print('failed', type(error).__name__)",
      ],
      { world, policy: defaultPolicy() },
    );
    expect(lookups.stdout).toMatch(/^failed gaierror/);
    const getent = await inSandbox(['getent', 'hosts', 'example.com'], { world, policy: defaultPolicy() });
    expect(getent.code).not.toBe(0);
    expect(getent.stdout).toBe('');
  });

  it('a DNS query (exfiltration attempt) to a resolver on 127.0.0.1 outside never arrives; control: it does', async () => {
    listener = await udpListener();
    const port = String(listener.port);
    await probeInside(['udp-send', '127.0.0.1', port], { world, policy: defaultPolicy() });
    await inSandbox(
      [
        'python3',
        '-c',
        `import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ntry:\n    s.sendto(b'\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x06secret\\x07example\\x03com\\x00\\x00\\x01\\x00\\x01', ('127.0.0.1', ${port}))\nexcept OSError:\n    pass`,
      ],
      { world, policy: defaultPolicy() },
    );
    await settle();
    expect(listener.hits()).toBe(0);
    expectSucceeded(probeOutside(['udp-send', '127.0.0.1', port]));
    expect(await waitFor(() => listener.hits() === 1)).toBe(true);
  });
});
