/**
 * Approvals end to end: a denied request becomes a pending approval (de-duplicated), `approve`
 * allows it through hot reload (session-scoped, or persisted as a preset the user owns), `deny`
 * dismisses it. Real supervisor, proxy, kernel sandbox and loopback server.
 */

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy } from '@nemoclaw/policy';
import {
  approvalPresetPath,
  type PendingApproval,
  sandboxPaths,
  sendControlRequest,
  stopSandbox,
} from '@nemoclaw/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cli,
  json,
  type LifecycleHarness,
  prepareLifecycle,
  startSandbox,
  startUpstream,
  waitFor,
  writePolicy,
} from './support.ts';

let harness: LifecycleHarness;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let other: Awaited<ReturnType<typeof startUpstream>>;
const name = 'appr';

/** Requests go out when the sandboxed loop sees a `go-<n>` file; it writes `done-<n>` with the results. */
const loop = (port: number, otherPort: number) =>
  [
    'n=0',
    'while true; do',
    '  if [ -e go-$n ]; then',
    `    a=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:${port}/a)`,
    `    b=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:${otherPort}/b)`,
    '    echo "$a $b" > done-$n; n=$((n+1))',
    '  fi',
    '  sleep 0.05',
    'done',
  ].join('\n');

let round = 0;
/** Makes the sandbox try both destinations once; resolves to their HTTP statuses. */
async function attempt(): Promise<string> {
  const current = round++;
  writeFileSync(join(harness.workdir, `go-${current}`), '');
  const done = join(harness.workdir, `done-${current}`);
  await waitFor(
    () => {
      try {
        return readFileSync(done, 'utf8').endsWith('\n');
      } catch {
        return false;
      }
    },
    20_000,
    `round ${current}`,
  );
  return readFileSync(done, 'utf8').trim();
}

function control(command: Parameters<typeof sendControlRequest>[1]) {
  return sendControlRequest(sandboxPaths(harness.home, name).controlSocket, command);
}

beforeAll(async () => {
  harness = await prepareLifecycle('appr');
  upstream = await startUpstream();
  other = await startUpstream();
  // Only git may use the endpoint, so curl is refused by binary; the other port is not listed at all.
  const policy = writePolicy(harness, 'appr.yaml', {
    port: upstream.port,
    binaries: '[{ path: /usr/bin/git }]',
  });
  await startSandbox(harness, name, policy, ['/bin/sh', '-c', loop(upstream.port, other.port)]);
});
afterAll(async () => {
  await stopSandbox(harness.home, name).catch(() => undefined);
  upstream.close();
  other.close();
});

describe('approvals', () => {
  it('denied requests become pending approvals, de-duplicated by host:port:binary', async () => {
    expect(await attempt()).toBe('403 403');
    expect(await attempt()).toBe('403 403');
    const pending = (await control({ op: 'approvals' })) as PendingApproval[];
    expect(pending).toHaveLength(2);
    expect(pending).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          host: '127.0.0.1',
          port: upstream.port,
          binary: '/usr/bin/curl',
          attempts: 2,
          reason: 'binary-not-allowed: /usr/bin/curl',
        }),
        expect.objectContaining({
          host: '127.0.0.1',
          port: other.port,
          binary: '/usr/bin/curl',
          attempts: 2,
        }),
      ]),
    );
    const listed = await cli(harness, ['sandbox', 'approvals', name]);
    expect(listed.stdout).toMatch(/^ID\s+DESTINATION\s+BINARY\s+ATTEMPTS\s+REASON/);
    expect(listed.stdout).toContain(`127.0.0.1:${upstream.port}  /usr/bin/curl`);
  });

  it('approve (session) allows exactly that binary and destination at once; deny dismisses', async () => {
    const pending = (await control({ op: 'approvals' })) as PendingApproval[];
    const first = pending.find((entry) => entry.port === upstream.port);
    const second = pending.find((entry) => entry.port === other.port);
    if (first === undefined || second === undefined) throw new Error('missing approvals');
    const approved = await cli(harness, ['sandbox', 'approve', name, first.id, '--json']);
    expect(approved.code).toBe(0);
    expect(json<{ generation: number; preset: string | null }>(approved)).toMatchObject({
      generation: 2,
      preset: null,
    });
    expect(await attempt()).toBe('200 403');

    await control({ op: 'deny', approval: second.id });
    const left = (await control({ op: 'approvals' })) as PendingApproval[];
    // Approving and denying both take the entry off the list (a later refusal would add it again).
    expect(left.map((entry) => entry.id)).not.toContain(first.id);
    expect(left.map((entry) => entry.id)).not.toContain(second.id);
    await expect(control({ op: 'approve', approval: 'nope', persist: false })).rejects.toMatchObject({
      code: 'sandbox-no-such-approval',
    });
    // A session approval is not written anywhere the user's policy would pick up.
    expect(() => statSync(approvalPresetPath(harness.home, name))).toThrow();
  });

  it('approve --persist writes a preset the user owns (0600) that the sandbox policy extends', async () => {
    expect(await attempt()).toBe('200 403');
    const pending = (await control({ op: 'approvals' })) as PendingApproval[];
    const entry = pending.find((candidate) => candidate.port === other.port);
    if (entry === undefined) throw new Error('no pending approval for the other port');
    const result = (await control({ op: 'approve', approval: entry.id, persist: true })) as {
      preset: string;
    };
    const preset = approvalPresetPath(harness.home, name);
    expect(result.preset).toBe(preset);
    expect(statSync(preset).mode & 0o777).toBe(0o600);
    expect(statSync(preset).uid).toBe(process.getuid?.());
    expect(await attempt()).toBe('200 200');

    // The preset loads as a policy, and the sandbox's stored policy extends it.
    const presetText = readFileSync(preset, 'utf8');
    expect(presetText).toContain(`port: ${other.port}`);
    const stored = readFileSync(sandboxPaths(harness.home, name).policyFile, 'utf8');
    expect(stored.startsWith(`extends: [${JSON.stringify(preset)}]`)).toBe(true);
    const loaded = parsePolicy(stored, { workdir: harness.workdir });
    expect(loaded.ok).toBe(true);
    if (loaded.ok) {
      const endpoints = Object.values(loaded.value.network_policies ?? {}).flatMap(
        (entry) => entry.endpoints,
      );
      expect(endpoints.map((endpoint) => endpoint.port)).toContain(other.port);
    }
  });
});
