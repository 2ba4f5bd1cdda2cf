/**
 * Attack: a sandboxed agent tries to reach a supervisor's control socket (it could approve its own
 * requests or apply a wider network policy) or read NemoClaw's state (audit logs, presets). Every
 * supervised sandbox has the whole NemoClaw state root masked. Control: the same policy and probe
 * through the plain launcher (no mask) does reach the socket, so the refusal comes from the mask,
 * not from the policy or seccomp.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runSandboxed } from '@nemoclaw/native';
import { loadPolicyFile } from '@nemoclaw/policy';
import { inspectSandbox, sandboxPaths, stopSandbox } from '@nemoclaw/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LifecycleHarness, prepareLifecycle, startSandbox, waitFor, writePolicy } from './support.ts';

let harness: LifecycleHarness;
let policyFile: string;
let probe: string;

// Lists the state directory and connects to the control socket; prints one line each.
const probeScript = `
const net = require('node:net');
const fs = require('node:fs');
const [socket, directory] = process.argv.slice(2);
try { console.log('list ' + fs.readdirSync(directory).join(',')); } catch (error) { console.log('list ' + error.code); }
const connection = net.connect(socket);
connection.on('connect', () => { console.log('connect ok'); connection.destroy(); });
connection.on('error', (error) => console.log('connect ' + error.code));
`;

beforeAll(async () => {
  harness = await prepareLifecycle('self');
  // Generous on purpose: Unix sockets allowed and the state root readable.
  policyFile = writePolicy(harness, 'self.yaml', {
    port: null,
    readOnly: [dirname(harness.home)],
    extra: ['syscalls:', '  allow_unix_sockets: true'],
  });
  probe = join(harness.workdir, 'probe.cjs');
  writeFileSync(probe, probeScript);
  await startSandbox(harness, 'target', policyFile, ['/bin/sh', '-c', 'exec sleep 600']);
});
afterAll(async () => {
  await stopSandbox(harness.home, 'target').catch(() => undefined);
});

describe('a sandbox cannot reach NemoClaw state', () => {
  const target = () => sandboxPaths(harness.home, 'target');

  it('control: without the mask, the same policy lets the probe connect to the control socket', async () => {
    const loaded = loadPolicyFile(policyFile, { workdir: harness.workdir });
    if (!loaded.ok) throw loaded.error;
    const result = await runSandboxed(
      loaded.value,
      ['/usr/bin/node', probe, target().controlSocket, target().directory],
      {
        workdir: harness.workdir,
        launcherPath: harness.launcherPath,
        env: { PATH: '/usr/bin:/bin' },
      },
    );
    expect(result.stdout).toContain('connect ok');
    expect(result.stdout).toMatch(/^list .*control/m);
  });

  it('a supervised sandbox sees an empty, inaccessible state root and cannot connect', async () => {
    await startSandbox(harness, 'attacker', policyFile, [
      '/usr/bin/node',
      probe,
      target().controlSocket,
      target().directory,
    ]);
    await waitFor(() => inspectSandbox(harness.home, 'attacker')?.status === 'exited', 30_000, 'the probe');
    const output = readFileSync(sandboxPaths(harness.home, 'attacker').outputLog, 'utf8');
    expect(output).toMatch(/^list (EACCES|ENOENT)$/m);
    expect(output).toMatch(/^connect (EACCES|ENOENT)$/m);
    expect(output).not.toContain('connect ok');
  });
});
