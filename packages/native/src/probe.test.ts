import { describe, expect, it } from 'vitest';
import { locateLauncher } from './locate-launcher.js';
import { NativeError } from './native-error.js';
import { parseProbeOutput, probe, resolveAbiOverride } from './probe.js';

describe('probe (the real launcher on this kernel)', () => {
  it('reports the kernel, Landlock ABI, seccomp and namespaces, found by trying them', async () => {
    const report = await probe();
    expect(report.launcherPath).toBe(locateLauncher());
    expect(report.kernel).toMatch(/^\d+\.\d+/);
    expect(report.arch).not.toBe('');
    expect(report.kernelLandlockAbi).toBeGreaterThanOrEqual(0);
    expect(report.landlockAbi).toBe(report.kernelLandlockAbi);
    expect(report.abiOverride).toBeNull();
    expect(typeof report.seccompFilter).toBe('boolean');
    expect(report.namespaces.user.available).toBe(report.userNamespaces);
    expect(report.namespaces.net.available).toBe(report.netNamespaces);
    if (!report.userNamespaces) expect(report.userNamespacesReason).not.toBeNull();
  });

  it('reports the overridden ABI (never above the kernel) so older-kernel paths can be exercised', async () => {
    const kernel = (await probe()).kernelLandlockAbi;
    for (const abi of [1, 4, 6]) {
      const report = await probe({ abiOverride: abi });
      expect(report.landlockAbi).toBe(Math.min(abi, kernel));
      expect(report.kernelLandlockAbi).toBe(kernel);
      expect(report.abiOverride).toBe(abi);
    }
    const fromEnv = await probe({ env: { ...process.env, NEMOCLAW_LANDLOCK_ABI: '2' } });
    expect(fromEnv.abiOverride).toBe(2);
  });

  it('fails with LAUNCHER_FAILED when the binary is not a launcher', async () => {
    await expect(probe({ launcherPath: '/bin/false' })).rejects.toMatchObject({ code: 'LAUNCHER_FAILED' });
  });
});

describe('parseProbeOutput', () => {
  const valid = {
    kernel: '6.8.0',
    arch: 'x86_64',
    landlock_abi: 4,
    seccomp: true,
    seccomp_filter: true,
    user_namespaces: false,
    user_namespaces_reason: 'kernel.apparmor_restrict_unprivileged_userns=1',
    net_namespaces: false,
    apparmor_userns_restricted: true,
    no_new_privs: true,
  };
  const context = { launcherPath: '/x', abiOverride: null };

  it('accepts the documented JSON and names missing namespace entries as unknown', () => {
    const report = parseProbeOutput(JSON.stringify(valid), context);
    expect(report).toMatchObject({
      landlockAbi: 4,
      userNamespaces: false,
      userNamespacesReason: 'kernel.apparmor_restrict_unprivileged_userns=1',
      apparmorUsernsRestricted: true,
      launcherVersion: null,
    });
    expect(report.namespaces.pid).toEqual({ available: null, reason: null });
  });

  it('refuses output that is not JSON or not the documented shape, with a clear message', () => {
    expect(() => parseProbeOutput('Segmentation fault', context)).toThrow(/not JSON/);
    expect(() => parseProbeOutput(JSON.stringify({ ...valid, landlock_abi: 'seven' }), context)).toThrow(
      /invalid: landlock_abi/,
    );
    try {
      parseProbeOutput('{}', context);
    } catch (error) {
      expect(error).toBeInstanceOf(NativeError);
      expect((error as NativeError).code).toBe('PROBE_INVALID');
    }
  });
});

describe('resolveAbiOverride', () => {
  it('prefers the explicit value, then NEMOCLAW_LANDLOCK_ABI, else none', () => {
    expect(resolveAbiOverride(3, { NEMOCLAW_LANDLOCK_ABI: '5' })).toBe(3);
    expect(resolveAbiOverride(null, { NEMOCLAW_LANDLOCK_ABI: '5' })).toBeNull();
    expect(resolveAbiOverride(undefined, { NEMOCLAW_LANDLOCK_ABI: '5' })).toBe(5);
    expect(resolveAbiOverride(undefined, {})).toBeNull();
  });

  it('refuses anything but 1..7', () => {
    expect(() => resolveAbiOverride(undefined, { NEMOCLAW_LANDLOCK_ABI: '8' })).toThrow(/from 1 to 7, got 8/);
    expect(() => resolveAbiOverride(undefined, { NEMOCLAW_LANDLOCK_ABI: 'x' })).toThrow(NativeError);
    expect(() => resolveAbiOverride(0, {})).toThrow(/abiOverride/);
  });
});
