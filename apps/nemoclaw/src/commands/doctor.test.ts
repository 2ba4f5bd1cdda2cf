import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type ProbeReport, probe } from '@nemoclaw/native';
import { beforeAll, describe, expect, it } from 'vitest';
import { NemoclawCliError } from '../cli-error.js';
import {
  type DoctorReport,
  defaultRequiredAbi,
  diagnose,
  executeDoctor,
  formatDoctorReport,
} from './doctor.js';

const nativeDir = fileURLToPath(new URL('../../../../native/', import.meta.url));
let launcherPath = '';
let env: Record<string, string> = {};

beforeAll(() => {
  execFileSync('flock', [join(tmpdir(), 'nemoclaw-native-make.lock'), 'make', '-s', '-C', nativeDir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  launcherPath = join(nativeDir, 'build', 'nemoclaw-sandbox-exec');
  env = { NEMOCLAW_SANDBOX_EXEC: launcherPath };
});

function statusOf(report: DoctorReport, feature: string): string | undefined {
  return report.checks.find((check) => check.feature === feature)?.status;
}

async function doctor(json: boolean, extraEnv: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const code = await executeDoctor({ json }, { stdout, env: { ...env, ...extraEnv } });
  await new Promise((resolve) => setImmediate(resolve));
  return { code, output: Buffer.concat(chunks).toString() };
}

describe('nemoclaw doctor on this machine (the real launcher probe)', () => {
  it('prints every domain with what it enforces, and exits 0 when the default policy can run', async () => {
    const kernel = await probe({ launcherPath });
    const { code, output } = await doctor(false);
    for (const domain of [
      'sandbox:',
      'filesystem:',
      'syscalls:',
      'network:',
      'inference:',
      'landlock features:',
    ]) {
      expect(output).toContain(`\n${domain}\n`);
    }
    expect(output).toContain(`kernel ${kernel.kernel}`);
    const ready = kernel.landlockAbi >= defaultRequiredAbi && kernel.userNamespaces && kernel.seccompFilter;
    expect(code).toBe(ready ? 0 : 1);
    expect(output).toContain(ready ? 'ready: the default policy can be enforced' : 'NOT READY');
  });

  it('prints the same report as JSON with --json', async () => {
    const { output } = await doctor(true);
    const report = JSON.parse(output) as DoctorReport;
    expect(report.probe.launcherPath).toBe(launcherPath);
    expect(report.landlock).toHaveLength(7);
    expect(report.checks.map((check) => check.domain)).toEqual(
      expect.arrayContaining(['sandbox', 'filesystem', 'syscalls', 'network', 'inference']),
    );
  });

  it('shows what an older kernel would lack, ABI by ABI (NEMOCLAW_LANDLOCK_ABI)', async () => {
    const kernelAbi = (await probe({ launcherPath })).kernelLandlockAbi;
    for (let abi = 1; abi <= Math.min(kernelAbi, 7); abi++) {
      const { code, output } = await doctor(true, { NEMOCLAW_LANDLOCK_ABI: String(abi) });
      const report = JSON.parse(output) as DoctorReport;
      expect(report.probe.landlockAbi).toBe(abi);
      expect(statusOf(report, 'TCP ports (Landlock)')).toBe(abi >= 4 ? 'ok' : 'limited');
      expect(statusOf(report, 'abstract Unix sockets and signals (scoping)')).toBe(
        abi >= 6 ? 'ok' : 'limited',
      );
      // Every plan leaves scoping, TCP rules and truncate control to the namespaces and the
      // read-only root: the default policy runs from ABI 1 on.
      expect(statusOf(report, 'default policy (hard_requirement)')).toBe(
        abi >= defaultRequiredAbi ? 'ok' : 'missing',
      );
      expect(defaultRequiredAbi).toBe(1);
      expect(report.landlock.filter((entry) => entry.available).map((entry) => entry.abi)).toEqual(
        Array.from({ length: abi }, (_, index) => index + 1),
      );
      expect(code).toBe(report.ready ? 0 : 1);
    }
  });

  it('reports a missing launcher as a clear error', async () => {
    const error = await doctor(false, { NEMOCLAW_SANDBOX_EXEC: '/no/such/launcher' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(NemoclawCliError);
    expect((error as NemoclawCliError).message).toMatch(
      /^doctor: NEMOCLAW_SANDBOX_EXEC=\/no\/such\/launcher/,
    );
  });
});

describe('diagnose: machines unlike this one', () => {
  const ubuntu = (overrides: Partial<ProbeReport>): ProbeReport => ({
    launcherVersion: '0.0.0',
    kernel: '6.8.0-45-generic',
    arch: 'x86_64',
    landlockAbi: 4,
    kernelLandlockAbi: 4,
    abiOverride: null,
    seccomp: true,
    seccompFilter: true,
    userNamespaces: true,
    userNamespacesReason: null,
    netNamespaces: true,
    netNamespacesReason: null,
    namespaces: {
      user: { available: true, reason: null },
      mount: { available: true, reason: null },
      pid: { available: true, reason: null },
      net: { available: true, reason: null },
      ipc: { available: true, reason: null },
      uts: { available: true, reason: null },
      cgroup: { available: true, reason: null },
    },
    procMount: { available: true, reason: null },
    apparmorUsernsRestricted: false,
    noNewPrivs: true,
    launcherPath: '/usr/lib/nemoclaw/nemoclaw-sandbox-exec',
    ...overrides,
  });

  it('explains the AppArmor user-namespace restriction with both fixes', () => {
    const report = diagnose(
      ubuntu({
        userNamespaces: false,
        userNamespacesReason: 'kernel.apparmor_restrict_unprivileged_userns=1',
        netNamespaces: false,
        apparmorUsernsRestricted: true,
      }),
    );
    expect(report.ready).toBe(false);
    const userns = report.checks.find((check) => check.feature === 'user namespaces');
    expect(userns?.status).toBe('missing');
    expect(userns?.detail).toContain('kernel.apparmor_restrict_unprivileged_userns=1');
    expect(userns?.fix).toContain('sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0');
    expect(userns?.fix).toContain('apparmor_parser');
    expect(formatDoctorReport(report)).toContain('AppArmor userns restriction ACTIVE');
  });

  it('names the kernel that brings the missing Landlock ABI (Ubuntu 24.04, ABI 4)', () => {
    const report = diagnose(ubuntu({}), 6);
    const needed = report.checks.find((check) => check.feature === 'default policy (hard_requirement)');
    expect(needed?.status).toBe('missing');
    expect(needed?.fix).toMatch(/kernel >= 6\.12 \(Landlock ABI 6\)/);
    expect(needed?.fix).toContain('best_effort');
    expect(formatDoctorReport(report)).toMatch(/fix: run a kernel >= 6\.12/);
  });

  it('says that filesystem rules are impossible without Landlock', () => {
    const report = diagnose(ubuntu({ landlockAbi: 0, kernelLandlockAbi: 0, kernel: '5.4.0' }));
    const landlock = report.checks.find((check) => check.feature === 'Landlock');
    expect(landlock?.status).toBe('missing');
    expect(landlock?.fix).toContain('CONFIG_SECURITY_LANDLOCK=y');
    expect(report.landlock.every((entry) => !entry.available)).toBe(true);
  });
});
